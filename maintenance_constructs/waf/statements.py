"""WAF statements of the maintenance rules (CloudFront and regional web ACLs), as CDK L1
property objects."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_wafv2 as wafv2

from ..scope import EVERY_REQUEST, MaintenanceScope
from ..shared import BYPASS_HEADER, bypass_cookie

__all__ = [
    "NORMALIZED_PATH",
    "READ_OTHERWISE_WCU",
    "SCOPE_PATH",
    "block_statement",
    "carries_token",
    "in_scope",
    "path_is",
]

WebAcl = wafv2.CfnWebACL
_NO_TRANSFORMATION = [WebAcl.TextTransformationProperty(priority=0, type="NONE")]
# The path is decoded, then normalized (repeated slashes, "./" and "../" resolved), before it
# is compared: "/health/../admin" and "/health/%2e%2e/admin" no longer start with "/health".
# The transformations run on the request's path only, never on the search string.
NORMALIZED_PATH = [
    WebAcl.TextTransformationProperty(priority=0, type="URL_DECODE"),
    WebAcl.TextTransformationProperty(priority=1, type="NORMALIZE_PATH"),
]
_DECODED_PATH = [WebAcl.TextTransformationProperty(priority=0, type="URL_DECODE")]
# A scope's paths are compared as a Windows origin reads them too: NORMALIZE_PATH_WIN turns
# backslashes into slashes before it normalizes, so "/checkout\pay" is "/checkout/pay".
SCOPE_PATH = [
    WebAcl.TextTransformationProperty(priority=0, type="URL_DECODE"),
    WebAcl.TextTransformationProperty(priority=1, type="NORMALIZE_PATH_WIN"),
]


def _any_of(statements: Sequence[WebAcl.StatementProperty]) -> WebAcl.StatementProperty:
    if len(statements) == 1:
        return statements[0]
    return WebAcl.StatementProperty(
        or_statement=WebAcl.OrStatementProperty(statements=list(statements))
    )


def _not(statement: WebAcl.StatementProperty) -> WebAcl.StatementProperty:
    return WebAcl.StatementProperty(not_statement=WebAcl.NotStatementProperty(statement=statement))


def _byte_match(
    field: WebAcl.FieldToMatchProperty,
    constraint: str,
    value: str,
    transformations: Sequence[WebAcl.TextTransformationProperty],
) -> WebAcl.StatementProperty:
    return WebAcl.StatementProperty(
        byte_match_statement=WebAcl.ByteMatchStatementProperty(
            field_to_match=field,
            positional_constraint=constraint,
            search_string=value,
            text_transformations=list(transformations),
        )
    )


def _path_starts_with(prefix: str) -> WebAcl.StatementProperty:
    return _byte_match(
        WebAcl.FieldToMatchProperty(uri_path={}), "STARTS_WITH", prefix, NORMALIZED_PATH
    )


def _method_is(method: str) -> WebAcl.StatementProperty:
    return _byte_match(
        WebAcl.FieldToMatchProperty(method={}), "EXACTLY", method, _NO_TRANSFORMATION
    )


READ_OTHERWISE_WCU = (10 + 10) + 2 * (2 + 2 * 10)
"""The capacity the checks of :func:`_read_otherwise` add to each rule with a scope's paths:
a ``CONTAINS`` match (10) with one transformation (10), and two matches (2 each) with two
transformations each (10 each)."""


def _read_otherwise() -> list[WebAcl.StatementProperty]:
    """Paths an origin may read as another path than the WAF sees, in scope whatever they
    look like: a ``;`` anywhere in the decoded path (Tomcat, Spring and Jetty drop ``;`` path
    parameters: ``/cart;jsessionid=1`` is ``/cart``), and a normalized path that still starts
    with a back-reference (NORMALIZE_PATH keeps a ``..`` at the beginning of the input, where
    origins resolve ``/../checkout/pay`` to ``/checkout/pay``)."""
    path = WebAcl.FieldToMatchProperty(uri_path={})
    return [
        _byte_match(path, "CONTAINS", ";", _DECODED_PATH),
        _byte_match(path, "STARTS_WITH", "/../", SCOPE_PATH),
        _byte_match(path, "EXACTLY", "/..", SCOPE_PATH),
    ]


def _scope_paths(scope: MaintenanceScope) -> list[WebAcl.StatementProperty]:
    """One match per pattern (``STARTS_WITH`` a prefix, ``EXACTLY`` an exact path) on the
    decoded path normalized as on Windows, then the paths an origin reads otherwise; empty
    when the scope covers every path."""
    path = WebAcl.FieldToMatchProperty(uri_path={})
    patterns = [
        _byte_match(path, "STARTS_WITH" if p.prefix else "EXACTLY", p.value, SCOPE_PATH)
        for p in scope.patterns()
    ]
    return patterns + _read_otherwise() if patterns else []


def in_scope(scope: MaintenanceScope) -> list[WebAcl.StatementProperty]:
    """What a request must match to be under maintenance: one of ``scope``'s methods, and one
    of its paths (exactly, or by prefix) after decoding and normalizing, backslashes read as
    slashes (``/a/../checkout/x`` and ``/checkout\\x`` are under ``/checkout/*``), or a path
    an origin reads otherwise (:func:`_read_otherwise`). Empty for every request."""
    parts = []
    if scope.methods is not None:
        parts.append(_any_of([_method_is(m) for m in scope.methods]))
    paths = _scope_paths(scope)
    if paths:
        parts.append(_any_of(paths))
    return parts


def _accepts_html() -> WebAcl.StatementProperty:
    return WebAcl.StatementProperty(
        byte_match_statement=WebAcl.ByteMatchStatementProperty(
            field_to_match=WebAcl.FieldToMatchProperty(single_header={"Name": "accept"}),
            positional_constraint="CONTAINS",
            search_string="text/html",
            text_transformations=[WebAcl.TextTransformationProperty(priority=0, type="LOWERCASE")],
        )
    )


def _every_request() -> WebAcl.StatementProperty:
    # WAF needs a statement; every URI path has a size of at least 0.
    return WebAcl.StatementProperty(
        size_constraint_statement=WebAcl.SizeConstraintStatementProperty(
            comparison_operator="GE",
            field_to_match=WebAcl.FieldToMatchProperty(uri_path={}),
            size=0,
            text_transformations=_NO_TRANSFORMATION,
        )
    )


def _header(name: str, constraint: str, value: str) -> WebAcl.StatementProperty:
    field = WebAcl.FieldToMatchProperty(single_header={"Name": name})
    return _byte_match(field, constraint, value, _NO_TRANSFORMATION)


def carries_token(token: str) -> WebAcl.StatementProperty:
    """The request carries the bypass token: in its header, or in its cookie."""
    return _any_of(
        [
            _header(BYPASS_HEADER.lower(), "EXACTLY", token),
            _header("cookie", "CONTAINS", bypass_cookie(token)),
        ]
    )


def path_is(path: str) -> WebAcl.StatementProperty:
    """The request's path is exactly ``path`` (as sent)."""
    return _byte_match(
        WebAcl.FieldToMatchProperty(uri_path={}), "EXACTLY", path, _NO_TRANSFORMATION
    )


def block_statement(
    *,
    ip_set_arns: Sequence[str],
    bypass_paths: Sequence[str],
    browser: bool,
    bypass_token: str | None = None,
    scope: MaintenanceScope = EVERY_REQUEST,
) -> WebAcl.StatementProperty:
    """Matches requests from outside every IP set, outside every bypass prefix and without the
    bypass token; with ``browser``, only those whose ``Accept`` header contains
    ``text/html``; of those, only the ones in ``scope`` (default: every request)."""
    parts: list[WebAcl.StatementProperty] = []
    if ip_set_arns:
        refs = [
            WebAcl.StatementProperty(
                ip_set_reference_statement=WebAcl.IPSetReferenceStatementProperty(arn=arn)
            )
            for arn in ip_set_arns
        ]
        parts.append(_not(_any_of(refs)))
    if bypass_paths:
        parts.append(_not(_any_of([_path_starts_with(p) for p in bypass_paths])))
    if bypass_token is not None:
        parts.append(_not(carries_token(bypass_token)))
    if browser:
        parts.append(_accepts_html())
    parts += in_scope(scope)
    if not parts:
        return _every_request()
    if len(parts) == 1:
        return parts[0]
    return WebAcl.StatementProperty(and_statement=WebAcl.AndStatementProperty(statements=parts))
