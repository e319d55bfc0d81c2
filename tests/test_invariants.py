"""The core safety promise, proven from templates over a matrix of configurations:
toggling touches nothing but the maintenance rules, and off equals "not installed"."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from builders import existing_acl, imported_listener
from helpers import PATH_METADATA, assert_off_matches_without, assert_toggle_invariants, templates

import app as example
from maintenance_constructs import AlbMaintenance, CloudFrontMaintenance

Builder = Callable[[cdk.App, bool], None]


def alb_only(app: cdk.App, include: bool) -> None:
    example.AlbExampleStack(
        app, "Alb", env=cdk.Environment(region="ap-northeast-1"), include_maintenance=include
    )


def cloudfront_only(app: cdk.App, include: bool) -> None:
    example.CloudFrontExampleStack(
        app, "Edge", env=cdk.Environment(region="us-east-1"), include_maintenance=include
    )


def regional_only(app: cdk.App, include: bool) -> None:
    example.RegionalExampleStack(
        app, "Api", env=cdk.Environment(region="ap-northeast-1"), include_maintenance=include
    )


def both(app: cdk.App, include: bool) -> None:
    alb_only(app, include)
    cloudfront_only(app, include)


def imported(app: cdk.App, include: bool) -> None:
    stack = cdk.Stack(app, "Imported", env=cdk.Environment(region="eu-west-1"))
    listener, blue = imported_listener(stack)
    # The app rule lives in this app too, at 100, as in the seed.
    elbv2.ApplicationListenerRule(
        stack,
        "AppRule",
        listener=listener,
        priority=100,
        conditions=[elbv2.ListenerCondition.host_headers(["example.com", "www.example.com"])],
        target_groups=[blue],
    )
    if include:
        AlbMaintenance(
            stack,
            "Maintenance",
            listener=listener,
            host_headers=["example.com", "www.example.com"],
            allowed_cidrs=[f"10.{2 * i}.0.0/16" for i in range(5)] + ["2001:db8::/48"],
            target_groups=[blue],
            bypass_paths=["/health"],
        )


def existing_web_acl(app: cdk.App, include: bool) -> None:
    stack = cdk.Stack(app, "EdgeExisting", env=cdk.Environment(region="us-east-1"))
    acl = existing_acl(stack)
    if include:
        CloudFrontMaintenance(stack, "Maintenance", web_acl=acl, allowed_cidrs=["203.0.113.0/24"])
    cloudfront.Distribution(
        stack,
        "Cdn",
        default_behavior=cloudfront.BehaviorOptions(
            origin=origins.HttpOrigin("origin.example.com")
        ),
        web_acl_id=acl.attr_arn,
    )


def nested_stages(app: cdk.App, include: bool) -> None:
    for stage_id in ("Staging", "Prod"):
        both(cdk.Stage(app, stage_id), include)


CONFIGS: Mapping[str, Builder] = {
    "alb-only": alb_only,
    "cloudfront-only": cloudfront_only,
    "regional-only": regional_only,
    "both": both,
    "imported-listener": imported,
    "existing-web-acl": existing_web_acl,
    "nested-stages": nested_stages,
}


def synth(builder: Builder, context: Mapping[str, Any], include: bool = True) -> dict[str, Any]:
    app = cdk.App(context={**PATH_METADATA, **context})
    builder(app, include)
    return templates(app)


@pytest.fixture(scope="module")
def states() -> Callable[[str, str], dict[str, Any]]:
    cache: dict[tuple[str, str], dict[str, Any]] = {}

    def get(config: str, state: str) -> dict[str, Any]:
        if (config, state) not in cache:
            if state == "without":
                cache[config, state] = synth(CONFIGS[config], {}, include=False)
            else:
                cache[config, state] = synth(CONFIGS[config], {"maintenance": state})
        return cache[config, state]

    return get


@pytest.mark.parametrize("config", CONFIGS)
def test_toggle_changes_only_maintenance_rules(
    states: Callable[[str, str], dict[str, Any]], config: str
) -> None:
    off, on = states(config, "false"), states(config, "true")
    assert off.keys() == on.keys()
    changed = 0
    for stack in off:
        changed += not assert_toggle_invariants(off[stack], on[stack]).empty
        assert_toggle_invariants(on[stack], off[stack])  # leaving maintenance, too
    assert changed == len(off)  # every stack of these apps carries a maintenance construct


@pytest.mark.parametrize("config", CONFIGS)
def test_off_equals_app_without_construct(
    states: Callable[[str, str], dict[str, Any]], config: str
) -> None:
    off, without = states(config, "false"), states(config, "without")
    assert off.keys() == without.keys()
    for stack in off:
        assert_off_matches_without(off[stack], without[stack])


def test_selector_on_nested_stage_changes_only_that_stage(
    states: Callable[[str, str], dict[str, Any]],
) -> None:
    off, prod = states("nested-stages", "false"), states("nested-stages", "Prod")
    for stack in off:
        diff = assert_toggle_invariants(off[stack], prod[stack])
        assert diff.empty is stack.startswith("Staging"), stack


def test_invariant_helper_catches_a_moved_resource(
    states: Callable[[str, str], dict[str, Any]],
) -> None:
    """The helper is not vacuous: a change outside the maintenance rules fails it."""
    off = states("alb-only", "false")["Alb"]
    tampered = {**off, "Resources": dict(off["Resources"])}
    logical_id = next(k for k, r in off["Resources"].items() if r["Type"] == "AWS::EC2::VPC")
    tampered["Resources"]["Renamed" + logical_id] = tampered["Resources"].pop(logical_id)
    with pytest.raises(AssertionError, match="appears"):
        assert_toggle_invariants(off, tampered)


def test_invariant_helper_catches_an_export_that_comes_and_goes(
    states: Callable[[str, str], dict[str, Any]],
) -> None:
    off = states("alb-only", "false")["Alb"]
    exported = {"Value": "x", "Export": {"Name": "Alb:ExportsOutputRefListener"}}
    tampered = {**off, "Outputs": {**off.get("Outputs", {}), "Export": exported}}
    with pytest.raises(AssertionError, match="the template's Outputs change"):
        assert_toggle_invariants(off, tampered)
