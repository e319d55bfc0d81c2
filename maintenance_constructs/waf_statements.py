"""WAF statements of the maintenance rules (CloudFront and regional web ACLs), as CDK L1
property objects."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_wafv2 as wafv2

from .shared import BYPASS_HEADER, bypass_cookie

__all__ = ["NORMALIZED_PATH", "block_statement", "carries_token", "path_is"]

W = wafv2.CfnWebACL
_NO_TRANSFORMATION = [W.TextTransformationProperty(priority=0, type="NONE")]
# The path is decoded, then normalized (repeated slashes, "./" and "../" resolved), before it
# is compared: "/health/../admin" and "/health/%2e%2e/admin" no longer start with "/health".
# The transformations run on the request's path only, never on the search string.
NORMALIZED_PATH = [
    W.TextTransformationProperty(priority=0, type="URL_DECODE"),
    W.TextTransformationProperty(priority=1, type="NORMALIZE_PATH"),
]


def _any_of(statements: Sequence[W.StatementProperty]) -> W.StatementProperty:
    if len(statements) == 1:
        return statements[0]
    return W.StatementProperty(or_statement=W.OrStatementProperty(statements=list(statements)))


def _not(statement: W.StatementProperty) -> W.StatementProperty:
    return W.StatementProperty(not_statement=W.NotStatementProperty(statement=statement))


def _byte_match(
    field: W.FieldToMatchProperty,
    constraint: str,
    value: str,
    transformations: Sequence[W.TextTransformationProperty],
) -> W.StatementProperty:
    return W.StatementProperty(
        byte_match_statement=W.ByteMatchStatementProperty(
            field_to_match=field,
            positional_constraint=constraint,
            search_string=value,
            text_transformations=list(transformations),
        )
    )


def _path_starts_with(prefix: str) -> W.StatementProperty:
    return _byte_match(W.FieldToMatchProperty(uri_path={}), "STARTS_WITH", prefix, NORMALIZED_PATH)


def _accepts_html() -> W.StatementProperty:
    return W.StatementProperty(
        byte_match_statement=W.ByteMatchStatementProperty(
            field_to_match=W.FieldToMatchProperty(single_header={"Name": "accept"}),
            positional_constraint="CONTAINS",
            search_string="text/html",
            text_transformations=[W.TextTransformationProperty(priority=0, type="LOWERCASE")],
        )
    )


def _every_request() -> W.StatementProperty:
    # WAF needs a statement; every URI path has a size of at least 0.
    return W.StatementProperty(
        size_constraint_statement=W.SizeConstraintStatementProperty(
            comparison_operator="GE",
            field_to_match=W.FieldToMatchProperty(uri_path={}),
            size=0,
            text_transformations=_NO_TRANSFORMATION,
        )
    )


def _header(name: str, constraint: str, value: str) -> W.StatementProperty:
    field = W.FieldToMatchProperty(single_header={"Name": name})
    return _byte_match(field, constraint, value, _NO_TRANSFORMATION)


def carries_token(token: str) -> W.StatementProperty:
    """The request carries the bypass token: in its header, or in its cookie."""
    return _any_of(
        [
            _header(BYPASS_HEADER.lower(), "EXACTLY", token),
            _header("cookie", "CONTAINS", bypass_cookie(token)),
        ]
    )


def path_is(path: str) -> W.StatementProperty:
    """The request's path is exactly ``path`` (as sent)."""
    return _byte_match(W.FieldToMatchProperty(uri_path={}), "EXACTLY", path, _NO_TRANSFORMATION)


def block_statement(
    *,
    ip_set_arns: Sequence[str],
    bypass_paths: Sequence[str],
    browser: bool,
    bypass_token: str | None = None,
) -> W.StatementProperty:
    """Matches requests from outside every IP set, outside every bypass prefix and without the
    bypass token; with ``browser``, only those whose ``Accept`` header contains
    ``text/html``."""
    parts: list[W.StatementProperty] = []
    if ip_set_arns:
        refs = [
            W.StatementProperty(
                ip_set_reference_statement=W.IPSetReferenceStatementProperty(arn=arn)
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
    if not parts:
        return _every_request()
    if len(parts) == 1:
        return parts[0]
    return W.StatementProperty(and_statement=W.AndStatementProperty(statements=parts))
