"""Web ACL capacity (WCU): the estimate from the WAF developer guide's figures, refused when
the maintenance rules or the web ACL with them surely exceed 5,000, warned when unsure, and
shown by the preview."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_wafv2 as wafv2

from maintenance_constructs import CloudFrontMaintenance
from maintenance_constructs.errors import MaintenanceConfigError
from maintenance_constructs.waf.wcu import Capacity, rules_capacity, statement_capacity

W = wafv2.CfnWebACL


def _prefix(path: str) -> dict[str, Any]:
    return {
        "ByteMatchStatement": {
            "PositionalConstraint": "STARTS_WITH",
            "SearchString": path,
            "TextTransformations": [
                {"Priority": 0, "Type": "URL_DECODE"},
                {"Priority": 1, "Type": "NORMALIZE_PATH"},
            ],
        }
    }


def _match(constraint: str, *transformations: str) -> dict[str, Any]:
    kinds = [{"Priority": i, "Type": kind} for i, kind in enumerate(transformations)]
    return {
        "ByteMatchStatement": {"PositionalConstraint": constraint, "TextTransformations": kinds}
    }


@pytest.mark.parametrize(
    ("statement", "wcu"),
    [
        ({"IPSetReferenceStatement": {"Arn": "x"}}, 1),
        (_prefix("/health"), 22),  # 2 for the match, 10 for each transformation
        (
            {"ByteMatchStatement": {"PositionalConstraint": "CONTAINS", "TextTransformations": []}},
            10,
        ),
        ({"NotStatement": {"Statement": _prefix("/a")}}, 22),
        (_match("EXACTLY", "URL_DECODE", "NORMALIZE_PATH_WIN"), 22),  # a scope's exact path
        (_match("CONTAINS", "URL_DECODE"), 20),  # a scope's ';' anywhere in the decoded path
        ({"AndStatement": {"Statements": [_prefix("/a"), {"GeoMatchStatement": {}}]}}, 23),
        ({"RateBasedStatement": {"Limit": 100}}, 2),
        ({"ManagedRuleGroupStatement": {"Name": "AWSManagedRulesCommonRuleSet"}}, 700),
    ],
)
def test_statement_figures(statement: dict[str, Any], wcu: int) -> None:
    assert statement_capacity(statement) == Capacity(wcu)


def test_what_cannot_be_priced_is_named() -> None:
    rules = [
        {"Name": "Own", "Statement": {"RuleGroupReferenceStatement": {"Arn": "x"}}},
        {"Name": "Vendor", "Statement": {"ManagedRuleGroupStatement": {"Name": "Other"}}},
    ]
    assert rules_capacity(rules) == Capacity(0, ("Own", "Vendor (Other)"))


def _edge() -> cdk.Stack:
    return cdk.Stack(cdk.App(), "Edge", env=cdk.Environment(region="us-east-1"))


def test_the_constructs_estimate_counts_every_rule() -> None:
    m = CloudFrontMaintenance(
        _edge(),
        "Maintenance",
        allowed_cidrs=["203.0.113.0/24", "2001:db8::/48"],
        bypass_paths=["/a", "/b", "/c"],
        bypass_token="wcu-estimate-token-0123456789",
    )
    # The link rule (2) and the main rule: 2 IP sets, 3 prefixes (66), the token (2 + 10).
    assert m.wcu == Capacity(82)


def test_maintenance_rules_alone_over_5000_are_refused() -> None:
    prefixes = [f"/p{i}" for i in range(230)]
    with pytest.raises(MaintenanceConfigError, match=r"about 5060 WCU"):
        CloudFrontMaintenance(_edge(), "Maintenance", bypass_paths=prefixes)


def _acl(stack: cdk.Stack, *groups: str) -> W:
    def visibility(name: str) -> W.VisibilityConfigProperty:
        return W.VisibilityConfigProperty(
            cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
        )

    rules = [
        W.RuleProperty(
            name=f"Group{index}",
            priority=20 + index,
            override_action=W.OverrideActionProperty(none={}),
            statement=W.StatementProperty(
                managed_rule_group_statement=W.ManagedRuleGroupStatementProperty(
                    vendor_name="AWS", name=group
                )
            ),
            visibility_config=visibility(f"Group{index}"),
        )
        for index, group in enumerate(groups)
    ]
    return W(
        stack,
        "Acl",
        scope="CLOUDFRONT",
        default_action=W.DefaultActionProperty(allow={}),
        visibility_config=visibility("acl"),
        rules=rules,
    )


def _warnings(stack: cdk.Stack) -> list[str]:
    found = assertions.Annotations.from_stack(stack).find_warning(
        "*", assertions.Match.string_like_regexp("webAclCapacity")
    )
    return [str(m.entry.data) for m in found]


@pytest.mark.parametrize("enabled", [False, True])
def test_an_existing_web_acl_that_would_overflow_is_refused_in_both_states(
    enabled: bool,
) -> None:
    stack = _edge()
    acl = _acl(stack, *["AWSManagedRulesCommonRuleSet"] * 7)  # 4,900 WCU
    CloudFrontMaintenance(
        stack,
        "Maintenance",
        web_acl=acl,
        bypass_paths=["/a", "/b", "/c", "/d", "/e"],
        enabled=enabled,
    )
    with pytest.raises(RuntimeError, match=r"would need about 5010 WCU"):
        stack.node.root.synth()  # type: ignore[attr-defined]


def test_unpriced_rules_and_costs_over_the_base_price_are_warned() -> None:
    stack = _edge()
    acl = _acl(stack, "AWSManagedRulesCommonRuleSet", "AWSManagedRulesBotControlRuleSet")
    CloudFrontMaintenance(stack, "Maintenance", web_acl=acl)
    (warning,) = _warnings(stack)
    assert "Group1 (AWSManagedRulesBotControlRuleSet)" in warning and "are not priced" in warning
    stack = _edge()
    acl = _acl(stack, *["AWSManagedRulesCommonRuleSet"] * 3)  # 2,100
    CloudFrontMaintenance(stack, "Maintenance", web_acl=acl)
    (warning,) = _warnings(stack)
    assert "more than the 1500 WCU the web ACL's base price includes" in warning
    stack = _edge()
    CloudFrontMaintenance(stack, "Maintenance", web_acl=_acl(stack, "AWSManagedRulesCommonRuleSet"))
    assert _warnings(stack) == []
