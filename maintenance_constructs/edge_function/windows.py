"""Scheduled maintenance windows: value objects, UTC inside, CDK-free."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from ..errors import MaintenanceConfigError

__all__ = ["MaintenanceWindow"]


@dataclass(frozen=True)
class MaintenanceWindow:
    """A period during which maintenance is on, whatever the deploy-time state.

    ``start`` and ``end`` are timezone-aware datetimes (any zone; kept as UTC). During the
    window the front door answers with the maintenance response and ``Retry-After`` counts
    down to ``end``. A naive datetime is refused: its zone would be a guess.
    """

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, datetime):
                raise MaintenanceConfigError(
                    f"windows.{name}: {value!r} is not a datetime; pass e.g. "
                    "datetime(2027, 1, 9, 2, 0, tzinfo=timezone.utc)."
                )
            if value.tzinfo is None or value.utcoffset() is None:
                raise MaintenanceConfigError(
                    f"windows.{name}: {value.isoformat()} has no time zone, so the window's "
                    "moment is unknown; pass an aware datetime, e.g. with tzinfo=timezone.utc "
                    "or ZoneInfo('Europe/Berlin')."
                )
            object.__setattr__(self, name, value.astimezone(timezone.utc))
        if self.end <= self.start:
            raise MaintenanceConfigError(
                f"windows.end: {self.end.isoformat()} is not after start "
                f"{self.start.isoformat()}; give an end later than the start."
            )

    @property
    def epoch_seconds(self) -> tuple[int, int]:
        """``(start, end)`` in whole seconds since the epoch, as the function compares them."""
        return int(self.start.timestamp()), int(self.end.timestamp())
