"""WAF building blocks shared by the WAF front doors (CloudFront and regional): limits,
parameter checks, the maintenance rules and appending them to an existing web ACL."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from aws_cdk import Stack
from aws_cdk import aws_wafv2 as wafv2

from ..bypass_token import BYPASS_TOKEN_LENGTHS
from ..errors import MaintenanceConfigError
from ..response import MaintenanceResponse
from ..scope import EVERY_REQUEST, MaintenanceScope
from ..shared import bypass_cookie, check_link_path
from ..values import check_literal_number
from .plan import BROWSER_SUFFIX, LINK_SUFFIX
from .statements import READ_OTHERWISE_WCU
from .wcu import MAX_WEB_ACL_WCU, Capacity

__all__ = [
    "WAF_MAX_BODY_BYTES",
    "WAF_MAX_IP_SET_ADDRESSES",
    "WAF_MAX_PRIORITY",
    "WAF_STATUS_CODES",
]

WebAcl = wafv2.CfnWebACL
WAF_MAX_BODY_BYTES = 4096
"""The most UTF-8 bytes a WAF custom response body may hold."""
WAF_MAX_IP_SET_ADDRESSES = 10000
"""The most CIDRs one WAF IP set may hold."""
WAF_MAX_RESPONSE_HEADERS = 10
WAF_HEADER_NAME = re.compile(r"[a-zA-Z0-9._$-]{1,64}")
WAF_NAME = re.compile(r"[A-Za-z0-9_-]{1,128}")
CONTENT_TYPES = {
    "application/json": "APPLICATION_JSON",
    "text/html": "TEXT_HTML",
    "text/plain": "TEXT_PLAIN",
}


def visibility(metric_name: str, *, sampled: bool = True) -> WebAcl.VisibilityConfigProperty:
    return WebAcl.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True,
        metric_name=metric_name,
        sampled_requests_enabled=sampled,
    )


def _block_rule(
    *,
    name: str,
    priority: int,
    statement: WebAcl.StatementProperty,
    status: int,
    headers: Sequence[tuple[str, str]],
    body_key: str | None,
    sampled: bool = True,
) -> WebAcl.RuleProperty:
    """A Block rule that answers with a custom response."""
    response_headers = [WebAcl.CustomHTTPHeaderProperty(name=n, value=v) for n, v in headers]
    return WebAcl.RuleProperty(
        name=name,
        priority=priority,
        statement=statement,
        action=WebAcl.RuleActionProperty(
            block=WebAcl.BlockActionProperty(
                custom_response=WebAcl.CustomResponseProperty(
                    response_code=status,
                    custom_response_body_key=body_key,
                    response_headers=response_headers or None,
                )
            )
        ),
        visibility_config=visibility(name, sampled=sampled),
    )


def maintenance_rule(
    *, name: str, priority: int, answer: MaintenanceResponse, statement: WebAcl.StatementProperty
) -> WebAcl.RuleProperty:
    """Answers with ``answer`` (its body under the rule's name) and its headers."""
    return _block_rule(
        name=name,
        priority=priority,
        statement=statement,
        status=answer.status_code,
        headers=answer.all_headers,
        body_key=name,
    )


BYPASS_COOKIE_MAX_AGE = 12 * 3600
"""How long the bypass cookie set by the link lasts (seconds): one working day."""


def link_rule(
    *, name: str, priority: int, statement: WebAcl.StatementProperty, token: str
) -> WebAcl.RuleProperty:
    """Answers the bypass link with a 302 to ``/`` that sets the bypass cookie."""
    cookie = (
        f"{bypass_cookie(token)}; Path=/; Max-Age={BYPASS_COOKIE_MAX_AGE}; Secure; HttpOnly; "
        "SameSite=Lax"
    )
    headers = [("Location", "/"), ("Set-Cookie", cookie), ("Cache-Control", "no-store")]
    return _block_rule(
        name=name,
        priority=priority,
        statement=statement,
        status=302,
        headers=headers,
        body_key=None,
        # A sampled request of this rule holds the link's path, so the token, for anyone
        # allowed wafv2:GetSampledRequests: the link rule keeps its metric but no samples.
        sampled=False,
    )


MAX_SEARCH_STRING_BYTES = 200
"""A WAF byte match's search string (the link's path is one)."""


def check_link_prefix(prefix: object) -> str:
    """A path prefix the browser sends as written: no dot segments (a browser resolves
    ``/./`` and ``/../`` before sending), no characters it would encode, and short enough
    that the link with the longest token fits WAF's search string."""
    prefix = check_link_path(prefix)
    longest = MAX_SEARCH_STRING_BYTES - BYPASS_TOKEN_LENGTHS[1]
    if len(prefix) > longest:
        raise MaintenanceConfigError(
            f"bypass_link_prefix: {prefix!r} has {len(prefix)} characters; with a token of up "
            f"to {BYPASS_TOKEN_LENGTHS[1]} the link would be over the "
            f"{MAX_SEARCH_STRING_BYTES} bytes of a WAF search string. Use at most {longest}."
        )
    return prefix


def check_name(rule_name: object) -> None:
    longest = 128 - max(len(BROWSER_SUFFIX), len(LINK_SUFFIX))
    if not isinstance(rule_name, str) or not re.fullmatch(
        rf"[A-Za-z0-9_-]{{1,{longest}}}", rule_name
    ):
        raise MaintenanceConfigError(
            f"rule_name: {rule_name!r} is not a WAF rule/metric name; use 1 to {longest} "
            "characters of A-Z a-z 0-9 _ - (no spaces), e.g. 'Maintenance'."
        )


WAF_MAX_PRIORITY = 2**31 - 1
"""WAF rule priorities are 32-bit signed integers."""
WAF_STATUS_CODES = frozenset(
    {
        *(200, 201, 202, 204, 206),
        *(300, 301, 302, 303, 304, 307, 308),
        *(400, 401, 403, 404, 405, 408, 409, 411, 412, 413, 414, 415, 416, 421, 429),
        *(500, 501, 502, 503, 504, 505),
    }
)
"""The status codes AWS WAF accepts for a custom response (AWS WAF developer guide,
"Supported status codes for custom responses")."""


def check_capacity(capacity: Capacity, scope: MaintenanceScope = EVERY_REQUEST) -> None:
    """Refuse maintenance rules that alone need more capacity than a web ACL has."""
    if capacity.wcu <= MAX_WEB_ACL_WCU:
        return
    parameters, costs, fewer = "bypass_paths/allowed_cidrs", "", "bypass prefixes"
    if scope.paths is not None:
        parameters, fewer = "paths/" + parameters, "paths or bypass prefixes"
        costs += f", each path 22 plus {READ_OTHERWISE_WCU} per rule for ';' and a leading '/..'"
    if scope.methods is not None:
        costs += ", each method 2"
    raise MaintenanceConfigError(
        f"{parameters}: the maintenance rules need about {capacity.wcu} WCU (web ACL capacity "
        f"units; each bypass prefix 22, an IP set 1, the token 12{costs}), over the "
        f"{MAX_WEB_ACL_WCU} a web ACL has, so turning maintenance on would fail. Use fewer "
        f"{fewer} (one prefix covers every path under it)."
    )


def check_priority(priority: object, rules: int) -> None:
    highest = WAF_MAX_PRIORITY - rules + 1
    check_literal_number("priority", priority, f"pass a literal integer from 0 to {highest}.")
    if (
        isinstance(priority, bool)
        or not isinstance(priority, int)
        or not (0 <= priority <= highest)
    ):
        raise MaintenanceConfigError(
            f"priority: {priority!r} is not a WAF rule priority for {rules} rule(s); pass an "
            f"integer from 0 to {highest} (a 32-bit signed integer for each rule) that no "
            "other rule of the web ACL uses (default 10)."
        )


def check_answer(parameter: str, answer: MaintenanceResponse) -> None:
    if answer.status_code not in WAF_STATUS_CODES:
        raise MaintenanceConfigError(
            f"{parameter}.status_code: {answer.status_code} is not a status code AWS WAF sends "
            f"in a custom response; use one of {', '.join(map(str, sorted(WAF_STATUS_CODES)))}"
            " (503 for maintenance)."
        )
    if answer.body_bytes > WAF_MAX_BODY_BYTES:
        raise MaintenanceConfigError(
            f"{parameter}.body: {answer.body_bytes} UTF-8 bytes (starting {answer.body[:40]!r}) "
            f"is over the {WAF_MAX_BODY_BYTES} bytes of a WAF custom response body; shorten it."
        )
    headers = answer.all_headers
    if len(headers) > WAF_MAX_RESPONSE_HEADERS:
        raise MaintenanceConfigError(
            f"{parameter}.headers: {len(headers)} headers (Retry-After included) exceed the "
            f"{WAF_MAX_RESPONSE_HEADERS} a WAF custom response may send; drop some."
        )
    for name, value in headers:
        if not WAF_HEADER_NAME.fullmatch(name) or len(value) > 255:
            raise MaintenanceConfigError(
                f"{parameter}.headers: {name!r}: {value[:40]!r} is refused by WAF (names: 1-64 "
                "characters of a-z A-Z 0-9 . _ $ -; values: 1-255 characters)."
            )


def append_to(
    web_acl: wafv2.CfnWebACL,
    rules: list[WebAcl.RuleProperty],
    bodies: dict[str, WebAcl.CustomResponseBodyProperty],
) -> None:
    existing_rules = web_acl.rules if web_acl.rules is not None else []
    existing_bodies = web_acl.custom_response_bodies or {}
    if not isinstance(existing_rules, list) or not isinstance(existing_bodies, Mapping):
        raise MaintenanceConfigError(
            f"web_acl: the rules or custom_response_bodies of {web_acl.node.path} are a token, "
            "so maintenance rules cannot be appended to them; pass them as lists and dicts."
        )
    merged = dict(existing_bodies)
    resolve = Stack.of(web_acl).resolve
    for key, body in bodies.items():
        if key in merged and resolve(merged[key]) != resolve(body):
            raise MaintenanceConfigError(
                f"web_acl: the custom response body key {key!r} already exists in "
                f"{web_acl.node.path} with a different body; pass rule_name=... to use another "
                "key."
            )
        merged[key] = body
    web_acl.custom_response_bodies = merged
    web_acl.rules = [*existing_rules, *rules]
