"""Parsing the maintenance context value: pure Python, no CDK, so tools can use it cheaply."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import MaintenanceConfigError

__all__ = [
    "FALSE_WORDS",
    "MAINTENANCE_CONTEXT_KEY",
    "TRUE_WORDS",
    "ToggleValue",
    "parse_toggle_value",
    "selector_matches",
]

MAINTENANCE_CONTEXT_KEY = "maintenance"
"""The CDK context key that switches maintenance mode: ``cdk deploy -c maintenance=true``."""

TRUE_WORDS = ("true", "yes", "on", "1")
FALSE_WORDS = ("false", "no", "off", "0", "")
_ACCEPTED = (
    f"booleans true/false (JSON, or the strings {'/'.join(TRUE_WORDS)} and "
    f"{'/'.join(w for w in FALSE_WORDS if w)}/empty), the integers 1/0, or a comma-separated "
    "list of construct-id selectors such as 'Prod' or 'Prod/WebStack,Staging'"
)


@dataclass(frozen=True)
class ToggleValue:
    """A parsed maintenance context value.

    ``everywhere`` is True for a boolean "on"; ``selectors`` holds the id runs of a selector
    list (empty for booleans). ``raw`` is the value as it was found in the context.
    """

    raw: object
    everywhere: bool = False
    selectors: tuple[tuple[str, ...], ...] = ()

    @property
    def on_anywhere(self) -> bool:
        """Whether this value can switch any construct on."""
        return self.everywhere or bool(self.selectors)

    def selects(self, path: str) -> bool:
        """Whether the construct at ``path`` is in maintenance under this value."""
        if self.everywhere:
            return True
        ids = tuple(path.split("/"))
        return any(selector_matches(selector, ids) for selector in self.selectors)


def selector_matches(selector: Sequence[str], path_ids: Sequence[str]) -> bool:
    """Whether the ids of ``selector`` appear as a contiguous run in ``path_ids``."""
    width = len(selector)
    return any(
        tuple(path_ids[start : start + width]) == tuple(selector)
        for start in range(len(path_ids) - width + 1)
    )


def _error(raw: object, problem: str) -> MaintenanceConfigError:
    return MaintenanceConfigError(
        f"context '{MAINTENANCE_CONTEXT_KEY}': {problem} (received {raw!r}). "
        f"Accepted values: {_ACCEPTED}."
    )


def parse_toggle_value(raw: object) -> ToggleValue:
    """Parse a maintenance context value, refusing anything ambiguous.

    ``None`` (unset) is off. ``True``/``False`` and the integers 1/0 are on/off. Strings are
    trimmed and compared case-insensitively with the boolean words; any other string is a
    comma-separated list of selectors. Raises :class:`MaintenanceConfigError` otherwise.
    """
    if raw is None:
        return ToggleValue(raw=raw)
    if isinstance(raw, bool):
        return ToggleValue(raw=raw, everywhere=raw)
    if isinstance(raw, int):
        if raw in (0, 1):
            return ToggleValue(raw=raw, everywhere=raw == 1)
        raise _error(raw, "only the integers 0 and 1 are accepted")
    if not isinstance(raw, str):
        raise _error(raw, f"a {type(raw).__name__} is not a toggle value")
    word = raw.strip().lower()
    if word in TRUE_WORDS or word in FALSE_WORDS:
        return ToggleValue(raw=raw, everywhere=word in TRUE_WORDS)
    return ToggleValue(raw=raw, selectors=_parse_selectors(raw))


def _parse_selectors(raw: str) -> tuple[tuple[str, ...], ...]:
    selectors: list[tuple[str, ...]] = []
    for part in raw.split(","):
        text = part.strip()
        if not text:
            raise _error(raw, "the selector list has an empty entry; remove the extra comma")
        if text.lower() in TRUE_WORDS or text.lower() in FALSE_WORDS:
            raise _error(
                raw,
                f"'{text}' is a boolean inside a selector list; use either a boolean alone or "
                "selectors alone",
            )
        ids = tuple(piece.strip() for piece in text.split("/"))
        if any(not piece for piece in ids):
            raise _error(
                raw,
                f"selector '{text}' has an empty construct id; write ids joined by single '/' "
                "without a leading or trailing '/'",
            )
        if ids not in selectors:
            selectors.append(ids)
    return tuple(selectors)
