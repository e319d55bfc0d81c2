"""The front doors that carry maintenance rules, each kind built from the templates with its
sample requests and its who-gets-what table: ALB listeners (``listener_doors``), web ACLs
(``web_acl_doors``), CloudFront Functions (``function_doors``), all of them (``front_doors``),
the sample clients and requests (``samples``) and the notes under a table (``door_notes``)."""
