"""The ``switch`` subcommand: find the stores (``--store-arn``, or every
CloudFrontFunctionMaintenance of the app, narrowed by ``--path`` or ``--only``, through its
stack output), then read or write their ``maintenance`` key, each distinct store once."""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ...errors import MaintenanceConfigError
from ...shared import STORE_METADATA_TYPE
from ...toggle_value import parse_toggle_value
from ..app.assembly import ConstructState, metadata_entries, read_states, synthesize
from ..app.context import add_app_options, app_command, context_overrides, merged_context
from ..switch import (
    Door,
    Outcome,
    StoreLocation,
    Switch,
    describe_value,
    effective_state,
    read_stores,
    resolve_stores,
    switch_value,
    write_stores,
)
from . import aws

__all__ = ["add_switch_parser", "cmd_switch"]

ACTIONS = ("on", "off", "clear", "window", "status")
EDGE = (
    "The edge follows in seconds to tens of seconds (AWS gives no figure); `switch status` "
    "reads the API, `check URL --expect on|off --wait 120` proves the edge."
)
PROPAGATION_SECONDS = 30
"""About how long a store write takes to reach an edge location (public measurements)."""


def _doors(args: argparse.Namespace) -> list[Door]:
    """The app's CloudFrontFunctionMaintenance constructs, synthesized with its context."""
    cdk_json = Path(args.cdk_json)
    app = app_command(cdk_json, args.app)
    context = merged_context(cdk_json, context_overrides(args.context))
    with tempfile.TemporaryDirectory(prefix="maintenance-switch-") as outdir:
        synthesize(app, cwd=cdk_json.parent, context=context, outdir=Path(outdir))
        states = {state.path: state for state in read_states(Path(outdir))}
        entries = [(path.lstrip("/"), item) for path, item in metadata_entries(Path(outdir))]
    return sorted(
        (
            _door(path, StoreLocation.from_metadata(item.get("data")), states.get(path))
            for path, item in entries
            if item.get("type") == STORE_METADATA_TYPE
        ),
        key=lambda door: door.path,
    )


def _door(path: str, location: StoreLocation, state: ConstructState | None) -> Door:
    """The door, on and scoped as its construct records (off, every request, without)."""
    if state is None:
        return Door(path, location)
    return Door(path, location, state.enabled, state.scope)


def _under(path: str, prefix: str) -> bool:
    prefix = prefix.strip("/")
    return path == prefix or path.startswith(prefix + "/")


def _select(doors: list[Door], paths: Sequence[str], only: str | None) -> list[Door]:
    """The doors under any ``--path`` prefix and selected by ``--only``; every door without."""
    known = ", ".join(sorted(door.path for door in doors)) or "none"
    if not doors:
        raise MaintenanceConfigError(
            "switch: the app has no CloudFrontFunctionMaintenance (found: none); run the "
            "command in the app's folder (or pass --cdk-json / --app), or pass --store-arn."
        )
    for prefix in paths:
        if not any(_under(door.path, prefix) for door in doors):
            raise MaintenanceConfigError(
                f"--path: {prefix!r} is not a CloudFrontFunctionMaintenance of the app, nor a "
                f"prefix of one (found: {known}); pass --path with one of them, or --store-arn."
            )
    chosen = [d for d in doors if not paths or any(_under(d.path, p) for p in paths)]
    if only is not None:
        selection = parse_toggle_value(only)
        if not selection.selectors:
            raise MaintenanceConfigError(
                f"--only: {only!r} is not a selector list; pass construct ids as `set --only` "
                "takes them, e.g. --only Prod or --only Prod/Web,Staging (or leave it out)."
            )
        chosen = [door for door in chosen if selection.selects(door.path)]
        if not chosen:
            raise MaintenanceConfigError(
                f"--only: {only!r} selects none of the app's CloudFrontFunctionMaintenance "
                f"(found: {known}); pass ids from those paths."
            )
    return sorted(chosen, key=lambda door: door.path)


def _stack_client(location: StoreLocation) -> Any:
    """A CloudFormation client in the stack's region; for an environment-agnostic stack, the
    region `cdk deploy` put it in: AWS_REGION, else boto3's own (AWS_DEFAULT_REGION, the
    profile's region)."""
    region = location.region or os.environ.get("AWS_REGION") or None
    try:
        return aws.make_client("cloudformation", region)
    except MaintenanceConfigError:
        raise
    except Exception as error:
        if type(error).__name__ != "NoRegionError":
            raise
        raise MaintenanceConfigError(
            f"--path: the stack {location.stack} is environment-agnostic (no region at synth), "
            "so it is in the region your AWS configuration deploys to, and none is set; set "
            "AWS_REGION (or AWS_DEFAULT_REGION, or region in your AWS profile), or pass "
            "--store-arn."
        ) from None


def _store_client() -> Any:
    return aws.make_client("cloudfront-keyvaluestore", None)


def _stores(
    args: argparse.Namespace,
) -> tuple[list[Door], dict[str, tuple[str, ...]], list[Outcome]]:
    """The chosen doors, their distinct stores, and the doors whose store was not found."""
    if args.store_arn:
        return [], {str(args.store_arn): ()}, []
    doors = _select(_doors(args), args.path or [], args.only)
    stores, missing = resolve_stores(doors, _stack_client)
    return doors, stores, missing


def _write(args: argparse.Namespace) -> int:
    stores, missing = _stores(args)[1:]
    # Computed again after the lookups, so that --at +SECONDS counts from the write.
    value = switch_value(args.action, list(args.times), now=time.time(), at=args.at)
    outcomes = missing + write_stores(stores, value, _store_client)
    for outcome in outcomes:
        intended = f"set to {value!r}" if value is not None else "cleared"
        if not outcome.store:
            print(f"{outcome.label}: store not found: FAILED: {outcome.error}")
        elif outcome.ok:
            print(f"{outcome.label}: maintenance key {outcome.done}: OK")
        else:
            print(f"{outcome.label}: maintenance key {intended}: FAILED: {outcome.error}")
    failed = sum(not outcome.ok for outcome in outcomes)
    print(f"{describe_value(value, time.time())}.")
    if args.at is not None:
        print(_flip_note(value))
    print(EDGE)
    if failed:
        print(f"{failed} of {len(outcomes)} stores failed; the others are switched.")
    return 1 if failed else 0


def _flip_note(value: str | None) -> str:
    moment = int(str(value).split()[1])
    lead = moment - int(time.time())
    when = f"{datetime.fromtimestamp(moment, tz=timezone.utc):%Y-%m-%dT%H:%M:%SZ}"
    note = (
        f"Every edge flips at {when} (in {lead} s) by its own clock, once the write has "
        f"reached it (about {PROPAGATION_SECONDS} s, public measurements)"
    )
    if lead < PROPAGATION_SECONDS:
        return f"{note}: {lead} s is less, so some edges may flip late, when it arrives."
    return f"{note}."


def _status(args: argparse.Namespace) -> int:
    now = time.time()
    if args.store_arn:
        # A failed read is one line and exit 2 (main); only a missing key is "no key".
        arn = str(args.store_arn)
        print(f"{arn}: {describe_value(Switch(_store_client(), arn).read(), now)}")
        return 0
    doors, stores, missing = _stores(args)
    found = {
        door_path: o for o in missing + read_stores(stores, _store_client) for door_path in o.paths
    }
    for door in doors:
        outcome = found[door.path]
        deployed = "ON" if door.enabled else "off"
        if outcome.ok:
            state = effective_state(outcome.value, now, door.enabled)
            store = f"store {outcome.store}: {describe_value(outcome.value, now)}"
        else:
            state = "unknown"
            store = (
                f"store {outcome.store}: could not read the key 'maintenance': {outcome.error}"
                if outcome.store
                else f"store not found: {outcome.error}"
            )
        # A partial scope says what "on" means for this door.
        scope = f"; while on: {door.scope.words}" if door.scope.partial else ""
        print(f"{door.path}: now {state}; deploy-time {deployed}{scope}; {store}")
    return 0 if all(outcome.ok for outcome in found.values()) else 2


def cmd_switch(args: argparse.Namespace) -> int:
    if args.store_arn and (args.path or args.only):
        given = f"--path {args.path[0]!r}" if args.path else f"--only {args.only!r}"
        raise MaintenanceConfigError(
            f"--store-arn: given with {given}; the ARN names one store already, so pass one "
            "or the other."
        )
    if args.action == "status":
        if args.times or args.at is not None:
            received = list(args.times) or ["--at", args.at]
            raise MaintenanceConfigError(
                f"switch status: takes no times; received {received!r}; leave them out."
            )
        return _status(args)
    # Refused before the app is synthesized or AWS is called.
    switch_value(args.action, list(args.times), now=time.time(), at=args.at)
    return _write(args)


def add_switch_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    switch = sub.add_parser(
        "switch",
        help="switch CloudFrontFunctionMaintenance at run time (its KeyValueStore key)",
        description=(
            "on / off override the deploy-time state (--at TIME or +SECONDS: at that instant "
            "at every edge); window START END (ISO 8601 with a zone) puts maintenance on for "
            "that period; clear removes the key; status reads it. Every construct of the app "
            "unless --path or --only narrows it; each distinct store is written once."
        ),
    )
    switch.add_argument("action", choices=ACTIONS)
    switch.add_argument("times", nargs="*", metavar="TIME", help="for window: START END")
    switch.add_argument("--store-arn", help="one store's ARN (skips the app and CloudFormation)")
    switch.add_argument(
        "--path",
        action="append",
        help="a construct's path or a prefix of it, e.g. Edge/Maintenance or Prod; repeatable",
    )
    switch.add_argument(
        "--only", metavar="SELECTORS", help="construct ids as set --only takes them: Prod,Staging"
    )
    switch.add_argument(
        "--at",
        metavar="TIME",
        help="for on/off: flip at this instant (ISO 8601 with a zone, or +SECONDS from now)",
    )
    add_app_options(switch)
    switch.set_defaults(handler=cmd_switch)
    return switch
