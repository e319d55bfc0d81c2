"""AlbMaintenance on a listener: rules, conditions, bodies, errors and warnings."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from builders import LISTENER_ARN, AlbEnv, imported_listener

from maintenance_constructs import AlbMaintenance, MaintenanceResponse

Match = assertions.Match
RULE = "AWS::ElasticLoadBalancingV2::ListenerRule"
SEED_JSON = '{"code":"service_unavailable","hint":"現在メンテナンス中です。"}'


class Env(AlbEnv):
    """The shared ALB test stack, with template accessors."""

    def add(self, **overrides: Any) -> AlbMaintenance:
        return self.maintenance(**overrides)

    def template(self) -> assertions.Template:
        return assertions.Template.from_stack(self.stack)

    def rules(self) -> list[dict[str, Any]]:
        found = self.template().find_resources(RULE)
        return sorted((r["Properties"] for r in found.values()), key=lambda p: p["Priority"])


def _hosts(*values: str) -> dict[str, Any]:
    return {"Field": "host-header", "HostHeaderConfig": {"Values": list(values)}}


def _ips(*values: str) -> dict[str, Any]:
    return {"Field": "source-ip", "SourceIpConfig": {"Values": list(values)}}


@pytest.fixture(scope="module")
def seed() -> Env:
    """The seed's configuration: one host, office CIDRs, priority 10, JSON 503."""
    env = Env()
    env.add(
        allowed_cidrs=["203.0.113.0/24", "198.51.100.7"],
        response=MaintenanceResponse.json(
            {"code": "service_unavailable", "hint": "現在メンテナンス中です。"}
        ),
    )
    return env


def test_seed_configuration(seed: Env) -> None:
    template = seed.template()
    template.resource_count_is(RULE, 2)
    template.has_resource_properties(
        RULE,
        {
            "Priority": 10,
            "Conditions": [_hosts("example.com"), _ips("198.51.100.7/32", "203.0.113.0/24")],
            "Actions": [
                {"Type": "forward", "TargetGroupArn": {"Ref": Match.string_like_regexp("Blue")}}
            ],
            "ListenerArn": {"Ref": Match.string_like_regexp("AlbHttp")},
        },
    )
    template.has_resource_properties(
        RULE,
        {
            "Priority": 11,
            "Conditions": [_hosts("example.com")],
            "Actions": [
                {
                    "Type": "fixed-response",
                    "FixedResponseConfig": {
                        "StatusCode": "503",
                        "ContentType": "application/json",
                        "MessageBody": SEED_JSON,
                    },
                }
            ],
        },
    )


def test_seed_attributes(seed: Env) -> None:
    construct = seed.stack.node.find_child("Maintenance")
    assert isinstance(construct, AlbMaintenance)
    assert construct.enabled and construct.priorities == [10, 11] and len(construct.rules) == 2


def test_disabled_creates_nothing_and_keeps_priorities() -> None:
    env = Env()
    m = env.add(enabled=False, allowed_cidrs=["203.0.113.0/24"])
    env.template().resource_count_is(RULE, 0)
    assert (m.enabled, m.rules, m.priorities) == (False, [], [10, 11])


def test_multi_host_ipv4_ipv6_chunked_bypass_and_browser() -> None:
    env = Env()
    cidrs = [f"10.{2 * i}.0.0/16" for i in range(5)] + ["2001:db8::/48"]
    env.add(
        host_headers=["example.com", "www.example.com"],
        allowed_cidrs=cidrs,
        bypass_paths=["/health"],
        browser_response=MaintenanceResponse.html("<h1>Back soon</h1>"),
        priority=20,
    )
    rules = env.rules()
    assert [r["Priority"] for r in rules] == list(range(20, 20 + len(rules)))
    kinds = [json.dumps(r["Conditions"]) for r in rules]
    assert "path-pattern" in kinds[0] and "/health" in kinds[0]
    allow = [r for r in rules if "source-ip" in json.dumps(r["Conditions"])]
    assert len(allow) == 2  # 2 hosts x 6 CIDRs = 12 pairs, 6 per rule
    for rule in rules:
        values = sum(
            len(next(iter(v for k, v in c.items() if k.endswith("Config")))["Values"])
            for c in rule["Conditions"]
        )
        assert values <= 5
    browser = rules[-2]
    assert browser["Conditions"][-1] == {
        "Field": "http-header",
        "HttpHeaderConfig": {"HttpHeaderName": "Accept", "Values": ["*text/html*"]},
    }
    assert browser["Actions"][0]["FixedResponseConfig"] == {
        "StatusCode": "503",
        "ContentType": "text/html",
        "MessageBody": "<h1>Back soon</h1>",
    }
    assert rules[-1]["Conditions"] == [_hosts("example.com", "www.example.com")]


def test_action_instead_of_target_groups() -> None:
    env = Env()
    env.add(
        action=elbv2.ListenerAction.forward(
            [env.blue], stickiness_duration=cdk.Duration.minutes(5)
        ),
        allowed_cidrs=["203.0.113.0/24"],
    )
    env.template().has_resource_properties(
        RULE,
        {
            "Priority": 10,
            "Actions": [
                {
                    "Type": "forward",
                    "ForwardConfig": Match.object_like(
                        {"TargetGroupStickinessConfig": {"Enabled": True, "DurationSeconds": 300}}
                    ),
                }
            ],
        },
    )


def test_imported_listener() -> None:
    stack = cdk.Stack(cdk.App(), "Imported", env=cdk.Environment(region="eu-west-1"))
    listener, blue = imported_listener(stack)
    AlbMaintenance(
        stack,
        "Maintenance",
        listener=listener,
        host_headers=["example.com"],
        target_groups=[blue],
        enabled=True,
    )
    template = assertions.Template.from_stack(stack)
    template.resource_count_is(RULE, 1)
    template.has_resource_properties(RULE, {"ListenerArn": LISTENER_ARN, "Priority": 10})


def _warnings(stack: cdk.Stack) -> list[str]:
    found = assertions.Annotations.from_stack(stack).find_warning("*", Match.any_value())
    return [str(m.entry.data) for m in found]


def test_retry_after_warns_not_sent() -> None:
    env = Env()
    env.add(response=MaintenanceResponse.json(retry_after=600))
    warnings = _warnings(env.stack)
    assert any("Retry-After" in w and "cannot carry headers" in w for w in warnings), warnings


def test_forwarding_default_action_warns() -> None:
    env = Env(default_forward=True)
    env.add()
    assert any("forwards requests that match no rule" in w for w in _warnings(env.stack))


def test_404_default_action_does_not_warn(seed: Env) -> None:
    assert _warnings(seed.stack) == []


def _synth_error(env: Env) -> str:
    with pytest.raises(RuntimeError) as error:
        env.app.synth()
    return str(error.value)


def test_clash_is_reported_while_disabled_too() -> None:
    env = Env()
    env.other_rule("Other", 10, elbv2.ListenerCondition.host_headers(["other.example.org"]))
    env.add(enabled=False)
    assert "priority: 10 is already used" in _synth_error(env)


def test_earlier_rule_for_other_hosts_is_fine() -> None:
    env = Env()
    env.other_rule("Other", 5, elbv2.ListenerCondition.host_headers(["other.example.org"]))
    env.add()
    env.app.synth()


def _behind(*, same_stack: bool, origin_is_alb: bool) -> list[str]:
    env = Env()
    env.add(allowed_cidrs=["203.0.113.0/24"])
    stack = (
        env.stack
        if same_stack
        else cdk.Stack(env.app, "Cdn", env=cdk.Environment(region="eu-west-1"))
    )
    alb = env.listener.load_balancer
    origin = (
        origins.LoadBalancerV2Origin(alb)
        if origin_is_alb
        else origins.HttpOrigin("origin.example.com")
    )
    cloudfront.Distribution(
        stack, "Distribution", default_behavior=cloudfront.BehaviorOptions(origin=origin)
    )
    env.app.synth()
    return _warnings(env.stack)


@pytest.mark.parametrize("same_stack", [True, False])
def test_alb_behind_cloudfront_is_detected(same_stack: bool) -> None:
    warnings = _behind(same_stack=same_stack, origin_is_alb=True)
    assert any(
        "is the origin of the CloudFront distribution" in w and "CloudFrontMaintenance" in w
        for w in warnings
    ), warnings


def test_distribution_with_other_origin_is_not_flagged() -> None:
    assert not any(
        "CloudFront distribution" in w for w in _behind(same_stack=True, origin_is_alb=False)
    )
