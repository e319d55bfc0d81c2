"""CloudFrontMaintenance: web ACL, IP sets, bodies, rules, existing ACLs, errors."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_wafv2 as wafv2
from builders import existing_acl
from helpers import diff_templates

from maintenance_constructs import (
    CloudFrontMaintenance,
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


def _synth_error(stack: cdk.Stack) -> str:
    with pytest.raises(RuntimeError) as error:
        stack.node.root.synth()  # type: ignore[attr-defined]
    return str(error.value)


def test_existing_web_acl_is_appended_to() -> None:
    stack = _stack()
    acl = existing_acl(stack)
    m = CloudFrontMaintenance(
        stack, "Maintenance", web_acl=acl, allowed_cidrs=["203.0.113.0/24"], enabled=True
    )
    assert m.web_acl is acl
    template = assertions.Template.from_stack(stack)
    template.resource_count_is(ACL, 1)
    props = _acl(template.to_json())
    assert props["VisibilityConfig"]["MetricName"] == "edge"  # left alone
    assert [r["Name"] for r in props["Rules"]] == ["RateLimit", "Maintenance"]
    assert set(props["CustomResponseBodies"]) == {"blocked", "Maintenance"}


def test_rules_replaced_after_construct_are_detected() -> None:
    stack = _stack()
    acl = existing_acl(stack)
    CloudFrontMaintenance(stack, "Maintenance", web_acl=acl, enabled=True)
    acl.rules = []
    assert "the maintenance rule 'Maintenance' is missing from Edge/Acl" in _synth_error(stack)


def test_unresolved_region_warns() -> None:
    stack = _stack(region=None)
    CloudFrontMaintenance(stack, "Maintenance")
    warnings = assertions.Annotations.from_stack(stack).find_warning("*", Match.any_value())
    assert any("must be created in us-east-1" in str(w.entry.data) for w in warnings)


def _acl_with(*rules: W.RuleProperty) -> tuple[cdk.Stack, W]:
    stack = _stack()
    visibility = W.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name="edge", sampled_requests_enabled=True
    )
    acl = W(
        stack,
        "Acl",
        scope="CLOUDFRONT",
        default_action=W.DefaultActionProperty(allow={}),
        visibility_config=visibility,
        rules=list(rules),
    )
    return stack, acl


def _rule(name: str, priority: int, **action: Any) -> W.RuleProperty:
    visibility = W.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
    )
    statement = W.StatementProperty(
        geo_match_statement=W.GeoMatchStatementProperty(country_codes=["JP"])
    )
    if "group" in action:
        override = {"count": {}} if action["group"] == "counted" else {"none": {}}
        return W.RuleProperty(
            name=name,
            priority=priority,
            override_action=W.OverrideActionProperty(**override),
            statement=W.StatementProperty(
                managed_rule_group_statement=W.ManagedRuleGroupStatementProperty(
                    vendor_name="AWS", name="AWSManagedRulesCommonRuleSet"
                )
            ),
            visibility_config=visibility,
        )
    return W.RuleProperty(
        name=name,
        priority=priority,
        action=W.RuleActionProperty(**action),
        statement=statement,
        visibility_config=visibility,
    )


def _acl_warnings(stack: cdk.Stack) -> list[str]:
    found = assertions.Annotations.from_stack(stack).find_warning("*", Match.any_value())
    return [str(m.entry.data) for m in found if "aclRuleBeforeMaintenance" in str(m.entry.data)]


@pytest.mark.parametrize("enabled", [True, False])
def test_earlier_rules_that_can_allow_are_named(enabled: bool) -> None:
    stack, acl = _acl_with(
        _rule("OfficeAllow", 1, allow={}),
        _rule("Common", 2, group=True),
        _rule("GeoBlock", 3, block={}),
        _rule("GeoCount", 4, count={}),
        _rule("LateAllow", 20, allow={}),
    )
    CloudFrontMaintenance(stack, "Maintenance", web_acl=acl, enabled=enabled)
    (warning,) = _acl_warnings(stack)
    assert "'OfficeAllow' (priority 1, an Allow action)" in warning
    assert "'Common' (priority 2, a managed rule group)" in warning
    for fine in ("GeoBlock", "GeoCount", "LateAllow"):
        assert fine not in warning


def test_the_fix_is_a_free_lower_priority_when_there_is_one() -> None:
    stack, acl = _acl_with(_rule("Common", 5, group=True))
    CloudFrontMaintenance(stack, "Maintenance", web_acl=acl, priority=10, enabled=True)
    (warning,) = _acl_warnings(stack)
    assert "pass priority=4 (or lower)" in warning


def test_the_fix_is_renumbering_when_no_priority_is_free_below() -> None:
    # A rate limit at 0 (Block: fine) and a managed rule group at 1 that may allow.
    stack, acl = _acl_with(_rule("RateLimit", 0, block={}), _rule("Common", 1, group=True))
    CloudFrontMaintenance(stack, "Maintenance", web_acl=acl, priority=10, enabled=True)
    (warning,) = _acl_warnings(stack)
    assert "no free priority below 1" in warning and "renumber those rules from 11 on" in warning
    assert "'RateLimit'" not in warning.split(" come(s) before")[0]


def test_a_rule_group_whose_results_are_counted_may_stay_ahead() -> None:
    stack, acl = _acl_with(_rule("Common", 1, group="counted"))
    CloudFrontMaintenance(stack, "Maintenance", web_acl=acl, priority=10, enabled=True)
    assert _acl_warnings(stack) == []


def test_block_and_count_rules_first_are_fine() -> None:
    stack, acl = _acl_with(_rule("GeoBlock", 1, block={}), _rule("GeoCount", 2, count={}))
    CloudFrontMaintenance(stack, "Maintenance", web_acl=acl, enabled=True)
    assert _acl_warnings(stack) == []


@pytest.mark.parametrize("enabled", [False, True])
def test_two_constructs_on_one_web_acl_are_refused_in_both_states(enabled: bool) -> None:
    """Two layers intersect: each blocks the other's allowlist, token and bypass paths."""
    stack, acl = _acl_with()
    CloudFrontMaintenance(stack, "Site", web_acl=acl, enabled=enabled)
    CloudFrontMaintenance(
        stack, "Api", web_acl=acl, rule_name="ApiMaintenance", priority=20, enabled=enabled
    )
    with pytest.raises(RuntimeError, match="already puts maintenance rules in"):
        stack.node.root.synth()  # type: ignore[attr-defined]
