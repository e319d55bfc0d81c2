"""CloudFrontFunctionMaintenance's function, run on Node with a stub KeyValueStore: every kind
of viewer and store state gets the answer the docs give."""

from __future__ import annotations

import ipaddress
import random
import re
from pathlib import Path
from typing import Any

import pytest
from function_runner import request, run

from maintenance_constructs import MaintenanceResponse
from maintenance_constructs.edge_function.plan import END_TIME_MARKER, function_config

TOKEN = "tok-0123456789abcdef"
NOW = 1_800_000_000
PAGE = MaintenanceResponse.html(
    f"<h1>Maintenance</h1><p>Back at {END_TIME_MARKER}</p>", retry_after=600
)


def _config(**changes: Any) -> dict[str, Any]:
    config = function_config(
        enabled=True,
        cidrs=["203.0.113.0/24", "2001:db8::/32"],
        bypass_paths=["/health"],
        token=TOKEN,
        link_prefix="/__maintenance/",
        response=MaintenanceResponse.json({"code": "maintenance"}, retry_after=300),
        browser_response=PAGE,
        windows=[],
        store="store-id",
    )
    return {**config, **changes}


OUTSIDE4, OUTSIDE6 = "198.51.100.7", "2001:db9::1"
CASES: dict[str, tuple[dict[str, Any], Any]] = {
    "allow-listed IPv4": (request(ip="203.0.113.9"), "pass"),
    "allow-listed IPv6": (request(ip="2001:db8:0:0:0:0:0:1"), "pass"),
    "allow-listed IPv6, compressed": (request(ip="2001:db8::1"), "pass"),
    "allow-listed IPv4, mapped in IPv6": (request(ip="::ffff:203.0.113.9"), "pass"),
    "outside IPv4": (request(ip=OUTSIDE4), 503),
    "outside IPv6": (request(ip=OUTSIDE6), 503),
    "bypass path": (request(uri="/health"), "pass"),
    "bypass prefix": (request(uri="/healthz"), "pass"),
    "traversal out of a bypass path": (request(uri="/health/../admin"), 503),
    "encoded dot": (request(uri="/health/%2e%2e/admin"), 503),
    "token header": (request(headers={"X-Maintenance-Bypass": TOKEN}), "pass"),
    "token cookie": (request(cookies={"maintenance_bypass": TOKEN}), "pass"),
    "wrong token": (request(headers={"X-Maintenance-Bypass": TOKEN + "x"}), 503),
    "bypass link": (request(uri=f"/__maintenance/{TOKEN}"), 302),
    "store off": (request(stored="off"), "pass"),
    "store on": (request(stored="on"), 503),
    "store window, before": (request(stored=f"window {NOW + 60} {NOW + 120}"), 503),
    "store window, during": (request(stored=f"window {NOW - 60} {NOW + 120}"), 503),
    "store window, after": (request(stored=f"window {NOW - 120} {NOW - 60}"), 503),
    "store garbage": (request(stored="maybe"), 503),
}
"""Deploy-time state on: the store key decides only when it says on, off or a current window."""


@pytest.fixture(scope="module")
def answers() -> dict[str, Any]:
    return dict(zip(CASES, run(_config(), [case for case, _ in CASES.values()]), strict=True))


@pytest.mark.parametrize("name", list(CASES))
def test_each_viewer_gets_what_the_docs_say(answers: dict[str, Any], name: str) -> None:
    expected, answer = CASES[name][1], answers[name]
    if expected == "pass":
        assert "uri" in answer and "statusCode" not in answer, answer
    else:
        assert answer.get("statusCode") == expected, answer


def test_api_clients_get_json_with_retry_after(answers: dict[str, Any]) -> None:
    answer = answers["outside IPv4"]
    assert answer["headers"]["content-type"]["value"] == "application/json"
    assert answer["headers"]["retry-after"]["value"] == "300"
    assert answer["body"] == {"encoding": "text", "data": '{"code":"maintenance"}'}


def test_browsers_get_the_page() -> None:
    [answer] = run(_config(), [request(headers={"Accept": "text/html,*/*"})])
    assert answer["statusCode"] == 503
    assert answer["headers"]["content-type"]["value"] == "text/html; charset=utf-8"
    assert answer["headers"]["retry-after"]["value"] == "600"


def test_the_bypass_link_sets_the_cookie(answers: dict[str, Any]) -> None:
    answer = answers["bypass link"]
    assert answer["headers"]["location"]["value"] == "/"
    cookie = answer["cookies"]["maintenance_bypass"]
    assert cookie["value"] == TOKEN
    assert cookie["attributes"] == "Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=43200"


def test_deploy_time_off_is_overridden_only_by_the_store_and_windows() -> None:
    windows = [[NOW - 10, NOW + 3600]]
    results = run(
        _config(enabled=False),
        [
            request(),
            request(stored="on"),
            request(stored=f"window {NOW - 5} {NOW + 90}"),
            request(stored=f"window {NOW + 5} {NOW + 90}"),
        ],
    )
    assert ["statusCode" in r for r in results] == [False, True, True, False]
    # During a window, Retry-After counts down to its end.
    assert results[2]["headers"]["retry-after"]["value"] == "90"
    baked = run(_config(enabled=False, windows=windows), [request(), request(stored="off")])
    assert baked[0]["headers"]["retry-after"]["value"] == "3600"
    assert "statusCode" not in baked[1], "the store's off ends a scheduled window early"


def test_the_page_shows_the_end_of_the_window_or_leaves_it_out() -> None:
    config = _config(enabled=False, windows=[[NOW - 10, NOW + 3600]])
    browser = request(headers={"Accept": "text/html"})
    [during, switched_on] = run(config, [browser, {**browser, "stored": "on"}])
    assert "<p>Back at 2027-01-15T09:00:00.000Z</p>" in during["body"]["data"]
    assert switched_on["body"]["data"] == "<h1>Maintenance</h1>", "no end known: no paragraph"


def _random_network(rng: random.Random) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    if rng.random() < 0.4:
        return ipaddress.ip_network((rng.getrandbits(32), rng.randint(0, 32)), strict=False)
    if rng.random() < 0.2:  # the IPv4-mapped range, and networks inside it
        base = (0xFFFF << 32) | rng.getrandbits(32)
        return ipaddress.ip_network((base, rng.randint(96, 128)), strict=False)
    return ipaddress.ip_network((rng.getrandbits(128), rng.randint(0, 128)), strict=False)


def _address_near(
    rng: random.Random, network: ipaddress.IPv4Network | ipaddress.IPv6Network
) -> tuple[str, bool]:
    """An address inside or just outside ``network``, written in one of the forms a viewer
    address can take, and whether Python's ipaddress says it matches."""
    bits = network.max_prefixlen
    inside = int(network.network_address) | rng.getrandbits(bits - network.prefixlen or 1) % (
        network.num_addresses
    )
    value = inside if rng.random() < 0.6 else rng.getrandbits(bits)
    if bits == 32 and rng.random() < 0.25:  # the same IPv4 address, mapped in IPv6
        return f"::ffff:{ipaddress.IPv4Address(value)}", ipaddress.IPv4Address(value) in network
    address = ipaddress.ip_address(value) if bits == 32 else ipaddress.IPv6Address(value)
    expected = address in network or (
        isinstance(address, ipaddress.IPv6Address)
        and address.ipv4_mapped is not None
        and address.ipv4_mapped in network
    )
    if isinstance(address, ipaddress.IPv6Address):
        text = address.exploded if rng.random() < 0.3 else str(address)
        if address.ipv4_mapped is not None and rng.random() < 0.5:
            text = f"::ffff:{address.ipv4_mapped}"
        return (text.upper() if rng.random() < 0.2 else text), expected
    return str(address), expected


def test_cidr_matching_agrees_with_python_ipaddress() -> None:
    rng = random.Random(20261201)
    cases, expected = [], []
    for _ in range(4000):
        network = _random_network(rng)
        address, matches = _address_near(rng, network)
        cases.append({"kind": "allowed", "ip": address, "cidrs": [str(network)], "now": NOW})
        expected.append(matches)
    got = run(_config(), cases)
    wrong = [
        (c["ip"], c["cidrs"][0], e) for c, g, e in zip(cases, got, expected, strict=True) if g != e
    ]
    assert wrong == []
    assert 0.2 < sum(expected) / len(expected) < 0.8, "the sample must hold both answers"


DOCUMENTED_METHODS = {
    # ES 5.1 String, Array, Number, Date, Math and RegExp methods the runtime 2.0 documents.
    "split",
    "indexOf",
    "lastIndexOf",
    "substring",
    "trim",
    "join",
    "push",
    "slice",
    "concat",
    "splice",
    "test",
    "toISOString",
    "ceil",
    "max",
    "now",
    "replace",
    # The runtime's own modules: cloudfront.kvs(id).get(key).
    "kvs",
    "get",
}
FORBIDDEN = ("BigInt", "require(", "process.", "Buffer", "setTimeout", "fetch(", "eval(", "=>")


def test_the_code_uses_only_what_the_runtime_documents() -> None:
    source = (
        Path(__file__).resolve().parent.parent
        / "maintenance_constructs"
        / "edge_function"
        / "handler.js"
    ).read_text()
    code = "\n".join(line for line in source.splitlines() if not line.strip().startswith("//"))
    called = set(re.findall(r"\.(\w+)\(", code))
    assert called - DOCUMENTED_METHODS == set()
    assert [word for word in FORBIDDEN if word in code] == []
    imports = re.findall(r"^\s*import .*$", code, flags=re.M)
    assert imports == ["import cf from 'cloudfront';"]


def test_the_runtime_check_can_fail() -> None:
    assert set(re.findall(r"\.(\w+)\(", "x.padStart(2); y.split('.')")) - DOCUMENTED_METHODS == {
        "padStart"
    }
