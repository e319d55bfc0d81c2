"""The ``serve`` and ``check`` subcommands: a front door of the app on a local port, and real
requests to a deployed (or served) front door compared with what its rules say."""

from __future__ import annotations

import argparse
import ipaddress
import json
import math
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ...errors import MaintenanceConfigError
from ...toggle_value import MAINTENANCE_CONTEXT_KEY, parse_toggle_value
from ..app.context import (
    add_app_options,
    app_command,
    context_overrides,
    context_value,
    merged_context,
)
from ..app.secrets import checked_token, masked
from ..edge.check import CANNOT_TELL, MATCH, check_wait, render, run_check
from ..edge.http_fetch import check_url
from ..edge.local_edge import LocalEdge, load_edge, with_token
from ..edge.serve import make_server
from . import aws

__all__ = ["add_edge_parsers", "cmd_check", "cmd_serve"]

TOKEN_ENV = "MAINTENANCE_BYPASS_TOKEN"
EXIT_CODES = {MATCH: 0, CANNOT_TELL: 3}
"""``check``'s exit code by verdict; any other verdict (some answers do not match) is 1."""


def _edge(args: argparse.Namespace, token: str | None) -> LocalEdge:
    cdk_json = Path(args.cdk_json)
    context = merged_context(cdk_json, context_overrides(args.context))
    app = app_command(cdk_json, args.app)
    edge = load_edge(app, cwd=cdk_json.parent, context=context, door=args.door)
    return edge if token is None else with_token(edge, token)


def _expected_state(args: argparse.Namespace, edge: LocalEdge) -> str:
    """``--expect``, else what the committed context (and ``-c``) gives the constructs behind
    the door (a selector matches a construct's path, not the listener's or web ACL's);
    ``enabled=`` set in code wins, as in the app."""
    if args.expect:
        return str(args.expect)
    overrides = context_overrides(args.context)
    value, _ = context_value(Path(args.cdk_json), overrides, MAINTENANCE_CONTEXT_KEY)
    parsed = parse_toggle_value(value)
    states = {s.path: s.enabled if s.explicit else parsed.selects(s.path) for s in edge.constructs}
    on = [path for path, enabled in states.items() if enabled]
    off = [path for path, enabled in states.items() if not enabled]
    if not states:
        raise MaintenanceConfigError(
            f"--expect: the door {edge.door.name} cannot be traced to the maintenance "
            "constructs behind it; pass --expect on or --expect off."
        )
    if on and off:
        raise MaintenanceConfigError(
            f"--expect: the committed context puts {', '.join(on)} on and {', '.join(off)} "
            f"off, and the door {edge.door.name} carries the rules of both; pass --expect on "
            "or --expect off."
        )
    return "on" if on else "off"


def _token(args: argparse.Namespace) -> str | None:
    """The bypass token from the environment or SSM, never from the command line; refused in
    one line that never shows it when no door could take it."""
    if args.token_ssm:
        client = aws.make_client("ssm", None)  # boto3, only when asked for
        try:
            found = client.get_parameter(Name=args.token_ssm, WithDecryption=True)
        except Exception as error:
            raise MaintenanceConfigError(
                f"--token-ssm: could not read {args.token_ssm}: {type(error).__name__}."
            ) from None
        return checked_token(str(found["Parameter"]["Value"]), f"--token-ssm {args.token_ssm}")
    value = os.environ.get(args.token_env)
    return checked_token(value, f"the environment variable {args.token_env}") if value else None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    try:
        return check_wait(value)
    except MaintenanceConfigError:
        raise MaintenanceConfigError(
            f"--wait: {text!r} is not a number of seconds from 0 up; pass e.g. --wait 600."
        ) from None


def cmd_check(args: argparse.Namespace) -> int:
    check_url(args.url)
    wait = _seconds(args.wait)
    token = _token(args)
    secrets = [token] if token else []
    try:
        edge = _edge(args, token)
        secrets += edge.secrets
        state = _expected_state(args, edge)
        result = run_check(args.url, edge, state=state, token=token, wait=wait)
    except MaintenanceConfigError as error:
        raise MaintenanceConfigError(str(masked(str(error), secrets))) from None
    if args.json:
        data = {**asdict(result), "ok": result.ok}
        print(json.dumps(masked(data, secrets), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(str(masked(render(result), secrets)))
    return EXIT_CODES.get(result.verdict, 1)


def _client_ip(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise MaintenanceConfigError(
            f"--client-ip: {text!r} is not an IP address; pass e.g. --client-ip 203.0.113.9."
        ) from None


def _serve_notes(edge: LocalEdge, token: str | None) -> list[str]:
    """A token from SSM is only a template reference until the real one is given."""
    if token is None and any(state.parameters for state in edge.constructs):
        return [
            "note: the bypass token is a deploy-time value (an SSM parameter); set "
            f"{TOKEN_ENV} or pass --token-ssm to try it here."
        ]
    return []


def cmd_serve(args: argparse.Namespace) -> int:
    client_ip = _client_ip(args.client_ip)
    if not 0 <= args.port <= 65535:
        raise MaintenanceConfigError(f"--port: {args.port} is not a port (0 to 65535).")
    token = _token(args)
    edge = _edge(args, token)
    try:
        server = make_server(
            edge,
            state=args.state,
            client_ip=client_ip,
            port=args.port,
            host=args.host,
            token=token,
        )
    except OSError as error:
        raise MaintenanceConfigError(
            f"serve: could not listen on 127.0.0.1:{args.port} ({error.strerror or error}); "
            "pass another --port (0: any free port)."
        ) from None
    port = server.server_address[1]
    print(
        f"serving {edge.door.kind} {edge.door.name} (maintenance {args.state}) on "
        f"http://127.0.0.1:{port}/ as client {client_ip}; set X-Forwarded-For to play "
        "another client. Ctrl-C stops.",
        flush=True,
    )
    for note in _serve_notes(edge, token):
        print(note, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _common(command: argparse.ArgumentParser) -> None:
    command.add_argument("--door", help="the front door by path (or prefix); default: the only one")
    command.add_argument(
        "--token-env",
        default=TOKEN_ENV,
        metavar="NAME",
        help=f"env var with the bypass token (default {TOKEN_ENV})",
    )
    command.add_argument(
        "--token-ssm", metavar="PARAMETER", help="SSM parameter with the bypass token"
    )
    add_app_options(command)


def add_edge_parsers(sub: Any) -> list[argparse.ArgumentParser]:
    check = sub.add_parser("check", help="probe a deployed front door and compare with its rules")
    check.add_argument("url", help="the front door's URL, e.g. https://www.example.com/")
    check.add_argument("--expect", choices=("on", "off"), help="default: the committed context")
    check.add_argument(
        "--wait", default="0", metavar="SECONDS", help="poll until it holds (and say how long)"
    )
    check.add_argument("--json", action="store_true", help="machine-readable output")
    _common(check)
    check.set_defaults(handler=cmd_check)
    serve = sub.add_parser("serve", help="run a front door's rules on 127.0.0.1 (try it locally)")
    serve.add_argument("--state", choices=("on", "off"), default="on", help="default: on")
    serve.add_argument("--port", type=int, default=8080, help="default: 8080 (0: any free port)")
    serve.add_argument(
        "--client-ip", default="192.0.2.1", help="the client address (default: an outside one)"
    )
    serve.add_argument("--host", help="the Host the door sees (default: the door's first host)")
    _common(serve)
    serve.set_defaults(handler=cmd_serve)
    return [check, serve]
