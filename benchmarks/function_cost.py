"""The function door's per-request cost on njs (an interpreter, like the cloudfront-js runtime)
and Node (whose JIT hides per-request cost), by allowlist size, and the largest allowlist that
fits the 10 KB of code. Used by benchmarks/run.py and a test of the cost's flatness."""

from __future__ import annotations

import ipaddress
import shutil
from typing import Any

from maintenance_constructs.edge_function.code_writer import (
    function_code,
    function_config,
    literal_token,
)
from maintenance_constructs.edge_function.size import check_code_size
from maintenance_constructs.errors import MaintenanceConfigError
from maintenance_constructs.response import MaintenanceResponse
from maintenance_constructs.tools.evaluate.function_engines import time_function, viewer_request

TOKEN = "bench-token-0123456789"
SIZES = (("IPv4", 5), ("IPv4", 50), ("IPv4", 200), ("IPv6", 150))
VIEWERS = ("outside", "allow-listed", "token")


def networks(family: str, count: int) -> list[Any]:
    """``count`` non-adjacent networks (nothing merges): /24s or /48s."""
    if family == "IPv4":
        return [
            ipaddress.ip_network(f"{20 + i // 200}.{i % 200}.{i * 7 % 256}.0/24")
            for i in range(count)
        ]
    return [ipaddress.ip_network(f"2001:db8:{2 * i:x}::/48") for i in range(count)]


def config(cidrs: list[Any]) -> dict[str, Any]:
    return function_config(
        enabled=True,
        cidrs=cidrs,
        bypass_paths=["/health"],
        token=literal_token(TOKEN),
        link_prefix="/__maintenance/",
        response=MaintenanceResponse.json(),
        browser_response=None,
        windows=[],
        store="store-id",
    )


def _viewer(family: str, cidrs: list[Any], who: str) -> dict[str, Any]:
    outside = "198.51.100.7" if family == "IPv4" else "2001:db9::7"
    if who == "outside":
        return viewer_request(ip=outside, stored="on")
    if who == "token":
        return viewer_request(ip=outside, stored="on", headers={"X-Maintenance-Bypass": TOKEN})
    middle = cidrs[len(cidrs) // 2]
    return viewer_request(ip=str(middle.network_address + 1), stored="on")


def per_request_ms(
    family: str, count: int, who: str, *, engine: str, repeat: int, runs: int
) -> float:
    """The fastest of ``runs`` measurements of ``repeat`` requests (ms per request)."""
    cidrs = networks(family, count)
    code = function_code(config(cidrs))
    case = _viewer(family, cidrs, who)
    return min(time_function(code, case, repeat=repeat, engine=engine) for _ in range(runs))


STATES = {
    "no key, deployed off": (False, None),
    "key off": (True, "off"),
    "key on, outside viewer": (False, "on"),
}
"""Store states of the 5-entry function: (deploy-time state, store value)."""


def state_ms(name: str, *, engine: str, repeat: int, runs: int) -> float:
    enabled, stored = STATES[name]
    cidrs = networks("IPv4", 5)
    code = function_code({**config(cidrs), "enabled": enabled})
    case = viewer_request(ip="198.51.100.7", stored=stored)
    return min(time_function(code, case, repeat=repeat, engine=engine) for _ in range(runs))


def largest_fit(family: str) -> int:
    """The most non-adjacent entries that fit the 10 KB with the default JSON response."""
    low, high = 1, 2000
    while low < high:
        middle = (low + high + 1) // 2
        try:
            check_code_size(config(networks(family, middle)))
            low = middle
        except MaintenanceConfigError:
            high = middle - 1
    return low


def measure(*, repeat: int = 3000, runs: int = 5) -> dict[str, Any]:
    engines = [engine for engine in ("njs", "node") if shutil.which(engine)]
    rows = [
        {
            "entries": f"{count} {family}",
            "viewer": who,
            **{
                engine: per_request_ms(family, count, who, engine=engine, repeat=repeat, runs=runs)
                for engine in engines
            },
        }
        for family, count in SIZES
        for who in VIEWERS
    ]
    states = [
        {
            "state": name,
            **{e: state_ms(name, engine=e, repeat=repeat, runs=runs) for e in engines},
        }
        for name in STATES
    ]
    return {
        "engines": engines,
        "rows": rows,
        "states": states,
        "fit": {family: largest_fit(family) for family in ("IPv4", "IPv6")},
    }


def _table(
    headings: tuple[str, ...], rows: list[dict[str, Any]], keys: tuple[str, ...], engines: list[str]
) -> list[str]:
    """A markdown table: the ``keys`` of each row, then milliseconds per engine."""
    lines = [
        "| " + " | ".join([*headings, *(f"{e} (ms)" for e in engines)]) + " |",
        "| " + " | ".join(["---"] * len(headings) + ["---:"] * len(engines)) + " |",
    ]
    for row in rows:
        cells = [str(row[key]) for key in keys] + [f"{row[e]:.4f}" for e in engines]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def render(result: dict[str, Any]) -> list[str]:
    engines = result["engines"]
    lines = [
        "## 5. CloudFront Function: per-request cost",
        "",
        "Milliseconds per request of `CloudFrontFunctionMaintenance`'s function with the store",
        "key `on`, the fastest of five runs of 3,000 requests in one process, on njs (nginx's",
        "ES5.1 interpreter, the nearest offline stand-in for the cloudfront-js runtime) and on",
        "Node (whose JIT hides most per-request cost). The allowlist is compiled at synth into",
        "sorted fixed-width records that the function binary-searches, so its size barely",
        "changes the cost (goal: 200 IPv4 or 150 IPv6 entries at most 2x the 5-entry function",
        "on njs).",
        "",
        *_table(("allowlist", "viewer"), result["rows"], ("entries", "viewer"), engines),
    ]
    base = {r["viewer"]: r for r in result["rows"] if r["entries"] == "5 IPv4"}
    if "njs" in engines:
        lines += ["", "Ratio to the 5-entry function on njs, same viewer:", ""]
        for row in result["rows"]:
            if row["entries"] in ("200 IPv4", "150 IPv6"):
                ratio = row["njs"] / base[row["viewer"]]["njs"]
                lines.append(f"- {row['entries']}, {row['viewer']}: {ratio:.2f}x")
    if result.get("states"):
        lines += [
            "",
            "By store state (5 entries, outside viewer). Without a key the store's `get()`",
            "throws (as AWS documents for a missing key); njs pays most of that time building",
            "the error, so here the default state costs more than maintenance on. What the",
            "cloudfront-js runtime charges for a missing key is not published: TestFunction's",
            "ComputeUtilization on the deployed function tells.",
            "",
            *_table(("store state",), result["states"], ("state",), engines),
        ]
    fit = result["fit"]
    lines += [
        "",
        f"Largest allowlist that fits the 10 KB of code with the default JSON response: "
        f"**{fit['IPv4']} IPv4** networks or **{fit['IPv6']} IPv6** networks (none adjacent; "
        "adjacent ranges merge first).",
        "",
    ]
    return lines
