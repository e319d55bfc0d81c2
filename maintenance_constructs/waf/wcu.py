"""Web ACL capacity units (WCU) of WAF rules, estimated from their CloudFormation properties
(PascalCase, as in a template) with the figures of the AWS WAF developer guide ("Rule
statements" and "Text transformation options"). CDK-free: the constructs and the tools use it.

Figures are the guide's base costs; a statement the guide prices by its content (a rule group
you own) or that this module does not know is *unknown*, and the estimate says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["BASE_PRICE_WCU", "MAX_WEB_ACL_WCU", "Capacity", "rules_capacity"]

MAX_WEB_ACL_WCU = 5000
"""The most capacity a web ACL can use."""
BASE_PRICE_WCU = 1500
"""Capacity included in a web ACL's base price; more is charged extra."""
_TRANSFORMATION = 10
_MATCH = {"EXACTLY": 2, "STARTS_WITH": 2, "ENDS_WITH": 2, "CONTAINS": 10, "CONTAINS_WORD": 10}
_FIXED = {
    "IPSetReferenceStatement": 1,
    "GeoMatchStatement": 1,
    "LabelMatchStatement": 1,
    "AsnMatchStatement": 1,
    "RegexPatternSetReferenceStatement": 25,
    "RegexMatchStatement": 3,
    "SqliMatchStatement": 20,
    "XssMatchStatement": 40,
    "SizeConstraintStatement": 1,
}
_MANAGED = {
    # AWS-published capacities of common AWS managed rule groups (estimates: AWS may change
    # them; the web ACL's console page shows the current figure).
    "AWSManagedRulesCommonRuleSet": 700,
    "AWSManagedRulesKnownBadInputsRuleSet": 200,
    "AWSManagedRulesAmazonIpReputationList": 25,
    "AWSManagedRulesAnonymousIpList": 50,
    "AWSManagedRulesSQLiRuleSet": 200,
}


@dataclass(frozen=True)
class Capacity:
    """An estimate: the WCU of the statements priced, and what could not be priced."""

    wcu: int
    unknown: tuple[str, ...] = ()

    def __add__(self, other: Capacity) -> Capacity:
        return Capacity(self.wcu + other.wcu, self.unknown + other.unknown)


def _transformations(statement: Mapping[str, Any]) -> int:
    kinds = [t.get("Type") for t in statement.get("TextTransformations") or []]
    return _TRANSFORMATION * sum(1 for kind in kinds if kind != "NONE")


def statement_capacity(statement: Mapping[str, Any], rule: str = "") -> Capacity:
    """The WCU of one statement and everything nested in it."""
    for kind in ("AndStatement", "OrStatement"):
        if kind in statement:
            parts = statement[kind].get("Statements") or []
            return sum((statement_capacity(p, rule) for p in parts), Capacity(0))
    if "NotStatement" in statement:
        return statement_capacity(statement["NotStatement"].get("Statement") or {}, rule)
    if "ByteMatchStatement" in statement:
        match = statement["ByteMatchStatement"]
        base = _MATCH.get(str(match.get("PositionalConstraint")), 10)
        return Capacity(base + _transformations(match))
    if "RateBasedStatement" in statement:
        scope_down = statement["RateBasedStatement"].get("ScopeDownStatement")
        return Capacity(2) + (statement_capacity(scope_down, rule) if scope_down else Capacity(0))
    if "ManagedRuleGroupStatement" in statement:
        name = str(statement["ManagedRuleGroupStatement"].get("Name"))
        known = _MANAGED.get(name)
        return Capacity(known) if known is not None else Capacity(0, (f"{rule} ({name})",))
    for kind, cost in _FIXED.items():
        if kind in statement:
            return Capacity(cost + _transformations(statement[kind]))
    return Capacity(0, (rule or next(iter(statement), "a statement"),))


def rules_capacity(rules: Sequence[Mapping[str, Any]]) -> Capacity:
    """The WCU of web ACL rules (their statements; actions and custom responses are free)."""
    total = Capacity(0)
    for rule in rules:
        total = total + statement_capacity(rule.get("Statement") or {}, str(rule.get("Name")))
    return total
