"""RegionalMaintenance: a REGIONAL web ACL associated with ALBs and API stages, sharing the
WAF rule, IP sets, bodies and checks with CloudFrontMaintenance."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_wafv2 as wafv2
from builders import existing_acl
from helpers import assert_toggle_invariants

from maintenance_constructs import MaintenanceResponse, RegionalMaintenance

Match = assertions.Match
STAGE = "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3/stages/prod"


def _stack() -> cdk.Stack:
    return cdk.Stack(cdk.App(), "Api", env=cdk.Environment(region="eu-west-1"))


@pytest.fixture(scope="module")
def on() -> dict[str, Any]:
    stack = _stack()
    RegionalMaintenance(
        stack,
        "Maintenance",
        resource_arns=[STAGE],
        allowed_cidrs=["203.0.113.0/24", "2001:db8::/48"],
        response=MaintenanceResponse.json({"code": "down"}, retry_after=600),
        bypass_paths=["/prod/health"],
        enabled=True,
    )
    return assertions.Template.from_stack(stack).to_json()


def _of(template: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in template["Resources"].values() if r["Type"] == kind]


def test_regional_web_acl_ip_sets_and_association(on: dict[str, Any]) -> None:
    (acl,) = _of(on, "AWS::WAFv2::WebACL")
    assert (acl["Scope"], acl["DefaultAction"]) == ("REGIONAL", {"Allow": {}})
    assert {s["Scope"] for s in _of(on, "AWS::WAFv2::IPSet")} == {"REGIONAL"}
    (association,) = _of(on, "AWS::WAFv2::WebACLAssociation")
    assert association["ResourceArn"] == STAGE
    assert "Fn::GetAtt" in association["WebACLArn"]


def test_rule_sends_retry_after_which_an_alb_listener_rule_cannot(on: dict[str, Any]) -> None:
    (acl,) = _of(on, "AWS::WAFv2::WebACL")
    (rule,) = acl["Rules"]
    custom = rule["Action"]["Block"]["CustomResponse"]
    assert custom["ResponseCode"] == 503
    assert custom["ResponseHeaders"] == [{"Name": "Retry-After", "Value": "600"}]


def test_association_and_ip_sets_exist_while_off_too() -> None:
    stack = _stack()
    m = RegionalMaintenance(stack, "Maintenance", resource_arns=[STAGE], enabled=False)
    template = assertions.Template.from_stack(stack)
    template.resource_count_is("AWS::WAFv2::WebACLAssociation", 1)
    template.has_resource_properties("AWS::WAFv2::WebACL", {"Rules": []})
    assert (m.enabled, m.priorities, m.rule_names) == (False, [10], ["Maintenance"])


def test_existing_regional_web_acl_gets_the_rule_and_the_association() -> None:
    stack = _stack()
    acl = existing_acl(stack, "REGIONAL")
    m = RegionalMaintenance(stack, "Maintenance", resource_arns=[STAGE], web_acl=acl, enabled=True)
    assert m.web_acl is acl
    rules = _of(assertions.Template.from_stack(stack).to_json(), "AWS::WAFv2::WebACL")[0]["Rules"]
    assert [r["Name"] for r in rules] == ["RateLimit", "Maintenance"]


def test_alb_behind_cloudfront_is_detected_for_the_regional_front_door_too() -> None:
    stack = _stack()
    vpc = ec2.Vpc(stack, "Vpc", nat_gateways=0, max_azs=2)
    alb = elbv2.ApplicationLoadBalancer(stack, "Alb", vpc=vpc, internet_facing=True)
    alb.add_listener("Http", port=80, default_action=elbv2.ListenerAction.fixed_response(404))
    cloudfront.Distribution(
        stack,
        "Cdn",
        default_behavior=cloudfront.BehaviorOptions(origin=origins.LoadBalancerV2Origin(alb)),
    )
    RegionalMaintenance(stack, "Maintenance", resource_arns=[alb.load_balancer_arn])
    stack.node.root.synth()  # type: ignore[attr-defined]
    found = assertions.Annotations.from_stack(stack).find_warning("*", Match.any_value())
    assert any("albBehindCloudFront" in str(m.entry.data) for m in found)


def _rest_api_with_its_own_web_acl(stack: cdk.Stack) -> tuple[Any, Any]:
    """A REST API whose stage the app already protects with its own web ACL (a rate limit)."""
    api = apigateway.RestApi(
        stack, "Rest", deploy_options=apigateway.StageOptions(stage_name="prod")
    )
    api.root.add_method("GET", apigateway.MockIntegration())
    acl = existing_acl(stack, "REGIONAL")
    association = wafv2.CfnWebACLAssociation(
        stack,
        "AppAssociation",
        resource_arn=api.deployment_stage.stage_arn,
        web_acl_arn=acl.attr_arn,
    )
    return acl, association


@pytest.mark.parametrize("enabled", [False, True])
def test_the_apps_web_acl_gets_the_rule_and_its_associations_are_left_alone(
    enabled: bool,
) -> None:
    stack = _stack()
    acl, _ = _rest_api_with_its_own_web_acl(stack)
    m = RegionalMaintenance(stack, "Maintenance", web_acl=acl, enabled=enabled)
    assert m.associations == []
    template = assertions.Template.from_stack(stack)
    template.resource_count_is("AWS::WAFv2::WebACLAssociation", 1)  # the app's own
    template.resource_count_is("AWS::WAFv2::WebACL", 1)
    names = [r["Name"] for r in _of(template.to_json(), "AWS::WAFv2::WebACL")[0]["Rules"]]
    assert names == (["RateLimit", "Maintenance"] if enabled else ["RateLimit"])


def test_the_apps_web_acl_and_its_resource_again_is_refused_with_the_way_out() -> None:
    stack = _stack()
    acl, association = _rest_api_with_its_own_web_acl(stack)
    RegionalMaintenance(stack, "Maintenance", web_acl=acl, resource_arns=[association.resource_arn])
    with pytest.raises(RuntimeError, match="drop that resource from resource_arns"):
        stack.node.root.synth()  # type: ignore[attr-defined]


def test_the_apps_web_acl_changes_only_its_rules_with_the_toggle() -> None:
    """The REST API shape with its own web ACL: off -> on and back is a Rules update only."""
    templates = {}
    for enabled in (False, True):
        stack = _stack()
        acl, _ = _rest_api_with_its_own_web_acl(stack)
        RegionalMaintenance(stack, "Maintenance", web_acl=acl, enabled=enabled)
        templates[enabled] = assertions.Template.from_stack(stack).to_json()
    assert_toggle_invariants(templates[False], templates[True])
    assert_toggle_invariants(templates[True], templates[False])
