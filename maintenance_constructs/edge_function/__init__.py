"""The CloudFront Function front door: a viewer-request function and a KeyValueStore, so that
maintenance is switched in seconds at run time and in scheduled windows.

``construct`` holds :class:`CloudFrontFunctionMaintenance`; ``config`` the function's
configuration, typed; ``code_writer`` writes it into ``handler.js`` (the function itself) and
``size`` checks the result, without the CDK; ``allowlist``, ``store_value``, ``end_marker`` and
``windows`` hold what the configuration is made of; ``compose`` and ``combined`` run an app's own
viewer-request function after the maintenance code; ``associations`` attaches the functions to
the distribution's behaviors at synthesis.

Nothing is imported here, so the pure modules stay importable without the CDK.
"""
