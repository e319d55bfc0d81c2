"""One viewer-request function from two: the maintenance code first, then the app's own
function (an SPA rewrite, redirects) for every request that passes. A behavior runs one
viewer-request function, and CloudFront has no chaining, so composing is a build-time job.
Pure Python, no CDK.

The app's code runs inside a function scope of its own, so none of its names meets the
maintenance code's; its imports of ``cloudfront`` and ``crypto`` are given the maintenance
code's (each module is imported once), under the names the app chose.
"""

from __future__ import annotations

import re

from ..errors import MaintenanceConfigError
from .code_writer import MAX_FUNCTION_CODE_BYTES
from .size import OversizeParts

__all__ = ["APP_RUNTIMES", "compose_code", "composed_size_error"]

APP_RUNTIMES = ("cloudfront-js-1.0", "cloudfront-js-2.0")
"""The runtimes of app functions that can be combined (the result runs on 2.0)."""
_MAINTENANCE_HANDLER = "async function handler(event){"
_IMPORT = re.compile(
    r"""^[ \t]*import[ \t]+(\w+)[ \t]+from[ \t]+['"]([\w./-]+)['"][ \t]*;?[ \t]*"""
    r"""(?://[^\n]*)?$""",
    re.M,
)
_RUNTIME_1_ONLY = re.compile(r"\.(bytesFrom|fromBytes|fromUTF8|toBytes|toUTF8)\s*\(")
"""String methods of cloudfront-js-1.0 that 2.0, which the combined function runs on, lacks."""
_OWN_MODULES = {"cloudfront": "cf", "crypto": "crypto"}
"""The modules the maintenance code imports, by the names it gives them."""
_ANY_IMPORT = re.compile(r"^[ \t]*(import|export)\b", re.M)
_COMMENTS = re.compile(r"/\*.*?\*/|(?<![:'\"\\])//[^\n]*", re.S)
"""Comments, left out where the code is searched for its handler and imports (a ``//`` after a
colon or a quote is taken for a URL in a string)."""
_HANDLER = re.compile(
    r"\b(async[ \t]+)?function[ \t]+handler[ \t]*\(|\b(var|let|const)[ \t]+handler\b"
)


def _app_parts(name: str, code: str) -> tuple[list[str], list[str], str]:
    """The app code's imported names, the maintenance code's names to give them, and the code
    without its import lines; refused when it imports anything else or has no handler."""
    code = code.replace("\r\n", "\n")
    only_1_0 = _RUNTIME_1_ONLY.search(code)
    if only_1_0:
        raise MaintenanceConfigError(
            f"behaviors: the function {name} calls .{only_1_0.group(1)}(), a string method of "
            "cloudfront-js-1.0 that cloudfront-js-2.0 (which the combined function runs on) "
            "does not have, so every request that passes maintenance would fail. Rewrite "
            "those calls for 2.0 (String.fromCharCode, Buffer), or leave the behavior out "
            "(behaviors=[...])."
        )
    names, given = [], []
    for local, module in _IMPORT.findall(code):
        if module not in _OWN_MODULES:
            raise MaintenanceConfigError(
                f"behaviors: the function {name} imports {module!r}; only code that imports "
                "'cloudfront' and 'crypto' (the modules the maintenance code has) is combined "
                "with it. Drop that import, or leave the behavior out (behaviors=[...])."
            )
        names.append(local)
        given.append(_OWN_MODULES[module])
    body = _IMPORT.sub("", code)
    if _ANY_IMPORT.search(_COMMENTS.sub("", body)) or not _HANDLER.search(_COMMENTS.sub("", body)):
        raise MaintenanceConfigError(
            f"behaviors: the code of the function {name} has no top-level `function handler` "
            "(or has an import or export this construct cannot read), so it cannot be "
            "combined with the maintenance code. Give it a `function handler(event)` as "
            "CloudFront requires, or leave the behavior out (behaviors=[...])."
        )
    return names, given, body


def compose_code(maintenance: str, name: str, app: str) -> str:
    """The combined function's code: ``maintenance`` (the maintenance function's code) with
    its handler renamed, the app's code ``app`` (of the function named ``name``) in a scope of
    its own, and one handler that runs the app's handler on every request maintenance passes
    on unchanged."""
    if maintenance.count(_MAINTENANCE_HANDLER) != 1:
        raise AssertionError("the maintenance code's handler was not found once")
    names, given, body = _app_parts(name, app)
    own = maintenance.replace(_MAINTENANCE_HANDLER, "async function maintenance(event){")
    return (
        own
        + f"const appHandler=(function({','.join(names)}){{\n{body.strip()}\n"
        + "return typeof handler==='function'?handler:null;\n})"
        + f"({','.join(given)});\n"
        + "async function handler(event){\n"
        + "var passed=await maintenance(event);\n"
        + "if(passed!==event.request||appHandler===handler||appHandler===null)return passed;\n"
        + "return appHandler(event);\n"
        + "}\n"
    )


def composed_size_error(
    name: str, maintenance_bytes: int, app_bytes: int, total: int, parts: OversizeParts
) -> str:
    """The refusal of a combined function over 10 KB: both parts' sizes, the maintenance
    code's parts, and each shrink that could make it fit."""
    over = total - MAX_FUNCTION_CODE_BYTES
    ways = [f"shorten the app's code by {over} bytes or more"] if app_bytes > over else []
    if parts.largest_bytes > over:
        ways.append(
            f"shrink {parts.largest} ({parts.largest_bytes} bytes), the largest part of the "
            f"maintenance code: {parts.fix[0].lower()}{parts.fix[1:].rstrip('.')}"
        )
    ways.append("leave the behavior out (behaviors=[...])")
    return (
        f"behaviors: the function {name} ({app_bytes} bytes) combined with the maintenance "
        f"code ({maintenance_bytes} bytes at deploy time: {parts.listing}; the rest is the "
        f"function itself) would be {total} bytes, {over} over the {MAX_FUNCTION_CODE_BYTES} "
        f"bytes (10 KB) a CloudFront Function may have. To fit, {'; or '.join(ways)}."
    )
