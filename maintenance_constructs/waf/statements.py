"""WAF statements of the maintenance rules (CloudFront and regional web ACLs), as CDK L1
property objects."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_wafv2 as wafv2

from ..scope import EVERY_REQUEST, MaintenanceScope
from ..shared import BYPASS_HEADER, bypass_cookie

__all__ = ["NORMALIZED_PATH", "block_statement", "carries_token", "in_scope", "path_is"]

WebAcl = wafv2.CfnWebACL
_NO_TRANSFORMATION = [WebAcl.TextTransformationProperty(priority=0, type="NONE")]
# The path is decoded, then normalized (repeated slashes, "./" and "../" resolved), before it
# is compared: "/health/../admin" and "/health/%2e%2e/admin" no longer start with "/health".
# The transformations run on the request's path only, never on the search string.
NORMALIZED_PATH = [
    WebAcl.TextTransformationProperty(priority=0, type="URL_DECODE"),
    WebAcl.TextTransformationProperty(priority=1, type="NORMALIZE_PATH"),
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


def in_scope(scope: MaintenanceScope) -> list[WebAcl.StatementProperty]:
    """What a request must match to be under maintenance: one of ``scope``'s methods, and one
    of its paths (exactly, or by prefix) compared as the bypass paths are, after decoding and
    normalizing (``/a/../checkout/x`` is under ``/checkout/*``). Empty for every request."""
    parts = []
    if scope.methods is not None:
        parts.append(_any_of([_method_is(m) for m in scope.methods]))
    path = WebAcl.FieldToMatchProperty(uri_path={})
    patterns = [
        _byte_match(path, "STARTS_WITH" if p.prefix else "EXACTLY", p.value, NORMALIZED_PATH)
        for p in scope.patterns()
    ]
    if patterns:
        parts.append(_any_of(patterns))
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
