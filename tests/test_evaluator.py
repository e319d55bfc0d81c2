"""The request evaluator against hand-written templates: ALB conditions, WAF statements."""

from __future__ import annotations

from typing import Any

import pytest

from maintenance_constructs.tools.evaluate.listener_evaluator import evaluate_listener
from maintenance_constructs.tools.evaluate.web_acl_evaluator import evaluate_web_acl
from maintenance_constructs.tools.model import Request

FIXED_404 = [
    {
        "Type": "fixed-response",
        "FixedResponseConfig": {"StatusCode": "404", "ContentType": "text/plain"},
    }
]


def rule(
    priority: int, conditions: list[dict[str, Any]], status: str = "200", body: str = ""
) -> tuple[str, dict[str, Any]]:
    action = {
        "Type": "fixed-response",
        "FixedResponseConfig": {
            "StatusCode": status,
            "ContentType": "text/plain",
            "MessageBody": body,
        },
    }
    return (
        f"rule{priority}",
        {"Priority": priority, "Conditions": conditions, "Actions": [action]},
    )


def hosts(*values: str) -> dict[str, Any]:
    return {"Field": "host-header", "HostHeaderConfig": {"Values": list(values)}}


def ips(*values: str) -> dict[str, Any]:
    return {"Field": "source-ip", "SourceIpConfig": {"Values": list(values)}}


def paths(*values: str) -> dict[str, Any]:
    return {"Field": "path-pattern", "PathPatternConfig": {"Values": list(values)}}


def accept(*values: str) -> dict[str, Any]:
    return {
        "Field": "http-header",
        "HttpHeaderConfig": {"HttpHeaderName": "Accept", "Values": list(values)},
    }


def answer(rules: list[tuple[str, dict[str, Any]]], **request: str) -> str:
    result = evaluate_listener(
        rules, FIXED_404, Request(**{"host": "example.com", "ip": "192.0.2.1", **request})
    )
    return result.rule


def test_lowest_priority_first_regardless_of_order() -> None:
    rules = [rule(20, [hosts("example.com")]), rule(10, [hosts("example.com")])]
    assert answer(rules) == "rule10"


def test_all_conditions_must_match_any_value_may() -> None:
    rules = [rule(1, [hosts("a.example.com", "example.com"), ips("10.0.0.0/8", "192.0.2.0/24")])]
    assert answer(rules) == "rule1"
    assert answer(rules, ip="198.51.100.1") == "default"
    assert answer(rules, host="b.example.com") == "default"


@pytest.mark.parametrize(
    ("pattern", "host", "matches"),
    [
        ("example.com", "EXAMPLE.com", True),
        ("*.example.com", "www.example.com", True),
        ("*.example.com", "example.com", False),
        ("www.example.???", "www.example.com", True),
        ("www.example.???", "www.example.co", False),
    ],
)
def test_host_header_case_insensitive_with_wildcards(
    pattern: str, host: str, matches: bool
) -> None:
    assert (answer([rule(1, [hosts(pattern)])], host=host) == "rule1") is matches


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("/health", "/health", True),
        ("/health", "/Health", False),
        ("/static/*", "/static/a/b.css", True),
        ("/v?/x", "/v2/x", True),
    ],
)
def test_path_pattern_case_sensitive_with_wildcards(pattern: str, path: str, matches: bool) -> None:
    assert (answer([rule(1, [paths(pattern)])], path=path) == "rule1") is matches


@pytest.mark.parametrize(
    ("cidr", "ip", "matches"),
    [
        ("203.0.113.0/24", "203.0.113.77", True),
        ("203.0.113.0/24", "203.0.114.1", False),
        ("2001:db8::/48", "2001:db8:0:ffff::1", True),
        ("2001:db8::/48", "2001:db9::1", False),
        ("203.0.113.0/24", "2001:db8::1", False),  # other family never matches
    ],
)
def test_source_ip_by_cidr(cidr: str, ip: str, matches: bool) -> None:
    assert (answer([rule(1, [ips(cidr)])], ip=ip) == "rule1") is matches


def test_http_header_wildcards_case_insensitive() -> None:
    rules = [rule(1, [accept("*text/html*")])]
    assert answer(rules, accept="TEXT/HTML,application/xhtml+xml") == "rule1"
    assert answer(rules, accept="application/json") == "default"


def test_query_string_condition_does_not_match_a_request_without_one() -> None:
    rules = [
        rule(1, [{"Field": "query-string", "QueryStringConfig": {"Values": [{"Value": "x"}]}}])
    ]
    assert answer(rules) == "default"


def test_default_action_and_unknown_default() -> None:
    request = Request(host="203.0.113.9", ip="192.0.2.1")
    assert evaluate_listener([], FIXED_404, request).describe() == "404 text/plain"
    assert evaluate_listener([], None, request).action == "unknown"


def test_forward_names_and_forward_config() -> None:
    forward = {
        "Type": "forward",
        "ForwardConfig": {
            "TargetGroups": [
                {"TargetGroupArn": {"Ref": "Blue1"}},
                {"TargetGroupArn": {"Ref": "Green1"}},
            ]
        },
    }
    result = evaluate_listener(
        [("r", {"Priority": 1, "Conditions": [hosts("*")], "Actions": [forward]})],
        FIXED_404,
        Request("x.example.com", "192.0.2.1"),
        names={"Blue1": "Web/Blue"},
    )
    assert result.describe() == "forwarded to Web/Blue, Green1"


# -- WAF -----------------------------------------------------------------------------------

IPSET = {"IPSetReferenceStatement": {"Arn": {"Fn::GetAtt": ["Office", "Arn"]}}}
IPSET6 = {"IPSetReferenceStatement": {"Arn": {"Fn::GetAtt": ["Office6", "Arn"]}}}
SETS = {"Office": ["203.0.113.0/24"], "Office6": ["2001:db8::/48"]}


def byte(
    field: dict[str, Any], constraint: str, needle: str, transform: str = "NONE"
) -> dict[str, Any]:
    return {
        "ByteMatchStatement": {
            "FieldToMatch": field,
            "PositionalConstraint": constraint,
            "SearchString": needle,
            "TextTransformations": [{"Priority": 0, "Type": transform}],
        }
    }


def block_rule(
    name: str, priority: int, statement: dict[str, Any], key: str = "body"
) -> dict[str, Any]:
    return {
        "Name": name,
        "Priority": priority,
        "Statement": statement,
        "Action": {
            "Block": {"CustomResponse": {"ResponseCode": 503, "CustomResponseBodyKey": key}}
        },
    }


def acl(*rules: dict[str, Any], default: str = "Allow") -> dict[str, Any]:
    return {
        "DefaultAction": {default: {}},
        "Rules": list(rules),
        "CustomResponseBodies": {
            "body": {"Content": '{"code":"x"}', "ContentType": "APPLICATION_JSON"}
        },
    }


def waf(
    web_acl: dict[str, Any],
    ip: str = "192.0.2.1",
    path: str = "/",
    accept_header: str = "application/json",
) -> Any:
    return evaluate_web_acl(web_acl, SETS, Request("example.com", ip, path, accept_header))


def test_block_with_custom_response_unless_allow_listed() -> None:
    web_acl = acl(
        block_rule(
            "M",
            10,
            {"NotStatement": {"Statement": {"OrStatement": {"Statements": [IPSET, IPSET6]}}}},
        )
    )
    blocked = waf(web_acl)
    assert (blocked.action, blocked.status, blocked.content_type, blocked.body) == (
        "block",
        503,
        "application/json",
        '{"code":"x"}',
    )
    assert waf(web_acl, ip="203.0.113.9").action == "allow"
    assert waf(web_acl, ip="2001:db8::5").action == "allow"


def test_and_with_bypass_prefix_and_browser_header() -> None:
    statement = {
        "AndStatement": {
            "Statements": [
                {"NotStatement": {"Statement": IPSET}},
                {"NotStatement": {"Statement": byte({"UriPath": {}}, "STARTS_WITH", "/health")}},
                byte({"SingleHeader": {"Name": "accept"}}, "CONTAINS", "text/html", "LOWERCASE"),
            ]
        }
    }
    web_acl = acl(block_rule("Browser", 1, statement))
    assert waf(web_acl, accept_header="TEXT/HTML").rule == "Browser"
    assert waf(web_acl, accept_header="application/json").rule == "default"
    assert waf(web_acl, path="/healthz", accept_header="text/html").rule == "default"


def test_priority_order_count_continues_allow_ends() -> None:
    everything = {
        "SizeConstraintStatement": {
            "FieldToMatch": {"UriPath": {}},
            "ComparisonOperator": "GE",
            "Size": 0,
            "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
        }
    }
    counted = {"Name": "Count", "Priority": 1, "Statement": everything, "Action": {"Count": {}}}
    allowed = {"Name": "Allow", "Priority": 2, "Statement": IPSET, "Action": {"Allow": {}}}
    web_acl = acl(block_rule("Block", 3, everything), allowed, counted)
    assert waf(web_acl, ip="203.0.113.1").rule == "Allow"
    assert waf(web_acl).rule == "Block"


def test_default_block_and_unevaluable_statements_are_noted() -> None:
    managed = {
        "Name": "Common",
        "Priority": 0,
        "OverrideAction": {"None": {}},
        "Statement": {
            "ManagedRuleGroupStatement": {
                "VendorName": "AWS",
                "Name": "AWSManagedRulesCommonRuleSet",
            }
        },
    }
    rate = {
        "Name": "Rate",
        "Priority": 1,
        "Statement": {"RateBasedStatement": {"Limit": 100, "AggregateKeyType": "IP"}},
        "Action": {"Block": {}},
    }
    result = waf(acl(managed, rate, default="Block"))
    assert (result.action, result.status, result.rule) == ("block", 403, "default")
    # Neither can be decided offline: each is an alternative, named, never a silent "no match".
    assert result.alternatives == (
        "whatever rule group Common decides",
        "403 if Rate matches (depends on RateBased)",
    )
    assert result.notes == (
        "cannot be decided offline: RateBased",
        "cannot be decided offline: rule group Common",
    )


def test_unknown_ip_set_is_noted() -> None:
    result = evaluate_web_acl(
        acl(
            block_rule(
                "M",
                1,
                {
                    "NotStatement": {
                        "Statement": {
                            "IPSetReferenceStatement": {
                                "Arn": "arn:aws:wafv2:us-east-1:1:global/ipset/x/y"
                            }
                        }
                    }
                },
            )
        ),
        {},
        Request("h", "192.0.2.1"),
    )
    # NOT(unknown) is unknown: the rule may or may not block, the default allows.
    assert result.action == "allow"
    (alternative,) = result.alternatives
    assert alternative.startswith("503 application/json") and " if M matches " in alternative
    assert "(not in this app)" in alternative
