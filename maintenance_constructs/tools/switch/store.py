"""The store protocol of ``maintenance-constructs switch``: the ``maintenance`` key of a
KeyValueStore, read and written with the ETag/``IfMatch`` protocol, and the store's ARN found in
the stack output of the construct that uses it.

The clients are the command's (``cli/aws.py`` imports boto3, only when the command runs: ``pip
install 'maintenance-constructs[switch]'`` brings boto3 and the AWS CRT that SigV4A signing
needs). Credentials are never printed; every AWS failure is one line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...edge_function.store_value import STORE_KEY
from ...errors import MaintenanceConfigError

__all__ = [
    "StoreError",
    "StoreLocation",
    "Switch",
    "stack_outputs",
    "store_arn_from_stack",
    "store_arn_in",
]

MAX_VALUE_BYTES = 1024
"""The largest value the function reads (the store's limit for a value)."""


class StoreError(MaintenanceConfigError):
    """A store (or the stack that names it) could not be read or written: the message names
    it, ``reason`` is AWS's one-line reason alone, for a line that names the store itself."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


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


def stack_outputs(cloudformation: Any, location: StoreLocation) -> dict[str, str]:
    """The outputs of the deployed stack that holds the store's ARN (one call per stack)."""
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
        reason = f"could not read the stack {location.stack}{where}: {_aws_reason(error)}"
        raise StoreError(
            f"--path: {reason}. Deploy it first, or pass --store-arn.", reason
        ) from None
    outputs = stacks[0].get("Outputs") or []
    return {str(o.get("OutputKey")): str(o.get("OutputValue")) for o in outputs}


def store_arn_in(outputs: dict[str, str], location: StoreLocation) -> str:
    """The store's ARN among the stack's outputs."""
    if location.output in outputs:
        return outputs[location.output]
    reason = (
        f"the stack {location.stack} has no output {location.output}: deploy the version of "
        "the app that has CloudFrontFunctionMaintenance"
    )
    raise StoreError(f"--path: {reason}, or pass --store-arn.", reason)


def store_arn_from_stack(cloudformation: Any, location: StoreLocation) -> str:
    """The store's ARN from the deployed stack's output."""
    return store_arn_in(stack_outputs(cloudformation, location), location)


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
            reason = _aws_reason(error)
            raise StoreError(
                f"switch: {failed + ' ' if failed else ''}the KeyValueStore {self.arn}: {reason}.",
                reason,
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
        reason = (
            "changed twice while writing (ConflictException: stale ETag); someone else is "
            "switching it. Run switch status, then try again"
        )
        raise StoreError(f"switch: the KeyValueStore {self.arn} {reason}.", reason)

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
