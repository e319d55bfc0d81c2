"""AlbMaintenance with methods= and paths= (read-only and partial maintenance): the plan
within the ALB's per-rule limits, the conditions in the template, the answers request by
request (the offline evaluator, and the preview over two cloud assemblies), and the toggle
and edits while on."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk.assertions import Match, Template
from builders import AlbEnv
from helpers import PATH_METADATA, assert_toggle_invariants, templates

from maintenance_constructs import READ_ONLY, MaintenanceConfigError, MaintenanceResponse
from maintenance_constructs.alb.plan import TRAVERSAL_PATTERNS, PlannedRule, plan_rules
from maintenance_constructs.alb.scope_rules import cover
from maintenance_constructs.scope import MaintenanceScope
from maintenance_constructs.shared import DOT_SEGMENT_PATTERNS, SINGLE_DOT_PATTERNS, path_problem
from maintenance_constructs.tools.app.assembly import read_states
from maintenance_constructs.tools.evaluate.listener_evaluator import evaluate_listener
from maintenance_constructs.tools.model import ClientKind, Request
from maintenance_constructs.tools.preview.report import preview_assemblies
from maintenance_constructs.values import wildcard_count

RULE = "AWS::ElasticLoadBalancingV2::ListenerRule"
OFFICE, OUTSIDE, OFFICE_IP = "203.0.113.0/24", "192.0.2.10", "203.0.113.10"
HOSTS = [f"h{i}.example.com" for i in range(20)]
CHECKOUT = ["/checkout/*"]
PAGE = MaintenanceResponse.html("<h1>Back soon</h1>")
SHOP, SHOP_PATHS = "shop.example.com", ["/checkout/*", "/cart"]
ALB_DOC = (Path(__file__).resolve().parent.parent / "docs" / "alb.md").read_text(encoding="utf-8")


# -- the plan, no CDK ------------------------------------------------------------------------


def _covered(boxes: Sequence[tuple[tuple[str, ...], ...]]) -> set[tuple[str, str, str]]:
    return {
        (h, m, p)
        for hs, ms, ps in boxes
        for h in hs or ("",)
        for m in ms or ("",)
        for p in ps or ("",)
    }


def _best_product(sizes: tuple[int, ...], budget: int = 5) -> int:
    """The fewest rules any split of each list into equal chunks needs (no wildcards)."""
    present = [n for n in sizes if n]
    return min(
        math.prod(-(-n // c) for n, c in zip(present, chunks, strict=True))
        for chunks in itertools.product(range(1, budget + 1), repeat=len(present))
        if sum(chunks) <= budget
    )


@pytest.mark.parametrize(
    ("hosts", "methods", "paths"),
    [(h, m, p) for h in (0, 1, 2, 3, 6) for m in (0, 1, 4, 6) for p in (0, 1, 3, 7) if m or p],
)
def test_cover_is_complete_within_limits_and_fewest(hosts: int, methods: int, paths: int) -> None:
    host_list, path_list = HOSTS[:hosts], [f"/p{i}/*" for i in range(paths)]
    method_list = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"][:methods]
    boxes = cover(host_list, method_list, path_list)
    wanted = {
        (h, m, p) for h in host_list or [""] for m in method_list or [""] for p in path_list or [""]
    }
    assert _covered(boxes) == wanted
    for hs, ms, ps in boxes:
        assert len(hs) + len(ms) + len(ps) <= 5
        assert sum(map(wildcard_count, (*hs, *ps))) <= 5
    assert len(boxes) == _best_product((hosts, methods, paths))


def test_cover_splits_the_wildcards_between_hosts_and_paths() -> None:
    boxes = cover(["*.a.example.com", "*.b.example.com"], ["POST"], ["/x/*/y/*", "/z/*"])
    assert _covered(boxes) == {
        (h, "POST", p) for h in ("*.a.example.com", "*.b.example.com") for p in ("/x/*/y/*", "/z/*")
    }
    assert all(sum(map(wildcard_count, (*hs, *ps))) <= 5 for hs, _, ps in boxes)


def test_a_host_and_a_path_that_cannot_share_a_rule_are_refused() -> None:
    with pytest.raises(
        MaintenanceConfigError,
        match=r"host_headers/paths: '\*\.\*\.\*\.example\.com' and '/a\*/b\*/c\*' must share a "
        r"listener rule, and have 6 wildcards",
    ):
        plan_rules(hosts=["*.*.*.example.com"], cidrs=[], paths=["/a*/b*/c*"])


def _kind(rules: Sequence[PlannedRule], kind: str) -> list[PlannedRule]:
    return [r for r in rules if r.kind == kind]


def test_read_only_splits_hosts_beside_the_four_methods() -> None:
    rules = plan_rules(hosts=HOSTS[:3], cidrs=[OFFICE], methods=READ_ONLY)
    maintenance = _kind(rules, "maintenance")
    assert [(r.hosts, r.methods, r.paths) for r in maintenance] == [
        (tuple(HOSTS[:3]), ("POST", "PUT"), ()),
        (tuple(HOSTS[:3]), ("PATCH", "DELETE"), ()),
    ]
    assert [r.priority for r in maintenance] == [90, 91]
    assert all(r.value_count == 5 for r in maintenance)
    assert _kind(rules, "guard") == []  # no paths: nothing to step into


def test_forwarding_rules_do_not_change_with_the_scope() -> None:
    common: dict[str, Any] = {
        "hosts": HOSTS[:2],
        "cidrs": [OFFICE, "2001:db8::/48"],
        "bypass_paths": ["/health"],
        "bypass_token": "a-token-of-twenty-chars",
    }
    every = plan_rules(**common)
    scoped = plan_rules(**common, methods=READ_ONLY, paths=CHECKOUT)
    assert [r for r in scoped if r.forwards] == [r for r in every if r.forwards]


@pytest.mark.parametrize(
    "common",
    [
        {"hosts": HOSTS[:7], "cidrs": [OFFICE], "bypass_paths": ["/static/*"], "browser": True},
        {"hosts": None, "cidrs": [OFFICE], "bypass_paths": ["/health"]},
        {"hosts": HOSTS[:1], "cidrs": [], "bypass_token": "a-token-of-twenty-chars"},
    ],
)
def test_the_default_scope_plans_exactly_as_before(common: dict[str, Any]) -> None:
    assert plan_rules(**common, methods=None, paths=None) == plan_rules(**common)


def test_every_host_rules_carry_the_scope_instead_of_every_path() -> None:
    rules = plan_rules(hosts=None, cidrs=[OFFICE], methods=READ_ONLY, paths=CHECKOUT)
    maintenance, *traversal = _kind(rules, "maintenance")
    assert (maintenance.hosts, maintenance.methods, maintenance.paths) == (
        (),
        READ_ONLY,
        tuple(CHECKOUT),
    )
    assert {p for r in traversal for p in r.paths} == set(DOT_SEGMENT_PATTERNS)
    (writes,) = _kind(plan_rules(hosts=None, cidrs=[], methods=READ_ONLY), "maintenance")
    assert (writes.methods, writes.paths) == (READ_ONLY, ())  # no "/*": the methods suffice


def test_paths_answer_dot_segments_after_the_allow_rules() -> None:
    """``.`` and ``..`` segments, for the scope's methods, after the path rules in the
    maintenance band: allow-listed clients (and token holders) still reach the app for every
    request."""
    rules = plan_rules(hosts=HOSTS[:2], cidrs=[OFFICE], methods=READ_ONLY, paths=CHECKOUT)
    assert _kind(rules, "guard") == []
    maintenance = _kind(rules, "maintenance")
    scoped = [r for r in maintenance if r.paths == tuple(CHECKOUT)]
    traversal = maintenance[len(scoped) :]
    assert scoped == maintenance[: len(scoped)] and traversal
    wanted = {(h, m, p) for h in HOSTS[:2] for m in READ_ONLY for p in DOT_SEGMENT_PATTERNS}
    assert _covered([(r.hosts, r.methods, r.paths) for r in traversal]) == wanted
    assert all(r.value_count <= 5 and r.wildcards <= 5 for r in rules)
    allow = _kind(rules, "allow")
    assert max(r.priority for r in allow) < min(r.priority for r in traversal)


def test_a_wildcard_bypass_keeps_its_guard_first_for_the_scopes_methods() -> None:
    """The guard answers ``..`` before the bypass rules, as without a scope; a ``.`` segment
    cannot step out of a bypass prefix, so its rules follow the path rules."""
    rules = plan_rules(
        hosts=HOSTS[:1], cidrs=[], bypass_paths=["/static/*"], methods=READ_ONLY, paths=CHECKOUT
    )
    guard = _kind(rules, "guard")
    assert guard[0].priority == 10
    assert _covered([(r.hosts, r.methods, r.paths) for r in guard]) == {
        (HOSTS[0], m, p) for m in READ_ONLY for p in TRAVERSAL_PATTERNS
    }
    maintenance = _kind(rules, "maintenance")
    scoped = [r for r in maintenance if r.paths == tuple(CHECKOUT)]
    assert scoped == maintenance[: len(scoped)]
    assert _covered([(r.hosts, r.methods, r.paths) for r in maintenance[len(scoped) :]]) == {
        (HOSTS[0], m, p) for m in READ_ONLY for p in SINGLE_DOT_PATTERNS
    }


def test_the_browser_rule_takes_the_scope_beside_its_accept_header() -> None:
    rules = plan_rules(hosts=HOSTS[:1], cidrs=[], browser=True, methods=READ_ONLY, paths=CHECKOUT)
    browser = _kind(rules, "browser")
    assert _covered([(r.hosts, r.methods, r.paths) for r in browser]) == {
        (HOSTS[0], m, CHECKOUT[0]) for m in READ_ONLY
    }
    assert all(r.accept == ("*text/html*",) and r.value_count <= 5 for r in browser)


def test_the_reviewers_scope_answers_every_dot_segment_within_the_rule_limits() -> None:
    """1 host x 4 methods x the 4 dot-segment patterns (6 wildcards, over the 5 of a rule):
    the patterns in two rules' worth, the methods too."""
    rules = plan_rules(hosts=[SHOP], cidrs=[OFFICE], methods=READ_ONLY, paths=SHOP_PATHS)
    maintenance = _kind(rules, "maintenance")
    scoped = [r for r in maintenance if set(r.paths) <= set(SHOP_PATHS)]
    dots = maintenance[len(scoped) :]
    assert scoped == maintenance[: len(scoped)]
    assert _covered([(r.hosts, r.methods, r.paths) for r in dots]) == {
        (SHOP, m, p) for m in READ_ONLY for p in DOT_SEGMENT_PATTERNS
    }
    assert len(dots) == 4
    assert all(r.value_count <= 5 and r.wildcards <= 5 for r in rules)
    assert [r.priority for r in maintenance] == list(range(90, 90 + len(maintenance)))


@pytest.mark.parametrize("host", ["*.example.com", "*.*.example.com", "*.*.*.example.com"])
def test_wildcard_hosts_share_the_dot_segment_rules_within_five_wildcards(host: str) -> None:
    rules = plan_rules(hosts=[host], cidrs=[], methods=READ_ONLY, paths=SHOP_PATHS)
    dots = [r for r in _kind(rules, "maintenance") if set(r.paths) & set(DOT_SEGMENT_PATTERNS)]
    assert _covered([(r.hosts, r.methods, r.paths) for r in dots]) == {
        (host, m, p) for m in READ_ONLY for p in DOT_SEGMENT_PATTERNS
    }
    assert all(r.wildcards <= 5 and r.value_count <= 5 for r in rules)


def test_methods_alone_need_no_dot_segment_rules() -> None:
    """Every path is in scope, so a dot segment hides nothing: a host too wildcarded to share
    a rule with ``*/../*`` is fine."""
    host = "*.*.*.*.example.com"
    rules = plan_rules(hosts=[host], cidrs=[], methods=READ_ONLY)
    assert [(r.hosts, r.methods, r.paths) for r in _kind(rules, "maintenance")] == [
        ((host,), READ_ONLY, ())
    ]


@pytest.mark.parametrize(
    ("bypass_paths", "patterns", "segments"),
    [
        ((), DOT_SEGMENT_PATTERNS, "'.' and '..' segments"),
        (("/static/*",), SINGLE_DOT_PATTERNS, "'.' segments"),  # '..' is the guard's
    ],
)
def test_a_maintenance_band_refusal_counts_the_dot_segment_rules(
    bypass_paths: tuple[str, ...], patterns: tuple[str, ...], segments: str
) -> None:
    paths = [f"/p{i}" for i in range(13)]
    count = len(cover([], READ_ONLY, paths)) + len(cover([], READ_ONLY, patterns))
    assert len(cover([], READ_ONLY, paths)) == 10  # the path rules alone fill the band
    with pytest.raises(MaintenanceConfigError) as raised:
        plan_rules(hosts=None, cidrs=[], bypass_paths=bypass_paths, methods=READ_ONLY, paths=paths)
    message = str(raised.value)
    assert message.startswith(
        f"methods/paths: every host, 4 methods and 13 paths need {count} maintenance rules "
    )
    assert f"the rules for {segments} included); the maintenance band holds 10" in message


def test_a_band_that_overflows_is_refused_with_the_counts_and_the_fix() -> None:
    paths = [f"/p{i}" for i in range(6)]
    with pytest.raises(MaintenanceConfigError) as raised:
        plan_rules(hosts=HOSTS[:10], cidrs=[], methods=READ_ONLY, paths=paths)
    message = str(raised.value)
    assert message.startswith("methods/paths: 10 hosts, 4 methods and 6 paths need ")
    assert "the rules for '.' and '..' segments included" in message
    assert "the maintenance band holds 10 (priorities 90..99)" in message
    assert "fewer hosts (or host_headers=None for every host)" in message
    assert "methods=READ_ONLY without paths, or paths without methods" in message
    with pytest.raises(
        MaintenanceConfigError,
        match=r"need 12 maintenance rules .* the maintenance band holds 10 \(priorities 90\.\.99\)",
    ):
        plan_rules(hosts=HOSTS[:16], cidrs=[], methods=["POST", "DELETE", "PUT", "PATCH"])
    with pytest.raises(MaintenanceConfigError, match=r"the guard band holds 5 \(priorities 10"):
        plan_rules(hosts=HOSTS[:10], cidrs=[], bypass_paths=["/static/*"], methods=READ_ONLY)


# -- the construct in a stack ----------------------------------------------------------------

STACKS: Mapping[str, Mapping[str, Any]] = {
    "read only": {"methods": READ_ONLY, "allowed_cidrs": [OFFICE]},
    "paths": {"paths": CHECKOUT, "allowed_cidrs": [OFFICE], "browser_response": PAGE},
    "both, every host": {
        "host_headers": None,
        "methods": READ_ONLY,
        "paths": CHECKOUT,
        "allowed_cidrs": [OFFICE],
    },
    "three hosts read only": {"host_headers": HOSTS[:3], "methods": READ_ONLY},
    # no target_groups: allowed requests follow the app's rules (copies of them)
    "routed, both": {
        "target_groups": None,
        "methods": READ_ONLY,
        "paths": CHECKOUT,
        "allowed_cidrs": [OFFICE],
    },
}


def _env(
    context: Mapping[str, Any] | None = None,
    outdir: Path | None = None,
    host: str = "example.com",
) -> AlbEnv:
    env = AlbEnv(context=dict(context or {}), outdir=outdir)
    env.listener.add_action(
        "Catalog",
        priority=100,
        conditions=[elbv2.ListenerCondition.host_headers([host])],
        action=elbv2.ListenerAction.forward([env.blue]),
    )
    return env


@pytest.fixture(scope="module")
def stacks() -> dict[str, dict[str, Any]]:
    """Each case's template (maintenance on)."""
    found: dict[str, dict[str, Any]] = {}
    for name, overrides in STACKS.items():
        env = _env()
        env.maintenance(**overrides)
        found[name] = dict(Template.from_stack(env.stack).to_json())
    return found


def _ours(template: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return sorted(
        (
            (k, r["Properties"])
            for k, r in template["Resources"].items()
            if r["Type"] == RULE and k.startswith("Maintenance")
        ),
        key=lambda item: item[1]["Priority"],
    )


def _condition(field: str, config: str, values: Sequence[str]) -> dict[str, Any]:
    return {"Field": field, config: {"Values": list(values)}}


def _host(*values: str) -> dict[str, Any]:
    return _condition("host-header", "HostHeaderConfig", values)


def _methods(*values: str) -> dict[str, Any]:
    return _condition("http-request-method", "HttpRequestMethodConfig", values)


def _paths(*values: str) -> dict[str, Any]:
    return _condition("path-pattern", "PathPatternConfig", values)


def test_read_only_rules_match_the_methods(stacks: dict[str, dict[str, Any]]) -> None:
    template = Template.from_json(stacks["read only"])
    template.has_resource_properties(
        RULE,
        {
            "Priority": 90,
            "Conditions": [_host("example.com"), _methods("POST", "PUT", "PATCH", "DELETE")],
            "Actions": [
                Match.object_like(
                    {
                        "Type": "fixed-response",
                        "FixedResponseConfig": Match.object_like({"StatusCode": "503"}),
                    }
                )
            ],
        },
    )
    template.has_resource_properties(
        RULE,
        {
            "Priority": 25,
            "Conditions": [
                _host("example.com"),
                _condition("source-ip", "SourceIpConfig", [OFFICE]),
            ],
        },
    )
    template.resource_count_is(RULE, 3)  # the app's, the allow rule, one 503 rule
    body = json.loads(
        _ours(stacks["read only"])[-1][1]["Actions"][0]["FixedResponseConfig"]["MessageBody"]
    )
    assert body["scope"] == "writes"


def test_paths_rules_match_the_patterns_and_guard_dot_segments(
    stacks: dict[str, dict[str, Any]],
) -> None:
    template = Template.from_json(stacks["paths"])
    template.has_resource_properties(
        RULE, {"Priority": 90, "Conditions": [_host("example.com"), _paths(*CHECKOUT)]}
    )
    for priority, patterns in ((91, ("*/../*", "*/./*")), (92, ("*/..", "*/."))):
        template.has_resource_properties(
            RULE, {"Priority": priority, "Conditions": [_host("example.com"), _paths(*patterns)]}
        )
    template.resource_count_is(RULE, 6)  # the app's, allow, browser, 503, 2 for dot segments
    template.has_resource_properties(
        RULE,
        {
            "Priority": 85,
            "Conditions": [
                _host("example.com"),
                _paths(*CHECKOUT),
                {
                    "Field": "http-header",
                    "HttpHeaderConfig": {"HttpHeaderName": "Accept", "Values": ["*text/html*"]},
                },
            ],
            "Actions": [
                Match.object_like(
                    {"FixedResponseConfig": Match.object_like({"ContentType": "text/html"})}
                )
            ],
        },
    )


def test_every_host_rules_have_only_the_scope(stacks: dict[str, dict[str, Any]]) -> None:
    ours = _ours(stacks["both, every host"])
    answering = [p["Conditions"] for _, p in ours if p["Priority"] >= 90]
    assert answering == [
        [_paths(*CHECKOUT), _methods(*READ_ONLY)],
        [_paths("*/../*", "*/./*"), _methods("POST", "PUT")],
        [_paths("*/../*", "*/./*"), _methods("PATCH", "DELETE")],
        [_paths("*/..", "*/."), _methods("POST", "PUT")],
        [_paths("*/..", "*/."), _methods("PATCH", "DELETE")],
    ]


def test_three_hosts_read_only_take_two_rules(stacks: dict[str, dict[str, Any]]) -> None:
    ours = _ours(stacks["three hosts read only"])
    assert [(p["Priority"], p["Conditions"]) for _, p in ours] == [
        (90, [_host(*HOSTS[:3]), _methods("POST", "PUT")]),
        (91, [_host(*HOSTS[:3]), _methods("PATCH", "DELETE")]),
    ]


def test_copies_of_the_app_rules_carry_no_scope(stacks: dict[str, dict[str, Any]]) -> None:
    ours = _ours(stacks["routed, both"])
    allow = [p for k, p in ours if "AllowRule" in k]
    assert allow and all(p["Actions"][0]["Type"] == "forward" for p in allow)
    assert all(c["Field"] in ("host-header", "source-ip") for p in allow for c in p["Conditions"])


# -- request by request ----------------------------------------------------------------------

LISTENER_DEFAULT = [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}]


def _answer(
    template: Mapping[str, Any],
    method: str,
    path: str,
    ip: str = OUTSIDE,
    host: str = "example.com",
    accept: str = ClientKind.API,
) -> str:
    rules = [(k, r["Properties"]) for k, r in template["Resources"].items() if r["Type"] == RULE]
    answer = evaluate_listener(
        rules, LISTENER_DEFAULT, Request(host=host, ip=ip, path=path, method=method, accept=accept)
    )
    if answer.action == "forward":
        return "app" if "Catalog" in answer.rule or "AllowRule" in answer.rule else answer.rule
    return str(answer.status)


@pytest.mark.parametrize(
    ("case", "method", "path", "outside", "office"),
    [
        ("read only", "GET", "/checkout/pay", "app", "app"),
        ("read only", "HEAD", "/", "app", "app"),
        ("read only", "OPTIONS", "/", "app", "app"),
        ("read only", "POST", "/checkout/pay", "503", "app"),
        ("read only", "DELETE", "/catalog", "503", "app"),
        ("paths", "GET", "/checkout/pay", "503", "app"),
        ("paths", "GET", "/catalog", "app", "app"),
        ("paths", "POST", "/catalog", "app", "app"),
        ("paths", "GET", "/catalog/../checkout/pay", "503", "app"),
        ("paths", "GET", "/Checkout/pay", "app", "app"),  # case-sensitive, as documented
        ("both, every host", "POST", "/checkout/pay", "503", "app"),
        ("both, every host", "GET", "/checkout/pay", "app", "app"),
        ("both, every host", "POST", "/catalog", "app", "app"),
        ("both, every host", "POST", "/catalog/../checkout/pay", "503", "app"),
        ("both, every host", "GET", "/catalog/../checkout/pay", "app", "app"),
        ("both, every host", "POST", "/./checkout/pay", "503", "app"),
        ("both, every host", "GET", "/./checkout/pay", "app", "app"),
        ("paths", "GET", "/checkout/./pay", "503", "app"),
        ("routed, both", "POST", "/checkout/pay", "503", "app"),
        ("routed, both", "GET", "/checkout/pay", "app", "app"),
        ("routed, both", "DELETE", "/catalog", "app", "app"),
        ("three hosts read only", "PUT", "/", "503", "503"),  # no allowlist there
    ],
)
def test_answers_inside_and_outside_the_scope(
    stacks: dict[str, dict[str, Any]], case: str, method: str, path: str, outside: str, office: str
) -> None:
    host = HOSTS[2] if case == "three hosts read only" else "example.com"
    assert _answer(stacks[case], method, path, host=host) == outside
    assert _answer(stacks[case], method, path, ip=OFFICE_IP, host=host) == office


@pytest.fixture(scope="module")
def shop() -> dict[str, Any]:
    """Writes to /checkout/* and /cart on shop.example.com turned away, the app's rule for the
    host behind."""
    env = _env(host=SHOP)
    env.maintenance(
        host_headers=[SHOP], methods=READ_ONLY, paths=SHOP_PATHS, allowed_cidrs=[OFFICE]
    )
    return dict(Template.from_stack(env.stack).to_json())


@pytest.mark.parametrize(
    ("method", "path", "outside"),
    [
        ("POST", "/checkout/pay", "503"),
        ("DELETE", "/cart", "503"),
        ("GET", "/checkout/pay", "app"),
        ("POST", "/catalog", "app"),
        # nginx and Tomcat drop '/./' segments: the app would serve its checkout
        ("POST", "/./checkout/pay", "503"),
        ("PUT", "/checkout/./pay", "503"),
        ("PATCH", "/x/./cart", "503"),
        ("POST", "/cart/.", "503"),
        ("DELETE", "/checkout/.", "503"),
        ("POST", "/x/../cart", "503"),
        ("POST", "/checkout/pay/..", "503"),
        ("POST", "/./catalog", "503"),  # a dot segment counts as in scope, whatever follows
        ("GET", "/./checkout/pay", "app"),  # reads stay outside the methods
        ("HEAD", "/x/../cart", "app"),
    ],
)
def test_a_dot_segment_counts_as_in_scope(
    shop: dict[str, Any], method: str, path: str, outside: str
) -> None:
    assert _answer(shop, method, path, host=SHOP) == outside
    assert _answer(shop, method, path, ip=OFFICE_IP, host=SHOP) == "app"


NOT_CAUGHT = ["/x/.%2e/checkout/pay", "/x/%2e%2e/cart", "/x/..;/checkout/pay", "/x\\..\\cart"]
"""Dot segments an origin may resolve that no ALB path pattern can name (``%``, ``;`` and
``\\`` are not pattern characters)."""


@pytest.mark.parametrize("path", NOT_CAUGHT)
def test_what_no_path_pattern_can_name_reaches_the_app_as_documented(
    shop: dict[str, Any], path: str
) -> None:
    """The ALB forwards these writes (an origin that decodes ``%2e``, reads ``..;`` as ``..``
    or ``\\`` as ``/`` serves them as its checkout or cart): docs/alb.md names each."""
    assert path_problem(path) == "may hold only A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & * ?"
    assert _answer(shop, "POST", path, host=SHOP) == "app"
    assert f"`POST {path}`" in ALB_DOC


def test_outside_the_scope_is_answered_as_with_maintenance_off(
    stacks: dict[str, dict[str, Any]],
) -> None:
    """The app's own rule answers, not one of ours: the rule named is the app's."""
    rules = [
        (k, r["Properties"])
        for k, r in stacks["routed, both"]["Resources"].items()
        if r["Type"] == RULE
    ]
    answer = evaluate_listener(
        rules, LISTENER_DEFAULT, Request("example.com", OUTSIDE, "/catalog", method="POST")
    )
    assert answer.action == "forward" and "Catalog" in answer.rule
    other_host = evaluate_listener(
        rules, LISTENER_DEFAULT, Request("other.org", OUTSIDE, "/checkout/pay", method="POST")
    )
    assert other_host.rule == "default"


def test_browsers_get_the_page_and_api_clients_json_in_scope(
    stacks: dict[str, dict[str, Any]],
) -> None:
    rules = [
        (k, r["Properties"]) for k, r in stacks["paths"]["Resources"].items() if r["Type"] == RULE
    ]
    browser = evaluate_listener(
        rules,
        LISTENER_DEFAULT,
        Request("example.com", OUTSIDE, "/checkout/pay", accept=ClientKind.BROWSER),
    )
    api = evaluate_listener(
        rules, LISTENER_DEFAULT, Request("example.com", OUTSIDE, "/checkout/pay")
    )
    assert (browser.status, browser.content_type) == (503, "text/html")
    assert (api.status, api.content_type) == (503, "application/json")
    assert json.loads(api.body)["scope"] == "requests to /checkout/*"


def test_the_method_is_compared_as_sent_like_the_alb_does(
    stacks: dict[str, dict[str, Any]],
) -> None:
    """The ALB's method match is case-sensitive: ``post`` is outside a READ_ONLY scope there
    (docs/alb.md says so, and how to guard an app that upper-cases methods)."""
    assert _answer(stacks["read only"], "post", "/") == "app"
    assert _answer(stacks["read only"], "POST", "/") == "503"


# -- the toggle, edits while on, and the preview ---------------------------------------------


def _synth(outdir: Path, state: str, **overrides: Any) -> dict[str, Any]:
    env = _env({**PATH_METADATA, "maintenance": state}, outdir=outdir)
    arguments = {"enabled": None, "allowed_cidrs": [OFFICE], **overrides}
    env.maintenance(**arguments)
    return templates(env.app)["Web"]


@pytest.fixture(scope="module")
def assemblies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, Any]]]:
    cases: dict[str, tuple[str, dict[str, Any]]] = {
        "off": ("false", {"methods": READ_ONLY, "paths": CHECKOUT}),
        "on": ("true", {"methods": READ_ONLY, "paths": CHECKOUT}),
        "on, edited": (
            "true",
            {
                "methods": ["POST", "DELETE"],
                "paths": [*CHECKOUT, "/cart", "/account/*"],
                "host_headers": HOSTS[:2],
            },
        ),
        "on, every request": ("true", {}),
        "on, wildcard bypass": (
            "true",
            {
                "methods": READ_ONLY,
                "paths": CHECKOUT,
                "bypass_paths": ["/static/*"],
                "browser_response": PAGE,
            },
        ),
    }
    found = {}
    for name, (state, overrides) in cases.items():
        outdir = tmp_path_factory.mktemp(name.replace(", ", "-"))
        found[name] = (outdir, _synth(outdir, state, **overrides))
    return found


def test_only_the_constructs_rules_change_on_the_toggle(
    assemblies: dict[str, tuple[Path, dict[str, Any]]],
) -> None:
    off, on = assemblies["off"][1], assemblies["on"][1]
    diff = assert_toggle_invariants(off, on)
    # allow, 2 path rules, 4 for '.' and '..' segments
    assert set(diff.added.values()) == {RULE} and len(diff.added) == 7
    assert_toggle_invariants(on, off)


def _priorities(template: Mapping[str, Any]) -> dict[str, int]:
    return {k: p["Priority"] for k, p in _ours(template)}


EDITS = ["on, every request", "on", "on, edited", "on, wildcard bypass", "on, every request"]


def test_an_edited_scope_never_takes_a_priority_another_rule_holds(
    assemblies: dict[str, tuple[Path, dict[str, Any]]],
) -> None:
    """Scoping, editing and dropping the scope while on: each an update in which no rule is
    created or moved onto a priority another rule holds (either way round)."""
    for first, second in itertools.pairwise(EDITS):
        before = _priorities(assemblies[first][1])
        after = _priorities(assemblies[second][1])
        assert before != after, (first, second)
        for old, new in ((before, after), (after, before)):
            holders = {priority: logical_id for logical_id, priority in old.items()}
            moved = [k for k, p in new.items() if holders.get(p, k) != k]
            assert moved == [], (first, second, old, new)


def test_the_scope_is_recorded_for_the_tools_in_both_states(
    assemblies: dict[str, tuple[Path, dict[str, Any]]],
) -> None:
    for name, enabled in (("off", False), ("on", True)):
        (state,) = read_states(assemblies[name][0])
        assert (state.path, state.enabled) == ("Web/Maintenance", enabled)
        assert state.scope == MaintenanceScope(methods=READ_ONLY, paths=tuple(CHECKOUT))


def test_the_preview_answers_by_the_scope(
    assemblies: dict[str, tuple[Path, dict[str, Any]]],
) -> None:
    requests = [
        Request("example.com", OUTSIDE, path, method=method)
        for method, path in (
            ("GET", "/checkout/pay"),
            ("HEAD", "/checkout/pay"),
            ("POST", "/checkout/pay"),
            ("DELETE", "/checkout/x"),
            ("POST", "/catalog"),
            ("POST", "/catalog/../checkout/pay"),
            ("POST", "/./checkout/pay"),
        )
    ] + [Request("example.com", OFFICE_IP, "/checkout/pay", method="POST")]
    preview = preview_assemblies(assemblies["off"][0], assemblies["on"][0], requests=requests)
    (door,) = preview.front_doors
    answers = [
        (r.request.method, r.request.ip, r.request.path, r.off.action, r.on.action, r.on.status)
        for r in door.rows
    ]
    assert answers == [
        ("GET", OUTSIDE, "/checkout/pay", "forward", "forward", None),
        ("HEAD", OUTSIDE, "/checkout/pay", "forward", "forward", None),
        ("POST", OUTSIDE, "/checkout/pay", "forward", "fixed-response", 503),
        ("DELETE", OUTSIDE, "/checkout/x", "forward", "fixed-response", 503),
        ("POST", OUTSIDE, "/catalog", "forward", "forward", None),
        ("POST", OUTSIDE, "/catalog/../checkout/pay", "forward", "fixed-response", 503),
        ("POST", OUTSIDE, "/./checkout/pay", "forward", "fixed-response", 503),
        ("POST", OFFICE_IP, "/checkout/pay", "forward", "forward", None),
    ]


def test_the_preview_samples_no_dot_segment_pattern_as_a_path(
    assemblies: dict[str, tuple[Path, dict[str, Any]]],
) -> None:
    preview = preview_assemblies(assemblies["off"][0], assemblies["on"][0])
    (door,) = preview.front_doors
    paths = {row.request.path for row in door.rows}
    assert "/checkout/x" in paths
    assert all(p.startswith("/") and "*" not in p for p in paths), paths


# -- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"methods": ["post"]}, "methods: 'post' is not an HTTP method"),
        ({"paths": []}, "an empty list, which would turn nothing away"),
        (
            {"host_headers": HOSTS[:16], "methods": READ_ONLY},
            "methods/paths: 16 hosts, 4 methods and every path need 12 maintenance rules",
        ),
        (
            {"host_headers": ["*.*.*.example.com"], "paths": ["/a*/b*/c*"]},
            "host_headers/paths: '*.*.*.example.com' and '/a*/b*/c*' must share",
        ),
        (
            {"host_headers": ["*.*.*.*.example.com"], "paths": ["/cart"]},
            "host_headers/paths: '*.*.*.*.example.com' and '*/../*' must share a listener "
            "rule, and have 6 wildcards",
        ),
        (
            {"host_headers": ["*.*.example.com"], "paths": ["/a*/b*"], "browser_response": PAGE},
            "host_headers/paths/browser_response: '*.*.example.com' and '/a*/b*' must share",
        ),
        (
            {"host_headers": HOSTS[:10], "methods": READ_ONLY, "bypass_paths": ["/static/*"]},
            "need 20 guard rules (an ALB rule holds 5 condition values: hosts, methods and "
            "paths together, beside the 2 '..' patterns); the guard band holds 5",
        ),
    ],
)
def test_refusals_name_the_parameter_the_value_and_the_fix(
    overrides: dict[str, Any], fragment: str
) -> None:
    env = AlbEnv()
    with pytest.raises(MaintenanceConfigError) as raised:
        env.maintenance(**overrides)
    assert fragment in str(raised.value)


def test_a_scope_that_does_not_fit_a_small_window_says_how_to_make_room() -> None:
    env = AlbEnv()
    env.other_rule("App", 20, elbv2.ListenerCondition.host_headers(HOSTS[:1]))
    env.maintenance(host_headers=HOSTS[:6], methods=READ_ONLY, target_groups=None)
    with pytest.raises(Exception, match="Renumber the app's rules"):
        Template.from_stack(env.stack)


def test_the_scopes_rules_count_toward_the_rules_per_load_balancer() -> None:
    """96 app rules and 2 of ours fit the 100; the path and dot-segment rules of a paths scope
    make it 103."""

    def errors(**overrides: Any) -> list[str]:
        env = AlbEnv()
        for i in range(96):
            env.other_rule(f"App{i}", 100 + i, elbv2.ListenerCondition.path_patterns([f"/a{i}"]))
        env.maintenance(priority=1, allowed_cidrs=[OFFICE], methods=READ_ONLY, **overrides)
        try:
            Template.from_stack(env.stack)
        except Exception as error:  # the validation errors of the synthesis
            return [str(error)]
        return []

    assert errors() == []  # allow + 1 host x 4 methods: 2 rules of ours
    (message,) = errors(paths=CHECKOUT)  # allow, 2 path rules, 4 for '.' and '..' segments
    assert "would hold 103 listener rules with maintenance on (96 of the app" in message
