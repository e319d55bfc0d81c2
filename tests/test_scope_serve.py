"""Read-only and partial maintenance on every front door, over real HTTP: each door's rules, as
synthesized, served on 127.0.0.1 by `serve` and asked with real methods and paths; and `check`
proving the scope on the served edge without a write that could do harm."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from typing import Any

import pytest

from maintenance_constructs.scope import READ_ONLY
from maintenance_constructs.tools.edge.check import render, run_check
from maintenance_constructs.tools.edge.local_edge import LocalEdge, load_edges
from maintenance_constructs.tools.edge.probes import NO_SUCH_PATH
from maintenance_constructs.tools.edge.serve import make_server, serve_forever

OUTSIDE, OFFICE = "192.0.2.1", "203.0.113.5"
_HEAD = """
import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront, aws_cloudfront_origins as origins
from aws_cdk import aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2
from maintenance_constructs import (
    READ_ONLY, AlbMaintenance, CloudFrontFunctionMaintenance, CloudFrontMaintenance,
    RegionalMaintenance)

app = cdk.App()
OFFICE = ["203.0.113.0/24"]
LB_ARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/{}/1234567890abcdef"


def stack(name, region="us-east-1"):
    return cdk.Stack(app, name, env=cdk.Environment(account="123456789012", region=region))


def alb(scope, **kwargs):
    vpc = ec2.Vpc(scope, "Vpc", max_azs=2, nat_gateways=0, subnet_configuration=[
        ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC)])
    lb = elbv2.ApplicationLoadBalancer(scope, "Alb", vpc=vpc, internet_facing=True)
    listener = lb.add_listener(
        "Http", port=80, default_action=elbv2.ListenerAction.fixed_response(404))
    elbv2.ApplicationListenerRule(scope, "App", listener=listener, priority=100,
        conditions=[elbv2.ListenerCondition.host_headers(["example.com"])],
        action=elbv2.ListenerAction.fixed_response(
            200, content_type="text/plain", message_body="app"))
    AlbMaintenance(scope, "Maintenance", listener=listener, host_headers=["example.com"],
        allowed_cidrs=OFFICE, **kwargs)


def function(scope, **kwargs):
    cdn = cloudfront.Distribution(scope, "Cdn", default_behavior=cloudfront.BehaviorOptions(
        origin=origins.HttpOrigin("origin.example.com"),
        allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL))
    CloudFrontFunctionMaintenance(scope, "Maintenance", distribution=cdn, allowed_cidrs=OFFICE,
        **kwargs)


SCOPES = {"ReadOnly": dict(methods=READ_ONLY), "Checkout": dict(paths=["/checkout/*", "/cart"])}
for name, scope in SCOPES.items():
    CloudFrontMaintenance(stack(f"Waf{name}"), "Maintenance", allowed_cidrs=OFFICE, **scope)
    RegionalMaintenance(stack(f"Regional{name}", "eu-west-1"), "Maintenance",
        resource_arns=[LB_ARN.format(name.lower())], allowed_cidrs=OFFICE, **scope)
    function(stack(f"Fn{name}"), **scope)
    alb(stack(f"Alb{name}", "eu-west-1"), **scope)
# Writes to one exact path: no write check may send is harmless there.
CloudFrontMaintenance(stack("WafCart"), "Maintenance", methods=READ_ONLY, paths=["/cart"])
app.synth()
"""
KINDS = ("Waf", "Regional", "Fn", "Alb")
SCOPES = ("ReadOnly", "Checkout")


@pytest.fixture(scope="module")
def edges(tmp_path_factory: pytest.TempPathFactory) -> dict[str, LocalEdge]:
    folder = tmp_path_factory.mktemp("scoped")
    (folder / "app.py").write_text(_HEAD)
    (folder / "cdk.json").write_text(json.dumps({"app": f"{sys.executable} app.py"}))
    stacks = [f"{kind}{scope}" for scope in SCOPES for kind in KINDS] + ["WafCart"]
    found = load_edges(f"{sys.executable} app.py", cwd=folder, context={}, doors=stacks)
    return dict(zip(stacks, found, strict=True))


@pytest.fixture
def served(edges: dict[str, LocalEdge]) -> Iterator[Any]:
    servers: list[ThreadingHTTPServer] = []

    def start(door: str, *, state: str = "on", client_ip: str = OUTSIDE) -> str:
        server = make_server(edges[door], state=state, client_ip=client_ip, port=0)
        serve_forever(server)
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _status(base: str, method: str, path: str, accept: str = "application/json") -> int:
    data = b"" if method in ("POST", "PUT", "PATCH") else None
    request = urllib.request.Request(
        base + path, data=data, method=method, headers={"Accept": accept}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


READ_ONLY_CASES = [
    ("GET", "/", 200),
    ("HEAD", "/", 200),
    ("OPTIONS", "/", 200),
    ("POST", "/orders", 503),
    ("DELETE", "/orders/7", 503),
]
"""PUT and PATCH are in READ_ONLY too: each door's own tests send every method."""
CHECKOUT_CASES = [
    ("GET", "/checkout/pay", 503),
    ("POST", "/checkout/pay", 503),
    ("GET", "/cart", 503),
    ("GET", "/catalog", 200),
    ("POST", "/catalog", 200),
    ("GET", "/checkout", 200),  # '/checkout/*' is the folder, not the page
    ("GET", "/cart/items", 200),  # '/cart' is exact
]


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("kind", KINDS)
def test_the_scope_is_turned_away_and_the_rest_reaches_the_app(
    kind: str, scope: str, served: Any
) -> None:
    """Read-only: reads reach the app, writes get the 503. Checkout: those paths get the 503,
    every other path reaches the app. Allow-listed clients reach the app for all of it."""
    cases = {"ReadOnly": READ_ONLY_CASES, "Checkout": CHECKOUT_CASES}[scope]
    outside, office = served(f"{kind}{scope}"), served(f"{kind}{scope}", client_ip=OFFICE)
    got = {(m, p): _status(outside, m, p) for m, p, _ in cases}
    assert got == {(m, p): status for m, p, status in cases}
    assert {_status(office, m, p) for m, p, status in cases if status == 503} == {200}


@pytest.mark.parametrize("kind", KINDS)
def test_a_dot_segment_cannot_step_into_the_scope(kind: str, served: Any) -> None:
    """``/catalog/../checkout/pay`` is a checkout path to an app that resolves dot segments:
    every door counts it as in scope."""
    request = urllib.request.Request(served(f"{kind}Checkout") + "/catalog/../checkout/pay")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=10)
    assert error.value.code == 503


@pytest.mark.parametrize("kind", ["Waf", "Fn"])
def test_the_default_body_names_the_scope(kind: str, served: Any) -> None:
    request = urllib.request.Request(served(f"{kind}ReadOnly") + "/orders", method="DELETE")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=10)
    assert json.loads(error.value.read())["scope"] == "writes"


# The function door answers each request by running its code (seconds per probe round): its
# path scope's probes are the same as the web ACL's, proven there.
@pytest.mark.parametrize(
    ("kind", "scope"), [(k, s) for s in SCOPES for k in KINDS if (k, s) != ("Fn", "Checkout")]
)
def test_check_proves_the_scope_without_a_harmful_write(
    kind: str, scope: str, edges: dict[str, LocalEdge], served: Any
) -> None:
    """From outside, check passes against the edge that is on and fails against the one that
    is off; the only write it sends goes to a path that cannot exist."""
    edge = edges[f"{kind}{scope}"]
    on = run_check(served(f"{kind}{scope}") + "/", edge, state="on", token=None)
    assert on.ok, render(on)
    sent = {o.probe for o in on.outcomes}
    writes = {p for p in sent if any(f" {m} " in p for m in READ_ONLY)}
    assert writes and all(NO_SUCH_PATH in p for p in writes), sorted(sent)
    off = run_check(served(f"{kind}{scope}", state="off") + "/", edge, state="on", token=None)
    assert not off.ok, render(off)


def test_a_scope_check_cannot_probe_without_harm_says_so(
    edges: dict[str, LocalEdge], served: Any
) -> None:
    """Writes to the exact path /cart: check sends no write there (it could do harm), so from
    outside nothing it sends is turned away, and it says what would tell instead of advising
    a machine outside the allowlist (it is one)."""
    result = run_check(served("WafCart") + "/", edges["WafCart"], state="on", token=None)
    assert result.verdict == "cannot tell", render(result)
    assert "no probe check may send is turned away" in result.reason
    assert "outside the allowlist" not in result.reason
    sent = [o.probe for o in result.outcomes]
    assert not [p for p in sent if any(f" {m} " in p for m in READ_ONLY)], sent
    assert len(sent) == len(set(sent)), sent


@pytest.mark.parametrize("door", ["WafCheckout", "AlbCheckout", "FnCheckout"])
def test_the_rows_ask_each_request_once(edges: dict[str, LocalEdge], door: str) -> None:
    asked = [(row.request, row.client) for row in edges[door].door.rows]
    assert len(asked) == len({repr(a) for a in asked})
    assert {("GET", "/checkout/x"), ("POST", "/checkout/x")} <= {
        (r.method, r.path) for r, _ in asked
    }
