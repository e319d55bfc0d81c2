"""Listener rules and web ACL rules in words, for the preview's list of changes.

``+ listener rule Web/Maintenance/AllowRule1 (priority 25): forward to Web/Blue when the host
is example.com and the client IP is in 203.0.113.0/24``; ``+ web ACL rule Maintenance
(priority 10): block with 503 application/json, unless the client IP is in
Edge/Maintenance/AllowedIpv4 or the path starts with /health``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..evaluate.listener_evaluator import condition_values, forward_targets, reference_name

__all__ = ["listener_rule_words", "web_acl_rule_words"]

Names = Mapping[str, str]


def text_of(value: Any) -> str:
    """A template value as text: literals as they are, deploy-time values (a parameter such as
    a token from SSM, an import) as ``<deploy-time value>``, joins part by part."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(text_of(part) for part in parts)
    return "<deploy-time value>"


_CONDITIONS = {
    "host-header": "the host is",
    "path-pattern": "the path matches",
    "source-ip": "the client IP is in",
    "http-request-method": "the method is",
}


def _listener_condition(condition: Mapping[str, Any]) -> str:
    field = str(condition.get("Field"))
    if field == "http-header":
        config = condition.get("HttpHeaderConfig") or {}
        patterns = " or ".join(text_of(v) for v in config.get("Values") or [])
        return f"header {config.get('HttpHeaderName')} matches {patterns}"
    values = condition_values(condition) or list(
        (condition.get("HttpRequestMethodConfig") or {}).get("Values") or []
    )
    return f"{_CONDITIONS.get(field, field)} {', '.join(map(text_of, values))}"


def _listener_action(actions: list[Any], names: Names) -> str:
    for action in sorted(actions, key=lambda a: int(a.get("Order", 0))):
        kind = action.get("Type")
        if kind == "forward":
            return "forward to " + ", ".join(
                reference_name(g, names) for g in forward_targets(action)
            )
        if kind == "fixed-response":
            config = action.get("FixedResponseConfig") or {}
            return f"answer {config.get('StatusCode')} {config.get('ContentType', '')}".rstrip()
        if kind == "redirect":
            return "redirect"
    return "act as " + " then ".join(str(a.get("Type")) for a in actions)


def listener_rule_words(name: str, properties: Mapping[str, Any], names: Names) -> str:
    """``listener rule NAME (priority N): ACTION when CONDITIONS``."""
    conditions = [_listener_condition(c) for c in properties.get("Conditions") or []]
    action = _listener_action(list(properties.get("Actions") or []), names)
    when = f" when {' and '.join(conditions)}" if conditions else ""
    return f"listener rule {name} (priority {properties.get('Priority')}): {action}{when}"


def _byte_match(statement: Mapping[str, Any]) -> str:
    field = statement.get("FieldToMatch") or {}
    needle = text_of(statement.get("SearchString"))
    constraint = {
        "EXACTLY": "is",
        "STARTS_WITH": "starts with",
        "ENDS_WITH": "ends with",
        "CONTAINS": "contains",
        "CONTAINS_WORD": "contains the word",
    }.get(str(statement.get("PositionalConstraint")), "matches")
    if "UriPath" in field:
        return f"the path {constraint} {needle}"
    if "SingleHeader" in field:
        return f"header {field['SingleHeader'].get('Name')} {constraint} {needle}"
    if "Method" in field:
        return f"the method {constraint} {needle}"
    return f"{next(iter(field), 'a field')} {constraint} {needle}"


def _statement(statement: Mapping[str, Any], names: Names) -> str:
    if "NotStatement" in statement:
        return "not " + _statement(statement["NotStatement"]["Statement"], names)
    if "AndStatement" in statement:
        parts = statement["AndStatement"]["Statements"]
        return " and ".join(_statement(s, names) for s in parts)
    if "OrStatement" in statement:
        parts = statement["OrStatement"]["Statements"]
        if all("IPSetReferenceStatement" in p for p in parts):  # "in AllowedIpv4/AllowedIpv6"
            sets = [reference_name(p["IPSetReferenceStatement"].get("Arn"), names) for p in parts]
            return "the client IP is in " + "/".join(n.rsplit("/", 1)[-1] for n in sets)
        if all(_is_method(p) for p in parts):  # a scope's methods: "the method is POST/PUT"
            methods = [text_of(p["ByteMatchStatement"].get("SearchString")) for p in parts]
            return "the method is " + "/".join(methods)
        return " or ".join(_statement(s, names) for s in parts)
    if "IPSetReferenceStatement" in statement:
        ip_set = reference_name(statement["IPSetReferenceStatement"].get("Arn"), names)
        return f"the client IP is in {ip_set}"
    if "ByteMatchStatement" in statement:
        return _byte_match(statement["ByteMatchStatement"])
    if "GeoMatchStatement" in statement:
        countries = ", ".join(statement["GeoMatchStatement"].get("CountryCodes") or [])
        return f"the country is {countries}"
    if "SizeConstraintStatement" in statement:
        return "every request"
    return next(iter(statement), "a statement").removesuffix("Statement")


def _is_method(statement: Mapping[str, Any]) -> bool:
    match = statement.get("ByteMatchStatement") or {}
    exact = match.get("PositionalConstraint") == "EXACTLY"
    return exact and "Method" in (match.get("FieldToMatch") or {})


def _condition(statement: Mapping[str, Any], names: Names) -> str:
    """``when X``, ``unless Y`` or ``when X, unless Y`` for a statement whose negated parts
    read best as exceptions (the maintenance rule's shape)."""
    parts = statement["AndStatement"]["Statements"] if "AndStatement" in statement else [statement]
    exceptions = [p["NotStatement"]["Statement"] for p in parts if "NotStatement" in p]
    positives = [p for p in parts if "NotStatement" not in p]
    words = []
    if positives:
        said = [_statement(p, names) for p in positives]
        if len(said) > 1:  # "when A and (B or C)": a scope's paths read as one condition
            said = [f"({s})" if " or " in s else s for s in said]
        words.append("when " + " and ".join(said))
    if exceptions:
        words.append("unless " + " or ".join(_statement(e, names) for e in exceptions))
    return ", ".join(words) or "for every request"


def _waf_action(rule: Mapping[str, Any], bodies: Mapping[str, Any]) -> str:
    if "OverrideAction" in rule:
        return "apply its rule group"
    action = rule.get("Action") or {}
    if "Block" in action:
        custom = (action["Block"] or {}).get("CustomResponse") or {}
        body = bodies.get(custom.get("CustomResponseBodyKey", ""), {})
        content = str(body.get("ContentType", "")).lower().replace("_", "/", 1)
        return f"block with {custom.get('ResponseCode', 403)} {content}".rstrip()
    return " ".join(k.lower() for k in action) or "act"


def web_acl_rule_words(rule: Mapping[str, Any], bodies: Mapping[str, Any], names: Names) -> str:
    """``web ACL rule NAME (priority N): ACTION, when X, unless Y``."""
    statement = rule.get("Statement") or {}
    condition = _condition(statement, names)
    action = _waf_action(rule, bodies)
    return (
        f"web ACL rule {rule.get('Name')} (priority {rule.get('Priority')}): {action}, {condition}"
    )
