"""The values ``switch`` writes and reads: from an action and its times to the key's value, and
from a value to what the function does with it (the one grammar both read,
``edge_function/store_value.py``). Pure Python, no AWS."""

from __future__ import annotations

from datetime import datetime, timezone

from ...edge_function.store_value import MAX_EPOCH_SECONDS, parse_store_value
from ...errors import MaintenanceConfigError

__all__ = ["describe_value", "effective_state", "switch_value"]

_NO_KEY = "the deploy-time state and the scheduled windows decide"


def _moment(parameter: str, text: str) -> int:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise MaintenanceConfigError(
            f"{parameter}: {text!r} is not an ISO 8601 time; pass e.g. 2027-01-09T02:00Z."
        ) from None
    if moment.tzinfo is None:
        raise MaintenanceConfigError(
            f"{parameter}: {text!r} has no time zone, so its moment is unknown; add Z (UTC) or "
            "an offset, e.g. 2027-01-09T02:00Z or 2027-01-09T03:00+01:00."
        )
    return int(moment.timestamp())


def _in_range(parameter: str, text: str, moment: int, what: str) -> None:
    if not 0 <= moment <= MAX_EPOCH_SECONDS:
        raise MaintenanceConfigError(
            f"{parameter}: {text!r} is outside what the function reads (1970-01-01T00:00Z "
            f"to {_utc(MAX_EPOCH_SECONDS)}), so it would ignore the {what}; give a time in "
            "that range."
        )


def _at(action: str, text: str, now: float) -> int:
    """The moment of ``--at``: ISO 8601 with a zone, or ``+SECONDS`` from ``now``."""
    if text.startswith("+"):
        if not text[1:].isdigit() or int(text[1:]) < 1:
            raise MaintenanceConfigError(
                f"--at: {text!r} is not a lead time in whole seconds; pass e.g. --at +60 "
                "(a minute from now) or an ISO 8601 time such as 2027-01-09T02:00Z."
            )
        moment = int(now) + int(text[1:])
    else:
        moment = _moment("--at", text)
    if moment <= now:
        raise MaintenanceConfigError(
            f"--at: {text!r} has already passed (now is {_utc(now)}); give a time in the "
            f"future, e.g. --at +60, or leave --at out to switch {action} at once."
        )
    _in_range("--at", text, moment, "flip")
    return moment


def _window(times: list[str], now: float) -> str:
    if len(times) != 2:
        raise MaintenanceConfigError(
            f"switch window: needs START END, received {times!r}; e.g. "
            "switch window 2027-01-09T02:00Z 2027-01-09T04:00Z."
        )
    start, end = _moment("START", times[0]), _moment("END", times[1])
    if end <= start:
        raise MaintenanceConfigError(
            f"END: {times[1]!r} is not after START {times[0]!r}; give a later end."
        )
    if end <= now:
        raise MaintenanceConfigError(
            f"END: {times[1]!r} has already passed (now is {_utc(now)}), so the window "
            "would never be on; give an END in the future (switch on starts maintenance "
            "with no end)."
        )
    for name, text, moment in (("START", times[0], start), ("END", times[1], end)):
        _in_range(name, text, moment, "window")
    value = f"window {start} {end}"
    assert parse_store_value(value).kind == "window", value  # the function's grammar
    return value


def switch_value(action: str, times: list[str], *, now: float, at: str | None = None) -> str | None:
    """The key's value for ``action`` (None: delete the key); ``now`` (epoch seconds) refuses
    a window that has already ended and an ``at`` (``on``/``off`` at that moment) that has
    passed."""
    if action in ("on", "off", "clear") and times:
        raise MaintenanceConfigError(f"switch {action}: takes no times; received {times!r}.")
    if at is not None and action not in ("on", "off"):
        raise MaintenanceConfigError(
            f"--at: {at!r} is for switch on or switch off only, not {action}; leave --at out "
            "(a window has its own START)."
        )
    if action in ("on", "off"):
        if at is None:
            return action
        value = f"{action} {_at(action, at, now)}"
        assert parse_store_value(value).kind == f"{action}-at", value  # the function's grammar
        return value
    if action == "clear":
        return None
    if action == "window":
        return _window(times, now)
    raise MaintenanceConfigError(f"switch: {action!r} is not on, off, clear, window or status.")


def _utc(moment: float) -> str:
    return f"{datetime.fromtimestamp(moment, tz=timezone.utc):%Y-%m-%dT%H:%MZ}"


def _exact(moment: float) -> str:
    return f"{datetime.fromtimestamp(moment, tz=timezone.utc):%Y-%m-%dT%H:%M:%SZ}"


def describe_value(value: str | None, now: float) -> str:
    """What the function does with the key's value at ``now``: the one grammar both read
    (``edge_function/store_value.py``)."""
    if value is None:
        return f"no key: {_NO_KEY}"
    read = parse_store_value(value)
    if read.kind == "window":
        assert read.start is not None and read.end is not None
        when = "now" if read.start <= now < read.end else "not now"
        span = f"{_utc(read.start)} to {_utc(read.end)}"
        return f"{value!r}: maintenance on from {span} ({when}); otherwise {_NO_KEY}"
    if read.kind in ("on-at", "off-at"):
        assert read.start is not None
        at, flipped = _exact(read.start), "done" if now >= read.start else "not yet"
        if read.kind == "on-at":
            return (
                f"{value!r}: maintenance on from {at} at every edge ({flipped}; no end known); "
                f"before that {_NO_KEY}"
            )
        return (
            f"{value!r}: maintenance on until {at}, then off at every edge, scheduled windows "
            f"included ({flipped})"
        )
    meaning = {
        "on": "maintenance on (no end known)",
        "off": "maintenance off, scheduled windows included",
        "ignored": f"not understood, so ignored: {_NO_KEY}, as with no key",
    }
    return f"{value!r}: {meaning[read.kind]}"


def effective_state(value: str | None, now: float, enabled: bool) -> str:
    """What a door does now, from its store's value and its deploy-time state (``enabled``);
    the scheduled windows are in the function's code, so a door the value leaves to the
    deploy-time state is named with them."""
    read = parse_store_value(value)
    deployed = "ON (deploy-time state)" if enabled else "off unless in a scheduled window"
    if read.kind == "on":
        return "ON"
    if read.kind == "off":
        return "off"
    start = read.start if read.start is not None else 0
    if read.kind == "window":
        assert read.end is not None
        return "ON (store window)" if start <= now < read.end else deployed
    if read.kind == "on-at":
        return "ON" if now >= start else deployed
    if read.kind == "off-at":
        return "off" if now >= start else "ON (until the timed off)"
    return deployed
