"""Evaluate a request against a synthesized WAF web ACL, offline, in three values.

A statement is true, false or *unknown*: geo matches without a ``country=`` in the request,
rate-based rules, rule groups (managed or custom), label matches, regex pattern sets, IP sets
that are not in the app, and anything not modelled cannot be decided offline. Unknown propagates
as in three-valued logic (NOT unknown is unknown; AND is false if any part is false; OR is true
if any part is true), and through rule order: a terminating rule whose match is unknown is an
*alternative* to what the later rules decide, and the answer says so ("503, or 403 if
GeoBlock matches").
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import unquote

from ..model import Answer, Request

__all__ = ["evaluate_web_acl", "statement_value"]

Tri = bool | None  # None: cannot be decided offline
Verdict = tuple[Tri, frozenset[str]]  # the value, and what it depends on when unknown

_UNDECIDABLE = {
    "RateBasedStatement": "RateBased",
    "ManagedRuleGroupStatement": "a managed rule group",
    "RuleGroupReferenceStatement": "a rule group",
    "LabelMatchStatement": "LabelMatch",
    "RegexPatternSetReferenceStatement": "RegexPatternSet",
    "RegexMatchStatement": "RegexMatch",
    "XssMatchStatement": "XssMatch",
    "SqliMatchStatement": "SqliMatch",
    "AsnMatchStatement": "AsnMatch",
}


def _normalize_path(text: str) -> str:
    """WAF's NORMALIZE_PATH, as the AWS WAF developer guide documents it: multiple slashes,
    directory self-references (``.``) and the directory back-references (``..``) that are not
    at the beginning of the input are removed, a back-reference with the segment it goes back
    over (none above the root). Back-references at the beginning stay: ``/../a`` and ``/..``
    are unchanged. A path that ends in a directory keeps its trailing slash (``/a/.`` is
    ``/a/``)."""
    segments: list[str] = []
    leading = True  # only back-references, self-references and slashes read so far
    directory = False  # whether the last segment read leaves the path at a directory
    for segment in text.split("/"):
        if segment == ".." and leading:
            segments.append(segment)
            directory = False
        elif segment == "..":
            if segments and segments[-1] != "..":
                segments.pop()
            directory = True
        elif segment in ("", "."):
            directory = True
        else:
            segments.append(segment)
            leading = directory = False
    result = ("/" if text.startswith("/") else "") + "/".join(segments)
    return result + "/" if segments and directory else result


def _normalize_path_win(text: str) -> str:
    """WAF's NORMALIZE_PATH_WIN: backslashes converted to forward slashes, then
    NORMALIZE_PATH."""
    return _normalize_path(text.replace("\\", "/"))


_TRANSFORMATIONS: Mapping[str, Callable[[str], str]] = {
    "NONE": lambda text: text,
    "LOWERCASE": str.lower,
    "URL_DECODE": unquote,
    "NORMALIZE_PATH": _normalize_path,
    "NORMALIZE_PATH_WIN": _normalize_path_win,
    "COMPRESS_WHITE_SPACE": lambda text: re.sub(r"\s+", " ", text),
}


def _transform(text: str, transformations: Sequence[Mapping[str, Any]]) -> str | None:
    """The request field after the statement's text transformations (they never apply to the
    search string); None when a transformation is not modelled."""
    for transformation in sorted(transformations, key=lambda t: int(t.get("Priority", 0))):
        apply = _TRANSFORMATIONS.get(str(transformation.get("Type")))
        if apply is None:
            return None
        text = apply(text)
    return text


def _field(field_to_match: Mapping[str, Any], request: Request) -> Any:
    if "UriPath" in field_to_match:
        return request.path
    if "SingleHeader" in field_to_match:
        return request.header(str(field_to_match["SingleHeader"].get("Name", "")))
    if "Method" in field_to_match:
        return request.method
    return None


_CONSTRAINTS: Mapping[str, Callable[[str, str], bool]] = {
    "EXACTLY": lambda text, needle: text == needle,
    "STARTS_WITH": str.startswith,
    "ENDS_WITH": str.endswith,
    "CONTAINS": lambda text, needle: needle in text,
    "CONTAINS_WORD": lambda text, needle: (
        re.search(rf"(^|\W){re.escape(needle)}($|\W)", text) is not None
    ),
}


def _byte_match(statement: Mapping[str, Any], request: Request) -> Verdict:
    field_to_match = statement.get("FieldToMatch") or {}
    value = _field(field_to_match, request)
    if value is None:
        if "SingleHeader" in field_to_match:
            return False, frozenset()  # the request does not carry that header
        return None, frozenset({f"ByteMatch on {next(iter(field_to_match), 'a field')}"})
    needle = statement.get("SearchString", "")
    if not isinstance(needle, str) or not isinstance(value, str):
        # A deploy-time search string (a bypass token from SSM) matches only the same value.
        return needle == value, frozenset()
    text = _transform(value, statement.get("TextTransformations") or [])
    compare = _CONSTRAINTS.get(str(statement.get("PositionalConstraint")))
    if text is None or compare is None:
        return None, frozenset({"ByteMatch"})
    return compare(text, needle), frozenset()


def _size(statement: Mapping[str, Any], request: Request) -> Verdict:
    value = _field(statement.get("FieldToMatch") or {}, request)
    if not isinstance(value, str):
        return None, frozenset({"SizeConstraint"})
    size, limit = len(value.encode()), int(statement.get("Size", 0))
    result = {
        "EQ": size == limit,
        "NE": size != limit,
        "LE": size <= limit,
        "LT": size < limit,
        "GE": size >= limit,
        "GT": size > limit,
    }.get(str(statement.get("ComparisonOperator")))
    return (result, frozenset()) if result is not None else (None, frozenset({"SizeConstraint"}))


def _in_ip_set(statement: Mapping[str, Any], request: Request, ip_sets: Any) -> Verdict:
    arn = statement.get("Arn")
    key = arn["Fn::GetAtt"][0] if isinstance(arn, Mapping) and "Fn::GetAtt" in arn else str(arn)
    if key not in ip_sets:
        return None, frozenset({f"IP set {key} (not in this app)"})
    address = ipaddress.ip_address(request.ip)
    networks = (ipaddress.ip_network(c, strict=False) for c in ip_sets[key])
    return any(address in n for n in networks if n.version == address.version), frozenset()


def _geo(statement: Mapping[str, Any], request: Request) -> Verdict:
    if request.country is None:
        return None, frozenset({"GeoMatch"})
    return request.country.upper() in statement.get("CountryCodes", []), frozenset()


def _all(parts: Sequence[Verdict]) -> Verdict:
    if any(value is False for value, _ in parts):
        return False, frozenset()
    unknown = frozenset().union(*(why for value, why in parts if value is None))
    return (None, unknown) if unknown else (True, frozenset())


def _any(parts: Sequence[Verdict]) -> Verdict:
    if any(value is True for value, _ in parts):
        return True, frozenset()
    unknown = frozenset().union(*(why for value, why in parts if value is None))
    return (None, unknown) if unknown else (False, frozenset())


def statement_value(
    statement: Mapping[str, Any], request: Request, ip_sets: Mapping[str, Sequence[str]]
) -> Verdict:
    """Whether a WAF statement matches ``request``: True, False, or None (unknown) with the
    names of what could not be decided."""
    if "NotStatement" in statement:
        value, why = statement_value(statement["NotStatement"]["Statement"], request, ip_sets)
        return (None if value is None else not value), why
    if "AndStatement" in statement:
        parts = statement["AndStatement"]["Statements"]
        return _all([statement_value(s, request, ip_sets) for s in parts])
    if "OrStatement" in statement:
        parts = statement["OrStatement"]["Statements"]
        return _any([statement_value(s, request, ip_sets) for s in parts])
    if "IPSetReferenceStatement" in statement:
        return _in_ip_set(statement["IPSetReferenceStatement"], request, ip_sets)
    if "ByteMatchStatement" in statement:
        return _byte_match(statement["ByteMatchStatement"], request)
    if "SizeConstraintStatement" in statement:
        return _size(statement["SizeConstraintStatement"], request)
    if "GeoMatchStatement" in statement:
        return _geo(statement["GeoMatchStatement"], request)
    kind = next(iter(statement), "statement")
    return None, frozenset({_UNDECIDABLE.get(kind, kind.removesuffix("Statement"))})


_WAF_CONTENT_TYPES = {
    "APPLICATION_JSON": "application/json",
    "TEXT_HTML": "text/html",
    "TEXT_PLAIN": "text/plain",
}


def _terminal(rule: Mapping[str, Any], bodies: Mapping[str, Any]) -> Answer | None:
    """What a matching rule answers, or None when evaluation continues (Count)."""
    name = str(rule.get("Name"))
    if "OverrideAction" in rule:  # a rule group: its own rules decide
        return Answer("unknown", name, target=f"rule group {name}")
    action = rule.get("Action") or {}
    if "Allow" in action:
        return Answer("allow", name)
    if "Block" in action:
        return _block(action["Block"], bodies, name)
    return None  # Count, Captcha and Challenge continue or are not modelled


def _block(block: Mapping[str, Any], bodies: Mapping[str, Any], rule: str) -> Answer:
    custom = block.get("CustomResponse") or {}
    body = bodies.get(custom.get("CustomResponseBodyKey", ""), {})
    return Answer(
        "block",
        rule,
        status=int(custom.get("ResponseCode", 403)),
        content_type=_WAF_CONTENT_TYPES.get(body.get("ContentType", ""), ""),
        body=str(body.get("Content", "")),
        headers=tuple(
            (str(h.get("Name")), str(h.get("Value"))) for h in custom.get("ResponseHeaders") or []
        ),
    )


def _alternative(answer: Answer, rule: str, why: frozenset[str]) -> str:
    if answer.action == "unknown":
        return f"whatever {answer.target} decides"
    reasons = ", ".join(sorted(why))
    return f"{answer.describe(width=24)} if {rule} matches (depends on {reasons})"


def evaluate_web_acl(
    web_acl: Mapping[str, Any], ip_sets: Mapping[str, Sequence[str]], request: Request
) -> Answer:
    """Answer of a WAF web ACL (its CloudFormation Properties); ``ip_sets`` maps IP set logical
    IDs (or ARNs) to their addresses. Rules whose match cannot be decided offline become
    alternatives of the answer."""
    bodies = web_acl.get("CustomResponseBodies") or {}
    alternatives: list[str] = []
    depends: set[str] = set()
    for rule in sorted(web_acl.get("Rules") or [], key=lambda r: int(r.get("Priority", 0))):
        answer = _terminal(rule, bodies)
        if answer is None:
            continue
        if answer.action == "unknown":  # a rule group may allow, block or pass
            value: Tri = None
            why = frozenset({answer.target})
        else:
            value, why = statement_value(rule.get("Statement") or {}, request, ip_sets)
        if value is None:
            alternatives.append(_alternative(answer, str(rule.get("Name")), why))
            depends |= why
            continue
        if value:
            return _with(answer, alternatives, depends)
    default = web_acl.get("DefaultAction") or {}
    answer = _block(default["Block"], bodies, "default") if "Block" in default else None
    return _with(answer or Answer("allow", "default"), alternatives, depends)


def _with(answer: Answer, alternatives: list[str], depends: set[str]) -> Answer:
    if not alternatives:
        return answer
    return Answer(
        answer.action,
        answer.rule,
        target=answer.target,
        status=answer.status,
        content_type=answer.content_type,
        body=answer.body,
        headers=answer.headers,
        notes=tuple(f"cannot be decided offline: {d}" for d in sorted(depends)),
        alternatives=tuple(alternatives),
    )
