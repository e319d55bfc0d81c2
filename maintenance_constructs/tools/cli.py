"""maintenance-constructs: the maintenance toggle in cdk.json, its status, and a preview.

    maintenance-constructs set on|off [--cdk-json PATH]
    maintenance-constructs set --only Prod[,Staging] [--cdk-json PATH] [--no-check]
    maintenance-constructs status [--cdk-json PATH] [--app CMD | --no-app]
    maintenance-constructs preview [--app CMD] [-c KEY=VALUE ...] [--json] [--request SPEC]

set writes the maintenance context value into cdk.json, keeping every other key, the file's
indentation and line endings, so the change is committed and deployed like any other.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import MaintenanceConfigError
from ..toggle_value import MAINTENANCE_CONTEXT_KEY, parse_toggle_value
from .assembly import context_value, load_cdk_json, merged_context, read_states, synthesize

__all__ = ["main"]

PROG = "maintenance-constructs"


_SCALAR = r'(?:true|false|null|-?\d+(?:\.\d+)?|"(?:[^"\\]|\\.)*")'


def _indent(text: str) -> int | str:
    match = re.search(r"^([ \t]+)\S", text, flags=re.MULTILINE)
    if match is None:
        return 2
    whitespace = match.group(1)
    return "\t" if whitespace.startswith("\t") else len(whitespace)


def _edit_in_place(text: str, value: bool | str) -> str | None:
    """Change or insert only the maintenance entry, leaving every other byte as it was."""
    literal = json.dumps(value, ensure_ascii=False)
    key = re.escape(json.dumps(MAINTENANCE_CONTEXT_KEY))
    found = list(re.finditer(rf"({key}\s*:\s*){_SCALAR}", text))
    if len(found) == 1:
        match = found[0]
        return text[: match.start()] + match.group(1) + literal + text[match.end() :]
    opening = list(re.finditer(r'"context"\s*:\s*\{', text))
    if found or len(opening) != 1:
        return None
    head, rest = text[: opening[0].end()], text[opening[0].end() :]
    leading = rest[: len(rest) - len(rest.lstrip())]
    entry = f"{json.dumps(MAINTENANCE_CONTEXT_KEY)}: {literal}"
    if rest.lstrip().startswith("}"):  # empty context object
        return None if "\n" in leading else head + entry + rest
    separator = "," if "\n" in leading else ", "
    return head + leading + entry + separator + rest


def _insert_context(text: str, value: bool | str) -> str | None:
    """Add a "context" object holding only the maintenance entry before the file's last
    closing brace, indented like the rest, without touching any other line."""
    closing = text.rstrip().rfind("}")
    body = text[:closing].rstrip()
    if closing < 0 or not body.lstrip().startswith("{"):
        return None
    indent = _indent(text)
    unit = "\t" if indent == "\t" else " " * int(indent)
    newline = "\r\n" if "\r\n" in text else "\n"
    literal = json.dumps(value, ensure_ascii=False)
    key = json.dumps(MAINTENANCE_CONTEXT_KEY)
    entry = f'{unit}"context": {{{newline}{unit * 2}{key}: {literal}{newline}{unit}}}'
    separator = "" if body.endswith("{") else ","
    return f"{body}{separator}{newline}{entry}{newline}{text[closing:]}"


def _edited(text: str, data: dict[str, Any], value: bool | str) -> str:
    """The new text of cdk.json: the one entry changed or inserted in place where the layout
    allows it, else the whole object rewritten with the same indentation and line endings."""
    had_context = "context" in data
    context = data.setdefault("context", {})
    if not isinstance(context, dict):
        raise MaintenanceConfigError('--cdk-json: "context" is not an object; make it one.')
    context[MAINTENANCE_CONTEXT_KEY] = value
    edited = _edit_in_place(text, value) if had_context else _insert_context(text, value)
    if edited is not None and json.loads(edited) == data:
        return edited
    newline = "\r\n" if "\r\n" in text else "\n"
    rewritten = json.dumps(data, indent=_indent(text), ensure_ascii=False).replace("\n", newline)
    return rewritten + (newline if text.endswith(("\n", "\r\n")) else "")


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Serialize writers of the folder's cdk.json: an exclusive lock on the folder itself (no
    lock file is left behind)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


BOM = "\ufeff"


def write_toggle(cdk_json: Path, value: bool | str) -> None:
    """Set ``context.maintenance`` in cdk.json, keeping every other key and the formatting.

    The new content goes to a temporary file in the same folder, then replaces cdk.json in one
    rename, under a lock: concurrent runs never leave a truncated or mixed file."""
    target = cdk_json.resolve()  # a symlinked cdk.json stays a link: its target is edited
    folder = target.parent
    # No write bit counts as read-only even for root, who could write it anyway.
    if target.is_file() and (not os.access(target, os.W_OK) or not target.stat().st_mode & 0o222):
        raise MaintenanceConfigError(
            f"--cdk-json: {str(cdk_json)!r} is read-only; it was left as it is. Make it "
            "writable (chmod u+w) if the value should change, or pass --cdk-json to a "
            "writable copy."
        )
    try:
        with _locked(folder):
            data = load_cdk_json(cdk_json)
            with target.open(encoding="utf-8", newline="") as file:
                text = file.read()
            bom = BOM if text.startswith(BOM) else ""  # kept, as the CDK CLI reads past it
            edited = bom + _edited(text.removeprefix(BOM), data, value)
            handle, temporary = tempfile.mkstemp(prefix=".cdk.json.", dir=folder)
            try:
                with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
                    file.write(edited)
                os.chmod(temporary, target.stat().st_mode & 0o777)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
    except PermissionError as error:
        raise MaintenanceConfigError(
            f"--cdk-json: {str(cdk_json)!r} cannot be written ({error.strerror}: "
            f"{error.filename}); make the file and its folder writable (chmod u+w, chattr -i), "
            "or pass --cdk-json to a writable copy."
        ) from None


def _app_command(cdk_json: Path, app: str | None) -> str:
    command = app or load_cdk_json(cdk_json).get("app")
    if not isinstance(command, str) or not command:
        raise MaintenanceConfigError(
            f'--app: no app command given and {str(cdk_json)!r} has no "app"; pass '
            "--app 'python3 app.py'."
        )
    return command


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
            _states(cdk_json, _app_command(cdk_json, args.app), value)  # refuses unknown selectors
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
    overrides = _context_overrides(args.context)
    value, source = context_value(cdk_json, overrides, MAINTENANCE_CONTEXT_KEY)
    shown = "unset" if source == "unset" else f"{json.dumps(value)} (from {source})"
    print(f"{cdk_json}: {MAINTENANCE_CONTEXT_KEY} = {shown}")
    print(f"interpreted as: {_describe(value)}")
    if not args.no_app:
        app = _app_command(cdk_json, args.app)
        states = _states(cdk_json, app, value, overrides)
        print(f"maintenance constructs of {app!r}:")
        for state in states:
            note = " (enabled= set in code)" if state.explicit else ""
            print(f"  {'ON ' if state.enabled else 'off'}  {state.path}{note}")
        if not states:
            print("  (none)")
    return 0


def _context_overrides(pairs: Sequence[str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise MaintenanceConfigError(
                f"-c: {pair!r} is not KEY=VALUE; write e.g. -c maintenance=Prod."
            )
        overrides[key] = value  # a string, exactly as `cdk -c` passes it
    return overrides


def cmd_preview(args: argparse.Namespace) -> int:
    from .preview import build_preview, parse_request, render_text

    cdk_json = Path(args.cdk_json)
    overrides = _context_overrides(args.context)
    if cdk_json.is_file():
        context = merged_context(cdk_json, overrides)
        app = _app_command(cdk_json, args.app)
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


def _context_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "-c",
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="context, as with cdk -c (e.g. -c maintenance=Prod); repeatable",
    )


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
    status.add_argument(
        "--app", help="app command to synthesize for the list of constructs (default: cdk.json's)"
    )
    status.add_argument(
        "--no-app", action="store_true", help="only read the context; do not synthesize the app"
    )
    _context_option(status)
    status.set_defaults(handler=cmd_status)
    preview = sub.add_parser(
        "preview", help="what the toggle changes and who gets what, off vs on (offline)"
    )
    preview.add_argument("--app", help='app command (default: cdk.json\'s "app")')
    _context_option(preview)
    preview.add_argument("--json", action="store_true", help="machine-readable output")
    preview.add_argument(
        "--request",
        metavar="SPEC",
        help="one request: host=,ip=,path=,accept=,method=,country=,header:NAME= (ip required)",
    )
    preview.set_defaults(handler=cmd_preview)
    for command in (set_, status, preview):
        command.add_argument("--cdk-json", default="cdk.json", help="default: ./cdk.json")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except MaintenanceConfigError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
