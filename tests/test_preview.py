"""`maintenance-constructs preview` end to end on the example app, in text and JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from maintenance_constructs.tools.app.context import merged_context
from maintenance_constructs.tools.app.states import synthesize_states
from maintenance_constructs.tools.doors.samples import parse_request
from maintenance_constructs.tools.preview.report import Preview, preview_assemblies, render_text

ROOT = Path(__file__).resolve().parent.parent


def preview(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CDK_VALIDATION": "false"}
    return subprocess.run(
        [sys.executable, "-m", "maintenance_constructs.tools.cli", "preview", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


REQUEST = ("--request", "host=example.com,ip=192.0.2.5,path=/,accept=text/html")


@cache
def example_assemblies() -> tuple[Path, Path, Any]:
    """The example app synthesized off and on as the command does it (cdk.json's app and
    context), once per worker: the JSON, text and single-request tests read the same two."""
    folder = Path(tempfile.mkdtemp(prefix="example-preview-"))
    context = merged_context(ROOT / "cdk.json", {})
    return synthesize_states("python3 app.py", cwd=ROOT, context=context, folder=folder)


@cache
def example_preview(request: str | None = None) -> Preview:
    """The example app's preview, for the sample requests or one ``--request`` spec. The
    command itself is run end to end by the tests below that pass other arguments."""
    off, on, value = example_assemblies()
    requests = None if request is None else [parse_request(request)]
    return preview_assemblies(off, on, on_value=value, requests=requests)


def json_preview() -> dict:  # type: ignore[type-arg]
    # Through JSON text, as `--json` prints it.
    return json.loads(json.dumps(example_preview().to_json(), ensure_ascii=False))


def test_json_changes_are_only_maintenance_rules() -> None:
    data = json_preview()
    assert data["only_maintenance_rules"] is True and data["on_value"] is True
    changes = {(c["stack"], c["type"], c["change"]) for c in data["changes"]}
    assert changes == {
        ("MaintenanceAlbExample", "AWS::ElasticLoadBalancingV2::ListenerRule", "added"),
        # The bypass token's SSM parameter, read only while on (BypassTokenParameter).
        ("MaintenanceAlbExample", "Parameter", "added"),
        ("MaintenanceCloudFrontExample", "Parameter", "added"),
        ("MaintenanceCloudFrontExample", "AWS::WAFv2::WebACL", "added"),  # the rule, by name
        ("MaintenanceRegionalExample", "AWS::WAFv2::WebACL", "added"),
        # The function's code: its deploy-time state only (its token's SSM parameter is
        # read in both states: the store or a window can turn the function on any time).
        ("MaintenanceFunctionExample", "AWS::CloudFront::Function", "changed"),
    }
    # The site, following its routing (API and host rules): bypass, two allow, four token
    # rules, browser page, 503; the admin listener (every host): allow, 503.
    assert sum(c["type"].endswith("ListenerRule") for c in data["changes"]) == 11
    (acl_change,) = [
        c
        for c in data["changes"]
        if c["type"] == "AWS::WAFv2::WebACL"
        and c["stack"] == "MaintenanceCloudFrontExample"
        and c["paths"] == ["Properties.Rules[Maintenance]"]
    ]
    assert acl_change["paths"] == ["Properties.Rules[Maintenance]"]
    assert acl_change["description"] == (
        "web ACL rule Maintenance (priority 11): block with 503 application/json, unless the "
        "client IP is in AllowedIpv4/AllowedIpv6 or the path starts with /health or header "
        "x-maintenance-bypass is <deploy-time value> or header cookie contains "
        "maintenance_bypass=<deploy-time value>"
    )


def _row(door: dict, client: str, path: str, accept: str) -> dict:  # type: ignore[type-arg]
    (row,) = [
        r
        for r in door["rows"]
        if r["client"] == client
        and r["request"]["path"] == path
        and r["request"]["accept"].startswith(accept)
    ]
    return row


def _door(name: str) -> dict:  # type: ignore[type-arg]
    (door,) = [d for d in json_preview()["front_doors"] if d["name"] == name]
    return door


def test_json_who_gets_what_alb() -> None:
    door = _door("MaintenanceAlbExample/Alb/Http")
    # hosts x {allowed, outside} x 2 families x {/, /health} x {browser, api}, an outside
    # client with the bypass token (cookie from a browser, header from an API client), and a
    # request for the API rule (/api/*) from each of the 4 clients
    assert len(door["rows"]) == 1 * 4 * 2 * 2 + 2 + 4
    api = _row(door, "allow-listed IPv4", "/api/x", "application/json")
    assert api["off"]["target"] == api["on"]["target"] == "MaintenanceAlbExample/Api"
    for accept in ("text/html", "application/json"):
        token = _row(door, "with bypass token", "/", accept)
        assert token["off"]["action"] == token["on"]["action"] == "forward"
    outside = _row(door, "outside IPv4", "/", "application/json")
    assert (
        outside["off"]["action"] == "forward"
        and outside["off"]["target"] == "MaintenanceAlbExample/Blue"
    )
    assert (outside["on"]["action"], outside["on"]["status"], outside["on"]["content_type"]) == (
        "fixed-response",
        503,
        "application/json",
    )
    assert json.loads(outside["on"]["body"])["code"] == "service_unavailable"
    assert _row(door, "allow-listed IPv6", "/", "text/html")["on"]["action"] == "forward"
    assert _row(door, "outside IPv6", "/health", "text/html")["on"]["action"] == "forward"


def test_json_who_gets_what_alb_every_host() -> None:
    door = _door("MaintenanceAlbExample/Alb/Admin")
    # one sample host (any) x {allowed, outside} x 2 families x {/} x {browser, api}
    assert len(door["rows"]) == 1 * 4 * 2
    assert {r["request"]["host"] for r in door["rows"]} == {"(any host)"}
    outside = _row(door, "outside IPv6", "/", "text/html")
    assert outside["off"]["target"] == "MaintenanceAlbExample/Admin"
    assert (outside["on"]["action"], outside["on"]["status"]) == ("fixed-response", 503)
    assert _row(door, "allow-listed IPv4", "/", "application/json")["on"]["action"] == "forward"


def test_json_who_gets_what_waf() -> None:
    (door,) = [
        d
        for d in json_preview()["front_doors"]
        if d["kind"] == "WAF web ACL" and d["stack"] == "MaintenanceCloudFrontExample"
    ]
    outside = _row(door, "outside IPv6", "/", "text/html")
    assert outside["off"]["action"] == "allow"
    assert (outside["on"]["action"], outside["on"]["status"]) == ("block", 503)
    assert _row(door, "allow-listed IPv4", "/", "text/html")["on"]["action"] == "allow"
    assert _row(door, "outside IPv4", "/health", "application/json")["on"]["action"] == "allow"


def test_text_form_and_single_request() -> None:
    text = render_text(example_preview(REQUEST[1]))
    assert "Only maintenance rules change." in text
    assert (
        "listener rule MaintenanceAlbExample/Maintenance/AllowRule2 (priority 26): forward to "
        "MaintenanceAlbExample/Blue when the host is example.com and the client IP is in "
        "203.0.113.0/24, 2001:db8::/48"
    ) in text
    assert "Who gets what: ALB listener MaintenanceAlbExample/Alb/Http" in text
    site = text.split("Who gets what: ALB listener MaintenanceAlbExample/Alb/Http", 1)[1]
    alb_line = next(line for line in site.splitlines() if "192.0.2.5 (requested)" in line)
    # A browser (Accept: text/html) gets the maintenance page.
    assert "forwarded to MaintenanceAlbExample/Blue" in alb_line and "503 text/html" in alb_line


def test_selector_and_context_values_are_respected() -> None:
    result = preview(
        "--json",
        "-c",
        "maintenance=MaintenanceCloudFrontExample",
        "-c",
        "office_cidrs=198.51.100.0/24",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["on_value"] == "MaintenanceCloudFrontExample"
    assert {c["stack"] for c in data["changes"]} == {"MaintenanceCloudFrontExample"}
    (door,) = data["front_doors"]
    assert {r["request"]["ip"] for r in door["rows"] if r["client"] == "allow-listed IPv4"} == {
        "198.51.100.1"
    }


def test_exit_code_3_when_the_toggle_changes_something_else(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import aws_cdk as cdk\n"
        "from maintenance_constructs import CloudFrontMaintenance, is_maintenance_enabled\n"
        "app = cdk.App()\n"
        "stack = cdk.Stack(app, 'Edge', env=cdk.Environment(region='us-east-1'))\n"
        "m = CloudFrontMaintenance(stack, 'Maintenance', allowed_cidrs=['203.0.113.0/24'])\n"
        "topic_name = 'down' if is_maintenance_enabled(m) else 'up'\n"
        "props = {'TopicName': topic_name}\n"
        "cdk.CfnResource(stack, 'Topic', type='AWS::SNS::Topic', properties=props)\n"
        "app.synth()\n"
    )
    result = preview(
        "--app", f"{sys.executable} app.py", "--cdk-json", str(tmp_path / "none.json"), cwd=tmp_path
    )
    assert result.returncode == 3, result.stderr
    assert (
        "~ Edge: AWS::SNS::Topic Edge/Topic [Properties.TopicName]  -> NOT A MAINTENANCE RULE: a "
        "property that changes with the toggle" in result.stdout
    )
    assert "WARNING: 1 change(s) are not maintenance rules (exit code 3)." in result.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--request", "host=example.com"), "--request: 'host=example.com' has no ip=..."),
        (("--request", "ip=nope"), "--request: ip='nope' is not an IP address"),
        (("--request", "port=1,ip=192.0.2.1"), "--request: 'port=1' is not one of"),
        (("-c", "maintenance"), "-c: 'maintenance' is not KEY=VALUE"),
    ],
)
def test_bad_arguments(args: tuple[str, ...], fragment: str) -> None:
    result = preview(*args)
    assert result.returncode == 2 and fragment in result.stderr


@pytest.mark.parametrize(
    ("heading", "args"),
    [
        ("## The example app", ()),
        ("## One request", REQUEST),
    ],
)
def test_docs_show_the_real_output(heading: str, args: tuple[str, ...]) -> None:
    """docs/preview.md pastes the example app's preview; it must still be what the command says."""
    doc = (ROOT / "docs" / "preview.md").read_text(encoding="utf-8")
    pasted = doc.split(heading, 1)[1].split("```text\n", 1)[1].split("\n```", 1)[0]
    if not args:  # what `maintenance-constructs preview` prints: render_text of the preview
        assert render_text(example_preview()).rstrip("\n") == pasted
        return
    assert render_text(example_preview(args[1])).rstrip("\n") == pasted


def test_no_cdk_json_and_no_app(tmp_path: Path) -> None:
    result = preview(cwd=tmp_path)
    assert result.returncode == 2
    assert "--cdk-json: 'cdk.json' does not exist and no --app was given" in result.stderr


def test_the_function_door_answers_by_the_clock_during_a_scheduled_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The example's planned window puts the function door on at that time even while the
    deploy-time state is off, with Retry-After counting down to the window's end."""
    from app import PLANNED_WINDOW
    from maintenance_constructs.tools.doors import function_doors

    inside = PLANNED_WINDOW.end.timestamp() - 90
    monkeypatch.setattr(function_doors, "clock", lambda: inside)
    off, on, value = example_assemblies()
    preview = preview_assemblies(off, on, on_value=value)
    [door] = [
        d
        for d in preview.front_doors
        if d.kind == "CloudFront Function" and d.name.endswith("/Maintenance/Function")
    ]
    outside = next(r for r in door.rows if r.client == "outside IPv4" and r.request.path == "/")
    assert outside.off.status == 503 and outside.on.status == 503
    assert ("retry-after", "90") in outside.off.headers


def test_the_docs_behavior_runs_its_rewrite_after_maintenance() -> None:
    """The example's /docs/* behavior keeps its SPA rewrite: its combined function's table
    shows the rewritten path for requests that pass, and the 503 for the rest while on."""
    [door] = [
        d
        for d in example_preview().front_doors
        if d.name.endswith("/Maintenance/WithMaintenanceFunctionExampleDocsRewrite")
    ]
    rows = {(r.client, r.request.path, r.request.accept): r for r in door.rows}
    allowed = next(
        r for k, r in rows.items() if k[0].startswith("allow-listed") and k[1] == "/docs/x"
    )
    outside = next(r for k, r in rows.items() if k[0] == "outside IPv4" and k[1] == "/docs/x")
    assert allowed.off.uri == allowed.on.uri == "/docs/x/index.html"
    assert outside.off.uri == "/docs/x/index.html" and outside.on.status == 503
    json_row = json.loads(json.dumps(example_preview().to_json(), ensure_ascii=False))
    assert any(
        row["on"].get("uri") == "/docs/x/index.html"
        for door_json in json_row["front_doors"]
        for row in door_json["rows"]
    )
