"""Names and forms shared by the constructs and the offline tools, written once: what carries
the operator bypass token and how, the paths the ALB rules use, which listener actions sign a
user in, and the cloud assembly metadata the tools read. No CDK import here: the tools must not
start the CDK's JavaScript runtime.
"""

from __future__ import annotations

import re

from .errors import MaintenanceConfigError

__all__ = [
    "AUTHENTICATING_ACTIONS",
    "BYPASS_COOKIE",
    "BYPASS_HEADER",
    "BYPASS_TOKEN_CHARACTERS",
    "BYPASS_TOKEN_LENGTHS",
    "DOT_SEGMENT_PATTERNS",
    "EVERY_PATH",
    "FUNCTION_METADATA_TYPE",
    "SCOPE_METADATA_TYPE",
    "SINGLE_DOT_PATTERNS",
    "STATE_METADATA_TYPE",
    "STORE_METADATA_TYPE",
    "TOKEN_PARAMETER_METADATA_TYPE",
    "TRAVERSAL_PATTERNS",
    "WAF_RULES_METADATA_TYPE",
    "alb_cookie_pattern",
    "bypass_cookie",
    "check_link_path",
    "cookie_from_pattern",
    "path_problem",
]

BYPASS_HEADER = "X-Maintenance-Bypass"
"""The request header that carries the bypass token (curl, API clients)."""
BYPASS_COOKIE = "maintenance_bypass"
"""The cookie that carries the bypass token (browsers)."""
BYPASS_TOKEN_LENGTHS = (16, 100)
"""The shortest and longest bypass token: guessable below, and over the ALB's 128 characters
per header value once inside the cookie pattern above."""
BYPASS_TOKEN_CHARACTERS = "A-Za-z0-9._~+/=-"
"""The characters a bypass token may have (a regular expression character class's body): they
stand in a header and a cookie value unquoted, and an ALB reads none of them as a wildcard."""
AUTHENTICATING_ACTIONS = ("authenticate-oidc", "authenticate-cognito", "jwt-validation")
"""Listener action types that sign a request's user in before the next action."""

EVERY_PATH = "/*"
"""The path pattern of an ALB maintenance rule that covers every host (a rule needs a
condition; every request path starts with ``/``)."""
TRAVERSAL_PATTERNS = ("*/../*", "*/..")
"""Paths with a ``..`` segment: an ALB guard rule answers them with the maintenance response
before a wildcard bypass pattern (``/static/*``) could forward ``/static/../admin``."""
SINGLE_DOT_PATTERNS = ("*/./*", "*/.")
"""Paths with a ``.`` segment (``/./checkout/pay``, ``/cart/.``), which nginx, Tomcat and most
origins drop: it cannot step out of a bypass prefix, but it can hide a scoped path from an ALB
path pattern (``/checkout/*`` does not match ``/./checkout/pay``)."""
DOT_SEGMENT_PATTERNS = TRAVERSAL_PATTERNS + SINGLE_DOT_PATTERNS
"""Paths with a ``.`` or ``..`` segment: the rules of an ALB ``paths=`` scope answer them (for
the scope's methods), since the app may resolve them into a scoped path."""

STATE_METADATA_TYPE = "maintenance-constructs:state"
"""Construct metadata: whether a maintenance construct is on (read by status and preview)."""
SCOPE_METADATA_TYPE = "maintenance-constructs:scope"
"""Construct metadata: what a maintenance construct turns away, ``{"methods": [...] or null,
"paths": [...] or null}`` (null: every one), read by preview, serve and check."""
WAF_RULES_METADATA_TYPE = "maintenance-constructs:waf-rules"
"""Construct metadata: the web ACL rules a WAF construct owns."""
TOKEN_PARAMETER_METADATA_TYPE = "maintenance-constructs:token-parameter"
"""Construct metadata naming the CloudFormation parameter a construct adds while on (the
bypass token's SSM parameter), so the tools count it as part of the toggle."""


MAX_PATTERN_LENGTH = 128
"""The longest host or path pattern an ALB condition value takes."""
_PATH = re.compile(r"[A-Za-z0-9_\-.$/~\"'@:+&*?]+")


def path_problem(path: str) -> str | None:
    """What makes ``path`` unusable as a path pattern on every front door (the characters an
    ALB path pattern takes, its length, a leading ``/``), or None."""
    if not path.startswith("/"):
        return "must start with '/'"
    if len(path) > MAX_PATTERN_LENGTH:
        return f"must be at most {MAX_PATTERN_LENGTH} characters (it has {len(path)})"
    if not _PATH.fullmatch(path):
        return "may hold only A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & * ?"
    return None


def bypass_cookie(token: str) -> str:
    """``maintenance_bypass=<token>``: what the cookie header holds (and the WAF link sets)."""
    return f"{BYPASS_COOKIE}={token}"


def alb_cookie_pattern(token: str) -> str:
    """The ALB http-header pattern that finds the cookie anywhere in a ``Cookie`` header."""
    return f"*{bypass_cookie(token)}*"


def cookie_from_pattern(pattern: str) -> str:
    """The cookie an :func:`alb_cookie_pattern` matches (for a sample request)."""
    return pattern.strip("*")


_LINK_PREFIX = re.compile(r"/[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*/")


def check_link_path(prefix: object) -> str:
    """The bypass link's prefix: a path a browser sends as written (no dot segments, no
    characters it would encode), starting and ending with ``/``."""
    if not isinstance(prefix, str) or not _LINK_PREFIX.fullmatch(prefix):
        raise MaintenanceConfigError(
            f"bypass_link_prefix: {prefix!r} is not a path prefix such as '/__maintenance/': "
            "start and end it with '/', with letters, digits and . _ ~ - between (no spaces, "
            "control characters or line breaks)."
        )
    if any(segment in (".", "..") for segment in prefix.split("/")):
        raise MaintenanceConfigError(
            f"bypass_link_prefix: {prefix!r} has a '.' or '..' segment, which a browser "
            "resolves before sending, so the link would never arrive as written; use plain "
            "names, e.g. '/__maintenance/'."
        )
    return prefix


STORE_METADATA_TYPE = "maintenance-constructs:key-value-store"
"""Metadata naming the stack output that holds a CloudFrontFunctionMaintenance's store ARN:
``{"stack": name, "output": logical id, "region": region or None}``, for ``switch``."""
FUNCTION_METADATA_TYPE = "maintenance-constructs:function"
"""Metadata naming a CloudFrontFunctionMaintenance's function (``{"function": logical id}``),
for the preview's diff."""
