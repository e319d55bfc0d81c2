"""Read-only and partial maintenance on the WAF doors (``methods=``, ``paths=``): the rule
statements, the capacity they add, what the offline evaluator answers, the refusals, and the
toggle and scope edits as template transitions."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from helpers import assert_toggle_invariants, diff_templates

from maintenance_constructs import (
    CloudFrontMaintenance,
    MaintenanceConfigError,
    MaintenanceResponse,
    RegionalMaintenance,
)
from maintenance_constructs.response import DEFAULT_JSON_BODY
from maintenance_constructs.scope import READ_ONLY, MaintenanceScope, scope_from_metadata
from maintenance_constructs.shared import SCOPE_METADATA_TYPE
from maintenance_constructs.tools.evaluate.web_acl_evaluator import (
    evaluate_web_acl,
    statement_value,
)
from maintenance_constructs.tools.model import Answer, Request
from maintenance_constructs.tools.preview.rule_words import web_acl_rule_words
from maintenance_constructs.waf.statements import READ_OTHERWISE_WCU
from maintenance_constructs.waf.wcu import rules_capacity

Match = assertions.Match
ACL = "AWS::WAFv2::WebACL"
OFFICE = "203.0.113.0/24"
OUTSIDE = "198.51.100.7"
TOKEN = "a-bypass-token-0123456789abcdef"
SCOPED_PATHS = ["/checkout/*", "/cart"]
NORMALIZED = [
    {"Priority": 0, "Type": "URL_DECODE"},
    {"Priority": 1, "Type": "NORMALIZE_PATH_WIN"},
]
DECODED = [{"Priority": 0, "Type": "URL_DECODE"}]


def _method(name: str) -> dict[str, Any]:
    return {
        "ByteMatchStatement": {
            "FieldToMatch": {"Method": {}},
            "PositionalConstraint": "EXACTLY",
            "SearchString": name,
            "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
        }
    }


def _path(
    constraint: str, value: str, transformations: list[dict[str, Any]] = NORMALIZED
) -> dict[str, Any]:
    return {
        "ByteMatchStatement": {
            "FieldToMatch": {"UriPath": {}},
            "PositionalConstraint": constraint,
            "SearchString": value,
            "TextTransformations": transformations,
        }
    }


WRITES = {"OrStatement": {"Statements": [_method(m) for m in READ_ONLY]}}
# Paths an origin reads as another path: in scope whenever paths= is given.
ORIGINS_READ_OTHERWISE = [
    _path("CONTAINS", ";", DECODED),
    _path("STARTS_WITH", "/../"),
    _path("EXACTLY", "/.."),
]
CHECKOUT_OR_CART = {
    "OrStatement": {
        "Statements": [
            _path("STARTS_WITH", "/checkout/"),
            _path("EXACTLY", "/cart"),
            *ORIGINS_READ_OTHERWISE,
        ]
    }
}


@dataclass(frozen=True)
class Built:
    """One synthesized stack: its template, the construct, and its web ACL's properties."""

    template: dict[str, Any]
    construct: CloudFrontMaintenance | RegionalMaintenance

    @property
    def acl(self) -> dict[str, Any]:
        acls: list[dict[str, Any]] = [
            r["Properties"] for r in self.template["Resources"].values() if r["Type"] == ACL
        ]
        (acl,) = acls
        return acl

    def rule(self, name: str = "Maintenance") -> dict[str, Any]:
        rules: list[dict[str, Any]] = [r for r in self.acl["Rules"] if r["Name"] == name]
        (rule,) = rules
        return rule

    def statements(self, name: str = "Maintenance") -> list[dict[str, Any]]:
        statement = self.rule(name)["Statement"]
        return list(statement["AndStatement"]["Statements"])

    def answer(self, method: str = "GET", path: str = "/", **request: Any) -> Answer:
        ip_sets = {
            logical_id: r["Properties"]["Addresses"]
            for logical_id, r in self.template["Resources"].items()
            if r["Type"] == "AWS::WAFv2::IPSet"
        }
        fields = {"host": "example.com", "ip": OUTSIDE, "method": method, "path": path, **request}
        return evaluate_web_acl(self.acl, ip_sets, Request(**fields))

    def reaches_app(self, method: str = "GET", path: str = "/", **request: Any) -> bool:
        answer = self.answer(method, path, **request)
        assert not answer.alternatives, answer
        if answer.action == "allow":
            return True
        assert (answer.action, answer.status) == ("block", 503), answer
        return False


def cloudfront(enabled: bool = True, **kwargs: Any) -> Built:
    stack = cdk.Stack(cdk.App(), "Edge", env=cdk.Environment(region="us-east-1"))
    kwargs.setdefault("allowed_cidrs", [OFFICE])
    construct = CloudFrontMaintenance(stack, "Maintenance", enabled=enabled, **kwargs)
    return Built(dict(assertions.Template.from_stack(stack).to_json()), construct)


def regional_on_alb(enabled: bool = True, **kwargs: Any) -> Built:
    stack = cdk.Stack(cdk.App(), "Web", env=cdk.Environment(region="eu-west-1"))
    vpc = ec2.Vpc(
        stack,
        "Vpc",
        nat_gateways=0,
        max_azs=2,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC)
        ],
    )
    alb = elbv2.ApplicationLoadBalancer(stack, "Alb", vpc=vpc, internet_facing=True)
    alb.add_listener("Http", port=80, default_action=elbv2.ListenerAction.fixed_response(200))
    construct = RegionalMaintenance(
        stack,
        "Maintenance",
        resource_arns=[alb.load_balancer_arn],
        allowed_cidrs=[OFFICE],
        enabled=enabled,
        **kwargs,
    )
    return Built(dict(assertions.Template.from_stack(stack).to_json()), construct)


@pytest.fixture(scope="module")
def everything() -> Built:
    return cloudfront()


@pytest.fixture(scope="module")
def read_only() -> Built:
    return cloudfront(methods=READ_ONLY)


@pytest.fixture(scope="module")
def read_only_off() -> Built:
    return cloudfront(enabled=False, methods=READ_ONLY)


@pytest.fixture(scope="module")
def by_path() -> Built:
    return cloudfront(paths=SCOPED_PATHS)


@pytest.fixture(scope="module")
def both() -> Built:
    return cloudfront(
        methods=READ_ONLY,
        paths=SCOPED_PATHS,
        browser_response=MaintenanceResponse.page(title="Back soon", message="Writes paused."),
        bypass_token=TOKEN,
    )


@pytest.fixture(scope="module")
def regional() -> Built:
    return regional_on_alb(methods=READ_ONLY, paths=SCOPED_PATHS)


# --- the statements ------------------------------------------------------------------------


def test_read_only_ands_one_method_match_per_write_with_the_allowlist(read_only: Built) -> None:
    assertions.Template.from_json(read_only.template).has_resource_properties(
        ACL,
        {
            "Rules": [
                Match.object_like(
                    {
                        "Name": "Maintenance",
                        "Statement": {
                            "AndStatement": {
                                "Statements": [
                                    {"NotStatement": {"Statement": Match.any_value()}},
                                    WRITES,
                                ]
                            }
                        },
                    }
                )
            ]
        },
    )


def test_one_method_is_one_match_without_an_or() -> None:
    built = cloudfront(methods=["DELETE"], allowed_cidrs=[])
    assert built.rule()["Statement"] == _method("DELETE")


def test_paths_are_prefixes_and_exact_paths_on_the_normalized_path(by_path: Built) -> None:
    assert by_path.statements()[1:] == [CHECKOUT_OR_CART]


def test_both_narrow_the_browser_rule_too_and_leave_the_link_alone(both: Built) -> None:
    for name in ("Maintenance", "Maintenance-browser"):
        assert both.statements(name)[-2:] == [WRITES, CHECKOUT_OR_CART], name
    browser = both.statements("Maintenance-browser")
    assert browser[-3]["ByteMatchStatement"]["SearchString"] == "text/html"
    link = both.rule("Maintenance-bypass-link")["Statement"]["ByteMatchStatement"]
    assert link["SearchString"] == f"/__maintenance/{TOKEN}"
    assert link["FieldToMatch"] == {"UriPath": {}}


def test_the_regional_rule_on_an_alb_has_the_same_statements(regional: Built) -> None:
    assert regional.statements()[1:] == [WRITES, CHECKOUT_OR_CART]
    assertions.Template.from_json(regional.template).resource_count_is(
        "AWS::WAFv2::WebACLAssociation", 1
    )


def test_the_default_scope_adds_nothing(everything: Built) -> None:
    assert list(everything.rule()["Statement"]) == ["NotStatement"]  # outside the allowlist
    text = json.dumps(everything.template)
    assert '"Method"' not in text and "/checkout/" not in text
    assert json.loads(everything.acl["CustomResponseBodies"]["Maintenance"]["Content"]) == (
        DEFAULT_JSON_BODY
    )
    assert everything.template == cloudfront(methods=None, paths=None).template


def test_the_default_body_names_the_scope(read_only: Built, by_path: Built, both: Built) -> None:
    def scope(built: Built) -> str:
        return str(json.loads(built.acl["CustomResponseBodies"]["Maintenance"]["Content"])["scope"])

    assert scope(read_only) == "writes"
    assert scope(by_path) == "requests to /checkout/*, /cart"
    assert scope(both) == "writes to /checkout/*, /cart"


def test_the_scope_is_recorded_for_the_tools_in_both_states(
    read_only: Built, read_only_off: Built
) -> None:
    for built in (read_only, read_only_off):
        (entry,) = [m for m in built.construct.node.metadata if m.type == SCOPE_METADATA_TYPE]
        assert scope_from_metadata(entry.data) == MaintenanceScope(methods=READ_ONLY)


def test_the_preview_reads_the_scope_in_words(both: Built) -> None:
    words = web_acl_rule_words(both.rule(), both.acl["CustomResponseBodies"], {})
    assert "when the method is POST/PUT/PATCH/DELETE and (the path starts with /checkout/ or " in (
        words
    )


# --- capacity ------------------------------------------------------------------------------


def test_the_estimate_counts_the_scope(
    everything: Built, read_only: Built, by_path: Built, both: Built
) -> None:
    assert everything.construct.wcu.wcu == 1  # the IP set
    assert read_only.construct.wcu.wcu == 1 + 4 * 2  # four EXACTLY method matches
    # two matches, two transformations each; ';' (CONTAINS, decoded), '/../' and '/..'
    otherwise = (10 + 10) + 22 + 22
    assert otherwise == READ_OTHERWISE_WCU
    assert by_path.construct.wcu.wcu == 1 + 2 * 22 + otherwise
    token, html = 2 + 10, 10 + 10  # the Not(token) header/cookie matches; Accept CONTAINS
    rule = 1 + token + 8 + 44 + otherwise
    assert both.construct.wcu.wcu == 2 + (rule + html) + rule  # link, browser, maintenance
    assert rules_capacity(both.acl["Rules"]).wcu == both.construct.wcu.wcu


def test_too_many_paths_are_refused_with_the_count() -> None:
    with pytest.raises(
        MaintenanceConfigError, match=r"^paths/bypass_paths/allowed_cidrs: .*5125"
    ) as error:
        cloudfront(paths=[f"/p{i}" for i in range(230)])
    assert "each path 22 plus 64 per rule for ';' and a leading '/..'" in str(error.value)


# --- what the evaluator answers ------------------------------------------------------------


def test_read_only_lets_reads_through_and_turns_writes_away(read_only: Built) -> None:
    for method in ("GET", "HEAD", "OPTIONS"):
        assert read_only.reaches_app(method, "/checkout/pay"), method
    for method in ("POST", "DELETE", "PUT", "PATCH"):
        assert not read_only.reaches_app(method, "/anything"), method
    assert read_only.reaches_app("DELETE", "/anything", ip="203.0.113.9")


@pytest.mark.parametrize(
    ("path", "in_scope"),
    [
        ("/checkout/pay", True),
        ("/checkout/", True),
        ("/cart", True),
        ("/catalog", False),
        ("/cart/items", False),
        ("/checkout", False),
        ("/Checkout/pay", False),
        ("/catalog/../checkout/pay", True),
        ("/catalog/%2e%2e/checkout/pay", True),
        ("//checkout//pay", True),
        ("/check%6Fut/pay", True),
        # What an origin reads as another path is in scope (as on the function door).
        ("/cart;jsessionid=1", True),
        ("/cart%3Bjsessionid=1", True),
        ("/catalog;v=2", True),
        ("/..;/checkout/pay", True),
        ("/checkout\\pay", True),
        ("/checkout%5Cpay", True),
        ("/catalog\\..\\checkout\\pay", True),
        ("/../checkout/pay", True),
        ("/../catalog", True),
        ("/catalog/../../checkout/pay", True),
        ("/..", True),
        ("/%2e%2e", True),
        ("/../", True),
        # A segment that only starts with dots is a plain name; the exact path is exact.
        ("/..catalog", False),
        ("/catalog/..x", False),
        ("/cart/", False),
        ("/Cart", False),
    ],
)
def test_paths_compare_the_decoded_normalized_path(
    by_path: Built, path: str, in_scope: bool
) -> None:
    assert by_path.reaches_app("GET", path) is not in_scope
    assert by_path.reaches_app("GET", path, ip="203.0.113.9")


SLIPPED_WRITES = [
    "/checkout;jsessionid=1/pay",  # Tomcat, Spring and Jetty drop ';' path parameters
    "/cart;jsessionid=1",
    "/checkout\\pay",  # IIS reads a backslash as '/'
    "/../checkout/pay",  # NORMALIZE_PATH keeps a leading '..'; origins resolve it to '/'
]


@pytest.mark.parametrize("door", ["both", "regional"])
@pytest.mark.parametrize("path", SLIPPED_WRITES)
def test_writes_an_origin_reads_as_a_scoped_path_are_turned_away(
    request: pytest.FixtureRequest, door: str, path: str
) -> None:
    built: Built = request.getfixturevalue(door)
    assert not built.reaches_app("POST", path)
    assert built.reaches_app("GET", path)  # reads stay outside a read-only scope


@pytest.mark.parametrize(
    ("transformation", "path", "seen"),
    [
        ("NORMALIZE_PATH", "/a//b/./c/", "/a/b/c/"),
        ("NORMALIZE_PATH", "/a/b/../c", "/a/c"),
        ("NORMALIZE_PATH", "/a/..", "/"),
        ("NORMALIZE_PATH", "/a/.", "/a/"),
        ("NORMALIZE_PATH", "/../a", "/../a"),  # a back-reference at the beginning stays
        ("NORMALIZE_PATH", "/..", "/.."),
        ("NORMALIZE_PATH", "/a/../../b", "/b"),  # not at the beginning: removed
        ("NORMALIZE_PATH", "/a\\..\\b", "/a\\..\\b"),
        ("NORMALIZE_PATH_WIN", "/a\\..\\b", "/b"),  # backslashes to slashes, then normalized
        ("NORMALIZE_PATH_WIN", "\\a\\\\b\\", "/a/b/"),
    ],
)
def test_the_evaluator_transforms_the_path_as_aws_documents(
    transformation: str, path: str, seen: str
) -> None:
    exactly = _path("EXACTLY", seen, [{"Priority": 0, "Type": transformation}])
    request = Request(host="example.com", ip=OUTSIDE, path=path)
    assert statement_value(exactly, request, {}) == (True, frozenset())


def test_both_turn_away_only_writes_to_the_paths(both: Built) -> None:
    assert not both.reaches_app("POST", "/checkout/pay")
    assert both.answer("POST", "/cart", accept="text/html").rule == "Maintenance-browser"
    assert both.reaches_app("GET", "/checkout/pay")
    assert both.reaches_app("POST", "/catalog")
    assert both.reaches_app("POST", "/checkout/pay", headers=(("x-maintenance-bypass", TOKEN),))


def test_the_regional_door_answers_alike(regional: Built) -> None:
    assert not regional.reaches_app("DELETE", "/catalog/../cart")
    assert regional.reaches_app("HEAD", "/cart")
    assert regional.reaches_app("POST", "/catalog")
    assert regional.reaches_app("POST", "/cart", ip="203.0.113.200")


# --- refusals ------------------------------------------------------------------------------

Make = Callable[..., Built]


@pytest.mark.parametrize("make", [cloudfront, regional_on_alb], ids=["cloudfront", "regional"])
@pytest.mark.parametrize(
    ("paths", "fragment"),
    [
        (["/a/*/b"], "wildcard that a WAF rule cannot match"),
        (["/a?"], "wildcard that a WAF rule cannot match"),
        (["/shop/../checkout/*"], "'.' or '..' segment, which a request for that page never keeps"),
        (["/shop/../checkout/*"], "Write it as it resolves: '/checkout/*'."),
        (["/a/./b"], "as it resolves: '/a/b'."),
        (["/a//b/"], "a repeated slash, which a request for that page never keeps"),
        (["/a//b/"], "as it resolves: '/a/b/'."),
    ],
)
def test_patterns_a_waf_rule_cannot_match_are_refused(
    make: Make, paths: list[str], fragment: str
) -> None:
    with pytest.raises(
        MaintenanceConfigError, match="^paths: " + re.escape(repr(paths[0]))
    ) as error:
        make(paths=paths)
    assert fragment in str(error.value)


def test_an_open_last_segment_of_a_prefix_is_taken() -> None:
    scope = cloudfront(enabled=False, paths=["/a/..*"]).construct.maintenance_scope
    assert scope.patterns()[0].value == "/a/.."


def test_methods_are_checked() -> None:
    with pytest.raises(MaintenanceConfigError, match=r"^methods: 'post' .*'POST'"):
        cloudfront(methods=["post"])


# --- transitions ---------------------------------------------------------------------------


def test_off_to_on_and_back_changes_only_the_rules(read_only_off: Built, read_only: Built) -> None:
    for before, after in ((read_only_off, read_only), (read_only, read_only_off)):
        diff = assert_toggle_invariants(before.template, after.template)
        assert list(diff.changed.values()) == [["Rules"]]
    assert read_only_off.acl["Rules"] == []
    assert read_only_off.acl["CustomResponseBodies"] == read_only.acl["CustomResponseBodies"]


def test_an_edited_scope_while_on_changes_the_rule_and_the_body_it_names(
    by_path: Built,
) -> None:
    edited = cloudfront(paths=["/checkout/*", "/account/*"])
    diff = diff_templates(by_path.template, edited.template)
    assert not (diff.added or diff.removed)
    assert list(diff.changed.values()) == [["CustomResponseBodies", "Rules"]]
    assert edited.statements()[1]["OrStatement"]["Statements"][1:] == [
        _path("STARTS_WITH", "/account/"),
        *ORIGINS_READ_OTHERWISE,
    ]
    assert edited.reaches_app("GET", "/cart") and not edited.reaches_app("GET", "/account/x")


def test_a_scope_given_while_on_narrows_what_the_rule_turns_away(
    everything: Built, read_only: Built
) -> None:
    assert not everything.reaches_app("GET", "/catalog")
    assert read_only.reaches_app("GET", "/catalog")
    diff = diff_templates(everything.template, read_only.template)
    assert list(diff.changed.values()) == [["CustomResponseBodies", "Rules"]]
