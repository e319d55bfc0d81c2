"""maintenance-constructs: the maintenance toggle in cdk.json, its status and preview, the
live edge checked (and served locally), and the runtime switch.

    maintenance-constructs set on|off [--cdk-json PATH]
    maintenance-constructs set --only Prod[,Staging] [--cdk-json PATH] [--no-check]
    maintenance-constructs status [--cdk-json PATH] [--app CMD | --no-app]
    maintenance-constructs preview [--app CMD] [-c KEY=VALUE ...] [--json] [--request SPEC]
    maintenance-constructs switch on|off|clear|status [--path PREFIX ...|--only IDS|--store-arn ARN]
    maintenance-constructs switch on|off --at TIME|+SECONDS [--path PREFIX ... | --only IDS]
    maintenance-constructs switch window START END [--path PREFIX ... | --store-arn ARN]
    maintenance-constructs check URL [--expect on|off] [--wait SECONDS] [--json] [--door PATH]
    maintenance-constructs serve [--state on|off] [--port N] [--client-ip IP] [--door PATH]

set writes the maintenance context value into cdk.json, keeping every other key, the file's
indentation and line endings, so the change is committed and deployed like any other.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ...errors import MaintenanceConfigError
from ...toggle_value import MAINTENANCE_CONTEXT_KEY, parse_toggle_value
from ..app.assembly import read_states, synthesize
from ..app.cdk_json import write_toggle
from ..app.context import (
    add_app_options,
    app_command,
    context_overrides,
    context_value,
    merged_context,
)
from .edge_commands import add_edge_parsers
from .switch_command import add_switch_parser

__all__ = ["main"]

PROG = "maintenance-constructs"


def _states(
    cdk_json: Path, app: str, value: Any, overrides: Mapping[str, Any] | None = None
) -> list[Any]:
    with tempfile.TemporaryDirectory(prefix="maintenance-status-") as outdir:
        context = merged_context(cdk_json, {**(overrides or {}), MAINTENANCE_CONTEXT_KEY: value})
        synthesize(app, cwd=cdk_json.parent, context=context, outdir=Path(outdir))
        return read_states(Path(outdir))


def _describe(value: Any) -> str:
    parsed = parse_toggle_value(value)
    if parsed.selectors:
        listed = ", ".join("/".join(s) for s in parsed.selectors)
        return f"selectors: {listed} (constructs whose path contains one of them are ON)"
    return "ON for every maintenance construct" if parsed.everywhere else "OFF everywhere"


def cmd_set(args: argparse.Namespace) -> int:
    cdk_json = Path(args.cdk_json)
    if (args.state is None) == (args.only is None):
        given = f"'{args.state}' and --only {args.only}" if args.state else "neither"
        raise MaintenanceConfigError(
            f"set: {given} given; use `set on`, `set off`, or `set --only Prod` to put only the "
            "constructs under 'Prod' into maintenance."
        )
    value: bool | str = args.state == "on" if args.state else args.only.strip()
    if isinstance(value, str):
        parsed = parse_toggle_value(value)
        if not parsed.selectors:
            raise MaintenanceConfigError(
                f"--only: {value!r} is not a selector list; use `set on` / `set off` for booleans."
            )
        if not args.no_check:
            _states(cdk_json, app_command(cdk_json, args.app), value)  # refuses unknown selectors
    write_toggle(cdk_json, value)
    print(f"{cdk_json}: {MAINTENANCE_CONTEXT_KEY} = {json.dumps(value)} ({_describe(value)})")
    if isinstance(value, str) and args.no_check:
        print(
            "The selector was not checked against the app (--no-check): run "
            f"`{PROG} status` to see which constructs it selects."
        )
    print("Commit the change; the next deploy applies it.")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    cdk_json = Path(args.cdk_json)
    overrides = context_overrides(args.context)
    value, source = context_value(cdk_json, overrides, MAINTENANCE_CONTEXT_KEY)
    shown = "unset" if source == "unset" else f"{json.dumps(value)} (from {source})"
    print(f"{cdk_json}: {MAINTENANCE_CONTEXT_KEY} = {shown}")
    print(f"interpreted as: {_describe(value)}")
    if not args.no_app:
        app = app_command(cdk_json, args.app)
        states = _states(cdk_json, app, value, overrides)
        print(f"maintenance constructs of {app!r}:")
        for state in states:
            note = " (enabled= set in code)" if state.explicit else ""
            print(f"  {'ON ' if state.enabled else 'off'}  {state.path}{note}")
        if not states:
            print("  (none)")
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    from ..preview.report import build_preview, parse_request, render_text

    cdk_json = Path(args.cdk_json)
    overrides = context_overrides(args.context)
    if cdk_json.is_file():
        context = merged_context(cdk_json, overrides)
        app = app_command(cdk_json, args.app)
    elif args.app:
        context, app = overrides, args.app
    else:
        raise MaintenanceConfigError(
            f"--cdk-json: {str(cdk_json)!r} does not exist and no --app was given; run the "
            "command in your CDK app's folder, or pass --cdk-json or --app 'python3 app.py'."
        )
    try:
        requests = [parse_request(args.request)] if args.request else None
    except ValueError as error:
        raise MaintenanceConfigError(str(error)) from None
    cwd = cdk_json.parent if cdk_json.is_file() else Path.cwd()
    preview = build_preview(app, cwd=cwd, context=context, requests=requests)
    if args.json:
        print(json.dumps(preview.to_json(), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(render_text(preview))
    return 0 if preview.only_maintenance else 3


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    sub = root.add_subparsers(dest="command", required=True)
    set_ = sub.add_parser("set", help="write the maintenance value into cdk.json")
    set_.add_argument("state", nargs="?", choices=("on", "off"))
    set_.add_argument("--only", metavar="SELECTORS", help="e.g. Prod or Prod/Web,Staging")
    set_.add_argument("--no-check", action="store_true", help="do not synthesize to check --only")
    set_.add_argument("--app", help='app command (default: cdk.json\'s "app")')
    set_.set_defaults(handler=cmd_set)
    status = sub.add_parser("status", help="show the value in cdk.json and what it selects")
    add_app_options(
        status,
        app_help="app command to synthesize for the list of constructs (default: cdk.json's)",
    )
    status.add_argument(
        "--no-app", action="store_true", help="only read the context; do not synthesize the app"
    )
    status.set_defaults(handler=cmd_status)
    preview = sub.add_parser(
        "preview", help="what the toggle changes and who gets what, off vs on (offline)"
    )
    add_app_options(preview)
    preview.add_argument("--json", action="store_true", help="machine-readable output")
    preview.add_argument(
        "--request",
        metavar="SPEC",
        help="one request: host=,ip=,path=,accept=,method=,country=,header:NAME= (ip required)",
    )
    preview.set_defaults(handler=cmd_preview)
    switch = add_switch_parser(sub)
    edge = add_edge_parsers(sub)
    for command in (set_, status, preview, switch, *edge):
        command.add_argument("--cdk-json", default="cdk.json", help="default: ./cdk.json")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except MaintenanceConfigError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
