"""Rule planning without a stack: quotas, minimal rule counts, priorities."""

from __future__ import annotations

import itertools

import pytest

from benchmarks.minimum import exhaustive_minimum, lower_bound
from maintenance_constructs import MaintenanceConfigError
from maintenance_constructs.alb_plan import (
    MAX_RULES_PER_LOAD_BALANCER,
    MAX_VALUES_PER_RULE,
    MAX_WILDCARDS_PER_RULE,
    block_count,
    plan_rules,
)

HOSTS = [f"h{i}.example.com" for i in range(8)]
CIDRS = [f"10.0.{i}.0/24" for i in range(30)]


@pytest.mark.parametrize(
    ("hosts", "others"), [(h, c) for h in range(1, 4) for c in range(1, 7)] + [(4, 4)]
)
def test_planner_matches_exhaustive_optimum(hosts: int, others: int) -> None:
    used = block_count(hosts, others)
    assert exhaustive_minimum(hosts, others, upper=used, seconds=30) == used


@pytest.mark.parametrize(("hosts", "others"), [(h, c) for h in range(1, 7) for c in range(0, 25)])
def test_planner_meets_the_area_and_strip_lower_bounds(hosts: int, others: int) -> None:
    used = block_count(hosts, others)
    if others == 0:
        assert used == 0
        return
    # Each rule holds at most 2x3 (or 3x2) pairs; one host pairs with at most 4 others a rule.
    # Reaching the lower bound proves the plan minimal.
    assert used == lower_bound(hosts, others)


def test_one_host_twelve_cidrs_needs_three_allow_rules() -> None:
    # 1 host + 4 CIDRs = 5 values a rule; 12 / 4 = 3 rules.
    rules = plan_rules(hosts=HOSTS[:1], cidrs=CIDRS[:12])
    allow = [r for r in rules if r.kind == "allow"]
    assert len(allow) == 3
    assert [len(r.source_ips) for r in allow] == [4, 4, 4]
    assert sorted(ip for r in allow for ip in r.source_ips) == sorted(CIDRS[:12])


def test_seven_hosts_need_two_maintenance_rules() -> None:
    rules = plan_rules(hosts=HOSTS[:7], cidrs=[])
    assert [r.kind for r in rules] == ["maintenance", "maintenance"]
    assert [len(r.hosts) for r in rules] == [5, 2]


def test_five_hosts_seven_cidrs_fit_in_six_rules() -> None:
    # 35 pairs, 6 per rule at most: 6 rules, which no guillotine split reaches (it needs 7).
    hosts = HOSTS[:5]
    allow = [r for r in plan_rules(hosts=hosts, cidrs=CIDRS[:7]) if r.kind == "allow"]
    assert len(allow) == 6
    assert all(r.value_count <= MAX_VALUES_PER_RULE for r in allow)
    covered = {(h, c) for r in allow for h in r.hosts for c in r.source_ips}
    assert covered == set(itertools.product(hosts, CIDRS[:7]))


def test_four_hosts_four_cidrs_fit_in_three_rules() -> None:
    allow = [r for r in plan_rules(hosts=HOSTS[:4], cidrs=CIDRS[:4]) if r.kind == "allow"]
    assert len(allow) == 3
    covered = {(h, c) for r in allow for h in r.hosts for c in r.source_ips}
    assert covered == set(itertools.product(HOSTS[:4], CIDRS[:4]))


def test_order_and_consecutive_priorities() -> None:
    rules = plan_rules(
        hosts=HOSTS[:2], cidrs=CIDRS[:2], bypass_paths=["/health"], browser=True, first_priority=40
    )
    assert [r.kind for r in rules] == ["bypass", "allow", "browser", "maintenance"]
    assert [r.priority for r in rules] == [40, 41, 42, 43]
    assert rules[2].accept == ("*text/html*",)


@pytest.mark.parametrize("hosts", [1, 3, 6, 8])
@pytest.mark.parametrize("cidrs", [0, 1, 7, 13])
@pytest.mark.parametrize("paths", [0, 2])
def test_every_rule_within_quota_and_every_pair_covered(hosts: int, cidrs: int, paths: int) -> None:
    host_values = ["*.example.com", *HOSTS][:hosts]
    path_values = ["/health", "/status/*"][:paths]
    rules = plan_rules(
        hosts=host_values, cidrs=CIDRS[:cidrs], bypass_paths=path_values, browser=True
    )
    for rule in rules:
        assert rule.value_count <= MAX_VALUES_PER_RULE
        assert rule.wildcards <= MAX_WILDCARDS_PER_RULE
    pairs = {(h, c) for r in rules if r.kind == "allow" for h in r.hosts for c in r.source_ips}
    assert pairs == set(itertools.product(host_values, CIDRS[:cidrs]))
    for kind in ("browser", "maintenance"):
        assert sorted(h for r in rules if r.kind == kind for h in r.hosts) == sorted(host_values)


def test_wildcard_heavy_hosts_are_split() -> None:
    hosts = ["*.a.example.*", "*.b.example.*", "*.c.example.*"]
    # Letters only after the final '.' is the ALB's rule, so these would be refused earlier;
    # the planner on its own still respects the wildcard quota.
    rules = plan_rules(hosts=hosts, cidrs=[])
    assert all(r.wildcards <= MAX_WILDCARDS_PER_RULE for r in rules)
    assert len(rules) == 2


def test_too_many_rules_suggests_cloudfront() -> None:
    many = [f"10.{i // 256}.{i % 256}.0/24" for i in range(450)]
    with pytest.raises(MaintenanceConfigError) as error:
        plan_rules(hosts=HOSTS[:1], cidrs=many)
    message = str(error.value)
    assert f"over the {MAX_RULES_PER_LOAD_BALANCER} rules" in message
    assert "CloudFrontMaintenance" in message


def test_last_priority_must_fit() -> None:
    with pytest.raises(
        MaintenanceConfigError,
        match=r"priority: 49999 plus 3 consecutive rules ends at 50001.*priority=49998",
    ):
        plan_rules(hosts=HOSTS[:1], cidrs=CIDRS[:1], bypass_paths=["/h"], first_priority=49999)
