"""Rule planning without a stack: quotas, minimal rule counts, priorities."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from benchmarks.minimum import exhaustive_minimum, lower_bound
from maintenance_constructs import MaintenanceConfigError
from maintenance_constructs.alb.plan import (
    BANDS,
    MAX_VALUES_PER_RULE,
    MAX_WILDCARDS_PER_RULE,
    PRIORITY_WINDOW,
    PlannedRule,
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


def test_order_and_banded_priorities() -> None:
    rules = plan_rules(
        hosts=HOSTS[:2], cidrs=CIDRS[:2], bypass_paths=["/health"], browser=True, first_priority=40
    )
    assert [r.kind for r in rules] == ["bypass", "allow", "browser", "maintenance"]
    assert [r.priority for r in rules] == [45, 55, 115, 120]
    assert [r.construct_id for r in rules] == [
        "BypassRule1",
        "AllowRule1",
        "BrowserRule1",
        "MaintenanceRule1",
    ]
    assert rules[2].accept == ("*text/html*",)


def test_bands_tile_the_window_in_evaluation_order() -> None:
    kinds = ["guard", "bypass", "allow", "token", "browser", "maintenance"]
    assert [band.kind for band in BANDS] == kinds
    ends = [band.offset + band.size for band in BANDS]
    assert [band.offset for band in BANDS] == [0, *ends[:-1]]
    assert ends[-1] == PRIORITY_WINDOW == 90  # default 10..99: the app rule at 100 comes after


@pytest.mark.parametrize("cidrs", [0, 1, 4, 5, 17, 30])
def test_every_host_plan_has_no_host_condition_and_a_catch_all(cidrs: int) -> None:
    rules = plan_rules(
        hosts=None, cidrs=CIDRS[:cidrs], bypass_paths=["/health", "/static/*"], browser=True
    )
    assert all(r.hosts == () for r in rules)
    assert [r.paths for r in rules if r.kind == "bypass"] == [("/health", "/static/*")]
    allow = [r for r in rules if r.kind == "allow"]
    assert len(allow) == -(-cidrs // MAX_VALUES_PER_RULE)  # 5 CIDRs a rule: no host to pair
    assert [ip for r in allow for ip in r.source_ips] == CIDRS[:cidrs]
    browser, maintenance = rules[-2:]
    assert (browser.kind, browser.accept, browser.priority) == ("browser", ("*text/html*",), 85)
    assert (maintenance.paths, maintenance.priority, maintenance.value_count) == (("/*",), 90, 1)


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


@pytest.mark.parametrize("hosts", [HOSTS[:1], None])
def test_allow_band_overflow_suggests_cloudfront(hosts: list[str] | None) -> None:
    many = [f"10.{i // 256}.{i % 256}.0/24" for i in range(450)]
    with pytest.raises(MaintenanceConfigError) as error:
        plan_rules(hosts=hosts, cidrs=many)
    message = str(error.value)
    assert message.startswith("allowed_cidrs/host_headers: ")
    assert "450 CIDRs" in message and "the allow band holds 50" in message
    assert "CloudFrontMaintenance" in message


def test_a_full_band_still_fits() -> None:
    # 1 host + 4 CIDRs a rule: 200 CIDRs fill the 50 rules of the allow band exactly.
    many = [f"10.{i // 256}.{i % 256}.0/24" for i in range(200)]
    allow = [r for r in plan_rules(hosts=HOSTS[:1], cidrs=many) if r.kind == "allow"]
    assert (len(allow), allow[0].priority, allow[-1].priority) == (50, 25, 74)


def test_window_must_fit_below_the_maximum_priority() -> None:
    assert plan_rules(hosts=HOSTS[:1], cidrs=[], first_priority=49911)[-1].priority == 49991
    with pytest.raises(
        MaintenanceConfigError,
        match=r"priority: 49912 reserves 49912..50001 \(90 priorities\).*priority=49911 or lower",
    ):
        plan_rules(hosts=HOSTS[:1], cidrs=CIDRS[:1], first_priority=49912)


def _slots(rules: list[PlannedRule]) -> dict[int, str]:
    return {r.priority: r.construct_id for r in rules}


EDITS = {
    "cidrs 1-7-2-12-1": [dict(cidrs=CIDRS[:n]) for n in (1, 7, 2, 12, 1)],
    "hosts 1-6-2": [dict(hosts=HOSTS[:n], cidrs=CIDRS[:3]) for n in (1, 6, 2)],
    "bypass and browser": [
        dict(cidrs=CIDRS[:2]),
        dict(cidrs=CIDRS[:2], bypass_paths=["/health"]),
        dict(cidrs=CIDRS[:2], bypass_paths=["/health"], browser=True),
        dict(cidrs=CIDRS[:2], bypass_paths=[f"/p{i}" for i in range(9)], browser=True),
        dict(cidrs=CIDRS[:2], browser=True),
        dict(cidrs=CIDRS[:2]),
    ],
    "every host and back": [dict(cidrs=CIDRS[:6]), dict(hosts=None, cidrs=CIDRS[:6])] * 2,
}


@pytest.mark.parametrize("edits", EDITS.values(), ids=list(EDITS))
def test_edits_never_move_a_rule_onto_a_held_priority(edits: list[dict[str, Any]]) -> None:
    """CloudFormation creates new rules first and deletes old ones last: a new or moved rule
    must not land on a priority another rule holds before the update (PriorityInUse)."""
    plans = [plan_rules(**{"hosts": HOSTS[:1], **edit}) for edit in edits]
    for before, after in itertools.pairwise(plans):
        held, ids_before = _slots(before), {r.construct_id: r.priority for r in before}
        for rule in after:
            if ids_before.get(rule.construct_id) == rule.priority:
                continue  # unchanged place: updated in place at most
            assert held.get(rule.priority, rule.construct_id) == rule.construct_id, (
                f"{rule.construct_id} lands on {rule.priority}, held by {held[rule.priority]}"
            )
        assert len({r.priority for r in after}) == len(after)


def test_the_slot_check_is_not_vacuous() -> None:
    """Consecutive priorities (the old layout) do fail the check above."""
    before = [PlannedRule("allow", 10, ("a.com",)), PlannedRule("maintenance", 11, ("a.com",))]
    after = [*before[:1], PlannedRule("allow", 11, ("a.com",), number=2)]
    assert _slots(after)[11] != _slots(before)[11]


@pytest.mark.parametrize("hosts", [None, HOSTS[:1], HOSTS[:6]])
def test_bypass_token_rules_forward_on_the_header_or_the_cookie(hosts: list[str] | None) -> None:
    token = "s3cr3t-t0ken-0123456789"
    rules = [r for r in plan_rules(hosts=hosts, cidrs=[], bypass_token=token) if r.kind == "token"]
    assert rules and all(r.forwards and 75 <= r.priority <= 79 for r in rules)  # band 75..79
    by_header: dict[str, set[str]] = {}
    for rule in rules:
        assert rule.value_count <= MAX_VALUES_PER_RULE and rule.wildcards <= MAX_WILDCARDS_PER_RULE
        (value,) = rule.header_values
        by_header.setdefault(rule.header_name, set()).update(rule.hosts or {"*"})
        assert (
            value
            == {"X-Maintenance-Bypass": token, "Cookie": f"*maintenance_bypass={token}*"}[
                rule.header_name
            ]
        )
    assert by_header == {name: set(hosts or {"*"}) for name in ("X-Maintenance-Bypass", "Cookie")}


def test_wildcard_heavy_values_are_split_further_not_sent_over_the_limit() -> None:
    rules = plan_rules(hosts=["*.example.com"], cidrs=[], bypass_paths=["/a*/b*", "/c*/d*", "/e*"])
    bypass = [r for r in rules if r.kind == "bypass"]
    assert [r.paths for r in bypass] == [("/a*/b*", "/c*/d*"), ("/e*",)]
    assert all(r.wildcards <= MAX_WILDCARDS_PER_RULE for r in rules)


def test_every_planned_rule_is_within_the_limits_or_the_plan_is_refused() -> None:
    """Random hosts, paths and tokens (fixed seed): each plan either keeps every rule within
    5 values and 5 wildcards, or is refused; none is sent over."""
    import random

    chooser = random.Random(20261201)
    hosts = ["example.com", "*.example.com", "*.*.example.com", "a?.example.com", "b.example.org"]
    paths = ["/health", "/a*", "/b*/c*", "/d?/e*", "/static/*", "/x*y*z*", "/p*q*r*s*"]
    planned = refused = 0
    for _ in range(300):
        try:
            rules = plan_rules(
                hosts=chooser.sample(hosts, chooser.randint(1, 4)),
                cidrs=CIDRS[: chooser.randint(0, 9)],
                bypass_paths=chooser.sample(paths, chooser.randint(0, 4)),
                browser=chooser.random() < 0.5,
                bypass_token="wildcard-check-token-01" if chooser.random() < 0.5 else None,
            )
        except MaintenanceConfigError:
            refused += 1
            continue
        planned += 1
        assert all(r.value_count <= MAX_VALUES_PER_RULE for r in rules)
        assert all(r.wildcards <= MAX_WILDCARDS_PER_RULE for r in rules)
    assert planned > 100 and refused > 0
