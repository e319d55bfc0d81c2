"""Runs the CloudFront Function's JavaScript on Node, as CloudFront would run it, with a stub of
the ``cloudfront`` module's ``kvs()``: one Node process answers a whole batch of cases."""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from maintenance_constructs.edge_function.plan import function_code

IMPORT = "import cf from 'cloudfront';"
STUB = """
const STORE = {};
const cf = { kvs: function (id) { return { get: async function (key) {
    if (id !== CONFIG.store) throw new Error('unknown store ' + id);
    if (!(key in STORE)) throw new Error('key not found');
    return STORE[key];
} }; } };
"""
DRIVER = """
const realNow = Date.now;
async function main() {
    const input = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
    const out = [];
    for (const c of input.cases) {
        for (const k of Object.keys(STORE)) delete STORE[k];
        if (c.stored !== null && c.stored !== undefined) STORE[KEY] = c.stored;
        if (c.cidrs) CONFIG.cidrs = c.cidrs;
        Date.now = function () { return c.now * 1000; };
        if (c.kind === 'allowed') { out.push(allowed(c.ip)); continue; }
        const request = { method: 'GET', uri: c.uri, querystring: {},
            headers: c.headers, cookies: c.cookies };
        const event = { version: '1.0', context: {}, viewer: { ip: c.ip }, request: request };
        out.push(await handler(event));
    }
    Date.now = realNow;
    process.stdout.write(JSON.stringify(out));
}
main().catch(function (e) { console.error(e); process.exit(1); });
"""


def runnable(config: Mapping[str, Any]) -> str:
    """The function's code as Node runs it: the ``cloudfront`` import replaced by the stub."""
    code = function_code(config)
    assert code.count(IMPORT) == 1
    return code.replace(IMPORT, "") + STUB + DRIVER


def run(config: Mapping[str, Any], cases: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Each case's result: the request passed on (a dict with ``uri``), or a response."""
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "function.cjs"
        script.write_text(runnable(config), encoding="utf-8")
        data = Path(folder) / "cases.json"
        data.write_text(json.dumps({"cases": list(cases)}), encoding="utf-8")
        done = subprocess.run(
            ["node", str(script), str(data)], capture_output=True, text=True, timeout=60
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return list(json.loads(done.stdout))


def request(
    *,
    ip: str = "198.51.100.7",
    uri: str = "/",
    headers: Mapping[str, str] | None = None,
    cookies: Mapping[str, str] | None = None,
    stored: str | None = None,
    now: float = 1_800_000_000,
) -> dict[str, Any]:
    """A viewer request case, in the CloudFront Functions event shape."""
    return {
        "ip": ip,
        "uri": uri,
        "headers": {k.lower(): {"value": v} for k, v in (headers or {}).items()},
        "cookies": {k: {"value": v} for k, v in (cookies or {}).items()},
        "stored": stored,
        "now": now,
    }
