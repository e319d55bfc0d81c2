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
from constructs import Dependable

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
            "Priority": 25,
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
            "Priority": 90,
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
    assert construct.enabled and construct.priorities == [25, 90] and len(construct.rules) == 2


def test_disabled_creates_nothing_and_keeps_priorities() -> None:
    env = Env()
    m = env.add(enabled=False, allowed_cidrs=["203.0.113.0/24"])
    env.template().resource_count_is(RULE, 0)
    assert (m.enabled, m.rules, m.priorities) == (False, [], [25, 90])


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
    # Bands of the window 20..109: bypass 25.., allow 35.., browser 90.., maintenance 100..
    assert [r["Priority"] for r in rules] == [25, 35, 36, 95, 100]
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
            "Priority": 25,
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
    template.has_resource_properties(RULE, {"ListenerArn": LISTENER_ARN, "Priority": 90})


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
    env.add(enabled=False, priority=10)
    assert "has priority 10, inside the priorities 10..99" in _synth_error(env)


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


def test_fixed_response_rules_wait_for_the_forwarding_rules() -> None:
    """In: nobody allow-listed sees the 503 first. Out (reverse order): the 503 goes first."""
    env = Env()
    env.add(
        allowed_cidrs=["203.0.113.0/24"],
        bypass_paths=["/health"],
        browser_response=MaintenanceResponse.html("<h1>Back soon</h1>"),
    )
    found = env.template().find_resources(RULE)
    by_id = {logical_id.split("Maintenance", 1)[1][:-8]: r for logical_id, r in found.items()}
    forwarding = sorted(
        k for k, r in found.items() if r["Properties"]["Actions"][0]["Type"] == "forward"
    )
    assert len(forwarding) == 2
    for kind in ("BrowserRule1", "MaintenanceRule1"):
        assert sorted(by_id[kind]["DependsOn"]) == forwarding
    assert all("DependsOn" not in found[k] for k in forwarding)


def test_retain_aspect_cannot_keep_a_503_rule_on_the_listener() -> None:
    env = Env()
    env.add(allowed_cidrs=["203.0.113.0/24"])
    env.other_rule("AppRule", 100, elbv2.ListenerCondition.host_headers(["example.com"]))
    cdk.RemovalPolicies.of(env.app).retain()
    found = env.template().find_resources(RULE)
    policies = {
        k: (r.get("DeletionPolicy"), r.get("UpdateReplacePolicy")) for k, r in found.items()
    }
    ours = {k: v for k, v in policies.items() if k.startswith("Maintenance")}
    assert len(ours) == 2 and set(ours.values()) == {("Delete", "Delete")}
    app_rule = next(v for k, v in policies.items() if not k.startswith("Maintenance"))
    assert app_rule == ("Retain", "Retain")  # the aspect still applies to everything else


def test_every_host_rules_have_no_host_condition() -> None:
    env = Env(default_forward=True)
    m = env.add(host_headers=None, allowed_cidrs=["203.0.113.0/24", "2001:db8::/48"])
    assert m.host_headers is None and m.priorities == [25, 90]
    template = env.template()
    template.has_resource_properties(
        RULE, {"Priority": 25, "Conditions": [_ips("203.0.113.0/24", "2001:db8::/48")]}
    )
    template.has_resource_properties(
        RULE,
        {
            "Priority": 90,
            "Conditions": [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/*"]}}],
        },
    )
    # Nothing gets past rules that catch every request: no default-forward warning.
    assert _warnings(env.stack) == []


def test_every_host_rules_clash_with_any_earlier_rule() -> None:
    env = Env()
    env.other_rule("Other", 5, elbv2.ListenerCondition.host_headers(["other.example.org"]))
    env.add(host_headers=None, priority=10)
    assert "matches every request (the maintenance rules have no host condition)" in _synth_error(
        env
    )


def test_forwarding_default_warning_says_what_to_do_and_can_be_acknowledged() -> None:
    env = Env(default_forward=True)
    m = env.add()
    (warning,) = _warnings(env.stack)
    for advice in ("add_targets()", "Omit host_headers", "acknowledge_warning", "fixed_response"):
        assert advice in warning, advice
    cdk.Annotations.of(m).acknowledge_warning(
        "maintenance-constructs:listenerDefaultForwards", "another app owns the default"
    )
    assert _warnings(env.stack) == []


def _oidc(next_action: elbv2.ListenerAction) -> elbv2.ListenerAction:
    return elbv2.ListenerAction.authenticate_oidc(
        authorization_endpoint="https://idp.example.com/authorize",
        client_id="client",
        client_secret=cdk.SecretValue.unsafe_plain_text("secret"),
        issuer="https://idp.example.com",
        token_endpoint="https://idp.example.com/token",
        user_info_endpoint="https://idp.example.com/userinfo",
        session_timeout=cdk.Duration.hours(8),
        next=next_action,
    )


def test_app_rule_that_authenticates_warns_when_ours_forward_directly() -> None:
    env = Env()
    env.listener.add_action(
        "App",
        priority=100,
        conditions=[elbv2.ListenerCondition.host_headers(["example.com"])],
        action=_oidc(elbv2.ListenerAction.forward([env.blue])),
    )
    env.add(allowed_cidrs=["203.0.113.0/24"])
    (warning,) = [w for w in _warnings(env.stack) if "authenticates" in w]
    assert "Web/Alb/Http/AppRule (authenticate-oidc)" in warning and "action=" in warning


def test_the_same_authenticating_chain_as_action_is_rendered_as_a_rule_and_quiet() -> None:
    env = Env()
    chain = _oidc(elbv2.ListenerAction.forward([env.blue]))
    env.listener.add_action(
        "App",
        priority=100,
        conditions=[elbv2.ListenerCondition.host_headers(["example.com"])],
        action=chain,
    )
    env.add(action=chain, allowed_cidrs=["203.0.113.0/24"])
    assert not [w for w in _warnings(env.stack) if "authenticates" in w]
    found = env.template().find_resources(RULE)
    app = next(r for k, r in found.items() if k.startswith("AlbHttpApp"))["Properties"]
    ours = next(r for k, r in found.items() if "AllowRule1" in k)["Properties"]
    assert ours["Actions"] == app["Actions"]  # rule form: SessionTimeout is a number
    assert ours["Actions"][0]["AuthenticateOidcConfig"]["SessionTimeout"] == 28800


def test_forward_rules_do_not_register_the_listener_with_the_target_group() -> None:
    """Anything attached to the target group (ECS services, scaling policies) would otherwise
    gain a DependsOn on our rules only while maintenance is on."""
    env = Env()
    env.add(allowed_cidrs=["203.0.113.0/24"])
    dependable = env.blue.load_balancer_attached
    assert not any("Maintenance" in d.node.path for d in Dependable.of(dependable).dependency_roots)


def test_a_page_that_says_when_to_come_back_does_not_warn_about_retry_after() -> None:
    """docs/alb.md's browser page with retry_after: the sentence is in the page, so losing the
    header costs nothing; a JSON response with retry_after still warns."""
    page = MaintenanceResponse.page(title="Down", message="Back soon.", retry_after=600)
    assert page.retry_after_in_body and "10 min" in page.body
    env = Env()
    env.add(browser_response=page)
    assert not [w for w in _warnings(env.stack) if "cannot carry headers" in w]
    env = Env()
    env.add(response=MaintenanceResponse.json(retry_after=600))
    assert [w for w in _warnings(env.stack) if "cannot carry headers" in w]


@pytest.mark.parametrize(("lang", "direction"), [("ar", ' dir="rtl"'), ("he-IL", ' dir="rtl"')])
def test_right_to_left_pages(lang: str, direction: str) -> None:
    page = MaintenanceResponse.page(title="t", message="m", lang=lang, retry_after=60)
    assert page.body.startswith(f'<!doctype html><html lang="{lang}"{direction}>')
    assert 'dir="rtl"' not in MaintenanceResponse.page(title="t", message="m").body
