"""Edits while maintenance stays on, as CloudFormation applies them: each consecutive pair of
templates is an update in which new rules are created first and removed ones deleted last, so
no rule may be created or moved onto a priority another rule holds before the update."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from aws_cdk import assertions
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from builders import AlbEnv

from maintenance_constructs import MaintenanceResponse

RULE = "AWS::ElasticLoadBalancingV2::ListenerRule"
CIDRS = [f"10.{i}.0.0/16" for i in range(0, 40, 2)]
HOSTS = [f"h{i}.example.com" for i in range(8)]
PAGE = MaintenanceResponse.html("<h1>Back soon</h1>")
TOKEN = "edits-while-on-token-0123456789"


def _rules(app_priority: int = 100, **overrides: Any) -> dict[str, int]:
    """The maintenance rules of one synthesis: logical id -> priority."""
    env = AlbEnv()
    env.other_rule("App", app_priority, elbv2.ListenerCondition.host_headers(["example.com"]))
    env.maintenance(**{"allowed_cidrs": CIDRS[:1], **overrides})
    found = assertions.Template.from_stack(env.stack).find_resources(RULE)
    return {k: r["Properties"]["Priority"] for k, r in found.items() if k.startswith("Maint")}


def unsafe_moves(before: Mapping[str, int], after: Mapping[str, int]) -> list[str]:
    """Rules of ``after`` that are new or moved onto a priority another rule holds in
    ``before`` (the ALB would answer PriorityInUse)."""
    holders = {priority: logical_id for logical_id, priority in before.items()}
    return [
        f"{logical_id} -> {priority} (held by {holders[priority]})"
        for logical_id, priority in after.items()
        if before.get(logical_id) != priority and holders.get(priority, logical_id) != logical_id
    ]


SEQUENCES: Mapping[str, Sequence[Mapping[str, Any]]] = {
    "cidrs 1-7-2-12-1": [{"allowed_cidrs": CIDRS[:n]} for n in (1, 7, 2, 12, 1)],
    "hosts 1-6-2": [{"host_headers": HOSTS[:n], "allowed_cidrs": CIDRS[:3]} for n in (1, 6, 2)],
    "bypass paths in and out": [
        {},
        {"bypass_paths": ["/health"]},
        {"bypass_paths": ["/health", "/status", "/ping", "/ready", "/live", "/version"]},
        {"bypass_paths": ["/status"]},
        {},
    ],
    "browser response in and out": [
        {},
        {"browser_response": PAGE},
        {"browser_response": PAGE, "host_headers": HOSTS[:6]},
        {"host_headers": HOSTS[:6]},
        {},
    ],
    "every host and back": [
        {"host_headers": HOSTS[:6]},
        {"host_headers": None},
        {"host_headers": HOSTS[:3]},
    ],
    # Following the app's routing (copies of its rules), the window placed automatically.
    "routed cidrs and token 1-7-2": [
        {"target_groups": None, "allowed_cidrs": CIDRS[:n], "bypass_token": TOKEN}
        for n in (1, 7, 2)
    ],
    # The app's first rule at 40: a smaller window (1..39) with smaller bands.
    "smaller window cidrs 1-5-2": [
        {
            "app_priority": 40,
            "host_headers": ["example.com"],
            "target_groups": None,
            "allowed_cidrs": CIDRS[:n],
        }
        for n in (1, 5, 2)
    ],
}


@pytest.fixture(scope="module")
def walked() -> dict[str, list[dict[str, int]]]:
    return {
        name: [_rules(**{"host_headers": HOSTS[:1], **edit}) for edit in edits]
        for name, edits in SEQUENCES.items()
    }


@pytest.mark.parametrize("sequence", SEQUENCES)
def test_edits_while_on_never_take_a_held_priority(
    walked: dict[str, list[dict[str, int]]], sequence: str
) -> None:
    templates = walked[sequence]
    assert len({tuple(sorted(t.items())) for t in templates}) > 1  # the edits do change rules
    for before, after in itertools.pairwise(templates):
        assert unsafe_moves(before, after) == [], (before, after)
        assert unsafe_moves(after, before) == [], "undoing the edit"


def test_the_check_catches_consecutive_priorities() -> None:
    """Not vacuous: the old layout (allow rules, then the 503, in consecutive priorities)
    fails it when a CIDR is added."""
    old = {"MaintenanceAllowRule1": 10, "MaintenanceMaintenanceRule1": 11}
    new = {
        "MaintenanceAllowRule1": 10,
        "MaintenanceAllowRule2": 11,
        "MaintenanceMaintenanceRule1": 12,
    }
    assert unsafe_moves(old, new) == [
        "MaintenanceAllowRule2 -> 11 (held by MaintenanceMaintenanceRule1)"
    ]
