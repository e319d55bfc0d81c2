"""Evaluate a request against synthesized ALB listener rules and WAF web ACLs, offline.

It follows AWS's documented semantics closely enough to answer "who gets what" for maintenance
rules: ALB rules in ascending priority, every condition of a rule must match and any value of a
condition may match (host headers and header values case-insensitive with ``*``/``?``
wildcards, paths case-sensitive, source IPs by CIDR), the default action last; WAF rules in
priority order with NOT/AND/OR, IP set references, byte matches and size constraints, Block
with custom responses, Count continuing, Allow ending evaluation, then the default action.
Statements it cannot evaluate offline (managed rule groups, rate limits) are reported as
not matching, and named in ``Answer.notes``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

__all__ = ["Answer", "Request", "condition_values", "evaluate_listener", "evaluate_web_acl"]


@dataclass(frozen=True)
class Request:
    """A viewer request: host name, client address, URL path and ``Accept`` header."""

    host: str
    ip: str
    path: str = "/"
    accept: str = "application/json"

    def header(self, name: str) -> str | None:
        if name.lower() == "accept":
            return self.accept
        if name.lower() == "host":
            return self.host
        return None


@dataclass(frozen=True)
class Answer:
    """What the front door does with a request."""

    action: str  # "forward", "fixed-response", "redirect", "allow", "block", "unknown"
    rule: str  # the rule that decided, or "default"
    target: str = ""
    status: int | None = None
    content_type: str = ""
    body: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def describe(self, width: int = 40) -> str:
        """A one-line summary for tables."""
        if self.action == "forward":
            return f"forwarded to {self.target}"
        if self.action == "allow":
            return "allowed (to the origin)"
        if self.action == "unknown":
            return f"unknown ({self.target})"
        if self.action == "redirect":
            return f"{self.status} redirect"
        body = self.body if len(self.body) <= width else self.body[: width - 3] + "..."
        content = f" {self.content_type}" if self.content_type else ""
        return f"{self.status}{content} {body}".rstrip()


@lru_cache(maxsize=4096)
def _wildcard(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(f"^{regex}$", 0 if case_sensitive else re.IGNORECASE | re.DOTALL)


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
        return any(_wildcard(v, False).match(request.host) for v in values)
    if field_name == "path-pattern":
        values = condition_values(condition)
        return any(_wildcard(v, True).match(request.path) for v in values)
    if field_name == "source-ip":
        return _in_cidrs(request.ip, condition_values(condition))
    if field_name == "http-header":
        config = condition.get("HttpHeaderConfig") or {}
        value = request.header(str(config.get("HttpHeaderName", "")))
        patterns = config.get("Values") or []
        return value is not None and any(_wildcard(p, False).match(value) for p in patterns)
    if field_name == "http-request-method":
        return "GET" in (condition.get("HttpRequestMethodConfig") or {}).get("Values", [])
    return False  # query-string and unknown conditions: the request carries none


def _listener_action(
    actions: Sequence[Mapping[str, Any]], rule: str, names: Mapping[str, str]
) -> Answer:
    for action in sorted(actions, key=lambda a: int(a.get("Order", 0))):
        kind = action.get("Type")
        if kind == "forward":
            groups = (
                [action.get("TargetGroupArn")]
                if action.get("TargetGroupArn")
                else [
                    g.get("TargetGroupArn")
                    for g in (action.get("ForwardConfig") or {}).get("TargetGroups", [])
                ]
            )
            target = ", ".join(_name(g, names) for g in groups)
            return Answer("forward", rule, target=target)
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


def _name(reference: Any, names: Mapping[str, str]) -> str:
    if isinstance(reference, Mapping) and "Ref" in reference:
        return names.get(reference["Ref"], reference["Ref"])
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


# -- WAF ------------------------------------------------------------------------------------


def _normalize_path(text: str) -> str:
    """WAF's NORMALIZE_PATH: drop repeated slashes, ``.`` segments, and ``..`` segments with
    what they go back over (a ``..`` at the beginning stays)."""
    segments: list[str] = []
    for segment in text.split("/"):
        if segment in ("", "."):
            continue
        if segment == ".." and segments and segments[-1] != "..":
            segments.pop()
            continue
        segments.append(segment)
    result = ("/" if text.startswith("/") else "") + "/".join(segments)
    if segments and text.endswith(("/", "/.", "/..")) and not result.endswith("/"):
        result += "/"
    return result


def _transform(text: str, transformations: Sequence[Mapping[str, Any]]) -> str:
    """Apply a statement's text transformations to the request field (never to the search
    string: WAF transforms only the content of the field before comparing it)."""
    for transformation in sorted(transformations, key=lambda t: int(t.get("Priority", 0))):
        kind = transformation.get("Type")
        if kind == "LOWERCASE":
            text = text.lower()
        elif kind == "URL_DECODE":
            text = unquote(text)
        elif kind == "NORMALIZE_PATH":
            text = _normalize_path(text)
    return text


def _field(field_to_match: Mapping[str, Any], request: Request) -> str | None:
    if "UriPath" in field_to_match:
        return request.path
    if "SingleHeader" in field_to_match:
        return request.header(str(field_to_match["SingleHeader"].get("Name", "")))
    return None


def _byte_match(statement: Mapping[str, Any], request: Request) -> bool:
    value = _field(statement.get("FieldToMatch") or {}, request)
    if value is None:
        return False
    transformations = statement.get("TextTransformations") or []
    text = _transform(value, transformations)
    needle = str(statement.get("SearchString", ""))
    constraint = statement.get("PositionalConstraint")
    if constraint == "EXACTLY":
        return text == needle
    if constraint == "STARTS_WITH":
        return text.startswith(needle)
    if constraint == "ENDS_WITH":
        return text.endswith(needle)
    if constraint == "CONTAINS":
        return needle in text
    if constraint == "CONTAINS_WORD":
        return re.search(rf"(^|\W){re.escape(needle)}($|\W)", text) is not None
    return False


def _size(statement: Mapping[str, Any], request: Request) -> bool:
    value = _field(statement.get("FieldToMatch") or {}, request)
    if value is None:
        return False
    size, limit = len(value.encode()), int(statement.get("Size", 0))
    return {
        "EQ": size == limit,
        "NE": size != limit,
        "LE": size <= limit,
        "LT": size < limit,
        "GE": size >= limit,
        "GT": size > limit,
    }.get(str(statement.get("ComparisonOperator")), False)


def _statement(
    statement: Mapping[str, Any],
    request: Request,
    ip_sets: Mapping[str, Sequence[str]],
    notes: list[str],
) -> bool:
    if "NotStatement" in statement:
        return not _statement(statement["NotStatement"]["Statement"], request, ip_sets, notes)
    if "AndStatement" in statement:
        parts = statement["AndStatement"]["Statements"]
        return all(_statement(s, request, ip_sets, notes) for s in parts)
    if "OrStatement" in statement:
        parts = statement["OrStatement"]["Statements"]
        return any(_statement(s, request, ip_sets, notes) for s in parts)
    if "IPSetReferenceStatement" in statement:
        arn = statement["IPSetReferenceStatement"].get("Arn")
        key = arn["Fn::GetAtt"][0] if isinstance(arn, Mapping) and "Fn::GetAtt" in arn else str(arn)
        if key not in ip_sets:
            notes.append(f"IP set {key} is not in this app: treated as not matching")
            return False
        return _in_cidrs(request.ip, ip_sets[key])
    if "ByteMatchStatement" in statement:
        return _byte_match(statement["ByteMatchStatement"], request)
    if "SizeConstraintStatement" in statement:
        return _size(statement["SizeConstraintStatement"], request)
    kind = next(iter(statement), "statement")
    notes.append(f"{kind} cannot be evaluated offline: treated as not matching")
    return False


def evaluate_web_acl(
    web_acl: Mapping[str, Any], ip_sets: Mapping[str, Sequence[str]], request: Request
) -> Answer:
    """Answer of a WAF web ACL (its CloudFormation Properties); ``ip_sets`` maps IP set logical
    IDs (or ARNs) to their addresses."""
    notes: list[str] = []
    bodies = web_acl.get("CustomResponseBodies") or {}
    for rule in sorted(web_acl.get("Rules") or [], key=lambda r: int(r.get("Priority", 0))):
        if "OverrideAction" in rule:
            notes.append(f"rule group {rule.get('Name')} cannot be evaluated offline: skipped")
            continue
        if not _statement(rule.get("Statement") or {}, request, ip_sets, notes):
            continue
        action = rule.get("Action") or {}
        if "Count" in action:
            continue
        if "Allow" in action:
            return Answer("allow", str(rule.get("Name")), notes=tuple(notes))
        return _block(action.get("Block") or {}, bodies, str(rule.get("Name")), notes)
    default = web_acl.get("DefaultAction") or {}
    if "Block" in default:
        return _block(default["Block"], bodies, "default", notes)
    return Answer("allow", "default", notes=tuple(notes))


_WAF_CONTENT_TYPES = {
    "APPLICATION_JSON": "application/json",
    "TEXT_HTML": "text/html",
    "TEXT_PLAIN": "text/plain",
}


def _block(
    block: Mapping[str, Any], bodies: Mapping[str, Any], rule: str, notes: list[str]
) -> Answer:
    custom = block.get("CustomResponse") or {}
    body = bodies.get(custom.get("CustomResponseBodyKey", ""), {})
    return Answer(
        "block",
        rule,
        status=int(custom.get("ResponseCode", 403)),
        content_type=_WAF_CONTENT_TYPES.get(body.get("ContentType", ""), ""),
        body=str(body.get("Content", "")),
        notes=tuple(notes),
    )
