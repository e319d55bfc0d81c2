"""The maintenance toggle: accepted values, selectors, precedence, the info annotation."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions

from maintenance_constructs import (
    MAINTENANCE_CONTEXT_KEY,
    CloudFrontMaintenance,
    MaintenanceConfigError,
    is_maintenance_enabled,
    parse_toggle_value,
)

ON_VALUES = [True, 1, "true", "TRUE", " yes ", "On", "1"]
OFF_VALUES = [None, False, 0, "false", "False", "no", "OFF", "0", "", "  "]


@pytest.mark.parametrize("value", ON_VALUES)
def test_on_values(value: Any) -> None:
    parsed = parse_toggle_value(value)
    assert parsed.everywhere and parsed.selects("Any/Path")


@pytest.mark.parametrize("value", OFF_VALUES)
def test_off_values(value: Any) -> None:
    parsed = parse_toggle_value(value)
    assert not parsed.on_anywhere and not parsed.selects("Any/Path")


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (2, "only the integers 0 and 1"),
        (-1, "only the integers 0 and 1"),
        (1.0, "a float is not a toggle value"),
        (["Prod"], "a list is not a toggle value"),
        ({"on": True}, "a dict is not a toggle value"),
        ("true,Prod", "'true' is a boolean inside a selector list"),
        ("Prod,,Staging", "empty entry"),
        ("Prod/", "empty construct id"),
        ("/Prod", "empty construct id"),
    ],
)
def test_garbage_values_are_refused(value: Any, fragment: str) -> None:
    with pytest.raises(MaintenanceConfigError) as error:
        parse_toggle_value(value)
    message = str(error.value)
    assert fragment in message
    assert f"context '{MAINTENANCE_CONTEXT_KEY}'" in message
    assert repr(value) in message
    assert "Accepted values" in message


@pytest.mark.parametrize(
    ("value", "path", "expected"),
    [
        ("Prod", "Pipeline/Prod/WebStack/Maintenance", True),
        ("Prod/WebStack", "Pipeline/Prod/WebStack/Maintenance", True),
        ("Prod/Maintenance", "Pipeline/Prod/WebStack/Maintenance", False),  # not contiguous
        ("Prod", "Pipeline/Production/WebStack/Maintenance", False),  # whole ids only
        ("prod", "Pipeline/Prod/WebStack/Maintenance", False),  # ids are case-sensitive
        ("Staging, Prod", "Prod/Edge/Maintenance", True),
        ("Staging", "Prod/Edge/Maintenance", False),
    ],
)
def test_selector_matching(value: str, path: str, expected: bool) -> None:
    assert parse_toggle_value(value).selects(path) is expected


def _edge(scope: Any, stack_id: str = "Edge") -> cdk.Stack:
    return cdk.Stack(scope, stack_id, env=cdk.Environment(region="us-east-1"))


def test_cli_string_true_switches_on() -> None:
    # `cdk deploy -c maintenance=true` hands the app the *string* "true".
    app = cdk.App(context={MAINTENANCE_CONTEXT_KEY: "true"})
    m = CloudFrontMaintenance(_edge(app), "Maintenance")
    assert m.enabled
    assert is_maintenance_enabled(m)


def test_string_false_is_off_not_truthy() -> None:
    app = cdk.App(context={MAINTENANCE_CONTEXT_KEY: "false"})
    assert not CloudFrontMaintenance(_edge(app), "Maintenance").enabled


def test_unset_is_off() -> None:
    assert not CloudFrontMaintenance(_edge(cdk.App()), "Maintenance").enabled


@pytest.mark.parametrize(("context", "explicit"), [("true", False), ("false", True), (None, True)])
def test_explicit_enabled_wins(context: Any, explicit: bool) -> None:
    app = cdk.App(context={} if context is None else {MAINTENANCE_CONTEXT_KEY: context})
    assert CloudFrontMaintenance(_edge(app), "Maintenance", enabled=explicit).enabled is explicit


def test_enabled_must_be_bool() -> None:
    with pytest.raises(
        MaintenanceConfigError, match=r"enabled: expected True, False or None, received 'yes'"
    ):
        CloudFrontMaintenance(_edge(cdk.App()), "Maintenance", enabled="yes")  # type: ignore[arg-type]


def test_garbage_context_fails_in_construct() -> None:
    app = cdk.App(context={MAINTENANCE_CONTEXT_KEY: 7})
    with pytest.raises(MaintenanceConfigError, match="received 7"):
        CloudFrontMaintenance(_edge(app), "Maintenance")


def _staged_app(value: str) -> tuple[cdk.App, CloudFrontMaintenance, CloudFrontMaintenance]:
    app = cdk.App(context={MAINTENANCE_CONTEXT_KEY: value})
    staging = CloudFrontMaintenance(_edge(cdk.Stage(app, "Staging")), "Maintenance")
    prod = CloudFrontMaintenance(_edge(cdk.Stage(app, "Prod")), "Maintenance")
    return app, staging, prod


def test_selector_picks_one_nested_stage() -> None:
    app, staging, prod = _staged_app("Prod")
    assert (staging.enabled, prod.enabled) == (False, True)
    app.synth()  # the selector matches, so the typo check passes


def test_selector_with_stack_id() -> None:
    _, staging, prod = _staged_app("Prod/Edge,Staging/Other")
    assert (staging.enabled, prod.enabled) == (False, True)


def test_selector_matching_nothing_fails_synth_with_paths() -> None:
    app, staging, prod = _staged_app("Prdo")
    assert not staging.enabled and not prod.enabled
    with pytest.raises(RuntimeError) as error:
        app.synth()
    message = str(error.value)
    assert "selector 'Prdo'" in message
    assert "matches no maintenance construct" in message
    assert "Prod/Edge/Maintenance" in message and "Staging/Edge/Maintenance" in message
    assert "true/yes/on/1" in message


def test_partially_matching_selector_list_fails() -> None:
    app, _, _ = _staged_app("Prod,Stagin")
    with pytest.raises(RuntimeError, match="selector 'Stagin'"):
        app.synth()


def _info_messages(stack: cdk.Stack) -> list[Any]:
    return assertions.Annotations.from_stack(stack).find_info("*", assertions.Match.any_value())


def test_info_annotation_only_when_on() -> None:
    on_app = cdk.App(context={MAINTENANCE_CONTEXT_KEY: "on"})
    on_stack = _edge(on_app)
    CloudFrontMaintenance(on_stack, "Maintenance")
    infos = _info_messages(on_stack)
    assert len(infos) == 1
    text = str(infos[0].entry.data)
    assert "Maintenance mode is ON for Edge/Maintenance" in text
    assert "A deploy without the same context value turns it off again" in text

    off_stack = _edge(cdk.App(context={MAINTENANCE_CONTEXT_KEY: "off"}))
    CloudFrontMaintenance(off_stack, "Maintenance")
    assert _info_messages(off_stack) == []
    assertions.Annotations.from_stack(off_stack).has_no_warning("*", assertions.Match.any_value())


def test_a_user_stack_called_maintenance_toggle_does_not_collide() -> None:
    for before in (True, False):
        app = cdk.App(context={"maintenance": "true"})
        if before:
            cdk.Stack(app, "MaintenanceToggle")
        edge = cdk.Stack(app, "Edge", env=cdk.Environment(region="us-east-1"))
        CloudFrontMaintenance(edge, "Maintenance")
        if not before:
            cdk.Stack(app, "MaintenanceToggle")
        app.synth()
