"""A request evaluated offline as AWS would: against ALB listener rules
(``listener_evaluator``), a WAF web ACL (``web_acl_evaluator``), or a CloudFront Function,
whose code and configuration are read from the template (``function_code``) and run on Node or
njs (``function_engines``)."""
