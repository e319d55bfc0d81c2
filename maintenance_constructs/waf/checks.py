"""Whole-tree checks for the WAF front doors, run by ``node.add_validation`` at synth time:
the web ACL as it is, and the rules every maintenance construct of the web ACL plans."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, Protocol

import jsii
from aws_cdk import Annotations
from aws_cdk import aws_wafv2 as wafv2
from constructs import IConstruct, IValidation

from ..cfn import cloudformation_case, resolved_properties
from ..warning_catalog import warning_id
from .wcu import BASE_PRICE_WCU, MAX_WEB_ACL_WCU, Capacity, rules_capacity

__all__ = ["AclChecks", "WafView", "ends_evaluation", "register_on"]


class WafView(IConstruct, Protocol):
    """A WAF maintenance construct as the web ACL checks see it."""

    web_acl: wafv2.CfnWebACL
    enabled: bool
    rule_names: list[str]
    priorities: list[int]
    wcu: Capacity


_PEERS_ATTRIBUTE = "_maintenance_constructs_peers"


def register_on(web_acl: wafv2.CfnWebACL, construct: WafView) -> list[WafView]:
    """Every WAF maintenance construct that plans rules in ``web_acl``, in creation order."""
    peers: list[WafView] | None = getattr(web_acl, _PEERS_ATTRIBUTE, None)
    if peers is None:
        peers = []
        setattr(web_acl, _PEERS_ATTRIBUTE, peers)
    peers.append(construct)
    return peers


def _not_planned(rules: list[dict[str, Any]], peers: list[WafView]) -> list[dict[str, Any]]:
    """The web ACL's rules without those the maintenance constructs appended (one per planned
    name of each enabled construct; appended rules come last)."""
    expected = Counter(name for peer in peers if peer.enabled for name in peer.rule_names)
    others = []
    for rule in reversed(rules):
        if expected[rule.get("name")] > 0:
            expected[rule.get("name")] -= 1
            continue
        others.append(rule)
    return others[::-1]


def ends_evaluation(rule: Mapping[str, Any]) -> str:
    """Why a web ACL rule can end evaluation with something other than a block (an Allow
    action, or a rule group whose own rules may allow), or "" when it cannot."""
    action = rule.get("action") or {}
    statement = rule.get("statement") or {}
    if "allow" in action:
        return "an Allow action"
    if "count" in (rule.get("overrideAction") or {}):
        return ""  # every result of the group is counted: it never ends evaluation
    for kind in ("managedRuleGroupStatement", "ruleGroupReferenceStatement"):
        if kind in statement:
            return "a rule group" if kind.startswith("rule") else "a managed rule group"
    return ""


@jsii.implements(IValidation)
class AclChecks:
    """Checks the web ACL as it is at synth, and the rules every WAF maintenance construct of the
    web ACL plans: names and priorities unique in both states, our rules kept, and no earlier
    rule that could let requests through before ours."""

    def __init__(self, owner: WafView, peers: list[WafView]) -> None:
        self.owner = owner
        self.peers = peers

    def validate(self) -> list[str]:
        owner, web_acl = self.owner, self.owner.web_acl
        rules: Any = resolved_properties(web_acl).get("rules") or []
        rules = [r for r in rules if isinstance(r, dict)] if isinstance(rules, list) else []
        others = _not_planned(rules, self.peers)
        path = web_acl.node.path
        errors = []
        for rule in others:
            name, priority = rule.get("name"), rule.get("priority")
            if priority in owner.priorities:
                errors.append(
                    f"priority: {priority} is already used by the rule {name!r} of {path}; pass "
                    "a priority that no other rule of the web ACL uses (the maintenance rules "
                    f"need {len(owner.priorities)})."
                )
        for name in owner.rule_names:
            if any(r.get("name") == name for r in others):
                errors.append(
                    f"rule_name: {name!r} is used by another rule of {path}; WAF needs unique "
                    "rule names, pass another rule_name."
                )
            present = [r for r in rules if r.get("name") == name]
            if owner.enabled and not present:
                errors.append(
                    f"web_acl: the maintenance rule {name!r} is missing from {path}: its rules "
                    f"were replaced after {type(owner).__name__} appended to them. Set the web "
                    f"ACL's own rules before creating {type(owner).__name__}."
                )
        for peer in self.peers[: self.peers.index(owner)]:
            errors.append(
                f"web_acl: {peer.node.path} already puts maintenance rules in {path}. Two "
                "maintenance layers on one front door intersect: each blocks what the other "
                "lets through (its allowlist, bypass token and bypass paths), so nobody gets "
                "in. Use one construct for the web ACL, with both allowlists (and one token), "
                "or give the other front door its own web ACL."
            )
        self._warn_earlier_rules(others)
        return errors + self._capacity(others)

    def _capacity(self, others: list[dict[str, Any]]) -> list[str]:
        """The web ACL's capacity with the maintenance rules in it: refused when it surely
        exceeds what a web ACL has, a warning when it may (rules not priced here) or when it
        passes what the base price includes."""
        owner = self.owner
        existing = rules_capacity(cloudformation_case(others))
        total = existing.wcu + owner.wcu.wcu
        path = owner.web_acl.node.path
        if total > MAX_WEB_ACL_WCU:
            return [
                f"web_acl: {path} would need about {total} WCU with maintenance on "
                f"({existing.wcu} for its rules, {owner.wcu.wcu} for the maintenance rules), "
                f"over the {MAX_WEB_ACL_WCU} a web ACL has: turning maintenance on would fail. "
                "Free capacity (fewer or cheaper rules), or use fewer bypass prefixes."
            ]
        unknown = existing.unknown + owner.wcu.unknown
        if unknown or total > BASE_PRICE_WCU:
            why = (
                f"the rules {', '.join(unknown)} are not priced here, so check that "
                f"{MAX_WEB_ACL_WCU - existing.wcu} WCU cover them and the maintenance rules"
                if unknown
                else f"more than the {BASE_PRICE_WCU} WCU the web ACL's base price includes"
            )
            Annotations.of(owner).add_warning_v2(
                warning_id("webAclCapacity"),
                f"{path} would use about {total} WCU with maintenance on ({existing.wcu} for "
                f"its rules, {owner.wcu.wcu} for the maintenance rules; estimates from the AWS "
                f"WAF developer guide's figures): {why}. Acknowledge this warning once checked "
                "(aws wafv2 get-web-acl shows the current capacity).",
            )
        return []

    def _warn_earlier_rules(self, others: list[dict[str, Any]]) -> None:
        first = min(self.owner.priorities)
        early = [
            r
            for r in sorted(others, key=lambda r: int(r.get("priority") or 0))
            if isinstance(r.get("priority"), int) and r["priority"] < first and ends_evaluation(r)
        ]
        if not early:
            return
        described = ", ".join(
            f"{r.get('name')!r} (priority {r['priority']}, {ends_evaluation(r)})" for r in early
        )
        needed = len(self.owner.priorities)
        lowest = int(early[0]["priority"])
        taken = {int(r["priority"]) for r in others if isinstance(r.get("priority"), int)}
        if lowest >= needed and not taken & set(range(lowest - needed, lowest)):
            fix = f"pass priority={lowest - needed} (or lower) so the maintenance rules come first"
        else:
            after = max([*self.owner.priorities, *taken]) + 1
            fix = (
                f"there is no free priority below {lowest} for the {needed} maintenance "
                f"rule(s) (WAF priorities start at 0), so renumber those rules from {after} on"
            )
        Annotations.of(self.owner).add_warning_v2(
            warning_id("aclRuleBeforeMaintenance"),
            f"In {self.owner.web_acl.node.path}, {described} come(s) before the maintenance "
            f"rule (priority {first}) and can end evaluation with an allow: requests it allows "
            f"reach the app during maintenance. To fix it, {fix}. Rules that only block or "
            "count may stay ahead: Block, Count, CAPTCHA and Challenge actions, rate limits, "
            "and rule groups added with override_action count (their results are counted, "
            "never allowed). Acknowledge this warning if those rules only allow what may pass "
            "during maintenance anyway.",
        )
