"""Many doors switched at once: the constructs' stores found through their stacks' outputs
(each stack read once), and each distinct store read or written once, side by side. A store
that fails is one outcome with AWS's one-line reason; the others are still switched.

The clients are made by the caller, one per stack or store, before the threads start (a boto3
client is safe to share, making one from the default session in a thread is not)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from ...scope import EVERY_REQUEST, MaintenanceScope
from .store import StoreError, StoreLocation, Switch, stack_outputs, store_arn_in

__all__ = ["Door", "Outcome", "read_stores", "resolve_stores", "write_stores"]

MAX_THREADS = 8
"""Stores (or stacks) worked on at once."""
_T = TypeVar("_T")
_R = TypeVar("_R")


@dataclass(frozen=True)
class Door:
    """A CloudFrontFunctionMaintenance of the app: its path, where its store's ARN is, and its
    deploy-time state (the function's code as the app synthesizes it now)."""

    path: str
    location: StoreLocation
    enabled: bool = False
    scope: MaintenanceScope = EVERY_REQUEST
    """What the door turns away while on (``methods=`` and ``paths=``)."""


@dataclass(frozen=True)
class Outcome:
    """One store read or written (or not found): ``store`` is its ARN ("" when its stack did
    not say), ``paths`` the constructs that use it; ``error`` is AWS's one-line reason ("" when
    it worked)."""

    store: str
    paths: tuple[str, ...]
    done: str = ""
    """What was done, in words ("set to 'on'", "cleared"), for a write."""
    value: str | None = None
    """The key's value, for a read (None: no key)."""
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def label(self) -> str:
        """The store as a line names it: its ARN and the constructs that use it."""
        paths = ", ".join(self.paths)
        if not self.store:
            return paths
        return f"{self.store} ({paths})" if paths else self.store


def _each(items: Sequence[_T], work: Callable[[_T], _R]) -> list[_R]:
    """``work`` on each item, side by side, the results in the items' order."""
    if not items:
        return []
    with ThreadPoolExecutor(max_workers=min(MAX_THREADS, len(items))) as pool:
        return list(pool.map(work, items))


def resolve_stores(
    doors: Sequence[Door], cloudformation: Callable[[StoreLocation], Any]
) -> tuple[dict[str, tuple[str, ...]], list[Outcome]]:
    """The distinct stores of ``doors`` (ARN: the paths that use it), and an outcome for each
    door whose store could not be found (its stack not deployed, or without the output)."""
    stacks: dict[tuple[str, str | None], list[Door]] = {}
    for door in doors:
        stacks.setdefault((door.location.stack, door.location.region), []).append(door)
    jobs = [(group, cloudformation(group[0].location)) for group in stacks.values()]

    def read(job: tuple[list[Door], Any]) -> list[tuple[Door, str, str]]:
        group, client = job
        try:
            outputs = stack_outputs(client, group[0].location)
        except StoreError as error:
            return [(door, "", error.reason) for door in group]
        found = []
        for door in group:
            try:
                found.append((door, store_arn_in(outputs, door.location), ""))
            except StoreError as error:
                found.append((door, "", error.reason))
        return found

    found = [item for items in _each(jobs, read) for item in items]
    stores: dict[str, tuple[str, ...]] = {}
    missing = []
    for door, arn, reason in sorted(found, key=lambda item: item[0].path):
        if arn:
            stores[arn] = (*stores.get(arn, ()), door.path)
        else:
            missing.append(Outcome("", (door.path,), error=reason))
    return dict(sorted(stores.items())), missing


def write_stores(
    stores: Mapping[str, tuple[str, ...]], value: str | None, client: Callable[[], Any]
) -> list[Outcome]:
    """``value`` written to each store once (None: the key deleted), side by side, in the
    order of ``stores``; a failed store is an outcome, the others are still written."""
    jobs = [(arn, paths, client()) for arn, paths in stores.items()]

    def write(job: tuple[str, tuple[str, ...], Any]) -> Outcome:
        arn, paths, each = job
        try:
            return Outcome(arn, paths, done=Switch(each, arn).write(value))
        except StoreError as error:
            return Outcome(arn, paths, error=error.reason)

    return _each(jobs, write)


def read_stores(stores: Mapping[str, tuple[str, ...]], client: Callable[[], Any]) -> list[Outcome]:
    """The key of each store, read once, side by side; a store that could not be read is an
    outcome with the reason (never "no key")."""
    jobs = [(arn, paths, client()) for arn, paths in stores.items()]

    def read(job: tuple[str, tuple[str, ...], Any]) -> Outcome:
        arn, paths, each = job
        try:
            return Outcome(arn, paths, value=Switch(each, arn).read())
        except StoreError as error:
            return Outcome(arn, paths, error=error.reason)

    return _each(jobs, read)
