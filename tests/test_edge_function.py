"""CloudFrontFunctionMaintenance's function, run on Node and on njs (nginx's ES5.1-strict
interpreter, the nearest stand-in for the cloudfront-js runtime) with a stub KeyValueStore:
every kind of viewer, token and store state gets the answer the docs give, on both engines."""

from __future__ import annotations

import base64
import ipaddress
import shutil
from typing import Any

import pytest
from function_runner import ENGINES, request, run

from maintenance_constructs import MaintenanceResponse
from maintenance_constructs.edge_function.code_writer import (
    END_TIME_MARKER,
    deploy_time_token,
    function_code,
    function_config,
    literal_token,
)

TOKEN = "tok-0123456789abcdef"
NOW = 1_800_000_000
PAGE = MaintenanceResponse.html(
    f"<h1>Maintenance</h1><p>Back at {END_TIME_MARKER}</p>", retry_after=600
)
NETWORKS = ["203.0.113.0/24", "2001:db8::/32"]


def _config(**changes: Any) -> dict[str, Any]:
    """The function's configuration: ``function_config``'s arguments, then raw ``CONFIG`` keys
    (e.g. ``windows`` as epoch-second pairs)."""
    arguments: dict[str, Any] = {
        "enabled": True,
        "cidrs": [ipaddress.ip_network(n) for n in NETWORKS],
        "bypass_paths": ["/health"],
        "token": literal_token(TOKEN),
        "link_prefix": "/__maintenance/",
        "response": MaintenanceResponse.json({"code": "maintenance"}, retry_after=300),
        "browser_response": PAGE,
        "store": "store-id",
    }
    raw = {k: v for k, v in changes.items() if k not in arguments}
    arguments.update({k: v for k, v in changes.items() if k in arguments})
    return {**function_config(**arguments, windows=[]), **raw}


def _kind(answer: Any) -> Any:
    return "pass" if "uri" in answer and "statusCode" not in answer else answer.get("statusCode")


OUTSIDE4, OUTSIDE6 = "198.51.100.7", "2001:db9::1"
CASES: dict[str, tuple[dict[str, Any], Any]] = {
    "allow-listed IPv4": (request(ip="203.0.113.9"), "pass"),
    "allow-listed IPv6": (request(ip="2001:db8:0:0:0:0:0:1"), "pass"),
    "allow-listed IPv6, compressed": (request(ip="2001:db8::1"), "pass"),
    "allow-listed IPv4, mapped in IPv6": (request(ip="::ffff:203.0.113.9"), "pass"),
    "outside IPv4": (request(ip=OUTSIDE4), 503),
    "outside IPv6": (request(ip=OUTSIDE6), 503),
    "not an address": (request(ip="not-an-ip"), 503),
    "bypass path": (request(uri="/health"), "pass"),
    "bypass prefix": (request(uri="/healthz"), "pass"),
    "traversal out of a bypass path": (request(uri="/health/../admin"), 503),
    "encoded dot": (request(uri="/health/%2e%2e/admin"), 503),
    "dot-dot-semicolon (Tomcat reads '..;' as '..')": (request(uri="/health/..;/admin"), 503),
    "encoded semicolon": (request(uri="/health/..%3B/admin"), 503),
    "%u escape": (request(uri="/health/%u002e%u002e/admin"), 503),
    "overlong UTF-8 dot": (request(uri="/health/%c0%ae%c0%ae/admin"), 503),
    "double-encoded dot": (request(uri="/health/%252e%252e/admin"), 503),
    "dot-dot with a NUL": (request(uri="/health/..%00/admin"), 503),
    "dot segment glued to the prefix": (request(uri="/health..;/admin"), 503),
    "backslash": (request(uri="/health\\..\\admin"), 503),
    "bypass path with a file under it": (request(uri="/health/live.json"), "pass"),
    "token header": (request(headers={"X-Maintenance-Bypass": TOKEN}), "pass"),
    "token cookie": (request(cookies={"maintenance_bypass": TOKEN}), "pass"),
    "wrong token": (request(headers={"X-Maintenance-Bypass": TOKEN + "x"}), 503),
    "the token's hash as the token": (
        request(headers={"X-Maintenance-Bypass": literal_token(TOKEN)["sha256"]}),
        503,
    ),
    "bypass link": (request(uri=f"/__maintenance/{TOKEN}"), 302),
    "bypass link, wrong token": (request(uri=f"/__maintenance/{TOKEN}x"), 503),
    "store off": (request(stored="off"), "pass"),
    "store on": (request(stored="on"), 503),
}
"""Deploy-time state on, no store key unless the case sets one."""


@pytest.fixture(scope="module", params=ENGINES)
def answers(request: pytest.FixtureRequest) -> dict[str, Any]:
    cases = [case for case, _ in CASES.values()]
    return dict(zip(CASES, run(_config(), cases, engine=request.param), strict=True))


@pytest.mark.parametrize("name", list(CASES))
def test_each_viewer_gets_what_the_docs_say(answers: dict[str, Any], name: str) -> None:
    assert _kind(answers[name]) == CASES[name][1], answers[name]


@pytest.mark.skipif(shutil.which("njs") is None, reason="njs is not installed")
def test_node_and_njs_give_the_same_answers() -> None:
    cases = [case for case, _ in CASES.values()]
    assert run(_config(), cases, engine="node") == run(_config(), cases, engine="njs")


def test_api_clients_get_json_with_retry_after(answers: dict[str, Any]) -> None:
    answer = answers["outside IPv4"]
    assert answer["headers"]["content-type"]["value"] == "application/json"
    assert answer["headers"]["retry-after"]["value"] == "300"
    assert answer["body"] == {"encoding": "text", "data": '{"code":"maintenance"}'}


def test_the_bypass_link_sets_the_cookie_to_the_token(answers: dict[str, Any]) -> None:
    answer = answers["bypass link"]
    assert answer["headers"]["location"]["value"] == "/"
    cookie = answer["cookies"]["maintenance_bypass"]
    assert cookie["value"] == TOKEN
    assert cookie["attributes"] == "Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=43200"


def test_the_code_never_holds_a_literal_token() -> None:
    code = function_code(_config())
    assert TOKEN not in code
    assert literal_token(TOKEN)["sha256"] in code


@pytest.mark.parametrize("engine", ENGINES)
def test_a_deploy_time_token_is_data_and_must_be_well_formed(engine: str) -> None:
    """The SSM parameter's value arrives as base64: only a well-formed token admits, and no
    value, however crafted, changes the code."""
    attack = 'x"+(isToken=function(){return true},"")+"'
    values = {"real": TOKEN, "short": "short", "attack": attack, "line break": TOKEN + "\n"}
    probes = [
        request(headers={"X-Maintenance-Bypass": TOKEN}),
        request(headers={"X-Maintenance-Bypass": "short"}),
        request(headers={"X-Maintenance-Bypass": attack}),
        request(uri="/__maintenance/" + TOKEN),
    ]
    got = {}
    for name, value in values.items():
        encoded = base64.b64encode(value.encode()).decode()
        config = _config(token=deploy_time_token(encoded))
        got[name] = [_kind(a) for a in run(config, probes, engine=engine)]
    assert got == {
        "real": ["pass", 503, 503, 302],
        "short": [503, 503, 503, 503],
        "attack": [503, 503, 503, 503],
        "line break": [503, 503, 503, 503],
    }


def test_no_token_configured_admits_no_token() -> None:
    probes = [request(headers={"X-Maintenance-Bypass": TOKEN}), request(uri="/__maintenance/x")]
    assert [_kind(a) for a in run(_config(token=None), probes)] == [503, 503]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_page_with_line_and_paragraph_separators_runs(engine: str) -> None:
    """U+2028 and U+2029 are valid in JSON strings, not in ES5.1 source: written escaped."""
    page = MaintenanceResponse.html("<p>a\u2028b\u2029c</p>")
    config = _config(browser_response=None, response=page, token=None)
    assert "\u2028" not in function_code(config) and "\u2029" not in function_code(config)
    [answer] = run(config, [request()], engine=engine)
    assert answer["body"]["data"] == "<p>a\u2028b\u2029c</p>"
