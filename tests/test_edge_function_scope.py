"""CloudFrontFunctionMaintenance with ``methods=`` and ``paths=``: the function, run on Node and
njs, turns away only the requests in scope, whatever turned maintenance on (the deploy-time
state, the store, a store window, a scheduled window); out-of-scope requests pass exactly as
allow-listed ones do (into the app's own code in a combined function); the scope is data in
the code, counted in its 10 KB; the default scope leaves the code as it always was."""

from __future__ import annotations

import ipaddress
import re
import shutil
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk.assertions import Match, Template
from function_runner import ENGINES, request, run

from maintenance_constructs import (
    CloudFrontFunctionMaintenance,
    MaintenanceConfigError,
    MaintenanceResponse,
)
from maintenance_constructs.edge_function.code_writer import (
    SCOPE_CHECK_BYTES,
    config_json,
    function_code,
    function_config,
    literal_token,
)
from maintenance_constructs.edge_function.compose import compose_code
from maintenance_constructs.edge_function.config import FunctionConfig
from maintenance_constructs.edge_function.size import check_code_size
from maintenance_constructs.scope import (
    EVERY_REQUEST,
    READ_ONLY,
    MaintenanceScope,
    default_response,
    maintenance_scope,
)
from maintenance_constructs.shared import SCOPE_METADATA_TYPE
from maintenance_constructs.tools.doors.function_doors import function_doors
from maintenance_constructs.tools.evaluate.function_code import function_code_words
from maintenance_constructs.tools.evaluate.function_engines import run_function, viewer_request
from maintenance_constructs.tools.model import Request

TOKEN = "tok-0123456789abcdef"
NOW = 1_800_000_000
OUTSIDE, OFFICE = "198.51.100.7", "203.0.113.9"
PAGE = MaintenanceResponse.html("<h1>Maintenance</h1>")
READS = maintenance_scope(methods=READ_ONLY, paths=None, door="function")
CHECKOUT = maintenance_scope(methods=None, paths=["/checkout/*", "/cart"], door="function")
WRITES_TO_CHECKOUT = maintenance_scope(methods=READ_ONLY, paths=["/checkout/*"], door="function")
WRITES_TO_CART = maintenance_scope(
    methods=READ_ONLY, paths=["/checkout/*", "/cart"], door="function"
)
QUOTED = maintenance_scope(methods=None, paths=['/a"b/*', "/a&b"], door="function")


def _config(scope: MaintenanceScope, **raw: Any) -> dict[str, Any]:
    """The function's configuration with ``scope`` and its default response, deployed on;
    ``raw`` replaces ``CONFIG`` keys (``enabled``, ``windows`` as epoch-second pairs)."""
    config = function_config(
        enabled=True,
        cidrs=[ipaddress.ip_network("203.0.113.0/24")],
        bypass_paths=["/health"],
        token=literal_token(TOKEN),
        link_prefix="/__maintenance/",
        response=default_response(scope),
        browser_response=PAGE,
        windows=[],
        store="store-id",
        scope=scope,
    )
    return {**config, **raw}


def _kind(answer: dict[str, Any]) -> Any:
    return answer.get("statusCode", "pass")


def _case(method: str, uri: str = "/", **fields: Any) -> dict[str, Any]:
    return request(method=method, uri=uri, now=NOW, **fields)


# (scope, request, expected answer), deployed on and no store key unless the case sets one.
CASES: dict[str, tuple[MaintenanceScope, dict[str, Any], Any]] = {
    "read-only: GET reaches the app": (READS, _case("GET", "/checkout/pay"), "pass"),
    "read-only: HEAD reaches the app": (READS, _case("HEAD"), "pass"),
    "read-only: OPTIONS (CORS preflight) reaches the app": (READS, _case("OPTIONS"), "pass"),
    "read-only: POST is turned away": (READS, _case("POST"), 503),
    "read-only: PUT is turned away": (READS, _case("PUT"), 503),
    "read-only: PATCH is turned away": (READS, _case("PATCH"), 503),
    "read-only: DELETE is turned away": (READS, _case("DELETE"), 503),
    "read-only: a dot segment does not matter without paths": (
        READS,
        _case("GET", "/a/../b"),
        "pass",
    ),
    "read-only: an allow-listed POST": (READS, _case("POST", ip=OFFICE), "pass"),
    "read-only: a POST with the token": (
        READS,
        _case("POST", headers={"X-Maintenance-Bypass": TOKEN}),
        "pass",
    ),
    "read-only: a POST to a bypass path": (READS, _case("POST", "/health"), "pass"),
    "read-only: the bypass link still sets the cookie": (
        READS,
        _case("GET", f"/__maintenance/{TOKEN}"),
        302,
    ),
    "read-only: store on, POST": (READS, _case("POST", stored="on"), 503),
    "read-only: store on, GET": (READS, _case("GET", stored="on"), "pass"),
    "read-only: store off, POST": (READS, _case("POST", stored="off"), "pass"),
    "paths: GET /checkout/pay is turned away": (CHECKOUT, _case("GET", "/checkout/pay"), 503),
    "paths: the exact path /cart is turned away": (CHECKOUT, _case("GET", "/cart"), 503),
    "paths: /cart/ is not /cart": (CHECKOUT, _case("GET", "/cart/"), "pass"),
    "paths: /carts is not /cart": (CHECKOUT, _case("GET", "/carts"), "pass"),
    "paths: /checkout is not under /checkout/*": (CHECKOUT, _case("GET", "/checkout"), "pass"),
    "paths: GET /catalog reaches the app": (CHECKOUT, _case("GET", "/catalog"), "pass"),
    "paths: POST /catalog reaches the app": (CHECKOUT, _case("POST", "/catalog"), "pass"),
    "paths: case-sensitive": (CHECKOUT, _case("GET", "/Checkout/pay"), "pass"),
    "paths: a dot-dot segment counts as in scope": (
        CHECKOUT,
        _case("GET", "/catalog/../checkout/pay"),
        503,
    ),
    "paths: a dot segment counts as in scope": (CHECKOUT, _case("GET", "/./checkout/pay"), 503),
    "paths: an encoded dot counts as in scope": (
        CHECKOUT,
        _case("GET", "/%2e%2e/checkout/pay"),
        503,
    ),
    "paths: an encoded dot in upper case": (CHECKOUT, _case("GET", "/%2E%2E/checkout/pay"), 503),
    "paths: an encoded slash": (CHECKOUT, _case("GET", "/catalog%2F..%2Fcheckout/pay"), 503),
    "paths: an encoded backslash": (CHECKOUT, _case("GET", "/catalog%5c..%5ccheckout"), 503),
    "paths: a backslash": (CHECKOUT, _case("GET", "/catalog\\..\\checkout/pay"), 503),
    "paths: an empty segment (merged by many origins)": (
        CHECKOUT,
        _case("GET", "//checkout/pay"),
        503,
    ),
    "paths: a path parameter (Tomcat drops it)": (
        CHECKOUT,
        _case("GET", "/checkout;x=1/pay"),
        503,
    ),
    "paths: a double-encoded dot": (CHECKOUT, _case("GET", "/%252e%252e/checkout/pay"), 503),
    "paths: an escape outside the scope reaches the app": (
        CHECKOUT,
        _case("GET", "/catalog/caf%C3%A9"),
        "pass",
    ),
    "paths: allow-listed on a scoped path": (
        CHECKOUT,
        _case("GET", "/checkout/pay", ip=OFFICE),
        "pass",
    ),
    "paths: the token cookie on a scoped path": (
        CHECKOUT,
        _case("GET", "/checkout/pay", cookies={"maintenance_bypass": TOKEN}),
        "pass",
    ),
    "both: POST /checkout/pay is turned away": (
        WRITES_TO_CHECKOUT,
        _case("POST", "/checkout/pay"),
        503,
    ),
    "both: GET /checkout/pay reaches the app": (
        WRITES_TO_CHECKOUT,
        _case("GET", "/checkout/pay"),
        "pass",
    ),
    "both: POST /catalog reaches the app": (WRITES_TO_CHECKOUT, _case("POST", "/catalog"), "pass"),
    "both: DELETE with a dot-dot segment": (
        WRITES_TO_CHECKOUT,
        _case("DELETE", "/catalog/../checkout/pay"),
        503,
    ),
    "both: GET with a dot-dot segment is a read": (
        WRITES_TO_CHECKOUT,
        _case("GET", "/catalog/../checkout/pay"),
        "pass",
    ),
    # An origin decodes an escaped letter (RFC 3986: the same path), as the WAF doors do.
    "escapes: POST /check%6Fut/pay is POST /checkout/pay": (
        WRITES_TO_CART,
        _case("POST", "/check%6Fut/pay"),
        503,
    ),
    "escapes: POST /ch%65ckout/pay": (WRITES_TO_CART, _case("POST", "/ch%65ckout/pay"), 503),
    "escapes: lower-case hex, /check%6fut/pay": (
        WRITES_TO_CART,
        _case("POST", "/check%6fut/pay"),
        503,
    ),
    "escapes: POST /%63art is the exact path /cart": (
        WRITES_TO_CART,
        _case("POST", "/%63art"),
        503,
    ),
    "escapes: POST /car%74": (WRITES_TO_CART, _case("POST", "/car%74"), 503),
    "escapes: every letter escaped": (
        WRITES_TO_CART,
        _case("POST", "/%63%61%72%74"),
        503,
    ),
    "escapes: GET /check%6Fut/pay is a read": (
        WRITES_TO_CART,
        _case("GET", "/check%6Fut/pay"),
        "pass",
    ),
    "escapes: /%43heckout/pay is /Checkout/pay (case-sensitive)": (
        WRITES_TO_CART,
        _case("POST", "/%43heckout/pay"),
        "pass",
    ),
    "escapes: /catalog/%63heckout/pay is not under /checkout/": (
        WRITES_TO_CART,
        _case("POST", "/catalog/%63heckout/pay"),
        "pass",
    ),
    "escapes: /car%74s is /carts": (WRITES_TO_CART, _case("POST", "/car%74s"), "pass"),
    "escapes: UTF-8 outside the scope": (
        WRITES_TO_CART,
        _case("POST", "/catalog/caf%C3%A9"),
        "pass",
    ),
    "escapes: invalid UTF-8 counts as in scope": (
        WRITES_TO_CART,
        _case("POST", "/catalog/caf%E9"),
        503,
    ),
    "escapes: a cut UTF-8 sequence counts as in scope": (
        WRITES_TO_CART,
        _case("POST", "/catalog/caf%C3"),
        503,
    ),
    "escapes: a % without two hex digits counts as in scope": (
        WRITES_TO_CART,
        _case("POST", "/catalog/100%zz"),
        503,
    ),
    "escapes: a path that does not decode, read": (
        WRITES_TO_CART,
        _case("GET", "/catalog/caf%E9"),
        "pass",
    ),
    "escapes: an escaped dot still counts as in scope": (
        WRITES_TO_CART,
        _case("POST", "/catalog/%2e%2e/check%6Fut/pay"),
        503,
    ),
    "escapes: an allow-listed POST /check%6Fut/pay": (
        WRITES_TO_CART,
        _case("POST", "/check%6Fut/pay", ip=OFFICE),
        "pass",
    ),
    # Browsers send '"' as %22 (and some clients '&' as %26): a pattern holding them matches.
    'quotes: /a%22b/c is under /a"b/*': (QUOTED, _case("GET", "/a%22b/c"), 503),
    'quotes: /a"b/c sent as written': (QUOTED, _case("GET", '/a"b/c'), 503),
    "quotes: /a%26b is the exact path /a&b": (QUOTED, _case("GET", "/a%26b"), 503),
    "quotes: /a&b sent as written": (QUOTED, _case("GET", "/a&b"), 503),
    'quotes: /a%22bc is not under /a"b/*': (QUOTED, _case("GET", "/a%22bc"), "pass"),
    "quotes: /a%26bc is not /a&b": (QUOTED, _case("GET", "/a%26bc"), "pass"),
}
SCOPES = {
    "reads": READS,
    "checkout": CHECKOUT,
    "writes to checkout": WRITES_TO_CHECKOUT,
    "writes to checkout and cart": WRITES_TO_CART,
    "quoted": QUOTED,
}


def _answers(engine: str, **raw: Any) -> dict[str, Any]:
    """Every case's answer on ``engine``: one run of each scope's code."""
    answers: dict[str, Any] = {}
    for scope in SCOPES.values():
        names = [name for name, (s, _, _) in CASES.items() if s == scope]
        cases = [CASES[name][1] for name in names]
        answers.update(zip(names, run(_config(scope, **raw), cases, engine=engine), strict=True))
    return answers


@pytest.fixture(scope="module", params=ENGINES)
def answers(request: pytest.FixtureRequest) -> dict[str, Any]:
    return _answers(request.param)


@pytest.mark.parametrize("name", list(CASES))
def test_each_request_gets_what_the_scope_says(answers: dict[str, Any], name: str) -> None:
    assert _kind(answers[name]) == CASES[name][2], answers[name]


@pytest.mark.skipif(shutil.which("njs") is None, reason="njs is not installed")
def test_node_and_njs_give_the_same_answers() -> None:
    assert _answers("njs") == _answers("node")


def test_api_clients_read_what_is_unavailable(answers: dict[str, Any]) -> None:
    answer = answers["read-only: POST is turned away"]
    assert answer["headers"]["content-type"]["value"] == "application/json"
    assert '"scope":"writes"' in answer["body"]["data"]
    assert (
        '"scope":"requests to /checkout/*, /cart"'
        in (answers["paths: GET /checkout/pay is turned away"]["body"]["data"])
    )
    assert (
        '"scope":"writes to /checkout/*"'
        in (answers["both: POST /checkout/pay is turned away"]["body"]["data"])
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_browsers_get_the_page_and_reads_still_pass(engine: str) -> None:
    html = {"Accept": "text/html,application/xhtml+xml"}
    got = run(
        _config(READS), [_case("POST", headers=html), _case("GET", headers=html)], engine=engine
    )
    assert got[0]["statusCode"] == 503
    assert got[0]["headers"]["content-type"]["value"] == "text/html; charset=utf-8"
    assert _kind(got[1]) == "pass"


@pytest.mark.parametrize("engine", ENGINES)
def test_a_window_is_as_read_only_as_the_construct(engine: str) -> None:
    """Deployed off: a store window and a scheduled window turn away the same requests as the
    deploy-time state does; outside any window everything passes."""
    window = f"window {NOW - 60} {NOW + 600}"
    cases = [
        _case("POST", stored=window),
        _case("GET", stored=window),
        _case("POST", stored="on"),
        _case("GET", stored="on"),
        _case("POST"),
    ]
    stored = run(_config(READS, enabled=False), cases, engine=engine)
    assert [_kind(a) for a in stored] == [503, "pass", 503, "pass", "pass"]
    scheduled = run(
        _config(READS, enabled=False, windows=[[NOW - 60, NOW + 600]]),
        [_case("POST"), _case("GET"), _case("POST", stored="off")],
        engine=engine,
    )
    assert [_kind(a) for a in scheduled] == [503, "pass", "pass"]
    assert scheduled[0]["headers"]["retry-after"]["value"] == "600"


SPA = """function handler(event) {
    var request = event.request;
    if (request.uri.endsWith('/')) request.uri += 'index.html';
    return request;
}
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_a_combined_function_runs_the_apps_code_outside_the_scope(engine: str) -> None:
    code = compose_code(function_code(_config(WRITES_TO_CHECKOUT)), "Site/Rewrite", SPA)
    cases = [
        viewer_request(ip=OUTSIDE, uri="/checkout/", method="GET"),
        viewer_request(ip=OUTSIDE, uri="/catalog/", method="POST"),
        viewer_request(ip=OUTSIDE, uri="/checkout/", method="POST"),
        viewer_request(ip=OFFICE, uri="/checkout/", method="POST"),
    ]
    got = run_function(code, cases, engine=engine)
    assert [a.get("uri") if "uri" in a else a["statusCode"] for a in got] == [
        "/checkout/index.html",
        "/catalog/index.html",
        503,
        "/checkout/index.html",
    ]


def test_the_scope_is_data_that_the_tools_read_back() -> None:
    config = _config(WRITES_TO_CHECKOUT)
    assert config["scope"] == {
        "methods": ["POST", "PUT", "PATCH", "DELETE"],
        "exact": [],
        "prefixes": ["/checkout/"],
    }
    code = function_code(config)
    found = FunctionConfig.read(code)
    assert found is not None
    assert found[0].scope == WRITES_TO_CHECKOUT
    assert found[0].to_json() == config
    mixed = FunctionConfig.read(function_code(_config(CHECKOUT)))
    assert mixed is not None and set(mixed[0].scope.paths or ()) == {"/checkout/*", "/cart"}


def test_the_default_scope_leaves_the_code_as_it_was() -> None:
    config = _config(EVERY_REQUEST)
    plain = {k: v for k, v in config.items() if k != "scope"}
    assert "scope" not in config
    code = function_code(config)
    assert code == function_code(plain)
    assert "outside(" not in code and "UNCLEAR" not in code
    assert "decodeURIComponent" not in code
    assert "outside(" in function_code(_config(READS))
    found = FunctionConfig.read(code)
    assert found is not None and found[0].scope == EVERY_REQUEST
    assert found[0].to_json() == config


def test_the_size_check_counts_the_scope_check_and_its_data() -> None:
    """The bytes a scope adds are SCOPE_CHECK_BYTES (the decoding and matching code) and its
    data, nothing else: the size check's share for ``paths`` is what the code grows by."""
    scoped = _config(WRITES_TO_CART)
    plain = {key: value for key, value in scoped.items() if key != "scope"}
    data = len(b',"scope":' + config_json(scoped["scope"]).encode())
    assert "decodeURIComponent" in function_code(scoped)
    assert check_code_size(scoped) - check_code_size(plain) == SCOPE_CHECK_BYTES + data


def test_the_scope_counts_in_the_10_kb() -> None:
    assert check_code_size(_config(READS)) > check_code_size(_config(EVERY_REQUEST)) + 400
    many = [f"/area-{n:03}/section/*" for n in range(400)]
    scope = maintenance_scope(methods=None, paths=many, door="function")
    with pytest.raises(MaintenanceConfigError) as raised:
        check_code_size(_config(scope))
    message = str(raised.value)
    assert message.startswith("paths: the function's code would be")
    assert "List the common prefixes of the 400 scope paths" in message
    assert "methods" not in message  # every method: no bytes


# The construct in a stack: one app per state, each with the scope given or edited.


def _stack(state: str, **scope: Any) -> tuple[Template, CloudFrontFunctionMaintenance]:
    app = cdk.App(context={"maintenance": state})
    stack = cdk.Stack(app, "Edge", env=cdk.Environment(account="123456789012", region="us-east-1"))
    distribution = cloudfront.Distribution(
        stack,
        "Cdn",
        default_behavior=cloudfront.BehaviorOptions(origin=origins.HttpOrigin("example.com")),
    )
    construct = CloudFrontFunctionMaintenance(
        stack, "Maintenance", distribution=distribution, allowed_cidrs=[OFFICE], **scope
    )
    return Template.from_stack(stack), construct


@pytest.fixture(scope="module")
def stacks() -> dict[str, tuple[Template, CloudFrontFunctionMaintenance]]:
    return {
        "off": _stack("false", methods=READ_ONLY, paths=["/checkout/*"]),
        "on": _stack("true", methods=READ_ONLY, paths=["/checkout/*"]),
        "edited": _stack("true", methods=["POST"], paths=["/checkout/*", "/cart"]),
    }


def _function(template: Template) -> tuple[str, dict[str, Any]]:
    [(logical_id, resource)] = template.find_resources("AWS::CloudFront::Function").items()
    return logical_id, resource


def _without_code(template: Template) -> dict[str, Any]:
    resources = template.to_json()["Resources"]
    logical_id, _ = _function(template)
    function = dict(resources[logical_id]["Properties"])
    function.pop("FunctionCode")
    return {**resources, logical_id: {**resources[logical_id], "Properties": function}}


def test_the_scope_is_in_the_function_code_as_data(stacks: dict[str, Any]) -> None:
    template, construct = stacks["on"]
    scope = (
        '"scope":{"methods":["POST","PUT","PATCH","DELETE"],"exact":[],"prefixes":["/checkout/"]}'
    )
    template.has_resource_properties(
        "AWS::CloudFront::Function",
        {
            "FunctionCode": {
                "Fn::Join": ["", Match.array_with([Match.string_like_regexp(re.escape(scope))])]
            },
        },
    )
    assert construct.maintenance_scope == WRITES_TO_CHECKOUT
    assert construct.response.body.endswith(',"scope":"writes to /checkout/*"}')


@pytest.mark.parametrize("state", ["off", "on"])
def test_the_scope_is_recorded_in_both_states(stacks: dict[str, Any], state: str) -> None:
    _, construct = stacks[state]
    [entry] = [e for e in construct.node.metadata if e.type == SCOPE_METADATA_TYPE]
    assert entry.data == {"methods": list(READ_ONLY), "paths": ["/checkout/*"]}


@pytest.mark.parametrize(
    ("before", "after", "changed"),
    [
        ("off", "on", "deploy-time state off -> on"),
        ("on", "edited", "on -> on (also response, scope)"),
    ],
)
def test_transitions_change_only_the_function_code(
    stacks: dict[str, Any], before: str, after: str, changed: str
) -> None:
    old, new = stacks[before][0], stacks[after][0]
    assert _without_code(old) == _without_code(new)
    words = function_code_words("Edge/Maintenance/Function", _function(old)[1], _function(new)[1])
    assert changed in words


def test_the_edited_scope_answers_as_edited(stacks: dict[str, Any]) -> None:
    """The tools run the synthesized code: the edited scope (POST to /checkout/* or /cart)
    lets a DELETE through that the first one turned away."""
    asked = [
        Request(host="example.com", ip=OUTSIDE, path="/checkout/pay", method="DELETE"),
        Request(host="example.com", ip=OUTSIDE, path="/cart", method="POST"),
        Request(host="example.com", ip=OUTSIDE, path="/cart", method="GET"),
        Request(host="example.com", ip=OFFICE, path="/cart", method="POST"),
    ]
    off = stacks["off"][0].to_json()["Resources"]
    kinds = {}
    for state in ("on", "edited"):
        on = stacks[state][0].to_json()["Resources"]
        [door] = function_doors("Edge", off, on, asked)
        kinds[state] = [(row.off.action, row.on.action) for row in door.rows]
    allow, fixed = "allow", "fixed-response"
    assert kinds["on"] == [(allow, fixed), (allow, allow), (allow, allow), (allow, allow)]
    assert kinds["edited"] == [(allow, allow), (allow, fixed), (allow, allow), (allow, allow)]


@pytest.mark.parametrize(
    ("scope", "fragment"),
    [
        ({"paths": ["/checkout/*/pay"]}, "has a wildcard that the function cannot match"),
        ({"paths": ["/item-?"]}, "has a wildcard that the function cannot match"),
        ({"methods": ["post"]}, "write 'POST'"),
        ({"paths": "/checkout/*"}, "not a list"),
    ],
)
def test_what_the_function_cannot_match_is_refused(scope: dict[str, Any], fragment: str) -> None:
    with pytest.raises(MaintenanceConfigError, match=re.escape(fragment)):
        _stack("true", **scope)
