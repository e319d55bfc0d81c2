"""The ``switch`` subcommand: find the store (``--store-arn``, or the construct's stack output
through the app's assembly and CloudFormation), then read or write its ``maintenance`` key."""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from ...errors import MaintenanceConfigError
from ...shared import STORE_METADATA_TYPE
from ..app.assembly import metadata_entries, synthesize
from ..app.context import add_app_options, app_command, context_overrides, merged_context
from ..switch import StoreLocation, Switch, describe_value, store_arn_from_stack, switch_value
from . import aws

__all__ = ["add_switch_parser", "cmd_switch"]

ACTIONS = ("on", "off", "clear", "window", "status")
EDGE = (
    "The edge follows in seconds to tens of seconds (AWS gives no figure); `switch status` "
    "reads the API, `check URL --expect on|off --wait 120` proves the edge."
)


def _locations(args: argparse.Namespace) -> dict[str, StoreLocation]:
    cdk_json = Path(args.cdk_json)
    app = app_command(cdk_json, args.app)
    context = merged_context(cdk_json, context_overrides(args.context))
    with tempfile.TemporaryDirectory(prefix="maintenance-switch-") as outdir:
        synthesize(app, cwd=cdk_json.parent, context=context, outdir=Path(outdir))
        return {
            path.lstrip("/"): StoreLocation.from_metadata(item.get("data"))
            for path, item in metadata_entries(Path(outdir))
            if item.get("type") == STORE_METADATA_TYPE
        }


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


def _store_arn(args: argparse.Namespace) -> str:
    if args.store_arn:
        return str(args.store_arn)
    found = _locations(args)
    if args.path is None and len(found) == 1:
        location = next(iter(found.values()))
    elif args.path in found:
        location = found[args.path]
    else:
        known = ", ".join(sorted(found)) or "none"
        given = (
            f"{args.path!r} is not"
            if args.path
            else "no --path given, and there is more than one, or none that is"
        )
        raise MaintenanceConfigError(
            f"--path: {given} a CloudFrontFunctionMaintenance of the app (found: {known}); "
            "pass --path with one of them, or --store-arn."
        )
    return store_arn_from_stack(_stack_client(location), location)


def cmd_switch(args: argparse.Namespace) -> int:
    if args.action == "status" and args.times:
        raise MaintenanceConfigError(f"switch status: takes no times; received {args.times!r}.")
    value = (
        switch_value(args.action, list(args.times), now=time.time())
        if args.action != "status"
        else None
    )
    arn = _store_arn(args)
    switch = Switch(aws.make_client("cloudfront-keyvaluestore", None), arn)
    if args.action == "status":
        # A failed read is one line and exit 2 (main); only a missing key is "no key".
        print(f"{arn}: {describe_value(switch.read(), time.time())}")
        return 0
    done = switch.write(value)
    print(f"{arn}: maintenance key {done} ({describe_value(value, time.time())}).")
    print(EDGE)
    return 0


def add_switch_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    switch = sub.add_parser(
        "switch",
        help="switch CloudFrontFunctionMaintenance at run time (its KeyValueStore key)",
        description=(
            "on / off override the deploy-time state; window START END (ISO 8601 with a zone) "
            "puts maintenance on for that period; clear removes the key; status reads it."
        ),
    )
    switch.add_argument("action", choices=ACTIONS)
    switch.add_argument("times", nargs="*", metavar="TIME", help="for window: START END")
    switch.add_argument("--store-arn", help="the store's ARN (skips the app and CloudFormation)")
    switch.add_argument("--path", help="the construct's path, e.g. Edge/Maintenance")
    add_app_options(switch)
    switch.set_defaults(handler=cmd_switch)
    return switch
