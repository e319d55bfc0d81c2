"""The WAF planner on its own (no stack): which rules, in which order, named and numbered how,
answering with what."""

from __future__ import annotations

import itertools

import pytest

from maintenance_constructs.waf.plan import BROWSER_SUFFIX, LINK_SUFFIX, plan_waf_rules


def test_the_main_rule_alone() -> None:
    plan = plan_waf_rules(
        rule_name="Maintenance", priority=10, browser=False, token=None, link_prefix="/m/"
    )
    assert [(r.kind, r.name, r.priority, r.answer) for r in plan.rules] == [
        ("maintenance", "Maintenance", 10, "response")
    ]
    assert plan.bypass_link is None


def test_link_then_browser_then_main_on_consecutive_priorities() -> None:
    plan = plan_waf_rules(
        rule_name="Site", priority=0, browser=True, token="t" * 20, link_prefix="/__maintenance/"
    )
    assert plan.names == ["Site" + LINK_SUFFIX, "Site" + BROWSER_SUFFIX, "Site"]
    assert plan.priorities == [0, 1, 2]
    assert [r.answer for r in plan.answering] == ["browser_response", "response"]
    assert plan.bypass_link == "/__maintenance/" + "t" * 20


@pytest.mark.parametrize(
    ("browser", "token", "priority"),
    list(itertools.product([False, True], [None, "x" * 16], [0, 7])),
)
def test_every_combination(browser: bool, token: str | None, priority: int) -> None:
    """Names unique, priorities consecutive from ``priority``, the main rule last, the link
    first when there is a token, and every answering rule names a parameter."""
    plan = plan_waf_rules(
        rule_name="R", priority=priority, browser=browser, token=token, link_prefix="/p/"
    )
    expected = 1 + browser + (token is not None)
    assert len(plan.rules) == expected == len(set(plan.names))
    assert plan.priorities == list(range(priority, priority + expected))
    assert plan.rules[-1].kind == "maintenance"
    assert (plan.rules[0].kind == "link") == (token is not None)
    assert all(r.answer in ("response", "browser_response") for r in plan.answering)
    assert len(plan.answering) == 1 + browser
