"""Every warning id is defined once, in maintenance_constructs/warning_catalog.py; the code takes
ids from it (an id it does not list cannot be emitted), docs/warnings.md is rendered from it,
and every id the test apps emit is listed."""

from __future__ import annotations

import json
import re
from pathlib import Path

from maintenance_constructs.warning_catalog import (
    CATALOG,
    WARNING_PREFIX,
    render_markdown,
    warning_id,
)

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "maintenance_constructs"


def test_docs_page_matches_the_catalog() -> None:
    assert (ROOT / "docs" / "warnings.md").read_text(encoding="utf-8") == render_markdown()


def test_the_code_names_warnings_only_through_the_catalog() -> None:
    names = {entry.name for entry in CATALOG}
    used = set()
    for path in PACKAGE.rglob("*.py"):
        if path.name in ("warning_catalog.py", "shared.py"):
            continue  # the catalog itself; the assembly's metadata types (not warnings)
        text = path.read_text(encoding="utf-8")
        assert not re.search(r'"maintenance-constructs:[a-z][A-Za-z]+"', text), path
        used |= set(re.findall(r"warning_id\(\"([A-Za-z]+)\"\)", text))
        used |= set(re.findall(r"warning_id\('([A-Za-z]+)'\)", text))
    assert used == names  # each catalogued warning is emitted somewhere, and nothing else


def test_an_unknown_name_cannot_be_emitted() -> None:
    assert warning_id("albHeadersNotSent") == WARNING_PREFIX + "albHeadersNotSent"
    try:
        warning_id("typoWarning")
    except KeyError:
        return
    raise AssertionError("an unknown warning name was accepted")


def test_every_warning_the_example_and_shapes_emit_is_listed(tmp_path: Path) -> None:
    """A real-app shape with warnings, synthesized: every maintenance-constructs id in its
    assembly is in the catalog."""
    from apps.shapes import build

    ids = {entry.id for entry in CATALOG}
    seen = set()
    for shape in ("blue-green",):  # a CodeDeploy group and an open test listener
        build(shape, {"maintenance": "true"}, outdir=str(tmp_path / shape)).synth()
        for metadata in (tmp_path / shape).glob("*.metadata.json"):
            text = json.dumps(json.loads(metadata.read_text()))
            seen |= set(re.findall(r"\[ack: (maintenance-constructs:[A-Za-z]+)\]", text))
            seen |= set(re.findall(r"(maintenance-constructs:[a-z][A-Za-z]+)", text))
    seen -= {"maintenance-constructs:state", "maintenance-constructs:scope"}  # metadata
    assert len(seen) >= 2 and seen <= ids, seen - ids
