"""The evaluation of a request against synthesized ALB listener rules, offline (the WAF side is
:mod:`maintenance_constructs.tools.evaluate.web_acl_evaluator`; requests and answers are in
:mod:`maintenance_constructs.tools.model`).

ALB rules in ascending priority, every condition of a rule must match and any value of a
condition may match (host headers and header values case-insensitive with ``*``/``?``
wildcards, paths case-sensitive and compared as sent, source IPs by CIDR, methods exactly and
case-sensitive, as the ALB compares them), the default action last.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from ...shared import AUTHENTICATING_ACTIONS
from ..model import Answer, Request

__all__ = [
    "condition_values",
    "evaluate_listener",
    "forward_targets",
    "host_matches",
    "reference_name",
]


@lru_cache(maxsize=4096)
def _wildcard(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(regex, re.DOTALL if case_sensitive else re.IGNORECASE | re.DOTALL)


def _matches(pattern: Any, value: Any, case_sensitive: bool) -> bool:
    """An ALB condition value against a request value; a pattern that is a template expression
    (known only at deploy time) matches only the same expression."""
    if isinstance(pattern, str) and isinstance(value, str):
        return _wildcard(pattern, case_sensitive).fullmatch(value) is not None
    return bool(pattern == value)


def host_matches(pattern: str, host: str) -> bool:
    """Whether an ALB host-header value matches a host name (case-insensitive, wildcards)."""
    return _matches(pattern, host, False)


def _in_cidrs(ip: str, cidrs: Sequence[str]) -> bool:
    address = ipaddress.ip_address(ip)
    return any(
        address in ipaddress.ip_network(cidr, strict=False)
        for cidr in cidrs
        if ipaddress.ip_network(cidr, strict=False).version == address.version
    )


def condition_values(condition: Mapping[str, Any]) -> list[str]:
    """The values of a ListenerRule condition: from its ``...Config`` block, or the legacy
    top-level ``Values``."""
    config: Mapping[str, Any] = next(
        (v for k, v in condition.items() if k.endswith("Config") and isinstance(v, Mapping)), {}
    )
    return list(config.get("Values") or condition.get("Values") or [])


def _condition_matches(condition: Mapping[str, Any], request: Request) -> bool:
    field_name = condition.get("Field")
    if field_name == "host-header":
        values = condition_values(condition)
        return any(_matches(v, request.host, False) for v in values)
    if field_name == "path-pattern":
        values = condition_values(condition)
        return any(_matches(v, request.path, True) for v in values)
    if field_name == "source-ip":
        return _in_cidrs(request.ip, condition_values(condition))
    if field_name == "http-header":
        config = condition.get("HttpHeaderConfig") or {}
        value = request.header(str(config.get("HttpHeaderName", "")))
        patterns = config.get("Values") or []
        return value is not None and any(_matches(p, value, False) for p in patterns)
    if field_name == "http-request-method":
        # Compared as sent: the ALB's method match is case-sensitive and takes no wildcards.
        return request.method in condition_values(condition)
    return False  # query-string and unknown conditions: the request carries none


def _listener_action(
    actions: Sequence[Mapping[str, Any]], rule: str, names: Mapping[str, str]
) -> Answer:
    sign_in = ""
    for action in sorted(actions, key=lambda a: int(a.get("Order", 0))):
        kind = action.get("Type")
        if kind in AUTHENTICATING_ACTIONS:
            sign_in = str(kind)
        if kind == "forward":
            return Answer("forward", rule, target=_targets(action, names), sign_in=sign_in)
        if kind == "fixed-response":
            config = action.get("FixedResponseConfig") or {}
            return Answer(
                "fixed-response",
                rule,
                status=int(config.get("StatusCode", 0)),
                content_type=str(config.get("ContentType", "")),
                body=str(config.get("MessageBody", "")),
            )
        if kind == "redirect":
            config = action.get("RedirectConfig") or {}
            return Answer(
                "redirect", rule, status=int(str(config.get("StatusCode", "HTTP_301"))[-3:])
            )
    return Answer("unknown", rule, target="no terminal action")


def _targets(action: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """The forward's target groups by name, with their weights when it splits traffic."""
    groups = (action.get("ForwardConfig") or {}).get("TargetGroups") or []
    weighted = len(groups) > 1 and any("Weight" in g for g in groups)
    if not weighted:
        return ", ".join(reference_name(g, names) for g in forward_targets(action))
    return ", ".join(
        f"{reference_name(g.get('TargetGroupArn'), names)} (weight {g.get('Weight', 1)})"
        for g in groups
    )


def forward_targets(action: Mapping[str, Any]) -> list[Any]:
    """The target groups of a forward action: its one ``TargetGroupArn``, or its
    ``ForwardConfig`` groups."""
    if action.get("TargetGroupArn"):
        return [action["TargetGroupArn"]]
    return [
        g.get("TargetGroupArn") for g in (action.get("ForwardConfig") or {}).get("TargetGroups", [])
    ]


def reference_name(reference: Any, names: Mapping[str, str]) -> str:
    """A ``Ref`` or ``Fn::GetAtt`` as the readable name of its resource (``names``: logical
    id -> construct path); anything else as text."""
    if isinstance(reference, Mapping):
        if "Ref" in reference:
            return names.get(str(reference["Ref"]), str(reference["Ref"]))
        if "Fn::GetAtt" in reference:
            target = str(reference["Fn::GetAtt"][0])
            return names.get(target, target)
    return str(reference)


def evaluate_listener(
    rules: Sequence[tuple[str, Mapping[str, Any]]],
    default_actions: Sequence[Mapping[str, Any]] | None,
    request: Request,
    *,
    names: Mapping[str, str] | None = None,
) -> Answer:
    """Answer of an ALB listener: ``rules`` are (name, ListenerRule Properties) pairs;
    ``default_actions`` is the listener's DefaultActions (None if not in the app); ``names``
    maps logical IDs to readable names for forward targets."""
    names = names or {}
    ordered = sorted(rules, key=lambda r: int(r[1].get("Priority", 0)))
    for name, props in ordered:
        conditions = props.get("Conditions") or []
        if conditions and all(_condition_matches(c, request) for c in conditions):
            return _listener_action(props.get("Actions") or [], name, names)
    if default_actions is None:
        return Answer("unknown", "default", target="listener default action not in this app")
    return _listener_action(default_actions, "default", names)
