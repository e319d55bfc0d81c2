"""`serve` (a front door's rules on 127.0.0.1) and `check` (real requests compared with the
rules), end to end over real HTTP: every probe kind, pass and fail, --wait while the state
flips, and every kind of network failure in one line."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from maintenance_constructs import MaintenanceConfigError
from maintenance_constructs.tools.app.assembly import StackTemplate
from maintenance_constructs.tools.app.resource_types import WEB_ACL
from maintenance_constructs.tools.cli import edge_commands, main, parser
from maintenance_constructs.tools.cli.edge_commands import _expected_state
from maintenance_constructs.tools.edge import http_fetch, local_edge
from maintenance_constructs.tools.edge.check import render, run_check
from maintenance_constructs.tools.edge.local_edge import LocalEdge, load_edges
from maintenance_constructs.tools.edge.probes import link_prefix
from maintenance_constructs.tools.edge.serve import LOCAL_HEADER, make_server, serve_forever
from maintenance_constructs.tools.model import FrontDoor, Request

TOKEN = "literal-token-0123456789"
OUTSIDE, OFFICE = "192.0.2.1", "203.0.113.5"
_HEAD = """
import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront, aws_cloudfront_origins as origins
from aws_cdk import aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2
from maintenance_constructs import (
    AlbMaintenance, CloudFrontFunctionMaintenance, CloudFrontMaintenance, MaintenanceResponse)

app = cdk.App()
"""
_WAF = f"""
stack = cdk.Stack(app, "Edge", env=cdk.Environment(account="123456789012", region="us-east-1"))
CloudFrontMaintenance(stack, "Maintenance", allowed_cidrs=["203.0.113.0/24"],
    bypass_paths=["/health"], bypass_token="{TOKEN}",
    response=MaintenanceResponse.json({{"code": "maintenance"}}, retry_after=600),
    browser_response=MaintenanceResponse.page(title="Back soon", message="We are upgrading."))
"""
_FUNCTION = f"""
stack = cdk.Stack(app, "Fn", env=cdk.Environment(account="123456789012", region="us-east-1"))
cdn = cloudfront.Distribution(stack, "Cdn", default_behavior=cloudfront.BehaviorOptions(
    origin=origins.HttpOrigin("origin.example.com")))
CloudFrontFunctionMaintenance(stack, "Maintenance", distribution=cdn,
    allowed_cidrs=["203.0.113.0/24", "2001:db8::/32"], bypass_paths=["/health"],
    bypass_token="{TOKEN}",
    response=MaintenanceResponse.json({{"code": "maintenance"}}, retry_after=600),
    browser_response=MaintenanceResponse.page(title="Back soon", message="We are upgrading."))
"""
_ALB = f"""
stack = cdk.Stack(app, "Web", env=cdk.Environment(account="123456789012", region="eu-west-1"))
vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
alb = elbv2.ApplicationLoadBalancer(stack, "Alb", vpc=vpc, internet_facing=True)
listener = alb.add_listener(
    "Http", port=80, default_action=elbv2.ListenerAction.fixed_response(404))
elbv2.ApplicationListenerRule(stack, "App", listener=listener, priority=100,
    conditions=[elbv2.ListenerCondition.host_headers(["example.com"])],
    action=elbv2.ListenerAction.fixed_response(200, content_type="text/plain", message_body="app"))
AlbMaintenance(stack, "Maintenance", listener=listener, host_headers=["example.com"],
    allowed_cidrs=["203.0.113.0/24"], bypass_paths=["/health"], bypass_token="{TOKEN}",
    response=MaintenanceResponse.json({{"code": "maintenance"}}))
"""
WAF_APP = _HEAD + _WAF + "app.synth()\n"
ALL_APP = _HEAD + _WAF + _FUNCTION + _ALB + "app.synth()\n"
"""The three doors in one app: one synthesis (off and on) for the whole module."""
DOORS = {"waf": "Edge", "function": "Fn", "alb": "Web"}


def _project(folder: Path, source: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "app.py").write_text(source)
    (folder / "cdk.json").write_text(json.dumps({"app": f"{sys.executable} app.py"}))
    return folder


@pytest.fixture(scope="module")
def edges(tmp_path_factory: pytest.TempPathFactory) -> dict[str, LocalEdge]:
    folder = _project(tmp_path_factory.mktemp("edges"), ALL_APP)
    found = load_edges(f"{sys.executable} app.py", cwd=folder, context={}, doors=DOORS.values())
    return dict(zip(DOORS, found, strict=True))


@pytest.fixture
def served(edges: dict[str, LocalEdge]) -> Iterator[Any]:
    servers: list[ThreadingHTTPServer] = []

    def start(door: str, *, state: str = "on", client_ip: str = OUTSIDE) -> Any:
        server = make_server(edges[door], state=state, client_ip=client_ip, port=0)
        serve_forever(server)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _url(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/"


def test_an_alb_door_is_served_for_its_host(edges: dict[str, LocalEdge], served: Any) -> None:
    """The listener's rules decide for the door's host: the app rule's fixed response is what
    allowed requests reach; outside clients get the 503 (no Retry-After: a fixed response has
    no headers); the token as header and cookie passes; there is no bypass link on an ALB, so
    an allow-listed machine cannot tell maintenance on from off, token or not."""
    assert edges["alb"].host == "example.com"
    result = run_check(_url(served("alb")), edges["alb"], state="on", token=TOKEN)
    assert (result.machine, result.ok) == ("outside", True), render(result)
    names = {o.probe for o in result.outcomes}
    assert {"API client /", "browser /health", "token as header", "token as cookie"} <= names
    assert "bypass link" not in names
    for token in (None, TOKEN):
        office = run_check(
            _url(served("alb", client_ip=OFFICE)), edges["alb"], state="on", token=token
        )
        assert (office.verdict, office.machine, office.ok) == ("cannot tell", "cannot tell", False)
        assert office.reason.endswith("run check from a machine outside the allowlist")
        assert "cannot tell maintenance on from off" in render(office)


@pytest.mark.parametrize("door", ["waf", "function", "alb"])
def test_a_wrong_token_never_passes(edges: dict[str, LocalEdge], served: Any, door: str) -> None:
    """Where the templates hold the token (a literal), the token probes fail at the edge,
    which turns the wrong token away; where they hold only its hash, the door as synthesized
    turns it away too and check says so in one line before sending anything. The token is
    never shown."""
    wrong = "wrong-token-0123456789"
    try:
        result = run_check(_url(served(door)), edges[door], state="on", token=wrong)
    except MaintenanceConfigError as error:
        assert "turns the given bypass token away" in str(error)
        assert wrong not in str(error) and "\n" not in str(error)
        return
    failed = {o.probe: o.why for o in result.outcomes if not o.ok}
    assert result.verdict == "mismatch" and {"token as header", "token as cookie"} <= set(failed)
    assert failed["token as header"] in (
        "got the maintenance answer; expected to reach the app",
        "status 503, expected 200",  # the ALB app rule's fixed response is compared whole
    )


@pytest.mark.parametrize("door", ["waf", "function"])
def test_an_outside_machine_sees_every_probe_answered_as_the_rules_say(
    edges: dict[str, LocalEdge], served: Any, door: str
) -> None:
    server = served(door)
    result = run_check(_url(server), edges[door], state="on", token=TOKEN)
    assert result.machine == "outside"
    assert result.ok, render(result)
    names = [o.probe for o in result.outcomes]
    for kind in (
        "API client /",
        "browser /",
        "API client /health",
        "token as header",
        "token as cookie",
        "bypass link",
        "after the bypass link",
    ):
        assert kind in names
    api = next(o for o in result.outcomes if o.probe == "API client /")
    assert api.received.startswith("503 application/json") and "Retry-After 600" in api.received


@pytest.mark.parametrize(
    "door",
    [
        "waf",
        "function",
    ],
)
def test_an_allow_listed_machine_needs_the_bypass_link_to_tell(
    edges: dict[str, LocalEdge], served: Any, door: str
) -> None:
    """An allow-listed machine reaches the app whether maintenance is on or off: without the
    token nothing tells the two apart (exit 3 material); with it, the bypass link does."""
    blind = run_check(_url(served(door, client_ip=OFFICE)), edges[door], state="on", token=None)
    assert (blind.verdict, blind.ok) == ("cannot tell", False), render(blind)
    assert "pass the bypass token" in blind.reason
    told = run_check(_url(served(door, client_ip=OFFICE)), edges[door], state="on", token=TOKEN)
    assert (told.verdict, told.machine) == ("match", "allow-listed"), render(told)
    link = next(o for o in told.outcomes if o.probe == "bypass link")
    assert link.received.startswith("302")


def test_a_wrong_state_fails_with_the_reason(edges: dict[str, LocalEdge], served: Any) -> None:
    """Maintenance off where on is expected: everything reaches the app, as it would for an
    allow-listed client, but the bypass link gives it away."""
    result = run_check(_url(served("waf", state="off")), edges["waf"], state="on", token=TOKEN)
    assert not result.ok
    link = next(o for o in result.outcomes if o.probe == "bypass link")
    assert link.why == "status 200, expected 302"
    assert "some answers do not match" in render(result)
    outside_expected_off = run_check(_url(served("waf")), edges["waf"], state="off", token=None)
    api = next(o for o in outside_expected_off.outcomes if o.probe == "API client /")
    assert api.why == "got the maintenance answer; expected to reach the app"


def test_wait_polls_until_the_state_flips_and_says_how_long(
    edges: dict[str, LocalEdge], served: Any
) -> None:
    """The state flips between two rounds (as a deploy or a `switch` reaches the edge):
    --wait keeps polling, and says when the edge agreed (the start of the matching round)."""
    server = served("function", state="off")
    pauses: list[float] = []
    now = [1000.0]

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        now[0] += seconds
        if len(pauses) == 2:
            server.RequestHandlerClass.state = "on"

    result = run_check(
        _url(server),
        edges["function"],
        state="on",
        token=TOKEN,
        wait=60,
        sleep=sleep,
        clock=lambda: now[0],
    )
    assert result.ok, render(result)
    assert pauses == [1.0, 2.0], "two failed rounds, backing off"
    assert (result.elapsed, result.rounds) == (3.0, 3)
    assert "the edge agreed after 3 s (3 rounds, --wait 60)" in render(result)
    no_wait = run_check(
        _url(served("function", state="off")), edges["function"], state="on", token=TOKEN
    )
    assert not no_wait.ok and no_wait.rounds == 1
    assert "agreed" not in render(no_wait)


def test_the_selector_applies_to_the_construct_behind_the_listener(
    edges: dict[str, LocalEdge], tmp_path: Path
) -> None:
    """`maintenance: "Maintenance"` puts Web/Maintenance on, and with it the listener
    Web/Alb/Http it adds rules to; a selector naming the listener's path selects no
    construct, so the door is off."""
    assert edges["alb"].door.name == "Web/Alb/Http"
    assert [state.path for state in edges["alb"].constructs] == ["Web/Maintenance"]
    cdk_json = tmp_path / "cdk.json"
    for value, expected in (("Maintenance", "on"), ("Alb", "off"), ("Web", "on"), (False, "off")):
        cdk_json.write_text(json.dumps({"app": "x", "context": {"maintenance": value}}))
        args = parser().parse_args(["check", "http://x/", "--cdk-json", str(cdk_json)])
        assert _expected_state(args, edges["alb"]) == expected, value


def test_served_answers_carry_the_front_doors_headers(served: Any) -> None:
    server = served("waf")
    request = urllib.request.Request(_url(server), headers={"Accept": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=10)
    assert answer.value.code == 503 and answer.value.headers["Retry-After"] == "600"
    allowed = urllib.request.Request(_url(server), headers={"X-Forwarded-For": OFFICE})
    with urllib.request.urlopen(allowed, timeout=10) as response:
        assert response.status == 200 and response.headers[LOCAL_HEADER].startswith("forwarded")


class _Silent(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        threading.Event().wait(5)  # never answers in time

    def log_message(self, *args: Any) -> None:
        return


class _ElsewhereRedirect(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(301)
        self.send_header("Location", "https://www.example.invalid/")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


def _local(handler: type[BaseHTTPRequestHandler]) -> str:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    serve_forever(server)
    return f"http://127.0.0.1:{server.server_address[1]}/"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://nonexistent.invalid/",
            "check: DNS: the name nonexistent.invalid does not resolve",
        ),
        (lambda: f"http://127.0.0.1:{_closed_port()}/", "connection refused by 127.0.0.1"),
        (lambda: _local(_Silent), "check: timeout: 127.0.0.1 did not answer within 0.5 s."),
        (lambda: _local(_ElsewhereRedirect), "redirects to another host (www.example.invalid)"),
        ("ftp://example.com/", "is not an http(s) URL"),
    ],
    ids=["dns", "refused", "timeout", "other-host", "scheme"],
)
def test_network_failures_are_one_line(
    edges: dict[str, LocalEdge], monkeypatch: pytest.MonkeyPatch, url: Any, message: str
) -> None:
    monkeypatch.setattr(http_fetch, "TIMEOUT", 0.5)
    target = url() if callable(url) else url
    with pytest.raises(MaintenanceConfigError) as error:
        run_check(target, edges["waf"], state="on", token=None)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_tls_failure_is_one_line(edges: dict[str, LocalEdge], served: Any) -> None:
    https = _url(served("waf")).replace("http://", "https://")
    with pytest.raises(
        MaintenanceConfigError, match=r"check: TLS: the handshake with 127\.0\.0\.1 failed"
    ):
        run_check(https, edges["waf"], state="on", token=None)


def test_the_commands_end_to_end(edges: dict[str, LocalEdge], tmp_path: Path) -> None:
    """The runbook's "serve, then check with the token", as processes, with the token in SSM
    (a deploy-time value in the templates): both take it from the environment, the served
    door then takes it (the bypass link too), and it is printed nowhere."""
    source = WAF_APP.replace(f'"{TOKEN}"', 'BypassTokenParameter("/maintenance/bypass-token")')
    source = source.replace("(\n    AlbMaintenance,", "(BypassTokenParameter,\n    AlbMaintenance,")
    assert "BypassTokenParameter(" in source and TOKEN not in source
    project = _project(tmp_path / "app", source)
    env = {**os.environ, "MAINTENANCE_BYPASS_TOKEN": TOKEN}
    cli = [sys.executable, "-m", "maintenance_constructs.tools.cli"]
    server = subprocess.Popen(
        [*cli, "serve", "--port", "0"], cwd=project, stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        url = line.split(" on ", 1)[1].split(" ", 1)[0]
        done = subprocess.run(
            [*cli, "check", url, "--expect", "on", "--json"],
            cwd=project,
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert (data["ok"], data["verdict"], data["machine"]) == (True, "match", "outside")
    assert {"bypass link", "after the bypass link"} <= {o["probe"] for o in data["outcomes"]}
    assert TOKEN not in done.stdout + done.stderr + line


def test_check_exits_3_when_it_cannot_tell(
    edges: dict[str, LocalEdge],
    served: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Exit codes: 0 the answers fit the expected state only, 1 they do not fit it, 3 they fit
    the other state too (an allow-listed machine without a probe that tells)."""
    monkeypatch.setattr(edge_commands, "_edge", lambda args, token: edges["alb"])
    monkeypatch.delenv("MAINTENANCE_BYPASS_TOKEN", raising=False)
    office, outside = _url(served("alb", client_ip=OFFICE)), _url(served("alb"))
    for url, expect, code in ((office, "on", 3), (outside, "on", 0), (outside, "off", 1)):
        assert main(["check", url, "--expect", expect]) == code
        shown = capsys.readouterr().out
        assert ("cannot tell maintenance on from off" in shown) == (code == 3), shown


@pytest.mark.parametrize(
    ("search", "secrets", "prefix"),
    [
        (f"/ops/maintenance/{TOKEN}", (TOKEN,), "/ops/maintenance/"),
        ({"Fn::Join": ["", ["/__m/", {"Ref": "Token"}]]}, (), "/__m/"),
        ("/__maintenance/unknown-token-value", (), None),
    ],
    ids=["literal, two segments", "deploy-time token", "token not known"],
)
def test_the_waf_link_prefix_is_what_precedes_the_token(
    search: Any, secrets: tuple[str, ...], prefix: str | None
) -> None:
    rule = {
        "Name": "Maintenance-bypass-link",
        "Statement": {"ByteMatchStatement": {"SearchString": search}},
    }
    path = {"aws:cdk:path": "Edge/Maintenance/WebAcl/Resource"}
    acl = {"Type": WEB_ACL, "Properties": {"Rules": [rule]}, "Metadata": path}
    template = {"Resources": {"Acl": acl}}
    door = FrontDoor("WAF web ACL", "Edge/Maintenance/WebAcl", "Edge", ())
    edge = LocalEdge((), (StackTemplate("Edge", template),), (), door, secrets)
    assert link_prefix(edge) == prefix


def test_a_long_running_edge_remembers_only_the_latest_answers(
    edges: dict[str, LocalEdge], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each distinct request's answer is kept for the next (a function door runs Node for
    each), up to a bound: the oldest go first, and a forgotten one is worked out again."""
    monkeypatch.setattr(local_edge, "_REMEMBERED", 3)
    edge = replace(edges["waf"], _answers={})
    paths = [f"/page-{n}" for n in range(5)]
    first = [edge.answer(Request(edge.host, OUTSIDE, path), state="on") for path in paths]
    kept = [repr(Request(edge.host, OUTSIDE, path)) for path in paths[2:]]
    assert list(edge._answers) == kept
    assert edge.answer(Request(edge.host, OUTSIDE, paths[0]), state="on") == first[0]
