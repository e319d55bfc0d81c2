"""The ALB front door: maintenance rules on an Application Load Balancer listener.

``construct`` holds :class:`AlbMaintenance`; ``plan`` (with ``window``, ``cover``, ``routes``
and ``plan_checks``) decides the rules without the CDK; ``synthesis`` plans again when the app
synthesizes (the app's own routing, the window's place); ``checks`` and ``neighbours`` look at
the whole tree; ``actions`` and ``app_routing`` render what allowed requests get.

Nothing is imported here, so the pure modules stay importable without the CDK.
"""
