"""The CDK context as the CDK CLI reads it: cdk.json, cdk.context.json, ~/.cdk.json and
``-c``, with their precedence, and clear errors for files that are not JSON objects."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ...errors import MaintenanceConfigError

__all__ = [
    "add_app_options",
    "app_command",
    "context_overrides",
    "context_sources",
    "context_value",
    "load_cdk_json",
    "merged_context",
]


def _json_object(path: Path, parameter: str, what: str) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8-sig")  # a UTF-8 BOM is read past, as the CDK CLI does
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise MaintenanceConfigError(
            f"{parameter}: {str(path)!r} is not valid JSON: line {error.lineno}, column "
            f"{error.colno}: {error.msg}. Fix the file, then run the command again."
        ) from None
    if not isinstance(data, dict):
        raise MaintenanceConfigError(
            f"{parameter}: {str(path)!r} holds a {type(data).__name__}, not an object {what}."
        )
    return data


def load_cdk_json(path: Path) -> dict[str, Any]:
    """Read cdk.json, with the line and column of a syntax error in the message."""
    if not path.is_file():
        raise MaintenanceConfigError(
            f"--cdk-json: {str(path)!r} does not exist; run the command in your CDK app's folder "
            "or pass --cdk-json path/to/cdk.json."
        )
    return _json_object(path, "--cdk-json", 'with "app" and "context"')


def context_sources(
    cdk_json: Path, overrides: Mapping[str, Any]
) -> list[tuple[str, Mapping[str, Any]]]:
    """Where the CDK CLI reads context, lowest precedence first: the ``context`` of
    ``~/.cdk.json``, ``cdk.context.json``, the ``context`` of ``cdk.json``, then ``-c``."""
    sources: list[tuple[str, Mapping[str, Any]]] = []
    user = Path.home() / ".cdk.json"
    if user.is_file():
        context = _json_object(user, "~/.cdk.json", 'with "context"').get("context", {})
        sources.append(("~/.cdk.json", context if isinstance(context, dict) else {}))
    cached = cdk_json.parent / "cdk.context.json"
    if cached.is_file():
        sources.append(
            ("cdk.context.json", _json_object(cached, "cdk.context.json", "of context values"))
        )
    context = load_cdk_json(cdk_json).get("context", {})
    sources.append(("cdk.json", context if isinstance(context, dict) else {}))
    sources.append(("-c", dict(overrides)))
    return sources


def merged_context(cdk_json: Path, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Context as the CDK CLI merges it (see :func:`context_sources`)."""
    context: dict[str, Any] = {}
    for _, values in context_sources(cdk_json, overrides):
        context.update(values)
    return context


def context_value(cdk_json: Path, overrides: Mapping[str, Any], key: str) -> tuple[Any, str]:
    """The value the CDK CLI would use for ``key``, and where it comes from ("unset" when no
    source has it)."""
    found: tuple[Any, str] = (None, "unset")
    for source, values in context_sources(cdk_json, overrides):
        if key in values:
            found = (values[key], source)
    return found


def app_command(cdk_json: Path, app: str | None) -> str:
    """The app command: ``app`` if given, else cdk.json's ``"app"``."""
    command = app or load_cdk_json(cdk_json).get("app")
    if not isinstance(command, str) or not command:
        raise MaintenanceConfigError(
            f'--app: no app command given and {str(cdk_json)!r} has no "app"; pass '
            "--app 'python3 app.py'."
        )
    return command


def context_overrides(pairs: Sequence[str]) -> dict[str, Any]:
    """``-c KEY=VALUE`` pairs as the CDK CLI passes them: every value a string."""
    overrides: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise MaintenanceConfigError(
                f"-c: {pair!r} is not KEY=VALUE; write e.g. -c maintenance=Prod."
            )
        overrides[key] = value  # a string, exactly as `cdk -c` passes it
    return overrides


def add_app_options(command: argparse.ArgumentParser, *, app_help: str | None = None) -> None:
    """``--app`` and ``-c KEY=VALUE``, as the CDK CLI takes them, for commands that synthesize."""
    command.add_argument("--app", help=app_help or 'app command (default: cdk.json\'s "app")')
    command.add_argument(
        "-c",
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="context, as with cdk -c (e.g. -c maintenance=Prod); repeatable",
    )
