"""The operator bypass token on every front door: the rules that admit it, the link that sets
the cookie on WAF, a token from SSM, and the preview's "with bypass token" client."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_ssm as ssm
from builders import AlbEnv

from maintenance_constructs import CloudFrontMaintenance, RegionalMaintenance
from maintenance_constructs.tools.doors.listener_doors import _listener_token
from maintenance_constructs.tools.doors.samples import sample_rows
from maintenance_constructs.tools.doors.web_acl_doors import waf_token
from maintenance_constructs.tools.evaluate.listener_evaluator import evaluate_listener
from maintenance_constructs.tools.evaluate.web_acl_evaluator import evaluate_web_acl
from maintenance_constructs.tools.model import Request

TOKEN = "Zm9vYmFyYmF6cXV4LWJ5cGFzcw"
RULE = "AWS::ElasticLoadBalancingV2::ListenerRule"
OUTSIDE = "192.0.2.10"


@pytest.fixture(scope="module")
def alb_rules() -> list[tuple[str, dict[str, Any]]]:
    env = AlbEnv()
    env.other_rule("App", 100, elbv2.ListenerCondition.host_headers(["example.com"]))
    env.maintenance(allowed_cidrs=["203.0.113.0/24"], bypass_token=TOKEN)
    found = assertions.Template.from_stack(env.stack).find_resources(RULE)
    return [(k, r["Properties"]) for k, r in found.items()]


def test_alb_token_rules_match_the_header_or_the_cookie(
    alb_rules: list[tuple[str, dict[str, Any]]],
) -> None:
    token_rules = sorted((p for k, p in alb_rules if "TokenRule" in k), key=lambda p: p["Priority"])
    assert [p["Priority"] for p in token_rules] == [75, 76]
    headers = [p["Conditions"][1]["HttpHeaderConfig"] for p in token_rules]
    assert headers == [
        {"HttpHeaderName": "X-Maintenance-Bypass", "Values": [TOKEN]},
        {"HttpHeaderName": "Cookie", "Values": [f"*maintenance_bypass={TOKEN}*"]},
    ]
    assert all(p["Actions"][0]["Type"] == "forward" for p in token_rules)


@pytest.mark.parametrize(
    ("headers", "answer"),
    [
        ((("X-Maintenance-Bypass", TOKEN),), "forward"),
        ((("Cookie", f"theme=dark; maintenance_bypass={TOKEN}; lang=ja"),), "forward"),
        ((("X-Maintenance-Bypass", TOKEN[:-1]),), "fixed-response"),
        ((("Cookie", "maintenance_bypass=guess"),), "fixed-response"),
        ((), "fixed-response"),
    ],
)
def test_alb_token_lets_a_request_through_from_anywhere(
    alb_rules: list[tuple[str, dict[str, Any]]], headers: Any, answer: str
) -> None:
    request = Request("example.com", OUTSIDE, headers=headers)
    assert evaluate_listener(alb_rules, [{"Type": "fixed-response"}], request).action == answer


def _acl(construct: type, **kwargs: Any) -> dict[str, Any]:
    region = "us-east-1" if construct is CloudFrontMaintenance else "eu-west-1"
    stack = cdk.Stack(cdk.App(), "Edge", env=cdk.Environment(region=region))
    construct(stack, "Maintenance", enabled=True, **kwargs)
    resources = assertions.Template.from_stack(stack).to_json()["Resources"]
    (acl,) = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::WAFv2::WebACL"]
    return acl


REGIONAL = {"resource_arns": ["arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod"]}


@pytest.mark.parametrize(
    ("construct", "extra"), [(CloudFrontMaintenance, {}), (RegionalMaintenance, REGIONAL)]
)
def test_waf_link_sets_the_cookie_and_the_token_passes(
    construct: type, extra: dict[str, Any]
) -> None:
    acl = _acl(construct, bypass_token=TOKEN, **extra)
    link, main = acl["Rules"]
    assert (link["Name"], link["Priority"], main["Priority"]) == (
        "Maintenance-bypass-link",
        10,
        11,
    )
    match = link["Statement"]["ByteMatchStatement"]
    assert (match["PositionalConstraint"], match["SearchString"]) == (
        "EXACTLY",
        f"/__maintenance/{TOKEN}",
    )
    custom = link["Action"]["Block"]["CustomResponse"]
    assert custom["ResponseCode"] == 302
    headers = {h["Name"]: h["Value"] for h in custom["ResponseHeaders"]}
    assert headers["Location"] == "/"
    assert headers["Set-Cookie"] == (
        f"maintenance_bypass={TOKEN}; Path=/; Max-Age=43200; Secure; HttpOnly; SameSite=Lax"
    )

    def answer(path: str = "/", headers: Any = ()) -> tuple[str, int | None]:
        result = evaluate_web_acl(acl, {}, Request("example.com", OUTSIDE, path, headers=headers))
        return result.action, result.status

    assert answer() == ("block", 503)
    assert answer(f"/__maintenance/{TOKEN}") == ("block", 302)  # the link: 302 + cookie
    assert answer(headers=(("X-Maintenance-Bypass", TOKEN),)) == ("allow", None)
    assert answer(headers=(("Cookie", f"maintenance_bypass={TOKEN}"),)) == ("allow", None)
    assert answer(f"/__maintenance/{TOKEN[:-1]}") == ("block", 503)


def test_token_from_ssm_stays_a_reference_and_the_preview_follows_it() -> None:
    stack = cdk.Stack(cdk.App(), "Edge", env=cdk.Environment(region="us-east-1"))
    token = ssm.StringParameter.value_for_string_parameter(stack, "/maintenance/bypass-token")
    CloudFrontMaintenance(stack, "Maintenance", bypass_token=token, enabled=True)
    template = assertions.Template.from_stack(stack).to_json()
    assert any(
        p["Type"] == "AWS::SSM::Parameter::Value<String>"
        for p in template.get("Parameters", {}).values()
    )
    (acl,) = [
        r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::WAFv2::WebACL"
    ]
    assert TOKEN not in json.dumps(acl) and "Ref" in json.dumps(acl["Rules"][1]["Statement"])
    carried = waf_token(acl["Rules"][1]["Statement"])
    assert carried is not None and isinstance(carried[0], dict)  # the template's reference

    def answer(request: Request) -> tuple[Any, Any]:
        result = evaluate_web_acl(acl, {}, request)
        return result, result

    rows = sample_rows(["(any host)"], [], [], answer, carried)
    with_token = [row.on.action for row in rows if row.client == "with bypass token"]
    others = [row.on.action for row in rows if row.client != "with bypass token"]
    assert with_token == ["allow", "allow"] and set(others) == {"block"}


def test_listener_token_is_read_from_the_rules(
    alb_rules: list[tuple[str, dict[str, Any]]],
) -> None:
    ours = [p for k, p in alb_rules if "Maintenance" in k]
    assert _listener_token(ours) == (TOKEN, f"maintenance_bypass={TOKEN}")
