"""The function's code size at deploy time, checked at synth: deploy-time values are counted at
their longest, and an oversize is refused naming the part that made it so, with that part's
fix. Pure Python, no CDK."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import MaintenanceConfigError
from ..shared import BYPASS_TOKEN_LENGTHS
from .allowlist import RECORD_WIDTHS
from .code_writer import (
    MAX_FUNCTION_CODE_BYTES,
    SCOPE_CHECK_BYTES,
    STORE_ID_LENGTH,
    function_code,
)

__all__ = [
    "DEPLOY_TIME_TOKEN_BYTES",
    "OversizeParts",
    "check_code_size",
    "deploy_time_config",
    "oversize_parts",
]

DEPLOY_TIME_TOKEN_BYTES = 4 * -(-BYPASS_TOKEN_LENGTHS[1] // 3)
"""The base64 of the longest token a deploy-time value may hold (the function admits none
longer)."""


def _bytes(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _parts(config: Mapping[str, Any]) -> dict[str, int]:
    """Bytes of each part the user chooses, by the parameter that sets it; a partial scope
    counts its data and the code that reads it (with ``paths`` when given)."""
    scope = config.get("scope") or {}
    paths = [*(scope.get("exact") or ()), *(scope.get("prefixes") or ())]
    check = SCOPE_CHECK_BYTES if scope else 0
    not_every = scope.get("methods") is not None
    return {
        "allowed_cidrs": sum(len(config[table]) for table in RECORD_WIDTHS),
        "windows": _bytes(config["windows"]),
        "bypass_paths": _bytes(config["paths"]),
        "response": _bytes(config["response"]),
        "browser_response": _bytes(config["browser"]) if config["browser"] else 0,
        "methods": (_bytes(scope["methods"]) + (0 if paths else check)) if not_every else 0,
        "paths": (_bytes(paths) + check) if paths else 0,
    }


def _entries(config: Mapping[str, Any]) -> int:
    return sum(len(config[table]) // width for table, width in RECORD_WIDTHS.items())


def _fix(part: str, config: Mapping[str, Any], size: int, part_bytes: int) -> str:
    if part == "allowed_cidrs":
        entries = _entries(config)
        fit = entries - -(-(size - MAX_FUNCTION_CODE_BYTES) * entries // part_bytes)
        return (
            f"About {max(fit, 0)} of the {entries} allowlist entries (after merging) fit with "
            "these responses: merge ranges, or use CloudFrontMaintenance (WAF IP sets hold "
            "10,000 addresses)."
        )
    if part == "windows":
        return (
            f"Keep the next few of the {len(config['windows'])} windows and switch later ones "
            "at run time (maintenance-constructs switch window START END)."
        )
    if part == "paths":
        count = len(config["scope"]["exact"]) + len(config["scope"]["prefixes"])
        return (
            f"List the common prefixes of the {count} scope paths instead (e.g. "
            "'/checkout/*' for every path under it)."
        )
    if part == "bypass_paths":
        return (
            f"List the common prefixes of the {len(config['paths'])} bypass paths instead "
            "(e.g. '/static/' for every file under it)."
        )
    return (
        f"Shorten the {part} body (a short page that links to a status page, "
        "MaintenanceResponse.page(..., status_url=...))."
    )


def deploy_time_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` with its deploy-time values (the store id, a token from SSM) at their
    longest: what the code's size is counted with."""
    stand_in = {**config, "store": "x" * STORE_ID_LENGTH}
    if config["token"] is not None and "base64" in config["token"]:
        stand_in["token"] = {"base64": "x" * DEPLOY_TIME_TOKEN_BYTES}
    return stand_in


def check_code_size(config: Mapping[str, Any]) -> int:
    """The code's size in bytes at deploy time (the store id, and a deploy-time token at its
    longest); refused over 10 KB, naming the largest part and its fix."""
    size = len(function_code(deploy_time_config(config)).encode("utf-8"))
    if size <= MAX_FUNCTION_CODE_BYTES:
        return size
    parts = oversize_parts(config, size)
    raise MaintenanceConfigError(
        f"{parts.largest}: the function's code would be {size} bytes, over the "
        f"{MAX_FUNCTION_CODE_BYTES} bytes (10 KB) a CloudFront Function may have "
        f"({parts.listing}; the rest is the function itself). {parts.fix}"
    )


@dataclass(frozen=True)
class OversizeParts:
    """What a code over 10 KB is made of: its largest part the user chooses, by parameter."""

    largest: str
    largest_bytes: int
    listing: str
    """Every part's size, in words."""
    fix: str
    """How to shrink the largest part."""


def oversize_parts(config: Mapping[str, Any], size: int) -> OversizeParts:
    """The parts of ``config``'s code, ``size`` bytes (over 10 KB), and the largest's fix."""
    parts = _parts(config)
    largest = max(parts, key=lambda name: parts[name])
    listing = ", ".join(f"{name} {count} bytes" for name, count in parts.items() if count > 2)
    return OversizeParts(
        largest, parts[largest], listing, _fix(largest, config, size, parts[largest])
    )
