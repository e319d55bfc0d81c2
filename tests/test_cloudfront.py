"""CloudFrontMaintenance: web ACL, IP sets, bodies, rules, existing ACLs, errors."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_wafv2 as wafv2
from helpers import diff_templates

from maintenance_constructs import (
    CloudFrontMaintenance,
    MaintenanceConfigError,
    MaintenanceResponse,
)

Match = assertions.Match
ACL = "AWS::WAFv2::WebACL"
IPSET = "AWS::WAFv2::IPSet"
W = wafv2.CfnWebACL
SEED_BODY = {"code": "service_unavailable", "hint": "現在システムのメンテナンス中です。"}


def _stack(region: str | None = "us-east-1") -> cdk.Stack:
    env = cdk.Environment(region=region) if region else None
    return cdk.Stack(cdk.App(), "Edge", env=env)


def _template(enabled: bool, **kwargs: Any) -> dict[str, Any]:
    stack = _stack()
    CloudFrontMaintenance(stack, "Maintenance", enabled=enabled, **kwargs)
    return assertions.Template.from_stack(stack).to_json()


def _acl(template: dict[str, Any]) -> dict[str, Any]:
    (acl,) = [r["Properties"] for r in template["Resources"].values() if r["Type"] == ACL]
    return acl


def _ref(template: dict[str, Any], suffix: str) -> dict[str, Any]:
    (logical_id,) = [
        k for k, r in template["Resources"].items() if r["Type"] == IPSET and suffix in k
    ]
    return {"IPSetReferenceStatement": {"Arn": {"Fn::GetAtt": [logical_id, "Arn"]}}}


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    return _template(
        True, allowed_cidrs=["203.0.113.0/24"], response=MaintenanceResponse.json(SEED_BODY)
    )


def test_seed_web_acl(seed: dict[str, Any]) -> None:
    acl = _acl(seed)
    assert acl["Scope"] == "CLOUDFRONT"
    assert acl["DefaultAction"] == {"Allow": {}}
    assert acl["VisibilityConfig"]["CloudWatchMetricsEnabled"] is True
    assert acl["CustomResponseBodies"] == {
        "Maintenance": {
            "Content": '{"code":"service_unavailable","hint":"現在システムのメンテナンス中です。"}',
            "ContentType": "APPLICATION_JSON",
        }
    }
    assert acl["Rules"] == [
        {
            "Name": "Maintenance",
            "Priority": 10,
            "Action": {
                "Block": {
                    "CustomResponse": {"ResponseCode": 503, "CustomResponseBodyKey": "Maintenance"}
                }
            },
            "Statement": {"NotStatement": {"Statement": _ref(seed, "Ipv4")}},
            "VisibilityConfig": {
                "CloudWatchMetricsEnabled": True,
                "MetricName": "Maintenance",
                "SampledRequestsEnabled": True,
            },
        }
    ]


def test_seed_ip_set(seed: dict[str, Any]) -> None:
    template = assertions.Template.from_json(seed)
    template.resource_count_is(IPSET, 1)
    template.has_resource_properties(
        IPSET, {"Scope": "CLOUDFRONT", "IPAddressVersion": "IPV4", "Addresses": ["203.0.113.0/24"]}
    )


def test_ipv4_ipv6_bypass_and_retry_after() -> None:
    template = _template(
        True,
        allowed_cidrs=["203.0.113.0/24", "2001:db8::/48", "2001:db8:0:1::5"],
        bypass_paths=["/health", "/status"],
        response=MaintenanceResponse.json(retry_after=600, headers={"Cache-Control": "no-store"}),
    )
    assertions.Template.from_json(template).has_resource_properties(
        IPSET, {"IPAddressVersion": "IPV6", "Addresses": ["2001:db8::/48"]}
    )
    (rule,) = _acl(template)["Rules"]
    assert rule["Action"]["Block"]["CustomResponse"]["ResponseHeaders"] == [
        {"Name": "Retry-After", "Value": "600"},
        {"Name": "Cache-Control", "Value": "no-store"},
    ]
    not_allowed, not_bypass = rule["Statement"]["AndStatement"]["Statements"]
    assert not_allowed == {
        "NotStatement": {
            "Statement": {
                "OrStatement": {"Statements": [_ref(template, "Ipv4"), _ref(template, "Ipv6")]}
            }
        }
    }
    prefixes = [
        s["ByteMatchStatement"]
        for s in not_bypass["NotStatement"]["Statement"]["OrStatement"]["Statements"]
    ]
    assert [
        (p["SearchString"], p["PositionalConstraint"], p["FieldToMatch"]) for p in prefixes
    ] == [("/health", "STARTS_WITH", {"UriPath": {}}), ("/status", "STARTS_WITH", {"UriPath": {}})]


def test_browser_rule_comes_first() -> None:
    template = _template(
        True,
        allowed_cidrs=["203.0.113.0/24"],
        browser_response=MaintenanceResponse.html("<h1>Back soon</h1>"),
    )
    acl = _acl(template)
    browser, main = acl["Rules"]
    assert (browser["Name"], browser["Priority"], main["Name"], main["Priority"]) == (
        "Maintenance-browser",
        10,
        "Maintenance",
        11,
    )
    assert (
        browser["Action"]["Block"]["CustomResponse"]["CustomResponseBodyKey"]
        == "Maintenance-browser"
    )
    accept = browser["Statement"]["AndStatement"]["Statements"][-1]["ByteMatchStatement"]
    assert accept["FieldToMatch"] == {"SingleHeader": {"Name": "accept"}}
    assert (accept["SearchString"], accept["PositionalConstraint"]) == ("text/html", "CONTAINS")
    assert acl["CustomResponseBodies"]["Maintenance-browser"] == {
        "Content": "<h1>Back soon</h1>",
        "ContentType": "TEXT_HTML",
    }


def test_empty_allowlist_blocks_everyone() -> None:
    template = _template(True)
    (rule,) = _acl(template)["Rules"]
    assert rule["Statement"]["SizeConstraintStatement"]["ComparisonOperator"] == "GE"
    assert "Block" in rule["Action"]
    assertions.Template.from_json(template).resource_count_is(IPSET, 0)


def test_disabled_keeps_ip_sets_and_bodies() -> None:
    template = _template(False, allowed_cidrs=["203.0.113.0/24", "2001:db8::/48"])
    acl = _acl(template)
    assert acl["Rules"] == []
    assert "Maintenance" in acl["CustomResponseBodies"]
    assertions.Template.from_json(template).resource_count_is(IPSET, 2)


def test_toggle_changes_only_the_rules() -> None:
    kwargs = {
        "allowed_cidrs": ["203.0.113.0/24", "2001:db8::/48"],
        "bypass_paths": ["/health"],
        "browser_response": MaintenanceResponse.html("<p>soon</p>"),
    }
    diff = diff_templates(_template(False, **kwargs), _template(True, **kwargs))
    assert not diff.added and not diff.removed
    assert list(diff.changed.values()) == [["Rules"]]


def _existing_acl(stack: cdk.Stack, scope: str = "CLOUDFRONT") -> wafv2.CfnWebACL:
    vis = W.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name="existing", sampled_requests_enabled=True
    )
    return W(
        stack,
        "Existing",
        scope=scope,
        default_action=W.DefaultActionProperty(block={}),
        visibility_config=vis,
        rules=[
            W.RuleProperty(
                name="AWSManagedRulesCommonRuleSet",
                priority=1,
                override_action=W.OverrideActionProperty(none={}),
                statement=W.StatementProperty(
                    managed_rule_group_statement=W.ManagedRuleGroupStatementProperty(
                        vendor_name="AWS", name="AWSManagedRulesCommonRuleSet"
                    )
                ),
                visibility_config=vis,
            )
        ],
        custom_response_bodies={
            "blocked": W.CustomResponseBodyProperty(content="blocked", content_type="TEXT_PLAIN")
        },
    )


def test_existing_web_acl_is_appended_to() -> None:
    stack = _stack()
    acl = _existing_acl(stack)
    m = CloudFrontMaintenance(
        stack, "Maintenance", web_acl=acl, allowed_cidrs=["203.0.113.0/24"], enabled=True
    )
    assert m.web_acl is acl
    template = assertions.Template.from_stack(stack)
    template.resource_count_is(ACL, 1)
    props = _acl(template.to_json())
    assert props["DefaultAction"] == {"Block": {}}  # left alone
    assert [r["Name"] for r in props["Rules"]] == ["AWSManagedRulesCommonRuleSet", "Maintenance"]
    assert set(props["CustomResponseBodies"]) == {"blocked", "Maintenance"}


@pytest.mark.parametrize(
    ("kwargs", "region", "fragments"),
    [
        (
            {},
            "eu-west-1",
            ["region: the stack Edge is in 'eu-west-1'", "us-east-1", "cross_region_references"],
        ),
        (
            {"allowed_cidrs": ["203.0.113.9/24"]},
            "us-east-1",
            ["allowed_cidrs: '203.0.113.9/24' has host bits set", "'203.0.113.0/24'"],
        ),
        (
            {"allowed_cidrs": ["0.0.0.0/0"]},
            "us-east-1",
            ["allowed_cidrs: '0.0.0.0/0' allows every address"],
        ),
        (
            {"allowed_cidrs": ["2001:db8::zz"]},
            "us-east-1",
            ["allowed_cidrs: '2001:db8::zz' is not an IPv4 or IPv6"],
        ),
        (
            {"response": MaintenanceResponse.text("x" * 4097)},
            "us-east-1",
            ["response.body: 4097 UTF-8 bytes", "4096"],
        ),
        (
            {
                "response": MaintenanceResponse.text(
                    "x", headers={f"X-{i}": "v" for i in range(10)}, retry_after=1
                )
            },
            "us-east-1",
            ["11 headers", "10"],
        ),
        (
            {"response": MaintenanceResponse.text("x", headers={"X-Bad#Name": "v"})},
            "us-east-1",
            ["'X-Bad#Name'", "refused by WAF"],
        ),
        (
            {"rule_name": "Maintenance mode"},
            "us-east-1",
            ["rule_name: 'Maintenance mode' is not a WAF rule/metric name"],
        ),
        ({"rule_name": "x" * 121}, "us-east-1", ["rule_name:", "1 to 120 characters"]),
        ({"priority": -1}, "us-east-1", ["priority: -1 is not a WAF rule priority"]),
        (
            {"bypass_paths": ["/static/*"]},
            "us-east-1",
            ["bypass_paths: '/static/*' is a prefix here"],
        ),
        ({"enabled": 1}, "us-east-1", ["enabled: expected True, False or None, received 1"]),
    ],
)
def test_bad_input(kwargs: dict[str, Any], region: str, fragments: list[str]) -> None:
    with pytest.raises(MaintenanceConfigError) as error:
        CloudFrontMaintenance(_stack(region), "Maintenance", **kwargs)
    for fragment in fragments:
        assert fragment in str(error.value)


def test_too_many_addresses_for_one_ip_set() -> None:
    many = [f"10.{i // 256 % 256}.{i % 256}.{(i // 65536) * 2}/32" for i in range(10_001)]
    with pytest.raises(
        MaintenanceConfigError, match=r"allowed_cidrs: 10001 IPv4 networks .* exceed the 10000"
    ):
        CloudFrontMaintenance(_stack(), "Maintenance", allowed_cidrs=many)


def test_existing_acl_of_regional_scope_is_refused() -> None:
    stack = _stack()
    with pytest.raises(
        MaintenanceConfigError,
        match=r"web_acl: Edge/Existing has scope 'REGIONAL'; CloudFront can only use",
    ):
        CloudFrontMaintenance(stack, "Maintenance", web_acl=_existing_acl(stack, "REGIONAL"))


def test_existing_body_key_with_other_body_is_refused() -> None:
    stack = _stack()
    with pytest.raises(
        MaintenanceConfigError,
        match=r"web_acl: the custom response body key 'blocked' already exists",
    ):
        CloudFrontMaintenance(
            stack, "Maintenance", web_acl=_existing_acl(stack), rule_name="blocked"
        )


def _synth_error(stack: cdk.Stack) -> str:
    with pytest.raises(RuntimeError) as error:
        cdk.Stage.of(stack).synth()  # type: ignore[union-attr]
    return str(error.value)


def test_existing_rule_priority_clash() -> None:
    stack = _stack()
    CloudFrontMaintenance(
        stack, "Maintenance", web_acl=_existing_acl(stack), priority=1, enabled=True
    )
    assert (
        "priority: 1 is already used by the rule 'AWSManagedRulesCommonRuleSet' of Edge/Existing"
        in _synth_error(stack)
    )


def test_existing_rule_name_clash() -> None:
    stack = _stack()
    CloudFrontMaintenance(
        stack,
        "Maintenance",
        web_acl=_existing_acl(stack),
        rule_name="AWSManagedRulesCommonRuleSet",
        enabled=True,
    )
    assert (
        "rule_name: 'AWSManagedRulesCommonRuleSet' is used by another rule of Edge/Existing"
        in _synth_error(stack)
    )


def test_rules_replaced_after_construct_are_detected() -> None:
    stack = _stack()
    acl = _existing_acl(stack)
    CloudFrontMaintenance(stack, "Maintenance", web_acl=acl, enabled=True)
    acl.rules = []
    assert "the maintenance rule 'Maintenance' is missing from Edge/Existing" in _synth_error(stack)


def test_unresolved_region_warns() -> None:
    stack = _stack(region=None)
    CloudFrontMaintenance(stack, "Maintenance")
    warnings = assertions.Annotations.from_stack(stack).find_warning("*", Match.any_value())
    assert any("must be created in us-east-1" in str(w.entry.data) for w in warnings)
