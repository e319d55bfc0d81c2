"""``maintenance-constructs switch``: the runtime switch of CloudFrontFunctionMaintenance, the
``maintenance`` key of its KeyValueStore, written with the ETag/``IfMatch`` protocol.

boto3 is imported only here, and only when the command runs: ``pip install
'maintenance-constructs[switch]'`` brings boto3 and the AWS CRT that SigV4A signing needs.
Credentials are never printed; every AWS failure is one line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..edge_function.store_value import MAX_EPOCH_SECONDS, STORE_KEY, parse_store_value
from ..errors import MaintenanceConfigError

__all__ = ["StoreLocation", "Switch", "describe_value", "store_arn_from_stack", "switch_value"]

MAX_VALUE_BYTES = 1024
"""The largest value the function reads (the store's limit for a value)."""


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


def switch_value(action: str, times: list[str], *, now: float) -> str | None:
    """The key's value for ``action`` (None: delete the key); ``now`` (epoch seconds) refuses
    a window that has already ended."""
    if action in ("on", "off", "clear") and times:
        raise MaintenanceConfigError(f"switch {action}: takes no times; received {times!r}.")
    if action in ("on", "off"):
        return action
    if action == "clear":
        return None
    if action == "window":
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
            if not 0 <= moment <= MAX_EPOCH_SECONDS:
                raise MaintenanceConfigError(
                    f"{name}: {text!r} is outside what the function reads (1970-01-01T00:00Z "
                    f"to {_utc(MAX_EPOCH_SECONDS)}), so it would ignore the window; give a "
                    "time in that range."
                )
        value = f"window {start} {end}"
        assert parse_store_value(value).kind == "window", value  # the function's grammar
        return value
    raise MaintenanceConfigError(f"switch: {action!r} is not on, off, clear, window or status.")


def _utc(moment: float) -> str:
    return f"{datetime.fromtimestamp(moment, tz=timezone.utc):%Y-%m-%dT%H:%MZ}"


def describe_value(value: str | None, now: float) -> str:
    """What the function does with the key's value at ``now``: the one grammar both read
    (``edge_function/store_value.py``)."""
    if value is None:
        return "no key: the deploy-time state and the scheduled windows decide"
    read = parse_store_value(value)
    if read.kind == "window":
        assert read.start is not None and read.end is not None
        start, end = (datetime.fromtimestamp(t, tz=timezone.utc) for t in (read.start, read.end))
        when = "now" if read.in_effect(now) else "not now"
        span = f"{start:%Y-%m-%dT%H:%MZ} to {end:%Y-%m-%dT%H:%MZ}"
        return (
            f"{value!r}: maintenance on from {span} ({when}); otherwise the deploy-time state "
            "and the scheduled windows decide"
        )
    meaning = {
        "on": "maintenance on (no end known)",
        "off": "maintenance off, scheduled windows included",
        "ignored": "not understood, so ignored: the deploy-time state and the scheduled "
        "windows decide, as with no key",
    }
    return f"{value!r}: {meaning[read.kind]}"


@dataclass(frozen=True)
class StoreLocation:
    """Where the construct's stack output with the store's ARN is."""

    stack: str
    output: str
    region: str | None
    """None for an environment-agnostic stack: it is in the region the AWS configuration
    deploys to."""

    @classmethod
    def from_metadata(cls, data: Any) -> StoreLocation:
        """From the construct's metadata entry; an environment-agnostic stack's entry has no
        region at all (the CDK leaves out a None)."""
        data = data if isinstance(data, dict) else {}
        region = data.get("region")
        return cls(str(data.get("stack", "")), str(data.get("output", "")), region or None)


def store_arn_from_stack(cloudformation: Any, location: StoreLocation) -> str:
    """The store's ARN from the deployed stack's output."""
    try:
        stacks = cloudformation.describe_stacks(StackName=location.stack)["Stacks"]
    except Exception as error:
        where = ""
        if location.region is None:
            region = getattr(getattr(cloudformation, "meta", None), "region_name", None)
            where = (
                f" in {region} (your AWS configuration's region: the stack is "
                "environment-agnostic; set AWS_REGION to the region it is deployed in)"
            )
        raise MaintenanceConfigError(
            f"--path: could not read the stack {location.stack}{where}: {_aws_reason(error)}. "
            "Deploy it first, or pass --store-arn."
        ) from None
    for output in stacks[0].get("Outputs") or []:
        if output.get("OutputKey") == location.output:
            return str(output["OutputValue"])
    raise MaintenanceConfigError(
        f"--path: the stack {location.stack} has no output {location.output}: deploy the "
        "version of the app that has CloudFrontFunctionMaintenance, or pass --store-arn."
    )


def _aws_reason(error: Exception) -> str:
    """One line for an AWS failure, without credentials or request details."""
    name = type(error).__name__
    if name in ("NoCredentialsError", "PartialCredentialsError"):
        return (
            "no AWS credentials found (set AWS_PROFILE, or run aws sso login / aws configure); "
            "temporary credentials must come from a regional STS endpoint for SigV4A"
        )
    if name == "MissingDependencyException":
        return (
            "the KeyValueStore API is signed with SigV4A, which needs the AWS CRT: "
            "pip install 'maintenance-constructs[switch]'"
        )
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        detail = response.get("Error") or {}
        reason = f"{detail.get('Code', name)}: {detail.get('Message', '')}".rstrip(": ")
    else:
        reason = f"{name}: {error}"
    return " ".join(reason.split())  # one line, whatever the message holds


def _code(error: Exception) -> str:
    response = getattr(error, "response", None)
    return str(((response or {}).get("Error") or {}).get("Code", "")) if response else ""


class Switch:
    """The ``maintenance`` key of one store, through a ``cloudfront-keyvaluestore`` client."""

    def __init__(self, client: Any, arn: str) -> None:
        self.client = client
        self.arn = arn

    def _call(
        self,
        operation: Callable[..., Any],
        *,
        expected: tuple[str, ...] = (),
        failed: str = "",
        **arguments: Any,
    ) -> Any:
        """``operation`` on the store; an error whose code is ``expected`` is the caller's to
        handle, any other is one line (after ``failed``, e.g. "could not read the key of")."""
        try:
            return operation(KvsARN=self.arn, **arguments)
        except Exception as error:
            if _code(error) in expected:
                raise
            raise MaintenanceConfigError(
                f"switch: {failed + ' ' if failed else ''}the KeyValueStore {self.arn}: "
                f"{_aws_reason(error)}."
            ) from None

    def _etag(self) -> str:
        return str(self._call(self.client.describe_key_value_store)["ETag"])

    def read(self) -> str | None:
        """The key's value, or None when the store exists and the key is not set. Anything
        else (no credentials, access denied, throttling, no such store) is one line: the
        function's state is then unknown, never "no key"."""
        failed = f"could not read the key {STORE_KEY!r} of"
        try:
            found = self._call(
                self.client.get_key,
                expected=("ResourceNotFoundException",),
                failed=failed,
                Key=STORE_KEY,
            )
        except MaintenanceConfigError:
            raise
        except Exception:
            # GetKey answers ResourceNotFoundException both for a missing key and for a missing
            # store: the key is missing only if the store can be described.
            self._call(self.client.describe_key_value_store, failed=failed)
            return None
        return str(found["Value"])

    def write(self, value: str | None) -> str:
        """Set (or, for None, delete) the key; a stale ETag is read again and retried once.
        Returns what was done, in words."""
        if value is not None and len(value.encode()) > MAX_VALUE_BYTES:
            raise MaintenanceConfigError(f"switch: the value {value!r} is over 1 KB.")
        for _ in range(2):
            try:
                return self._write_once(value, self._etag())
            except Exception as error:
                if _code(error) == "ResourceNotFoundException":  # deleting a key that is gone
                    return "already clear"
                if _code(error) != "ConflictException":  # one-line errors, as they came
                    raise
                # A stale ETag: read it again and retry, once.
        raise MaintenanceConfigError(
            f"switch: the KeyValueStore {self.arn} changed twice while writing "
            "(ConflictException: stale ETag); someone else is switching it. Run "
            "switch status, then try again."
        )

    def _write_once(self, value: str | None, etag: str) -> str:
        if value is None:
            expected = ("ConflictException", "ResourceNotFoundException")
            self._call(self.client.delete_key, expected=expected, Key=STORE_KEY, IfMatch=etag)
            return "cleared"
        self._call(
            self.client.put_key,
            expected=("ConflictException",),
            Key=STORE_KEY,
            Value=value,
            IfMatch=etag,
        )
        return f"set to {value!r}"
