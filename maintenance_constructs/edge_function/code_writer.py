"""The CloudFront Function's code: handler.js with its configuration (``config.FunctionConfig``)
written in as data. Pure Python, no CDK."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from ..response import MaintenanceResponse
from ..scope import EVERY_REQUEST, MaintenanceScope
from ..shared import BYPASS_COOKIE, BYPASS_HEADER, BYPASS_TOKEN_CHARACTERS, BYPASS_TOKEN_LENGTHS
from .allowlist import DIGITS, compile_allowlist
from .config import scope_json
from .end_marker import END_TIME_MARKER, end_cuts
from .store_value import STORE_KEY, VALUE_PATTERN
from .windows import MaintenanceWindow

__all__ = [
    "END_TIME_MARKER",
    "MAX_FUNCTION_CODE_BYTES",
    "SCOPE_CHECK_BYTES",
    "STORE_ID_LENGTH",
    "STORE_KEY",
    "TOKEN_PATTERN",
    "deploy_time_token",
    "function_code",
    "function_config",
    "literal_token",
]

MAX_FUNCTION_CODE_BYTES = 10240
"""The most bytes of code a CloudFront Function may have (10 KB)."""
STORE_ID_LENGTH = 36
"""A KeyValueStore id (a UUID), which the code names; a deploy-time value at synth."""
TOKEN_PATTERN = (
    f"^[{BYPASS_TOKEN_CHARACTERS}]{{{BYPASS_TOKEN_LENGTHS[0]},{BYPASS_TOKEN_LENGTHS[1]}}}$"
)
"""A well-formed bypass token, as the function checks every candidate and the deploy-time
token itself."""
UNCLEAR_PATTERN = r"(^|/)\.|//|;|\\|%(2e|2f|5c|25|3b|u|c0|c1)"
"""A path an origin could read as another path (compared ignoring case): a segment that starts
with a dot, an empty segment, ``;`` (Tomcat's path parameters), a backslash, or an escaped dot,
slash, backslash, percent sign or semicolon (also as ``%u`` and overlong UTF-8). Under a
``paths=`` scope such a path counts as in scope, whatever it looks like; it is looked for in the
path as sent, and every other path is compared with the scope once percent-decoded (as is one
that does not decode: in scope)."""
_PATTERNS = {
    "/__VALUE_PATTERN__/": VALUE_PATTERN,
    "/__TOKEN_PATTERN__/": TOKEN_PATTERN,
    "/__UNCLEAR_PATTERN__/": UNCLEAR_PATTERN,
}
_SCOPE_BLOCK = re.compile(r"^[ \t]*// <scope>.*?// </scope>\n", re.M | re.S)
"""The parts of handler.js that only a partial scope needs (``CONFIG.scope``): left out
otherwise, so the code of a construct without ``methods``/``paths`` is what it always was."""
_CONFIG = "__CONFIG__"
"""Where handler.js takes its configuration (after ``config.CONFIG_PREFIX``)."""
_TRAILING_COMMENT = re.compile(r"\s+//\s.*$")


def _without_comment(line: str) -> str:
    """A line of handler.js without its comment (a ``//`` outside quotes after code)."""
    line = line.strip()
    if line.startswith("//"):
        return ""
    found = _TRAILING_COMMENT.search(line)
    if found and line[: found.start()].count("'") % 2 == 0:
        return line[: found.start()]
    return line


_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")
_BEFORE_REGEX = frozenset("(,=:[!&|?{};")


def _squeezed(line: str) -> str:
    """A line without the spaces JavaScript does not need: kept inside strings and regular
    expression literals, between two word characters, and between ``+``/``-`` pairs."""
    out: list[str] = []
    quote = ""  # the open string's quote, or "/" inside a regular expression literal
    in_class = escaped = False
    for index, char in enumerate(line):
        if quote:
            out.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif quote == "/" and char in "[]":
                in_class = char == "["
            elif char == quote and not in_class:
                quote = ""
            continue
        if char in "'\"":
            quote = char
        elif char == "/" and (not out or out[-1] in _BEFORE_REGEX or out[-6:] == list("return")):
            quote = "/"
        elif char == " ":
            before, after = (out[-1] if out else ""), line[index + 1 : index + 2]
            if (before in _WORD and after in _WORD) or before + after in ("++", "--", "+-", "-+"):
                out.append(char)
            continue
        out.append(char)
    return "".join(out)


@cache
def _handler_source(scoped: bool) -> str:
    """handler.js without comments and indentation (bytes count against the 10 KB), with the
    constant patterns written in as regular expression literals, and the scope check only when
    ``scoped``. Read once for each."""
    text = resources.files(__package__).joinpath("handler.js").read_text(encoding="utf-8")
    if not scoped:
        text = _SCOPE_BLOCK.sub("", text)
    lines = (_without_comment(line) for line in text.splitlines())
    kept = ("import ", "const ")  # read back as written (the imports, `const CONFIG = `)
    code = (
        "\n".join(line if line.startswith(kept) else _squeezed(line) for line in lines if line)
        + "\n"
    )
    for placeholder, pattern in _PATTERNS.items():
        code = code.replace(placeholder, "/" + pattern.replace("/", "\\/") + "/")
    return code.replace("__DIGITS__", DIGITS)


SCOPE_CHECK_BYTES = len(_handler_source(True).encode("utf-8")) - len(
    _handler_source(False).encode("utf-8")
)
"""The bytes of code a partial scope adds to the function, its data aside."""


def literal_token(token: str) -> dict[str, str]:
    """A token known at synth, as the code holds it: only its SHA-256, never the token."""
    return {"sha256": hashlib.sha256(token.encode("ascii")).hexdigest()}


def deploy_time_token(encoded: str) -> dict[str, str]:
    """A token known at deploy time (an SSM parameter's value), as the code holds it: its
    base64 (``Fn::Base64``), whose letters cannot end a JavaScript string, so no value can
    become code; the function decodes it and admits nothing unless it is a well-formed token."""
    return {"base64": encoded}


def _answer(response: MaintenanceResponse) -> dict[str, Any]:
    return {
        "status": response.status_code,
        "type": response.content_type
        + ("; charset=utf-8" if "text" in response.content_type else ""),
        "body": response.body,
        "cuts": end_cuts(response.body, response.content_type),
        "retry": response.retry_after,
        "headers": {name.lower(): value for name, value in response.headers},
    }


def function_config(
    *,
    enabled: bool,
    cidrs: Sequence[Any],
    bypass_paths: Sequence[str],
    token: Mapping[str, str] | None,
    link_prefix: str,
    response: MaintenanceResponse,
    browser_response: MaintenanceResponse | None,
    windows: Sequence[MaintenanceWindow],
    store: str,
    scope: MaintenanceScope = EVERY_REQUEST,
) -> dict[str, Any]:
    """What the function decides with, as it reads it (``CONFIG`` in handler.js). ``cidrs``
    are normalized networks (``ipaddress``); ``token`` is :func:`literal_token` or
    :func:`deploy_time_token` (or None); ``scope`` adds ``CONFIG.scope`` (and the code that
    reads it) only when partial."""
    written = {
        "enabled": enabled,
        "store": store,
        "key": STORE_KEY,
        **compile_allowlist(cidrs),
        "paths": list(bypass_paths),
        "token": None if token is None else dict(token),
        "link": link_prefix,
        "header": BYPASS_HEADER.lower(),
        "cookie": BYPASS_COOKIE,
        "mark": END_TIME_MARKER,
        "windows": [list(window.epoch_seconds) for window in windows],
        "response": _answer(response),
        "browser": None if browser_response is None else _answer(browser_response),
    }
    scoped = scope_json(scope)
    return written if scoped is None else {**written, "scope": scoped}


def config_json(config: Mapping[str, Any]) -> str:
    """``config`` as the JavaScript data it is written as: JSON, with the two characters that
    JSON allows in a string and ES5.1 source does not (U+2028, U+2029) escaped."""
    written = json.dumps(config, ensure_ascii=False, separators=(",", ":"))
    return written.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def function_code(config: Mapping[str, Any]) -> str:
    """The function's code with ``config`` written in."""
    return _handler_source("scope" in config).replace(_CONFIG, config_json(config))
