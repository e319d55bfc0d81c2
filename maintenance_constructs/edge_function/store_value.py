"""The runtime switch's value: the store key's name and the one grammar of its value, which the
function (handler.js, given ``VALUE_PATTERN`` at synth) and ``switch`` both read. Pure Python.

Grammar, after leading and trailing spaces, tabs and line breaks are dropped:

- ``on``: maintenance on (no end known);
- ``off``: maintenance off, scheduled windows included;
- ``window START END``: on from START until END, in whole seconds since the epoch (1 to 11
  digits each, END after START), single spaces between the words;
- ``on START``: as if no key before START, on from START (no end known): a flip that happens
  at the same instant at every edge location, whenever the write reached it;
- ``off START``: on before START, off from START (scheduled windows included);
- anything else is not understood and ignored: the deploy-time state and the scheduled
  windows decide, as with no key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "MAX_EPOCH_SECONDS",
    "STORE_KEY",
    "VALUE_PATTERN",
    "VALUE_SPACE",
    "StoreValue",
    "parse_store_value",
]

STORE_KEY = "maintenance"
"""The store key that overrides the deploy-time state."""
VALUE_SPACE = " \t\r\n"
"""The characters dropped from both ends of a value before it is read."""
VALUE_PATTERN = r"^(?:(on|off)(?: ([0-9]{1,11}))?|window ([0-9]{1,11}) ([0-9]{1,11}))$"
"""The value's grammar as a regular expression both Python and JavaScript read the same way."""
_VALUE = re.compile(VALUE_PATTERN)
MAX_EPOCH_SECONDS = 99_999_999_999
"""The latest moment a window may name (11 digits: the year 5138)."""


@dataclass(frozen=True)
class StoreValue:
    """What the function makes of a store value: ``kind`` is ``on``, ``off``, ``window``,
    ``on-at``, ``off-at`` or ``ignored`` (no key, or a value outside the grammar); a window has
    ``start`` and ``end``, a timed flip its ``start``."""

    kind: str
    start: int | None = None
    end: int | None = None

    def in_effect(self, now: float) -> bool:
        """Whether this value puts maintenance on at ``now`` by itself."""
        if self.kind == "window":
            assert self.start is not None and self.end is not None
            return self.start <= now < self.end
        if self.kind in ("on-at", "off-at"):
            assert self.start is not None
            return (now >= self.start) == (self.kind == "on-at")
        return self.kind == "on"


def parse_store_value(value: str | None) -> StoreValue:
    """The value as the function reads it (None: no key)."""
    if value is None:
        return StoreValue("ignored")
    found = _VALUE.fullmatch(value.strip(VALUE_SPACE))
    if found is None:
        return StoreValue("ignored")
    if found.group(1):
        if found.group(2) is None:
            return StoreValue(found.group(1))
        return StoreValue(f"{found.group(1)}-at", int(found.group(2)))
    start, end = int(found.group(3)), int(found.group(4))
    return StoreValue("window", start, end) if start < end else StoreValue("ignored")
