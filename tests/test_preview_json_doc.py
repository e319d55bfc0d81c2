"""docs/preview.md lists every key of `preview --json`, and only those: its tables are compared
with the keys of a real preview's JSON (an app whose every list has an item: changes, a synth
warning, a door with notes, rows), so a key added to the output, or dropped, fails here until
the page says so."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from apps.behind_cloudfront import preview

DOC = Path(__file__).resolve().parent.parent / "docs" / "preview.md"
ANSWERS = ("front_doors[].rows[].off", "front_doors[].rows[].on")
"""The answers, whose keys the page lists once, in their own table."""


def _keys(value: Any, prefix: str = "") -> set[str]:
    """Every key path of a JSON value, ``[]`` for the items of a list of objects."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            found |= {path, *_keys(item, path)}
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                found |= _keys(item, f"{prefix}[]")
    return found


def _tables(section: str) -> list[list[str]]:
    """The first cell's key of each row, per table of the section."""
    tables: list[list[str]] = []
    for block in re.split(r"\n\s*\n", section):
        rows = [line for line in block.splitlines() if line.startswith("| `")]
        if rows:
            tables.append([re.match(r"\| `([^`]+)`", row)[1] for row in rows])  # type: ignore[index]
    return tables


def _documented() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("\n## JSON\n", 1)[1].split("\n## ", 1)[0]
    document, answer = _tables(section)
    keys = {key.removesuffix("[]") for key in document}
    return keys | {f"{prefix}.{key}" for prefix in ANSWERS for key in answer}


def test_every_key_of_the_json_output_is_documented_and_every_documented_key_exists() -> None:
    data = json.loads(json.dumps(preview("same-stack").to_json()))  # as `--json` prints it
    assert data["warnings"] and data["changes"] and data["front_doors"][0]["notes"]
    real, documented = _keys(data), _documented()
    assert sorted(real - documented) == [], "keys of `preview --json` missing in docs/preview.md"
    assert sorted(documented - real) == [], "docs/preview.md lists keys `preview --json` lacks"
