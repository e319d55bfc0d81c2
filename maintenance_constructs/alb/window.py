"""Where AlbMaintenance's rules sit on the listener: the window of priorities it reserves, its
bands (one per kind of rule), and the automatic placement before the app's own rules.

Pure data, no CDK. The window and its bands depend only on the window's first priority and
size, never on how many rules are planned now, so edits while maintenance is on (CIDRs,
hosts, bypass paths) never move a rule onto a priority another rule holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..errors import MaintenanceConfigError

__all__ = [
    "BANDS",
    "DEFAULT_FIRST_PRIORITY",
    "MAX_PRIORITY",
    "MIN_PRIORITY",
    "MIN_WINDOW",
    "PRIORITY_WINDOW",
    "AppRulePriority",
    "PriorityBand",
    "RuleKind",
    "bands",
    "no_room",
    "place_window",
]

RuleKind = Literal["guard", "bypass", "allow", "token", "browser", "maintenance"]
MIN_PRIORITY, MAX_PRIORITY = 1, 50000
PRIORITY_WINDOW = 90
"""Priorities a window holds when there is room: 10..99 by default, before an app rule at 100."""
DEFAULT_FIRST_PRIORITY = 10
MIN_WINDOW = 12
"""The smallest window placed automatically: a priority for each kind of rule, the rest for
allow rules."""


@dataclass(frozen=True)
class PriorityBand:
    """Where the rules of one kind sit in the window: ``offset`` from its first priority, and
    how many rules of the kind fit."""

    kind: RuleKind
    offset: int
    size: int


_FULL: tuple[tuple[RuleKind, int], ...] = (
    ("guard", 5),
    ("bypass", 10),
    ("allow", 50),
    ("token", 10),
    ("browser", 5),
    ("maintenance", 10),
)


def bands(size: int = PRIORITY_WINDOW) -> tuple[PriorityBand, ...]:
    """The bands of a window of ``size`` priorities in evaluation order, the maintenance
    (fixed 503) rules at its top: the full layout scaled down (each kind keeps at least one
    priority, the allow band takes what rounding leaves)."""
    sizes = {kind: max(1, full * size // PRIORITY_WINDOW) for kind, full in _FULL}
    sizes["allow"] += size - sum(sizes.values())
    result, offset = [], 0
    for kind, _ in _FULL:
        result.append(PriorityBand(kind, offset, sizes[kind]))
        offset += sizes[kind]
    return tuple(result)


BANDS = bands()
"""The bands of a full window (90 priorities)."""


@dataclass(frozen=True)
class AppRulePriority:
    """An app rule on the listener, as placement sees it: where it is, its priority, and
    whether it can match requests the maintenance covers (then the window must come first)."""

    path: str
    priority: int
    overlaps: bool


def place_window(rules: Sequence[AppRulePriority], taken: Sequence[range], *, needed: int) -> range:
    """The window for a construct without ``priority``: the default 10..99 when it is free
    and before every overlapping app rule; else the first 90 free priorities in a row before
    the first such rule; else the largest free run there (at least ``needed`` and
    :data:`MIN_WINDOW`), with smaller bands. ``taken`` are other constructs' windows on the
    listener."""
    first = min((r.priority for r in rules if r.overlaps), default=MAX_PRIORITY + 1)
    held = {r.priority for r in rules} | {p for window in taken for p in window}
    default = range(DEFAULT_FIRST_PRIORITY, DEFAULT_FIRST_PRIORITY + PRIORITY_WINDOW)
    if default.stop <= first and not held & set(default):
        return default
    runs = _free_runs(held, stop=min(first, MAX_PRIORITY + 1))
    for start, stop in runs:
        if stop - start >= PRIORITY_WINDOW:
            return range(start, start + PRIORITY_WINDOW)
    start, stop = max(runs, key=lambda run: run[1] - run[0], default=(MIN_PRIORITY, MIN_PRIORITY))
    if stop - start >= max(needed, MIN_WINDOW):
        return range(start, stop)
    raise MaintenanceConfigError(no_room(rules, free=stop - start, needed=max(needed, MIN_WINDOW)))


def _free_runs(held: set[int], *, stop: int) -> list[tuple[int, int]]:
    """Runs [start, stop) of priorities below ``stop`` that nothing holds."""
    runs, start = [], MIN_PRIORITY
    for priority in sorted(p for p in held if p < stop):
        if priority > start:
            runs.append((start, priority))
        start = max(start, priority + 1)
    if stop > start:
        runs.append((start, stop))
    return runs


def no_room(rules: Sequence[AppRulePriority], *, free: int, needed: int) -> str:
    """The refusal, with the renumbering that makes room: every app rule from the first
    overlapping one moved up by the same step, past a full window."""
    first = min((r.priority for r in rules if r.overlaps), default=MAX_PRIORITY + 1)
    moved = sorted((r for r in rules if r.priority >= first), key=lambda r: r.priority)
    step = 100 * -(-(DEFAULT_FIRST_PRIORITY + PRIORITY_WINDOW - first) // 100)
    listed = ", ".join(f"{r.path} {r.priority} -> {r.priority + step}" for r in moved[:6])
    more = f" and {len(moved) - 6} more" if len(moved) > 6 else ""
    return (
        f"priority: the app's rules on the listener leave {free} free priorities before "
        f"{moved[0].path} (priority {first}), and the maintenance rules need at least "
        f"{needed} there, before every app rule that serves the same requests. Renumber the "
        f"app's rules by {step} ({listed}{more}): the maintenance rules then take "
        f"{DEFAULT_FIRST_PRIORITY}..{DEFAULT_FIRST_PRIORITY + PRIORITY_WINDOW - 1}. Do it while "
        "maintenance is off."
    )
