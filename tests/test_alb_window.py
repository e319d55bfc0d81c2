"""Where AlbMaintenance's rules sit: scaled bands (pure), automatic placement before the app's
rules (pure, then in an app), and edits while on that never take a held priority."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from builders import AlbEnv

from maintenance_constructs.alb.plan import plan_rules
from maintenance_constructs.alb.window import (
    BANDS,
    MIN_WINDOW,
    PRIORITY_WINDOW,
    AppRulePriority,
    bands,
    place_window,
)
from maintenance_constructs.errors import MaintenanceConfigError


@pytest.mark.parametrize("size", [MIN_WINDOW, 20, 49, 89, PRIORITY_WINDOW])
def test_bands_fill_the_window_in_order_each_kind_at_least_one(size: int) -> None:
    layout = bands(size)
    assert [b.kind for b in layout] == [b.kind for b in BANDS]
    assert all(b.size >= 1 for b in layout)
    assert [b.offset for b in layout] == [sum(x.size for x in layout[:i]) for i in range(6)]
    assert layout[-1].offset + layout[-1].size == size


def test_the_full_window_keeps_its_layout() -> None:
    assert [(b.kind, b.offset, b.size) for b in BANDS] == [
        ("guard", 0, 5),
        ("bypass", 5, 10),
        ("allow", 15, 50),
        ("token", 65, 10),
        ("browser", 75, 5),
        ("maintenance", 80, 10),
    ]


def _rules(*priorities: int, overlaps: bool = True) -> list[AppRulePriority]:
    return [AppRulePriority(f"App{p}", p, overlaps) for p in priorities]


@pytest.mark.parametrize(
    ("rules", "taken", "window"),
    [
        ((), [], range(10, 100)),  # no app rule: the default
        (_rules(100, 110), [], range(10, 100)),  # the usual: app rules from 100
        (_rules(250), [range(10, 100)], range(100, 190)),  # after another construct's window
        (_rules(50, 60), [], range(1, 50)),  # room for 49: smaller bands
        (_rules(10, overlaps=False) + _rules(300), [], range(11, 101)),  # 10 is another host's
    ],
)
def test_placement(rules: list[AppRulePriority], taken: list[range], window: range) -> None:
    assert place_window(rules, taken, needed=4) == window


def test_no_room_says_which_rules_to_renumber_and_to_what() -> None:
    with pytest.raises(MaintenanceConfigError) as error:
        place_window(_rules(1, 2, 10), [], needed=4)
    message = str(error.value)
    assert message.startswith("priority: the app's rules on the listener leave 0 free")
    assert "App1 1 -> 101, App2 2 -> 102, App10 10 -> 110" in message
    assert "the maintenance rules then take 10..99" in message


def test_scaled_window_plans_within_its_bands() -> None:
    rules = plan_rules(
        hosts=["example.com"],
        cidrs=["203.0.113.0/24"],
        bypass_paths=["/health"],
        browser=True,
        first_priority=1,
        window_size=49,
    )
    layout = {b.kind: b for b in bands(49)}
    for rule in rules:
        band = layout[rule.kind]
        assert 1 + band.offset <= rule.priority < 1 + band.offset + band.size
    assert max(r.priority for r in rules) <= 49


def _app(*priorities: int, **overrides: Any) -> AlbEnv:
    env = AlbEnv()
    for priority in priorities:
        env.listener.add_target_groups(
            f"App{priority}",
            priority=priority,
            conditions=[elbv2.ListenerCondition.path_patterns([f"/p{priority}/*"])],
            target_groups=[env.blue],
        )
    env.maintenance(**{"priority": None, "allowed_cidrs": ["203.0.113.0/24"], **overrides})
    return env


@pytest.mark.parametrize("routing", [True, False])
def test_placed_before_the_apps_rules_at_synthesis(routing: bool) -> None:
    env = _app(50, 60, **({"target_groups": None} if routing else {}))
    construct = env.app.node.find_child("Web").node.find_child("Maintenance")
    env.app.synth()
    assert construct.priority_window == range(1, 50)  # type: ignore[attr-defined]
    assert construct.window_placed  # type: ignore[attr-defined]
    assert max(construct.priorities) < 50  # type: ignore[attr-defined]


def test_two_constructs_without_priority_are_placed_one_after_the_other() -> None:
    env = _app(500, host_headers=["example.com"])
    env.maintenance("Second", priority=None, host_headers=["other.example.com"])
    env.app.synth()
    first = env.stack.node.find_child("Maintenance")
    second = env.stack.node.find_child("Second")
    assert first.priority_window == range(10, 100)  # type: ignore[attr-defined]
    assert second.priority_window == range(100, 190)  # type: ignore[attr-defined]
