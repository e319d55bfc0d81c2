"""AlbMaintenance following the app's own routing: the pattern algebra and the plan (no CDK),
then the construct in small apps (the real app shapes are in tests/test_real_apps.py)."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk.assertions import Annotations, Match, Template
from builders import AlbEnv

from maintenance_constructs import AlbMaintenance
from maintenance_constructs.alb.plan import plan_rules
from maintenance_constructs.alb.routes import (
    AppRoute,
    glob_covers,
    intersect_cidrs,
    intersect_patterns,
)
from maintenance_constructs.errors import MaintenanceConfigError
from maintenance_constructs.values import patterns_overlap

OFFICE = ["203.0.113.0/24"]


@pytest.mark.parametrize(
    ("outer", "inner", "covers"),
    [
        ("/api/*", "/api/health", True),
        ("/api/*", "/api/v1/*", True),
        ("/*", "/static/*", True),
        ("/api/health", "/api/*", False),
        ("/a?c", "/a*c", False),  # one character never covers a run
        ("/a*c", "/a?c", True),
        ("*.png", "/static/*", False),
        ("/hello", "/hello", True),
    ],
)
def test_glob_covers(outer: str, inner: str, covers: bool) -> None:
    assert glob_covers(outer, inner) is covers


def test_intersections_keep_the_narrower_pattern_and_refuse_partial_overlaps() -> None:
    def describe(mine: str, other: str) -> str:
        return f"{mine} ~ {other}"

    def both(ours: list[str], theirs: list[str] | None) -> tuple[str, ...]:
        return intersect_patterns(
            ours, theirs, case_sensitive=True, overlap=patterns_overlap, describe=describe
        )

    assert both(["/health", "/api/health"], ["/api/*"]) == ("/api/health",)
    assert both(["/api/*"], ["/api/v1/*", "/other"]) == ("/api/v1/*",)
    assert both(["/health"], None) == ("/health",)
    assert both(["/health"], ["/hello"]) == ()
    with pytest.raises(MaintenanceConfigError, match=r"/static/\* ~ \*.png"):
        both(["/static/*"], ["*.png"])


def test_cidr_intersection() -> None:
    assert intersect_cidrs(["10.0.0.0/8", "2001:db8::/32"], ["10.1.0.0/16"]) == ("10.1.0.0/16",)
    assert intersect_cidrs(["10.1.0.0/16"], ["10.0.0.0/8"]) == ("10.1.0.0/16",)
    assert intersect_cidrs(["10.0.0.0/8"], ["192.0.2.0/24"]) == ()
    assert intersect_cidrs(["10.0.0.0/8"], None) == ("10.0.0.0/8",)


def test_copies_keep_the_app_order_and_narrow_to_the_maintenance_hosts() -> None:
    routes = [
        AppRoute("api", hosts=("api.example.com",), paths=("/v1/*",)),
        AppRoute("other-site", hosts=("other.org",)),  # not covered: no copy
        AppRoute("internal", source_ips=("203.0.113.128/25",), extra_values=1),
        AppRoute("default"),
    ]
    rules = plan_rules(
        hosts=["*.example.com"], cidrs=OFFICE, bypass_paths=["/v1/health"], routes=routes
    )
    allow = [r for r in rules if r.kind == "allow"]
    assert [(r.route, r.hosts, r.paths, r.source_ips) for r in allow] == [
        (0, ("api.example.com",), ("/v1/*",), ("203.0.113.0/24",)),
        (2, ("*.example.com",), (), ("203.0.113.128/25",)),  # the app rule's own addresses
        (3, ("*.example.com",), (), ("203.0.113.0/24",)),
    ]
    assert allow[1].value_count == 3  # host, CIDR and the copied header value
    bypass = [(r.route, r.hosts, r.paths, r.source_ips) for r in rules if r.kind == "bypass"]
    assert bypass == [
        (0, ("api.example.com",), ("/v1/health",), ()),
        (2, ("*.example.com",), ("/v1/health",), ("203.0.113.128/25",)),
        (3, ("*.example.com",), ("/v1/health",), ()),
    ]
    assert [r.priority for r in allow] == [25, 26, 27]


def _routed_app(**overrides: Any) -> AlbEnv:
    env = AlbEnv()
    env.listener.add_target_groups(
        "Api",
        priority=100,
        conditions=[
            elbv2.ListenerCondition.host_headers(["example.com"]),
            elbv2.ListenerCondition.path_patterns(["/api/*"]),
        ],
        target_groups=[env.blue],
    )
    env.maintenance(**{"allowed_cidrs": OFFICE, "target_groups": None, **overrides})
    return env


def test_a_rule_added_after_the_construct_is_copied() -> None:
    env = _routed_app()
    env.listener.add_action(
        "Late",
        priority=120,
        conditions=[elbv2.ListenerCondition.path_patterns(["/late"])],
        action=elbv2.ListenerAction.fixed_response(200, message_body="late"),
    )
    template = Template.from_stack(env.stack)
    template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::ListenerRule",
        {
            "Priority": 26,
            "Conditions": Match.array_with(
                [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/late"]}}]
            ),
            "Actions": [
                {
                    "Type": "fixed-response",
                    "FixedResponseConfig": {"StatusCode": "200", "MessageBody": "late"},
                }
            ],
        },
    )
    # The listener's default action is the last copy, for requests no app rule matches.
    template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::ListenerRule",
        {
            "Priority": 27,
            "Conditions": [
                {"Field": "host-header", "HostHeaderConfig": {"Values": ["example.com"]}},
                {"Field": "source-ip", "SourceIpConfig": {"Values": OFFICE}},
            ],
            "Actions": [Match.object_like({"Type": "fixed-response"})],
        },
    )


def test_one_forward_on_a_path_routed_listener_warns() -> None:
    env = AlbEnv()
    api = elbv2.ApplicationTargetGroup(
        env.stack,
        "ApiGroup",
        vpc=_vpc_of(env),
        port=80,
        target_type=elbv2.TargetType.IP,
    )
    env.listener.add_target_groups(
        "Api",
        priority=100,
        conditions=[elbv2.ListenerCondition.path_patterns(["/api/*"])],
        target_groups=[api],
    )
    construct = env.maintenance(allowed_cidrs=OFFICE)  # target_groups=[blue]
    warnings = Annotations.from_stack(env.stack).find_warning(
        f"/{construct.node.path}", Match.string_like_regexp("allowRoutingDiffers")
    )
    assert len(warnings) == 1
    assert "Web/Alb/Http/ApiRule" in json.dumps(warnings[0].entry.data)


def _vpc_of(env: AlbEnv) -> Any:
    return env.stack.node.find_child("Vpc")


def test_following_the_routing_does_not_warn() -> None:
    env = _routed_app()
    annotations = Annotations.from_stack(env.stack)
    assert annotations.find_warning("*", Match.string_like_regexp("allowRoutingDiffers")) == []


def test_copies_of_another_stacks_rules_import_their_target_groups() -> None:
    env = AlbEnv()
    network = env.stack
    env.listener.add_target_groups(
        "App",
        priority=100,
        conditions=[elbv2.ListenerCondition.host_headers(["example.com"])],
        target_groups=[env.blue],
    )
    operations = cdk.Stack(env.app, "Operations", env=cdk.Environment(region="eu-west-1"))
    AlbMaintenance(
        operations,
        "Maintenance",
        listener=env.listener,
        host_headers=["example.com"],
        allowed_cidrs=OFFICE,
        enabled=True,
    )
    rules = Template.from_stack(operations).find_resources(
        "AWS::ElasticLoadBalancingV2::ListenerRule"
    )
    forwards = [
        r["Properties"]["Actions"][0]
        for r in rules.values()
        if r["Properties"]["Actions"][0]["Type"] == "forward"
    ]
    assert forwards and all("Fn::ImportValue" in a["TargetGroupArn"] for a in forwards)
    outputs = Template.from_stack(network).find_outputs("*")
    assert any("Export" in o for o in outputs.values())
