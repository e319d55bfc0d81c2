"""The toggle preview: what maintenance changes, and who still gets through, before a deploy.

Synthesizes the app twice (maintenance off and on, side by side), diffs the two assemblies
(:mod:`~maintenance_constructs.tools.preview.diff`), and answers sample requests at every
listener, web ACL and function that carries maintenance rules, in both states
(:mod:`~maintenance_constructs.tools.doors`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ...scope import MaintenanceScope
from ..app.assembly import read_messages, read_states, read_templates
from ..app.secrets import literal_tokens, masked
from ..app.states import synthesize_states
from ..doors.front_doors import front_doors
from ..doors.samples import parse_request
from ..model import ClientKind, FrontDoor, Request, Row
from .diff import Change, diff_assemblies

__all__ = [
    "Change",
    "FrontDoor",
    "Preview",
    "Row",
    "SynthWarning",
    "build_preview",
    "parse_request",
    "preview_assemblies",
    "render_text",
]


@dataclass(frozen=True)
class SynthWarning:
    """A warning or error of the synthesis, once, with the states it appears in."""

    level: str
    path: str
    text: str
    states: tuple[str, ...]  # "off", "on"


@dataclass(frozen=True)
class Preview:
    changes: tuple[Change, ...]
    front_doors: tuple[FrontDoor, ...]
    on_value: Any
    warnings: tuple[SynthWarning, ...] = ()
    secrets: tuple[str, ...] = ()
    """Literal bypass tokens of the templates: never shown (see :func:`masked`)."""
    scopes: tuple[tuple[str, MaintenanceScope], ...] = ()
    """(construct path, scope) of each construct that turns away only some requests."""

    @property
    def only_maintenance(self) -> bool:
        return all(change.maintenance for change in self.changes)

    def to_json(self) -> dict[str, Any]:
        """The preview as JSON data, every literal bypass token masked."""
        data: dict[str, Any] = masked(self._json(), self.secrets)
        return data

    def _json(self) -> dict[str, Any]:
        return {
            "on_value": self.on_value,
            "only_maintenance_rules": self.only_maintenance,
            "changes": [asdict(c) for c in self.changes],
            "warnings": [asdict(w) for w in self.warnings],
            "scopes": [
                {**scope.metadata(), "construct": path, "words": scope.words}
                for path, scope in self.scopes
            ],
            "front_doors": [
                {
                    "kind": door.kind,
                    "name": door.name,
                    "stack": door.stack,
                    "notes": list(door.notes),
                    "rows": [
                        {
                            "request": asdict(row.request),
                            "client": row.client,
                            "off": asdict(row.off),
                            "on": asdict(row.on),
                        }
                        for row in door.rows
                    ],
                }
                for door in self.front_doors
            ],
        }


def build_preview(
    app: str,
    *,
    cwd: Path,
    context: Mapping[str, Any],
    requests: Sequence[Request] | None = None,
) -> Preview:
    """Synthesize ``app`` off and on (other context kept) and build the preview."""
    with tempfile.TemporaryDirectory(prefix="maintenance-preview-") as folder:
        off_dir, on_dir, value = synthesize_states(
            app, cwd=cwd, context=context, folder=Path(folder)
        )
        return preview_assemblies(off_dir, on_dir, on_value=value, requests=requests)


def _warnings(off_dir: Path, on_dir: Path) -> tuple[SynthWarning, ...]:
    seen: dict[tuple[str, str, str], list[str]] = {}
    for state, folder in (("off", off_dir), ("on", on_dir)):
        for message in read_messages(folder):
            seen.setdefault((message.level, message.path, message.text), []).append(state)
    return tuple(SynthWarning(*key, states=tuple(states)) for key, states in seen.items())


def preview_assemblies(
    off_dir: Path,
    on_dir: Path,
    *,
    on_value: Any = True,
    requests: Sequence[Request] | None = None,
) -> Preview:
    """The preview of two cloud assemblies of one app, synthesized off and on (with path
    metadata, as the CDK CLI writes it)."""
    off, on = read_templates(off_dir), read_templates(on_dir)
    states = read_states(on_dir)
    changes = diff_assemblies(off, on, states)
    return Preview(
        changes=tuple(changes),
        front_doors=tuple(front_doors(off, on, states, requests)),
        on_value=on_value,
        warnings=_warnings(off_dir, on_dir),
        secrets=literal_tokens(on),
        scopes=tuple((s.path, s.scope) for s in states if s.scope.partial),
    )


_MARKS = {"added": "+", "removed": "-", "changed": "~"}


def _change_line(change: Change) -> str:
    mark = _MARKS[change.change]
    if change.maintenance and change.description:
        return f"  {mark} {change.stack}: {change.description}"
    where = f" [{', '.join(change.paths)}]" if change.paths else ""
    return (
        f"  {mark} {change.stack}: {change.type} {change.construct or change.logical_id}{where}"
        f"  -> NOT A MAINTENANCE RULE: {change.reason}"
    )


def _table(door: FrontDoor) -> list[str]:
    # The method column only where a row sends something else than GET (a partial scope).
    methods = any(row.request.method != "GET" for row in door.rows)
    header = ("host", "client", *(["method"] if methods else []), "path", "accept")
    header += ("maintenance off", "maintenance on")
    table = [header] + [
        (
            row.request.host,
            f"{row.request.ip} ({row.client})",
            *([row.request.method] if methods else []),
            row.request.path,
            "browser"
            if row.request.accept == ClientKind.BROWSER
            else ("api" if row.request.accept == ClientKind.API else row.request.accept),
            row.off.describe(),
            _on_text(row),
        )
        for row in door.rows
    ]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines = [
        "  " + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
        for cells in table
    ]
    notes = sorted({n for row in door.rows for a in (row.off, row.on) for n in a.notes})
    return lines + [f"  note: {n}" for n in [*door.notes, *notes]]


def _on_text(row: Row) -> str:
    """The answer with maintenance on, saying so when it skips a sign-in the app asks for."""
    text = row.on.describe()
    skipped = row.off.sign_in and row.on.action == "forward" and not row.on.sign_in
    return f"{text} without authentication" if skipped else text


def render_text(preview: Preview) -> str:
    """The human-readable preview: the changes in words, the verdict, the synth warnings once
    each, then who gets what at each front door; every literal bypass token masked."""
    return str(masked(_text(preview), preview.secrets))


def _text(preview: Preview) -> str:
    lines = [f"Maintenance preview: off (false) -> on ({preview.on_value!r})", ""]
    lines.append("What the toggle changes:")
    if not preview.changes:
        lines.append("  nothing (no maintenance construct is switched on by this value)")
    lines += [_change_line(change) for change in preview.changes]
    lines.append("")
    if preview.only_maintenance:
        lines.append("Only maintenance rules change.")
    else:
        others = sum(not c.maintenance for c in preview.changes)
        lines.append(f"WARNING: {others} change(s) are not maintenance rules (exit code 3).")
    if preview.scopes:
        lines += ["", "What maintenance turns away (methods=, paths=):"]
        lines += [f"  {path}: {scope.words}" for path, scope in preview.scopes]
    if preview.warnings:
        lines += ["", "Synth warnings (the states they appear in):"]
        lines += [
            f"  [{', '.join(w.states)}] {w.level}: {w.path}: {w.text}" for w in preview.warnings
        ]
    for door in preview.front_doors:
        lines += ["", f"Who gets what: {door.kind} {door.name} ({door.stack})"]
        lines += _table(door)
    return "\n".join(lines) + "\n"
