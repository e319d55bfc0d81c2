"""`check` tells the truth: against edges written here, independently of the local edge (small
servers with fixed answers, some deliberately wrong), it passes only where maintenance is in
effect as expected, says when it cannot tell, follows the cookie the bypass link really sets,
and reports every malformed answer, URL, token and wait in one line. `serve` answers every
request, takes the token from the environment or SSM, and both honor `behaviors=`."""

from __future__ import annotations

import json
import socket
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from maintenance_constructs import MaintenanceConfigError, MaintenanceResponse
from maintenance_constructs.tools.cli import aws, main
from maintenance_constructs.tools.doors.function_doors import UNCOVERED
from maintenance_constructs.tools.edge.check import render, run_check
from maintenance_constructs.tools.edge.local_edge import LocalEdge, load_edges, with_token
from maintenance_constructs.tools.edge.probes import probes
from maintenance_constructs.tools.edge.serve import LOCAL_HEADER, make_server, serve_forever

TOKEN = "truth-token-0123456789"
OUTSIDE, OFFICE = "192.0.2.1", "203.0.113.5"
JSON_ANSWER = MaintenanceResponse.json({"code": "maintenance"}, retry_after=600)
PAGE_ANSWER = MaintenanceResponse.page(title="Back soon", message="We are upgrading.")
# A web ACL of the app with its own block list (listed first), and the maintenance rules added
# to it with the token from SSM: the allowlist is only the maintenance rule's IP set.
APP = (
    """
import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront, aws_cloudfront_origins as origins
from aws_cdk import aws_wafv2 as wafv2
from maintenance_constructs import (BypassTokenParameter, CloudFrontFunctionMaintenance,
    CloudFrontMaintenance, MaintenanceResponse)

app = cdk.App()
stack = cdk.Stack(app, "Edge", env=cdk.Environment(account="123456789012", region="us-east-1"))
blocked = wafv2.CfnIPSet(stack, "BlockList", scope="CLOUDFRONT", ip_address_version="IPV4",
    addresses=["198.51.100.0/24"])
seen = wafv2.CfnWebACL.VisibilityConfigProperty(cloud_watch_metrics_enabled=True,
    metric_name="m", sampled_requests_enabled=True)
acl = wafv2.CfnWebACL(stack, "Acl", scope="CLOUDFRONT",
    default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}), visibility_config=seen,
    rules=[wafv2.CfnWebACL.RuleProperty(name="Blocked", priority=0, visibility_config=seen,
        action=wafv2.CfnWebACL.RuleActionProperty(block={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            ip_set_reference_statement=wafv2.CfnWebACL.IPSetReferenceStatementProperty(
                arn=blocked.attr_arn)))])
CloudFrontMaintenance(stack, "Maintenance", web_acl=acl, priority=10,
    allowed_cidrs=["203.0.113.0/24"], bypass_paths=["/health"],
    bypass_token=BypassTokenParameter("/maintenance/bypass-token"),
    response=MaintenanceResponse.json({"code": "maintenance"}, retry_after=600),
    browser_response=MaintenanceResponse.page(title="Back soon", message="We are upgrading."))
"""
    + f"""
# The function only on /api/* (behaviors=): / and everything else reach the origin.
stack = cdk.Stack(app, "Fn", env=cdk.Environment(account="123456789012", region="us-east-1"))
origin = origins.HttpOrigin("origin.example.com")
cdn = cloudfront.Distribution(stack, "Cdn",
    default_behavior=cloudfront.BehaviorOptions(origin=origin),
    additional_behaviors={{"/api/*": cloudfront.BehaviorOptions(origin=origin)}})
CloudFrontFunctionMaintenance(stack, "Maintenance", distribution=cdn, behaviors=["/api/*"],
    allowed_cidrs=["203.0.113.0/24"], bypass_token="{TOKEN}",
    bypass_link_prefix="/api/__maintenance/",
    response=MaintenanceResponse.json({{"code": "maintenance"}}, retry_after=600))
app.synth()
"""
)


def _kept(server: ThreadingHTTPServer, servers: list[ThreadingHTTPServer]) -> str:
    """A started server's URL, the server kept for ``_stop_all``."""
    servers.append(server)
    return f"http://127.0.0.1:{server.server_address[1]}/"


def _stop_all(servers: list[ThreadingHTTPServer]) -> None:
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def edges(tmp_path_factory: pytest.TempPathFactory) -> dict[str, LocalEdge]:
    """Both doors from one synthesis (off and on) of one app."""
    folder = tmp_path_factory.mktemp("truth")
    (folder / "app.py").write_text(APP)
    app = f"{sys.executable} app.py"
    waf, function = load_edges(app, cwd=folder, context={}, doors=["Edge", "Fn"])
    return {"waf": waf, "function": function}


# --- An edge written by hand: the WAF door's answers to an outside client, from the
# constructs' response objects (not from the local edge), with switches for what it gets wrong.


@dataclass(frozen=True)
class HandWritten:
    maintenance: bool = True
    """False: every request reaches the app (as maintenance off)."""
    bypass: bool = True
    """False: the bypass path and the token get the maintenance answer too."""
    link_cookie: str = "maintenance_bypass"
    """The cookie the bypass link sets."""
    honors_cookie: bool = True


def _decide(door: HandWritten, path: str, headers: Any) -> tuple[int, list[tuple[str, str]], str]:
    app = (200, [("Content-Type", "text/html")], "<p>the app</p>")
    if not door.maintenance:
        return app
    cookie = headers.get("Cookie") or ""
    if door.bypass and (path.startswith("/health") or headers.get("X-Maintenance-Bypass") == TOKEN):
        return app
    if path == f"/__maintenance/{TOKEN}":
        value = TOKEN if door.link_cookie == "maintenance_bypass" else "1"
        flags = "Path=/; Max-Age=43200; Secure; HttpOnly; SameSite=Lax"
        return 302, [("Location", "/"), ("Set-Cookie", f"{door.link_cookie}={value}; {flags}")], ""
    if door.bypass and door.honors_cookie and f"maintenance_bypass={TOKEN}" in cookie:
        return app
    answer = PAGE_ANSWER if "text/html" in (headers.get("Accept") or "") else JSON_ANSWER
    retry = [("Retry-After", str(answer.retry_after))] if answer.retry_after else []
    return 503, [("Content-Type", answer.content_type), *retry], answer.body


@pytest.fixture
def hand_written() -> Iterator[Callable[[HandWritten], str]]:
    servers: list[ThreadingHTTPServer] = []

    def start(door: HandWritten) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, headers, body = _decide(door, self.path, self.headers)
                data = body.encode()
                self.send_response(status)
                for name, value in [*headers, ("Content-Length", str(len(data)))]:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                return

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        serve_forever(server)
        return _kept(server, servers)

    yield start
    _stop_all(servers)


@pytest.fixture(scope="module")
def waf(edges: dict[str, LocalEdge]) -> LocalEdge:
    """The WAF door with the token from SSM read as TOKEN (what `check --token-ssm` does)."""
    return with_token(edges["waf"], TOKEN)


def test_a_right_hand_written_edge_passes(waf: LocalEdge, hand_written: Any) -> None:
    result = run_check(hand_written(HandWritten()), waf, state="on", token=TOKEN)
    assert (result.verdict, result.machine) == ("match", "outside"), render(result)
    assert {"bypass link", "after the bypass link", "token as cookie"} <= {
        o.probe for o in result.outcomes
    }


def test_an_edge_that_is_off_never_passes_as_on(waf: LocalEdge, hand_written: Any) -> None:
    """Every answer reaches the app: an allow-listed machine would see the same with
    maintenance on, so without the token it cannot tell; with it, the link says off."""
    url = hand_written(HandWritten(maintenance=False))
    blind = run_check(url, waf, state="on", token=None)
    assert (blind.verdict, blind.ok) == ("cannot tell", False), render(blind)
    assert "pass the bypass token" in blind.reason
    told = run_check(url, waf, state="on", token=TOKEN)
    assert told.verdict == "mismatch", render(told)
    link = next(o for o in told.outcomes if o.probe == "bypass link")
    assert link.why == "status 200, expected 302"


def test_an_edge_in_maintenance_for_everyone_fails_its_bypasses(
    waf: LocalEdge, hand_written: Any
) -> None:
    result = run_check(hand_written(HandWritten(bypass=False)), waf, state="on", token=TOKEN)
    failed = {o.probe: o.why for o in result.outcomes if not o.ok}
    assert result.verdict == "mismatch"
    assert failed["API client /health"] == "got the maintenance answer; expected to reach the app"
    assert {"token as header", "token as cookie", "after the bypass link"} <= set(failed)


def test_the_cookie_the_link_really_sets_is_followed(waf: LocalEdge, hand_written: Any) -> None:
    """A link that sets an unrelated cookie fails, although the real token's cookie would
    pass at this edge: check sends back what the link set, not the token."""
    result = run_check(
        hand_written(HandWritten(link_cookie="session")), waf, state="on", token=TOKEN
    )
    failed = {o.probe: o.why for o in result.outcomes if not o.ok}
    assert failed == {
        "bypass link": "Set-Cookie without the cookie maintenance_bypass",
        "after the bypass link": "got the maintenance answer; expected to reach the app",
    }, render(result)
    ignored = run_check(
        hand_written(HandWritten(honors_cookie=False)), waf, state="on", token=TOKEN
    )
    assert {o.probe for o in ignored.outcomes if not o.ok} == {
        "token as cookie",
        "after the bypass link",
    }


def test_expect_off_without_a_token_cannot_tell_an_allow_listed_machine(
    waf: LocalEdge, hand_written: Any
) -> None:
    url = hand_written(HandWritten(maintenance=False))
    assert run_check(url, waf, state="off", token=None).verdict == "cannot tell"
    result = run_check(url, waf, state="off", token=TOKEN)
    assert (result.verdict, result.machine) == (
        "match",
        "allow-listed or outside (both kinds of client get these answers)",
    )


# --- Answers that are not HTTP, and URLs that are not URLs: one line each.


def _raw(payload: bytes) -> str:
    """A server that answers every connection with ``payload`` and closes it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def run() -> None:
        while True:
            connection, _ = listener.accept()
            try:
                connection.recv(65536)
                connection.sendall(payload)
            except OSError:
                pass
            connection.close()

    threading.Thread(target=run, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"SSH-2.0-OpenSSH_9.6\r\n", "is not HTTP (its first line"),
        (b"", "closed the connection without an answer"),
        (b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n", "header line over 64 KB"),
        (
            b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(150)) + b"\r\n",
            "more than 100 headers",
        ),
        (
            b"HTTP/1.1 503 No\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n",
            "broken or cut-off body",
        ),
        (
            b"HTTP/1.1 302 Found\r\nLocation: http://[::1\r\nContent-Length: 0\r\n\r\n",
            "Invalid IPv6",
        ),
    ],
    ids=["not-http", "silent-close", "64kb-header", "150-headers", "broken-chunks", "bad-location"],
)
def test_a_malformed_answer_is_one_line(waf: LocalEdge, payload: bytes, message: str) -> None:
    with pytest.raises(MaintenanceConfigError) as error:
        run_check(_raw(payload), waf, state="on", token=None)
    assert message in str(error.value) and "\n" not in str(error.value)


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:abc/", "is not a URL (Port could not be cast to integer value"),
        ("http://[::1/", "is not a URL (Invalid IPv6 URL)"),
        ("http://exa mple.com/", "has a space or a control character"),
        ("http://127.0.0.1:99999/", "is not a URL (Port out of range"),
        ("http://exämple.com/", "has a non-ASCII character"),
        ("http:///nohost", "has no host"),
        ("example.com", "is not an http(s) URL"),
    ],
)
def test_a_malformed_url_is_one_line_with_exit_2(
    url: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refused before the app is synthesized (no cdk.json is needed to be told)."""
    code, output = _cli(["check", url, "--expect", "on", "--cdk-json", "/nonexistent"], capsys)
    assert code == 2 and message in output and output.count("\n") == 1, output


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (TOKEN + "\n", "ends with a line break; strip it"),
        ("truth-token\n0123456789", "has a line break"),
        ("truth-token-01234567é9", "has a non-ASCII character"),
        ("truth token 0123456789", "has characters other than"),
        ("short", "is not 16 to 100 characters long"),
    ],
    ids=["trailing-newline", "newline", "non-ascii", "space", "short"],
)
@pytest.mark.parametrize("command", ["check", "serve"])
def test_a_malformed_token_is_refused_without_showing_it(
    command: str,
    token: str,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MAINTENANCE_BYPASS_TOKEN", token)
    url = ["http://127.0.0.1:9/"] if command == "check" else []
    code, output = _cli([command, *url, "--cdk-json", "/nonexistent"], capsys)
    assert code == 2 and message in output and output.count("\n") == 1, output
    assert "MAINTENANCE_BYPASS_TOKEN" in output
    for piece in ("truth", "0123456789", "short"):
        assert piece not in output


def test_serve_reads_the_token_from_ssm_and_checks_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`serve --token-ssm` reads the parameter as `check` does (and refuses what no door
    would take, without showing it)."""
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    client = boto3.client("ssm", region_name="us-east-1")
    monkeypatch.setattr(aws, "make_client", lambda service, region: client)
    with Stubber(client) as stubber:
        found = {"Parameter": {"Name": "/t", "Value": "tok\nen-0123456789abc", "Type": "String"}}
        stubber.add_response("get_parameter", found, {"Name": "/t", "WithDecryption": True})
        code, output = _cli(["serve", "--token-ssm", "/t", "--cdk-json", "/nonexistent"], capsys)
    assert (
        code == 2 and "--token-ssm /t: the bypass token (20 characters) has a line break" in output
    )
    assert "en-0123456789" not in output


@pytest.mark.parametrize("wait", ["nan", "-1", "inf", "soon"])
def test_a_wait_that_is_not_a_duration_is_refused(
    wait: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = _cli(
        ["check", "http://127.0.0.1:9/", f"--wait={wait}", "--cdk-json", "/nonexistent"], capsys
    )
    assert code == 2 and f"--wait: {wait!r} is not a number of seconds" in output
    assert output.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--client-ip", "office"], "--client-ip: 'office' is not an IP address"),
        (["--port", "70000"], "--port: 70000 is not a port"),
    ],
)
def test_serve_refuses_what_it_cannot_use(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = _cli(["serve", *args, "--cdk-json", "/nonexistent"], capsys)
    assert code == 2 and message in output and output.count("\n") == 1


# --- serve: every request answered; the token from SSM; the WAF allowlist.


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _get(url: str, **headers: str) -> tuple[int, Any, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.build_opener(_NoRedirects).open(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture
def served() -> Iterator[Callable[..., str]]:
    servers: list[ThreadingHTTPServer] = []

    def start(edge: LocalEdge, state: str = "on") -> str:
        server = make_server(edge, state=state, client_ip=OUTSIDE, port=0)
        serve_forever(server)
        return _kept(server, servers)

    yield start
    _stop_all(servers)


@pytest.mark.parametrize("forwarded", ["office", "", "203.0.113.999", "x" * 300])
def test_a_malformed_forwarded_for_gets_a_400_not_a_dropped_connection(
    waf: LocalEdge, served: Any, forwarded: str
) -> None:
    status, headers, body = _get(served(waf), **{"X-Forwarded-For": forwarded})
    assert status == 400 and headers[LOCAL_HEADER] == "refused"
    assert body.startswith("X-Forwarded-For: ") and body.count("\n") == 1
    assert _get(served(waf), **{"X-Forwarded-For": f"{OFFICE}, garbage"})[0] == 200


def test_serve_takes_the_ssm_token_so_check_with_the_token_passes(
    edges: dict[str, LocalEdge], waf: LocalEdge, served: Any
) -> None:
    """The runbook's "serve, then check with the token" with a token from SSM: without the
    token, the served door knows only the parameter and turns the real token away."""
    url = served(waf)
    result = run_check(url, waf, state="on", token=TOKEN)
    assert (result.verdict, result.machine) == ("match", "outside"), render(result)
    status, headers, _ = _get(url + f"__maintenance/{TOKEN}")
    assert status == 302 and f"maintenance_bypass={TOKEN}" in headers["Set-Cookie"]
    assert _get(served(edges["waf"]), **{"X-Maintenance-Bypass": TOKEN})[0] == 503


def test_the_waf_allowlist_is_the_maintenance_rules_ip_set(edges: dict[str, LocalEdge]) -> None:
    """The app's block list (listed first in the template) is no allowlist: the allow-listed
    sample comes from the IP set the maintenance rule refers to, and gets through."""
    rows = [row for row in edges["waf"].door.rows if row.client.startswith("allow-listed")]
    assert rows and {row.request.ip for row in rows} == {"203.0.113.1"}
    assert all(row.on.action == "allow" for row in rows)
    assert [s.path for s in edges["waf"].constructs] == ["Edge/Maintenance"]
    assert edges["waf"].door.name == "Edge/Acl"


def test_the_selector_applies_to_the_construct_behind_the_web_acl(
    edges: dict[str, LocalEdge], tmp_path: Path
) -> None:
    """The door is the app's web ACL (Edge/Acl); the selector picks the construct whose rules
    it carries (Edge/Maintenance), as the app itself does."""
    from maintenance_constructs.tools.cli import parser
    from maintenance_constructs.tools.cli.edge_commands import _expected_state

    cdk_json = tmp_path / "cdk.json"
    for value, expected in (("Maintenance", "on"), ("Acl", "off"), (True, "on"), (None, "off")):
        cdk_json.write_text(json.dumps({"app": "x", "context": {"maintenance": value}}))
        args = parser().parse_args(["check", "http://x/", "--cdk-json", str(cdk_json)])
        assert _expected_state(args, edges["waf"]) == expected, value


# --- behaviors=: the function runs on /api/* only.


def test_uncovered_behaviors_are_served_normally_in_the_table(edges: dict[str, LocalEdge]) -> None:
    door = edges["function"].door
    home = [row for row in door.rows if row.request.path == "/"]
    assert home and all(row.on.rule == UNCOVERED and row.on.action == "allow" for row in home)
    api = [
        row
        for row in door.rows
        if row.request.path == "/api/x" and row.client.startswith("outside")
    ]
    assert api and all(row.on.status == 503 and row.off.action == "allow" for row in api)
    assert any("behaviors /api/* only" in note for note in door.notes)


def test_serve_and_check_honor_behaviors(edges: dict[str, LocalEdge], served: Any) -> None:
    edge = edges["function"]
    url = served(edge)
    status, headers, _ = _get(url)
    assert status == 200 and headers[LOCAL_HEADER].startswith("forwarded")
    assert _get(url + "api/orders")[0] == 503
    planned = probes(edge, token=TOKEN)
    assert all(p.request.path.startswith("/api/") for p in planned), [p.name for p in planned]
    result = run_check(url, edge, state="on", token=TOKEN)
    assert (result.verdict, result.machine) == ("match", "outside"), render(result)
    assert "API client /" not in {o.probe for o in result.outcomes}


def test_a_served_edge_that_is_off_fails_check_on_a_covered_path(
    edges: dict[str, LocalEdge], served: Any
) -> None:
    result = run_check(served(edges["function"], "off"), edges["function"], state="on", token=TOKEN)
    assert result.verdict == "mismatch"
    # The API client's answer (passed on) fits an allow-listed machine while on, so the
    # bypass link, which answers 302 to anyone while on, is what tells.
    assert {o.probe for o in result.outcomes if not o.ok} >= {"bypass link"}


def test_serve_says_when_a_token_from_ssm_needs_the_real_one(
    edges: dict[str, LocalEdge], waf: LocalEdge
) -> None:
    from maintenance_constructs.tools.cli.edge_commands import _serve_notes

    assert "deploy-time value (an SSM parameter)" in _serve_notes(edges["waf"], None)[0]
    assert _serve_notes(waf, TOKEN) == []
    assert _serve_notes(edges["function"], None) == []  # a literal token: nothing to say


def test_a_request_the_door_cannot_decide_gets_a_502(waf: LocalEdge, served: Any) -> None:
    """An evaluation that fails is an answer too (masked: no token in it)."""

    class Failing:
        host = waf.host
        secrets = (TOKEN,)

        def answer(self, request: Any, *, state: str) -> Any:
            raise RuntimeError(f"broken rule near {TOKEN}")

    status, headers, body = _get(served(Failing()))
    assert status == 502 and headers[LOCAL_HEADER] == "failed"
    assert "could not decide: RuntimeError: broken rule near <bypass token" in body
    assert TOKEN not in body


def test_constructs_in_different_states_behind_one_door_need_expect(tmp_path: Path) -> None:
    from maintenance_constructs.tools.app.assembly import ConstructState
    from maintenance_constructs.tools.cli import parser
    from maintenance_constructs.tools.cli.edge_commands import _expected_state
    from maintenance_constructs.tools.model import FrontDoor

    door = FrontDoor("ALB listener", "Web/Alb/Http", "Web", ())
    behind = (ConstructState("Web/Api", True, False), ConstructState("Web/Admin", False, True))
    edge = LocalEdge((), (), behind, door, (), behind)
    cdk_json = tmp_path / "cdk.json"
    cdk_json.write_text(json.dumps({"app": "x", "context": {"maintenance": "Api"}}))
    args = parser().parse_args(["check", "http://x/", "--cdk-json", str(cdk_json)])
    with pytest.raises(MaintenanceConfigError) as error:
        _expected_state(args, edge)
    assert str(error.value) == (
        "--expect: the committed context puts Web/Api on and Web/Admin off, and the door "
        "Web/Alb/Http carries the rules of both; pass --expect on or --expect off."
    )
    args.expect = "on"
    assert _expected_state(args, edge) == "on"


def test_serve_takes_the_given_token_where_the_door_runs_with_a_stand_in(
    edges: dict[str, LocalEdge], served: Any
) -> None:
    """A door whose sample rows carry a stand-in (a function whose code holds only a hash,
    run here with another token in its place) takes the given token in its stead, and sets
    the given token in the bypass cookie; a literal token of the templates is never swapped."""
    from maintenance_constructs.tools.edge.serve import make_server, serve_forever
    from maintenance_constructs.tools.model import Answer, Request, Row

    stand_in = "stand-in-token-0123456789"

    class StandIn:
        host = "(any host)"
        secrets: tuple[str, ...] = ()
        door = type(
            "Door",
            (),
            {
                "rows": (
                    Row(
                        Request(
                            "(any host)",
                            OUTSIDE,
                            "/",
                            headers=(("X-Maintenance-Bypass", stand_in),),
                        ),
                        "with bypass token",
                        Answer("allow", "f"),
                        Answer("allow", "f"),
                    ),
                )
            },
        )()

        def answer(self, request: Request, *, state: str) -> Answer:
            if request.path == f"/__maintenance/{stand_in}":
                cookie = f"maintenance_bypass={stand_in}; Secure; HttpOnly; SameSite=Lax"
                return Answer("redirect", "f", status=302, headers=(("set-cookie", cookie),))
            if request.header("X-Maintenance-Bypass") == stand_in:
                return Answer("allow", "f")
            return Answer("fixed-response", "f", status=503, body="down")

    server = make_server(StandIn(), state="on", client_ip=OUTSIDE, port=0, token=TOKEN)  # type: ignore[arg-type]
    serve_forever(server)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        assert _get(url, **{"X-Maintenance-Bypass": TOKEN})[0] == 200
        assert _get(url, **{"X-Maintenance-Bypass": "other-token-0123456789"})[0] == 503
        status, headers, _ = _get(url + f"__maintenance/{TOKEN}")
        assert status == 302 and headers["set-cookie"].startswith(f"maintenance_bypass={TOKEN};")
    finally:
        server.shutdown()
        server.server_close()
    literal = StandIn()
    literal.secrets = (stand_in,)
    kept = make_server(literal, state="on", client_ip=OUTSIDE, port=0, token=TOKEN)  # type: ignore[arg-type]
    assert kept.RequestHandlerClass.swap is None  # type: ignore[attr-defined]
    kept.server_close()
