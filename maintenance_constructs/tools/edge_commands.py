"""The ``serve`` and ``check`` subcommands: a front door of the app on a local port, and real
requests to a deployed (or served) front door compared with what its rules say."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..errors import MaintenanceConfigError
from ..toggle_value import MAINTENANCE_CONTEXT_KEY, parse_toggle_value, selector_matches
from .check import render, run_check
from .context import add_app_options, app_command, context_overrides, context_value, merged_context
from .local_edge import LocalEdge, load_edge
from .secrets import masked
from .serve import make_server

__all__ = ["add_edge_parsers", "cmd_check", "cmd_serve"]

TOKEN_ENV = "MAINTENANCE_BYPASS_TOKEN"


def _edge(args: argparse.Namespace) -> LocalEdge:
    cdk_json = Path(args.cdk_json)
    context = merged_context(cdk_json, context_overrides(args.context))
    app = app_command(cdk_json, args.app)
    return load_edge(app, cwd=cdk_json.parent, context=context, door=args.door)


def _expected_state(args: argparse.Namespace, edge: LocalEdge) -> str:
    """``--expect``, else what the committed context (and ``-c``) gives the door: on for
    ``true``, or for a selector that matches the door's path."""
    if args.expect:
        return str(args.expect)
    overrides = context_overrides(args.context)
    value, _ = context_value(Path(args.cdk_json), overrides, MAINTENANCE_CONTEXT_KEY)
    parsed = parse_toggle_value(value)
    path = edge.door.name.split("/")
    selected = any(selector_matches(selector, path) for selector in parsed.selectors)
    return "on" if parsed.everywhere or selected else "off"


def _token(args: argparse.Namespace) -> str | None:
    """The bypass token from the environment or SSM: never from the command line."""
    if args.token_ssm:
        from .switch_command import make_client  # boto3, only when asked for

        client = make_client("ssm", None)
        try:
            found = client.get_parameter(Name=args.token_ssm, WithDecryption=True)
        except Exception as error:
            raise MaintenanceConfigError(
                f"--token-ssm: could not read {args.token_ssm}: {type(error).__name__}."
            ) from None
        return str(found["Parameter"]["Value"])
    return os.environ.get(args.token_env) or None


def cmd_check(args: argparse.Namespace) -> int:
    edge = _edge(args)
    token = _token(args)
    state = _expected_state(args, edge)
    result = run_check(args.url, edge, state=state, token=token, wait=args.wait)
    secrets = [s for s in (token, *edge.secrets) if s]
    if args.json:
        data = {**asdict(result), "ok": result.ok}
        print(json.dumps(masked(data, secrets), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(str(masked(render(result), secrets)))
    return 0 if result.ok else 1


def cmd_serve(args: argparse.Namespace) -> int:
    edge = _edge(args)
    server = make_server(
        edge, state=args.state, client_ip=args.client_ip, port=args.port, host=args.host
    )
    port = server.server_address[1]
    print(
        f"serving {edge.door.kind} {edge.door.name} (maintenance {args.state}) on "
        f"http://127.0.0.1:{port}/ as client {args.client_ip}; set X-Forwarded-For to play "
        "another client. Ctrl-C stops.",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _common(command: argparse.ArgumentParser) -> None:
    command.add_argument("--door", help="the front door by path (or prefix); default: the only one")
    add_app_options(command)


def add_edge_parsers(sub: Any) -> list[argparse.ArgumentParser]:
    check = sub.add_parser("check", help="probe a deployed front door and compare with its rules")
    check.add_argument("url", help="the front door's URL, e.g. https://www.example.com/")
    check.add_argument("--expect", choices=("on", "off"), help="default: the committed context")
    check.add_argument(
        "--wait", type=float, default=0.0, metavar="SECONDS", help="poll until it holds"
    )
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.add_argument(
        "--token-env",
        default=TOKEN_ENV,
        metavar="NAME",
        help=f"env var with the bypass token (default {TOKEN_ENV})",
    )
    check.add_argument(
        "--token-ssm", metavar="PARAMETER", help="SSM parameter with the bypass token"
    )
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
