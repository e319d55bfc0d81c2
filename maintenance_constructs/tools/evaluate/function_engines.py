"""Running CloudFrontFunctionMaintenance's function as CloudFront runs it, with a stub of the
``cloudfront`` module's ``kvs()``: on Node (what the preview and the local edge use), or on
``njs``, nginx's ES5.1-strict interpreter, the nearest offline stand-in for the cloudfront-js
runtime. One process answers a whole batch of viewer requests."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ...errors import MaintenanceConfigError

__all__ = [
    "ENGINES",
    "IMPORTS",
    "node_runnable",
    "run_function",
    "time_function",
    "viewer_request",
]

_TIMEOUT = 120
"""Seconds a batch of cases may take."""
ENGINES = ("node", "njs")
"""The JavaScript engines the function runs on here."""
IMPORTS = ("import cf from 'cloudfront';", "import crypto from 'crypto';")
"""The modules the function imports, each once."""
_STORE = """
var KVS = { store: {}, id: null };
function kvs(id) { return { get: async function (key) {
    if (id !== undefined && id !== KVS.id) throw new Error('unknown store ' + id);
    if (!(key in KVS.store)) throw new Error('key not found');
    return KVS.store[key];
} }; }
"""
_CASE = """
function prepare(c) {
    KVS.id = CONFIG.store;
    KVS.store = {};
    for (var key in c.keys || {}) KVS.store[key] = c.keys[key];
    if (c.stored !== null && c.stored !== undefined) KVS.store[CONFIG.key] = c.stored;
    Date.now = function () { return c.now * 1000; };
    var request = { method: c.method || 'GET', uri: c.uri, querystring: {}, headers: c.headers,
        cookies: c.cookies };
    return { version: '1.0', context: {}, viewer: { ip: c.ip }, request: request };
}
function timed(event, count, clock, done) {
    var start = clock(), k = 0;
    function again() {
        if (k++ >= count) { done((clock() - start) / count); return; }
        handler(event).then(again);
    }
    again();
}
function failure(error) {
    // What the handler threw or rejected with, in one line (a bare `throw null` too).
    var text = error instanceof Error ? String(error) : 'the handler threw ' + String(error);
    return text.replace(/\\s+/g, ' ');
}
function run(cases, done) {
    var out = [], realNow = Date.now;
    function step(i) {
        for (; i < cases.length; i++) {
            if (cases[i].v4 !== undefined) {
                CONFIG.v4 = cases[i].v4; CONFIG.v6 = cases[i].v6; CONFIG.v6l = cases[i].v6l;
            }
            if (cases[i].kind !== 'allowed') break;
            out.push(allowed(cases[i].ip));
        }
        if (i >= cases.length) { Date.now = realNow; done(JSON.stringify(out)); return; }
        if (cases[i].repeat) {
            timed(prepare(cases[i]), cases[i].repeat, realNow, function (ms) {
                out.push({ ms: ms });
                step(i + 1);
            });
            return;
        }
        handler(prepare(cases[i])).then(function (result) { out.push(result); step(i + 1); },
            function (error) { done(null, failure(error)); });
    }
    step(0);
}
"""
_NODE_PRELUDE = "const crypto = require('crypto');\n" + _STORE + "const cf = { kvs: kvs };\n"
"""What the imports give, before the code (an app's code combined with it uses them at once)."""
_NODE = (
    _CASE
    + """
const input = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
run(input.cases, function (text, error) {
    if (text === null) { console.error(error); process.exit(1); }
    require('fs').writeFileSync(process.argv[3], text);
});
"""
)
_NJS_STUB = _STORE + "export default { kvs: kvs, state: KVS };\n"
_NJS = (
    _CASE
    + """
var KVS = cf.state;
var input = JSON.parse(fs.readFileSync(INPUT));
run(input.cases, function (text, error) {
    fs.writeFileSync(OUTPUT, text === null ? 'FAILED ' + error : text);
});
"""
)


def _without_imports(code: str) -> str:
    for line in IMPORTS:
        if code.count(line) != 1:
            raise MaintenanceConfigError(
                f"preview: the function's code does not have {line!r} once, so it is not the "
                "maintenance function this version writes."
            )
        code = code.replace(line, "")
    return code


def node_runnable(code: str) -> str:
    """The function's code as Node runs it: the imports replaced by the stub and Node's own
    crypto module, with the driver that answers a batch of cases."""
    return _NODE_PRELUDE + _without_imports(code) + _NODE


def _njs_runnable(code: str, cases_file: Path) -> str:
    imports = (
        "import cf from 'cloudfront.js';\nimport crypto from 'crypto';\nimport fs from 'fs';\n"
    )
    output = cases_file.with_name("answers.json")
    driver = _NJS.replace("INPUT", json.dumps(str(cases_file)))
    driver = driver.replace("OUTPUT", json.dumps(str(output)))
    return imports + _without_imports(code) + driver


def _engine(engine: str) -> str:
    if engine not in ENGINES:
        raise MaintenanceConfigError(f"engine: {engine!r} is not one of {ENGINES}.")
    found = shutil.which(engine)
    if found is None:
        raise MaintenanceConfigError(
            f"preview: {engine} is not installed, so the CloudFront Function cannot be run; "
            + (
                "install Node.js (the CDK CLI needs it too)."
                if engine == "node"
                else "install njs (Debian package njs)."
            )
        )
    return found


def run_function(
    code: str, cases: Sequence[Mapping[str, Any]], *, engine: str = "node"
) -> list[Any]:
    """Each case's result: the request passed on (a dict with ``uri``), or a response."""
    program = _engine(engine)
    with tempfile.TemporaryDirectory(prefix="maintenance-function-") as folder:
        data = Path(folder) / "cases.json"
        data.write_text(json.dumps({"cases": list(cases)}), encoding="utf-8")
        if engine == "node":
            script = Path(folder) / "function.cjs"
            script.write_text(node_runnable(code), encoding="utf-8")
            command = [program, str(script), str(data), str(data.with_name("answers.json"))]
        else:
            (Path(folder) / "cloudfront.js").write_text(_NJS_STUB, encoding="utf-8")
            script = Path(folder) / "function.js"
            script.write_text(_njs_runnable(code, data), encoding="utf-8")
            command = [program, "-t", "module", "-p", folder, str(script)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise MaintenanceConfigError(
                f"preview: the CloudFront Function gave no answer on {engine} within "
                f"{_TIMEOUT:g} s (does the handler always return?)"
            ) from None
        answers = Path(folder) / "answers.json"  # not stdout: an app's code may log there
        output = (answers.read_text("utf-8") if answers.exists() else done.stdout).strip()
    if done.returncode != 0 or not output or output.startswith("FAILED"):
        lines = (done.stderr.strip() or output.removeprefix("FAILED ")).splitlines()
        errors = [line.strip() for line in lines if re.search(r"\b\w*Error\b", line)]
        tail = errors[:1] or lines[-1:] or ["(no output)"]
        raise MaintenanceConfigError(
            f"preview: the CloudFront Function failed on {engine}: {tail[0]}"
        )
    return list(json.loads(output))


def time_function(
    code: str, case: Mapping[str, Any], *, repeat: int, engine: str = "node"
) -> float:
    """Milliseconds per request for ``case`` answered ``repeat`` times in one process."""
    [result] = run_function(code, [{**case, "repeat": repeat}], engine=engine)
    return float(result["ms"])


def viewer_request(
    *,
    ip: str,
    uri: str = "/",
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    cookies: Mapping[str, str] | None = None,
    stored: str | None = None,
    now: float = 1_800_000_000,
    keys: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A viewer request case, in the CloudFront Functions event shape; ``keys`` are further
    store keys (an app's own, such as redirects)."""
    return {
        "keys": dict(keys or {}),
        "ip": ip,
        "uri": uri,
        "method": method,
        "headers": {k.lower(): {"value": v} for k, v in (headers or {}).items()},
        "cookies": {k: {"value": v} for k, v in (cookies or {}).items()},
        "stored": stored,
        "now": now,
    }
