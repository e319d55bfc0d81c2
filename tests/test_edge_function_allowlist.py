"""The compiled allowlist: written and read back, matched as Python's ``ipaddress`` matches on
Node and njs, and the code using only what the cloudfront-js runtime documents."""

from __future__ import annotations

import ipaddress
import json
import random
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from function_runner import ENGINES, run
from test_edge_function import _config

from maintenance_constructs.edge_function.allowlist import (
    RECORD_WIDTHS,
    allowlist_of,
    compile_allowlist,
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
NOW = 1_800_000_000


def _random_network(rng: random.Random) -> Network:
    if rng.random() < 0.5:
        return ipaddress.ip_network((rng.getrandbits(32), rng.randint(1, 32)), strict=False)
    if rng.random() < 0.2:  # inside the IPv4-mapped range
        base = (0xFFFF << 32) | rng.getrandbits(32)
        return ipaddress.ip_network((base, rng.randint(96, 128)), strict=False)
    return ipaddress.ip_network((rng.getrandbits(128), rng.randint(1, 128)), strict=False)


def test_an_allowlist_reads_back_as_the_collapsed_networks() -> None:
    rng = random.Random(7)
    for _ in range(200):
        networks = [_random_network(rng) for _ in range(rng.randint(0, 12))]
        v4 = [n for n in networks if n.version == 4]
        v6 = [n for n in networks if n.version == 6]
        collapsed = [*ipaddress.collapse_addresses(v4), *ipaddress.collapse_addresses(v6)]
        compiled = compile_allowlist(networks)
        assert allowlist_of(compiled) == [str(n) for n in collapsed]
        for table, width in RECORD_WIDTHS.items():
            records = [
                compiled[table][i : i + width] for i in range(0, len(compiled[table]), width)
            ]
            assert "".join(records) == compiled[table] and records == sorted(records), table


def _address_near(rng: random.Random, networks: list[Network]) -> str:
    """An address inside, at the edge of, or outside one of ``networks``, in a form a viewer
    address can take (compressed, exploded, upper case, IPv4-mapped)."""
    choice = rng.random()
    if networks and choice < 0.7:
        network = rng.choice(networks)
        offsets = (0, network.num_addresses - 1, network.num_addresses, -1)
        spot = int(network.network_address) + (
            rng.choice(offsets) if rng.random() < 0.4 else rng.randrange(network.num_addresses)
        )
        bits = network.max_prefixlen
        value = spot % (1 << bits)
    else:
        bits = 32 if rng.random() < 0.5 else 128
        value = rng.getrandbits(bits)
    if bits == 32:
        text = str(ipaddress.IPv4Address(value))
        return f"::ffff:{text}" if rng.random() < 0.2 else text
    address = ipaddress.IPv6Address(value)
    text = address.exploded if rng.random() < 0.3 else str(address)
    return text.upper() if rng.random() < 0.2 else text


def _expected(text: str, networks: list[Network]) -> bool:
    address = ipaddress.ip_address(text)
    candidates: list[Any] = [address]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        candidates.append(address.ipv4_mapped)
    return any(a in n for a in candidates for n in networks if n.version == a.version)


@pytest.mark.parametrize("engine", ENGINES)
def test_matching_agrees_with_python_ipaddress(engine: str) -> None:
    rng = random.Random(20261203)
    cases, expected = [], []
    for _ in range(3000):
        networks = [_random_network(rng) for _ in range(rng.choice((1, 2, 5, 40)))]
        address = _address_near(rng, networks)
        cases.append({"kind": "allowed", "ip": address, "now": NOW, **compile_allowlist(networks)})
        expected.append(_expected(address, networks))
    got = run(_config(), cases, engine=engine)
    wrong = [c["ip"] for c, g, e in zip(cases, got, expected, strict=True) if g != e]
    assert wrong == []
    assert 0.2 < sum(expected) / len(expected) < 0.8, "the sample must hold both answers"


DOCUMENTED_METHODS = {
    # ES 5.1 String, Array, Number, Date, Math and RegExp methods the runtime 2.0 documents.
    *("split", "indexOf", "lastIndexOf", "substring", "substr", "charAt", "join", "push"),
    *("slice", "concat", "splice", "test", "exec", "toISOString", "ceil", "floor", "max"),
    *("now", "replace", "fromCharCode"),
    # The runtime's own modules: cloudfront.kvs(id).get(key); crypto's hash.
    *("kvs", "get", "createHash", "update", "digest"),
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
    assert imports == ["import cf from 'cloudfront';", "import crypto from 'crypto';"]


def test_the_runtime_check_can_fail() -> None:
    assert set(re.findall(r"\.(\w+)\(", "x.padStart(2); y.split('.')")) - DOCUMENTED_METHODS == {
        "padStart"
    }


def test_no_comment_is_shipped() -> None:
    from maintenance_constructs.edge_function.code_writer import function_code

    code = function_code(_config())
    assert [line for line in code.splitlines() if re.search(r"(^|\s)//", line)] == []


@pytest.mark.skipif(shutil.which("njs") is None, reason="njs is not installed")
def test_the_cost_per_request_does_not_grow_with_the_allowlist() -> None:
    """On njs (an interpreter, like the runtime), 200 IPv4 or 150 IPv6 entries cost about what
    5 do (docs/benchmarks.md: under 2x; here under 3x, the fastest of three runs, so a busy
    machine does not fail it). Parsing every entry per request cost 13x and 24x."""
    from benchmarks.function_cost import per_request_ms

    def cost(family: str, count: int) -> float:
        return per_request_ms(family, count, "outside", engine="njs", repeat=1500, runs=3)

    small = cost("IPv4", 5)
    assert cost("IPv4", 200) < 3 * small
    assert cost("IPv6", 150) < 3 * small


def test_the_configuration_reads_back_from_the_code_as_written() -> None:
    """The typed configuration is written into the code and read back whole (the tools read
    templates this way), through the same JSON the function parses."""
    from maintenance_constructs.edge_function.code_writer import function_code
    from maintenance_constructs.edge_function.config import FunctionConfig

    written = _config(windows=[[1, 2], [3, 4]], enabled=False)
    found = FunctionConfig.read(function_code(written))
    assert found is not None
    config, start, end = found
    assert config.to_json() == json.loads(json.dumps(written))
    assert function_code(written)[start:end].startswith("{") and config.enabled is False
    assert config.allowlist == ["203.0.113.0/24", "2001:db8::/32"]
    assert FunctionConfig.read("function handler(e) { return e.request; }") is None
