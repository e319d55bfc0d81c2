"""The CloudFront Function's code: the handler with its configuration written in, and the size
checks AWS would otherwise apply at deploy time. Pure Python, no CDK."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from ..errors import MaintenanceConfigError
from ..response import MaintenanceResponse
from ..shared import BYPASS_COOKIE, BYPASS_HEADER
from .windows import MaintenanceWindow

__all__ = [
    "END_TIME_MARKER",
    "MAX_FUNCTION_CODE_BYTES",
    "STORE_ID_LENGTH",
    "STORE_KEY",
    "function_code",
    "function_config",
]

MAX_FUNCTION_CODE_BYTES = 10240
"""The most bytes of code a CloudFront Function may have (10 KB)."""
STORE_ID_LENGTH = 36
"""A KeyValueStore id (a UUID), which the code names; a deploy-time value at synth."""
STORE_KEY = "maintenance"
"""The store key that overrides the deploy-time state: ``on``, ``off`` or ``window S E``."""
END_TIME_MARKER = "__MAINTENANCE_END__"
"""Text in a response body that the function replaces with the window's end (ISO 8601, UTC)."""
_CONFIG = "__CONFIG__"


@cache
def _handler_source() -> str:
    """handler.js without comments and indentation: bytes count against the 10 KB. Read once:
    every construct and every size check writes its configuration into the same text."""
    text = resources.files(__package__).joinpath("handler.js").read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//")) + "\n"


def _answer(response: MaintenanceResponse) -> dict[str, Any]:
    return {
        "status": response.status_code,
        "type": response.content_type
        + ("; charset=utf-8" if "text" in response.content_type else ""),
        "body": response.body,
        "retry": response.retry_after,
        "headers": {name.lower(): value for name, value in response.headers},
    }


def function_config(
    *,
    enabled: bool,
    cidrs: Sequence[str],
    bypass_paths: Sequence[str],
    token: str | None,
    link_prefix: str,
    response: MaintenanceResponse,
    browser_response: MaintenanceResponse | None,
    windows: Sequence[MaintenanceWindow],
    store: str,
) -> dict[str, Any]:
    """What the function decides with, as it reads it (``CONFIG`` in handler.js)."""
    return {
        "enabled": enabled,
        "store": store,
        "cidrs": list(cidrs),
        "paths": list(bypass_paths),
        "token": token,
        "link": link_prefix,
        "header": BYPASS_HEADER.lower(),
        "cookie": BYPASS_COOKIE,
        "windows": [list(window.epoch_seconds) for window in windows],
        "response": _answer(response),
        "browser": None if browser_response is None else _answer(browser_response),
    }


def function_code(config: Mapping[str, Any]) -> str:
    """The function's code with ``config`` written in."""
    written = json.dumps(config, ensure_ascii=False, separators=(",", ":"))
    return _handler_source().replace(_CONFIG, written)


def check_code_size(config: Mapping[str, Any], *, token_length: int) -> int:
    """The code's size in bytes at deploy time (deploy-time values at their longest); refused
    over 10 KB, saying how many allowlist entries fit."""
    stand_in = {**config, "store": "x" * STORE_ID_LENGTH}
    if config["token"] is not None:
        stand_in["token"] = "x" * token_length
    size = len(function_code(stand_in).encode("utf-8"))
    if size <= MAX_FUNCTION_CODE_BYTES:
        return size
    cidrs = list(config["cidrs"])
    without = len(function_code({**stand_in, "cidrs": []}).encode("utf-8"))
    average = (size - without) / len(cidrs) if cidrs else 0
    fit = int((MAX_FUNCTION_CODE_BYTES - without) // average) if average else 0
    raise MaintenanceConfigError(
        f"allowed_cidrs/response: the function's code would be {size} bytes, over the "
        f"{MAX_FUNCTION_CODE_BYTES} bytes (10 KB) a CloudFront Function may have "
        f"({len(cidrs)} allowlist entries, {len(config['response']['body'].encode())} bytes of "
        f"response body). "
        + (
            f"About {max(fit, 0)} entries fit with these responses: merge ranges, shorten the "
            "responses, or use CloudFrontMaintenance (WAF IP sets hold 10,000 addresses)."
            if cidrs
            else "Shorten the responses (a short page that links to a status page)."
        )
    )
