"""The CloudFront Function front door: a viewer-request function and a KeyValueStore, so that
maintenance is switched in seconds at run time and in scheduled windows.

``construct`` holds :class:`CloudFrontFunctionMaintenance`; ``plan`` builds the function's code
and configuration without the CDK; ``windows`` holds :class:`MaintenanceWindow`;
``associations`` attaches the function to the distribution's behaviors at synthesis;
``handler.js`` is the function itself.

Nothing is imported here, so the pure modules stay importable without the CDK.
"""
