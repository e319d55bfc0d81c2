"""Running CloudFrontFunctionMaintenance's function on Node, as CloudFront runs it, with a stub
of the ``cloudfront`` module's ``kvs()``: the preview's answers come from the function itself.
One Node process answers a whole batch of viewer requests."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import MaintenanceConfigError

__all__ = ["IMPORT", "node_runnable", "run_function", "viewer_request"]

IMPORT = "import cf from 'cloudfront';"
_STUB = """
const STORE = {};
const cf = { kvs: function (id) { return { get: async function (key) {
    if (id !== CONFIG.store) throw new Error('unknown store ' + id);
    if (!(key in STORE)) throw new Error('key not found');
    return STORE[key];
} }; } };
"""
_DRIVER = """
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


def node_runnable(code: str) -> str:
    """The function's code as Node runs it: the ``cloudfront`` import replaced by the stub."""
    if code.count(IMPORT) != 1:
        raise MaintenanceConfigError("preview: the function's code does not import cloudfront.")
    return code.replace(IMPORT, "") + _STUB + _DRIVER


def run_function(code: str, cases: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Each case's result: the request passed on (a dict with ``uri``), or a response."""
    node = shutil.which("node")
    if node is None:
        raise MaintenanceConfigError(
            "preview: Node.js is not installed, so the CloudFront Function cannot be run; "
            "install Node.js (the CDK CLI needs it too)."
        )
    with tempfile.TemporaryDirectory(prefix="maintenance-function-") as folder:
        script = Path(folder) / "function.cjs"
        script.write_text(node_runnable(code), encoding="utf-8")
        data = Path(folder) / "cases.json"
        data.write_text(json.dumps({"cases": list(cases)}), encoding="utf-8")
        done = subprocess.run(
            [node, str(script), str(data)], capture_output=True, text=True, timeout=120
        )
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["(no output)"]
        raise MaintenanceConfigError(f"preview: the CloudFront Function failed on Node: {tail[0]}")
    return list(json.loads(done.stdout))


def viewer_request(
    *,
    ip: str,
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
