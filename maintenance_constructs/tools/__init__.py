"""The offline tooling: the ``maintenance-constructs`` command, the toggle preview, the request
evaluator and cloud-assembly reading.

These run outside a synthesis, on a cloud assembly (``cdk.out``) or a ``cdk.json``: they never
start the CDK's JavaScript runtime themselves (an app they synthesize runs in its own process).
The constructs, which run inside a synthesis, live in the package above.
"""
