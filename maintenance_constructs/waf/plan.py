"""Pure planning of the WAF maintenance rules (CloudFront and regional web ACLs): which rules,
in which order, with which names and priorities, and what each answers. No CDK: the construct
turns the plan into CloudFormation, and the plan is tested on its own.

Order: the bypass link (with a token: a 302 that sets the cookie), the browser rule (with a
``browser_response``: blocked requests that accept HTML), the maintenance rule (everyone else
outside the allowlist). They take consecutive priorities from ``priority``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "BROWSER_SUFFIX",
    "LINK_SUFFIX",
    "WafPlan",
    "WafRulePlan",
    "plan_waf_rules",
]

BROWSER_SUFFIX = "-browser"
LINK_SUFFIX = "-bypass-link"
WafRuleKind = Literal["link", "browser", "maintenance"]


@dataclass(frozen=True)
class WafRulePlan:
    """One rule: its kind, name and priority, and the parameter whose response it sends
    (``response`` or ``browser_response``; none for the link's 302)."""

    kind: WafRuleKind
    name: str
    priority: int
    answer: str = ""


@dataclass(frozen=True)
class WafPlan:
    """The rules in evaluation order, and the link's path (None without a token)."""

    rules: tuple[WafRulePlan, ...]
    bypass_link: str | None

    @property
    def names(self) -> list[str]:
        return [rule.name for rule in self.rules]

    @property
    def priorities(self) -> list[int]:
        return [rule.priority for rule in self.rules]

    @property
    def answering(self) -> tuple[WafRulePlan, ...]:
        """The rules that answer with a response body (the browser and maintenance rules)."""
        return tuple(rule for rule in self.rules if rule.answer)


def plan_waf_rules(
    *,
    rule_name: str,
    priority: int,
    browser: bool,
    token: str | None,
    link_prefix: str,
) -> WafPlan:
    """The maintenance rules of one web ACL. Inputs are assumed checked (names, priority,
    prefix): see :mod:`maintenance_constructs.waf.rules`."""
    kinds: list[tuple[WafRuleKind, str, str]] = []
    if token is not None:
        kinds.append(("link", rule_name + LINK_SUFFIX, ""))
    if browser:
        kinds.append(("browser", rule_name + BROWSER_SUFFIX, "browser_response"))
    kinds.append(("maintenance", rule_name, "response"))
    rules = tuple(
        WafRulePlan(kind, name, priority + offset, answer)
        for offset, (kind, name, answer) in enumerate(kinds)
    )
    return WafPlan(rules, f"{link_prefix}{token}" if token is not None else None)
