"""Web ACLs that carry maintenance rules, and their who-gets-what tables: sample requests
answered by the web ACL with maintenance off and on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...shared import BYPASS_HEADER
from ..app.assembly import ConstructState
from ..app.resource_types import WEB_ACL, readable_names
from ..evaluate.web_acl_evaluator import evaluate_web_acl
from ..model import ANY_HOST, Answer, DoorKind, FrontDoor, Request, Row
from .door_notes import capacity_note
from .samples import TokenCarriers, sample_rows

__all__ = ["allowlist", "waf_token", "web_acl_doors"]

IP_SET = "AWS::WAFv2::IPSet"


def waf_token(statement: Any) -> TokenCarriers | None:
    """What carries the bypass token of a web ACL rule: the header's search string, and a
    Cookie header that contains the cookie's search string."""
    found: dict[str, Any] = {}

    def visit(node: Any) -> None:
        if isinstance(node, Mapping):
            match = node.get("ByteMatchStatement")
            if isinstance(match, Mapping):
                header = (match.get("FieldToMatch") or {}).get("SingleHeader") or {}
                found.setdefault(str(header.get("Name", "")).lower(), match.get("SearchString"))
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(statement)
    header, cookie = found.get(BYPASS_HEADER.lower()), found.get("cookie")
    return (header, cookie) if header is not None and cookie is not None else None


def _prefixes(statement: Any, *, excepted: bool = False) -> list[str]:
    """The path prefixes the rules let through: STARTS_WITH matches under a NotStatement (the
    bypass paths), not those of a scope, which the rules turn away."""
    if isinstance(statement, Mapping):
        found = []
        match = statement.get("ByteMatchStatement")
        if (
            excepted
            and isinstance(match, Mapping)
            and match.get("PositionalConstraint") == "STARTS_WITH"
        ):
            found.append(str(match.get("SearchString")))
        for key, value in statement.items():
            found += _prefixes(value, excepted=excepted or key == "NotStatement")
        return found
    if isinstance(statement, list):
        return [p for item in statement for p in _prefixes(item, excepted=excepted)]
    return []


def _ip_sets(resources: Mapping[str, Any]) -> dict[str, list[str]]:
    """IP set logical id -> its addresses."""
    return {
        k: list(r["Properties"].get("Addresses", []))
        for k, r in resources.items()
        if r["Type"] == IP_SET
    }


def _referenced(statement: Any) -> list[str]:
    """The IP sets (logical ids, or ARNs) that ``statement`` refers to, in order."""
    if isinstance(statement, list):
        return [key for item in statement for key in _referenced(item)]
    if not isinstance(statement, Mapping):
        return []
    reference = statement.get("IPSetReferenceStatement")
    if isinstance(reference, Mapping):
        arn = reference.get("Arn")
        getatt = arn.get("Fn::GetAtt") if isinstance(arn, Mapping) else None
        return [str(getatt[0]) if getatt else str(arn)]
    return [key for value in statement.values() for key in _referenced(value)]


def allowlist(rules: Sequence[Any], ip_sets: Mapping[str, Sequence[str]]) -> list[str]:
    """The addresses of the IP sets that the maintenance ``rules`` use (their allowlist), not
    of every IP set in the stack (an app's own block list is no allowlist)."""
    keys = dict.fromkeys(_referenced([rule.get("Statement") for rule in rules]))
    return [cidr for key in keys for cidr in ip_sets.get(key, ())]


def web_acl_doors(
    stack: str,
    off: Mapping[str, Any],
    on: Mapping[str, Any],
    requests: Sequence[Request] | None,
    scoped: Sequence[ConstructState] = (),
) -> list[FrontDoor]:
    doors = []
    names = readable_names(on)
    sets_off, sets_on = _ip_sets(off), _ip_sets(on)  # read once, not per sample request
    for logical_id, resource in on.items():
        if resource["Type"] != WEB_ACL or logical_id not in off:
            continue
        acl_on, acl_off = resource["Properties"], off[logical_id]["Properties"]
        if acl_on.get("Rules") == acl_off.get("Rules"):
            continue

        def answer(
            request: Request, acl_on: Any = acl_on, acl_off: Any = acl_off
        ) -> tuple[Answer, Answer]:
            return (
                evaluate_web_acl(acl_off, sets_off, request),
                evaluate_web_acl(acl_on, sets_on, request),
            )

        added = [r for r in acl_on.get("Rules", []) if r not in (acl_off.get("Rules") or [])]
        cidrs = allowlist(added, sets_on)
        names_added = {str(rule.get("Name")) for rule in added}
        # Rule names repeat across stacks (every construct's main rule is "Maintenance").
        scopes = [
            s.scope
            for s in scoped
            if s.path.startswith(stack + "/") and names_added & set(s.waf_rules)
        ]
        rows = (
            tuple(Row(r, "requested", *answer(r)) for r in requests)
            if requests is not None
            else sample_rows(
                [ANY_HOST],
                cidrs,
                list(dict.fromkeys(_prefixes(added))),
                answer,
                waf_token(added),
                scopes,
            )
        )
        doors.append(
            FrontDoor(
                DoorKind.WEB_ACL,
                names.get(logical_id, logical_id),
                stack,
                rows,
                (capacity_note(acl_on, added),),
            )
        )
    return doors
