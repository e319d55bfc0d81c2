"""The offline tooling: the ``maintenance-constructs`` command (``set``, ``status``,
``preview``, ``check``, ``serve`` and ``switch``) and the layers it stands on.

Layers, each importing only those below it (``tests/test_architecture.py`` holds this):

* ``cli``: the argument parsing of each command, and the AWS client;
* the commands, which never import one another: ``preview`` (the report and the diff),
  ``edge`` (the local edge, ``serve``, ``check`` and its probes) and ``switch`` (the store
  protocol of the runtime switch);
* ``doors``: each kind of front door built from the templates, with its sample requests;
* ``app``: synthesizing the app in both states, reading its assembly, context and cdk.json;
* ``evaluate``: a request against listener rules, a web ACL or the function (run on Node/njs);
* ``model``: requests, answers, front doors and their rows, door and client kinds.

These run outside a synthesis, on a cloud assembly (``cdk.out``) or a ``cdk.json``: they never
import the CDK nor start its JavaScript runtime themselves (an app they synthesize runs in its
own process). The constructs, which run inside a synthesis, live in the package above.
"""
