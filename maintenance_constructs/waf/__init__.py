"""The WAF front doors: a maintenance rule in a web ACL of scope CLOUDFRONT
(:class:`CloudFrontMaintenance`) or REGIONAL (:class:`RegionalMaintenance`).

``base`` is the construct both share; ``plan`` decides rule names, priorities and answers
without the CDK; ``statements`` and ``rules`` build the rules' properties; ``checks`` looks at
the whole web ACL; ``wcu`` estimates its capacity; ``regional_arns`` reads the resources a
regional web ACL is associated with.

Nothing is imported here, so the pure modules stay importable without the CDK.
"""
