"""Bypass paths cannot be stepped past, and allowlists cannot let everyone in: the synthesized
rules, evaluated request by request (maintenance on)."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from builders import AlbEnv

from maintenance_constructs import CloudFrontMaintenance
from maintenance_constructs.alb.plan import TRAVERSAL_PATTERNS, plan_rules
from maintenance_constructs.tools.evaluate.listener_evaluator import evaluate_listener
from maintenance_constructs.tools.evaluate.web_acl_evaluator import evaluate_web_acl
from maintenance_constructs.tools.model import Request

OUTSIDE, OFFICE = "192.0.2.10", "203.0.113.10"


@pytest.fixture(scope="module")
def web_acl() -> tuple[dict[str, Any], dict[str, list[str]]]:
    stack = cdk.Stack(cdk.App(), "Edge", env=cdk.Environment(region="us-east-1"))
    CloudFrontMaintenance(
        stack,
        "Maintenance",
        allowed_cidrs=["203.0.113.0/24"],
        bypass_paths=["/health"],
        enabled=True,
    )
    template = assertions.Template.from_stack(stack).to_json()["Resources"]
    (acl,) = [r["Properties"] for r in template.values() if r["Type"] == "AWS::WAFv2::WebACL"]
    ip_sets = {
        k: r["Properties"]["Addresses"]
        for k, r in template.items()
        if r["Type"] == "AWS::WAFv2::IPSet"
    }
    return acl, ip_sets


def _waf(web_acl: tuple[dict[str, Any], dict[str, list[str]]], path: str, ip: str = OUTSIDE) -> str:
    acl, ip_sets = web_acl
    return evaluate_web_acl(acl, ip_sets, Request(host="example.com", ip=ip, path=path)).action


def test_waf_bypass_compares_the_decoded_normalized_path(
    web_acl: tuple[dict[str, Any], dict[str, list[str]]],
) -> None:
    acl, _ = web_acl
    (rule,) = acl["Rules"]
    statements = rule["Statement"]["AndStatement"]["Statements"]
    match = statements[1]["NotStatement"]["Statement"]["ByteMatchStatement"]
    assert match["PositionalConstraint"] == "STARTS_WITH" and match["SearchString"] == "/health"
    assert match["TextTransformations"] == [
        {"Priority": 0, "Type": "URL_DECODE"},
        {"Priority": 1, "Type": "NORMALIZE_PATH"},
    ]


@pytest.mark.parametrize(
    ("path", "answer"),
    [
        ("/health", "allow"),
        ("/health/live", "allow"),
        ("//health", "allow"),  # repeated slashes are normalized: still the health check
        ("/health/../admin", "block"),
        ("/health/%2e%2e/admin", "block"),
        ("/health/%2E%2E/%2E%2E/admin", "block"),
        ("/health/./../admin", "block"),
        ("/admin", "block"),
    ],
)
def test_waf_traversal_gets_the_maintenance_answer(
    web_acl: tuple[dict[str, Any], dict[str, list[str]]], path: str, answer: str
) -> None:
    assert _waf(web_acl, path) == answer
    assert _waf(web_acl, path, ip=OFFICE) == "allow"  # the office is never blocked


@pytest.fixture(scope="module")
def listener_rules() -> list[tuple[str, dict[str, Any]]]:
    env = AlbEnv()
    env.other_rule("App", 100, elbv2.ListenerCondition.host_headers(["example.com"]))
    env.maintenance(allowed_cidrs=["203.0.113.0/24"], bypass_paths=["/static/*", "/health"])
    found = assertions.Template.from_stack(env.stack).find_resources(
        "AWS::ElasticLoadBalancingV2::ListenerRule"
    )
    return [(k, r["Properties"]) for k, r in found.items()]


def _alb(rules: list[tuple[str, dict[str, Any]]], path: str, ip: str = OUTSIDE) -> str:
    request = Request(host="example.com", ip=ip, path=path)
    answer = evaluate_listener(rules, [{"Type": "fixed-response"}], request)
    return "forward" if answer.action == "forward" else str(answer.status)


@pytest.mark.parametrize(
    ("path", "answer"),
    [
        ("/static/app.js", "forward"),
        ("/health", "forward"),
        ("/static/../admin", "503"),
        ("/static/a/../../admin", "503"),
        ("/static/..", "503"),
        ("/health/../admin", "503"),  # an exact bypass path never matched it anyway
        ("/admin", "503"),
    ],
)
def test_alb_traversal_guard_answers_before_a_wildcard_bypass(
    listener_rules: list[tuple[str, dict[str, Any]]], path: str, answer: str
) -> None:
    assert _alb(listener_rules, path) == answer


def test_alb_guard_rules_sit_first_and_match_dot_segments(
    listener_rules: list[tuple[str, dict[str, Any]]],
) -> None:
    ours = sorted((p for k, p in listener_rules if "Maintenance" in k), key=lambda p: p["Priority"])
    guard = ours[0]
    assert guard["Priority"] == 10
    assert guard["Conditions"][1] == {
        "Field": "path-pattern",
        "PathPatternConfig": {"Values": list(TRAVERSAL_PATTERNS)},
    }
    assert guard["Actions"][0]["FixedResponseConfig"]["StatusCode"] == "503"


@pytest.mark.parametrize(
    ("hosts", "paths", "guards"),
    [
        (["example.com"], ["/health", "/status"], 0),  # exact paths cannot be stepped past
        (["example.com"], ["/static/*"], 1),
        (["a.example.com", "b.example.com", "c.example.com", "d.example.com"], ["/s/*"], 2),
        (None, ["/static/*"], 1),
    ],
)
def test_guard_only_for_wildcard_bypass_patterns(
    hosts: list[str] | None, paths: list[str], guards: int
) -> None:
    rules = plan_rules(hosts=hosts, cidrs=[], bypass_paths=paths)
    guard = [r for r in rules if r.kind == "guard"]
    assert len(guard) == guards
    covered = {(h, p) for r in guard for h in (r.hosts or (None,)) for p in r.paths}
    assert covered == {
        (h, p) for h in (hosts or [None]) for p in (TRAVERSAL_PATTERNS if guards else ())
    }
    assert all(r.value_count <= 5 and r.wildcards <= 5 for r in rules)
