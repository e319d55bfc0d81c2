"""Run a CDK app offline into a cloud assembly and read what the tooling needs from it.

This is what the CDK CLI does for ``cdk synth``: run the app command with ``CDK_OUTDIR`` and
``CDK_CONTEXT_JSON`` set. No AWS call is made, so no credentials are needed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import MaintenanceConfigError
from ..toggle_value import STATE_METADATA_TYPE, WAF_RULES_METADATA_TYPE

__all__ = [
    "ConstructState",
    "StackTemplate",
    "SynthMessage",
    "load_cdk_json",
    "merged_context",
    "read_messages",
    "read_states",
    "read_templates",
    "synthesize",
]


def _json_object(path: Path, parameter: str, what: str) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
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


def merged_context(cdk_json: Path, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Context as the CDK CLI merges it: cdk.context.json, then cdk.json, then ``-c`` values."""
    context: dict[str, Any] = {}
    cached = cdk_json.parent / "cdk.context.json"
    if cached.is_file():
        context.update(_json_object(cached, "cdk.context.json", "of context values"))
    context.update(load_cdk_json(cdk_json).get("context", {}))
    context.update(overrides)
    return context


def synthesize(app: str, *, cwd: Path, context: Mapping[str, Any], outdir: Path) -> None:
    """Run ``app`` (a shell command such as ``python3 app.py``) into ``outdir``."""
    env = dict(os.environ)
    # `python3 app.py` should find the interpreter this tool runs in (the project's venv).
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    # CDK's own template validation (about 2 s a process) is `cdk synth`'s job, not the
    # preview's: skipped unless the environment asks for it.
    env.setdefault("CDK_VALIDATION", "false")
    env.update(
        CDK_OUTDIR=str(outdir),
        CDK_CONTEXT_JSON=json.dumps({**context, "aws:cdk:enable-path-metadata": True}),
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=env.get(
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20"
        ),
    )
    result = subprocess.run(
        app, shell=True, cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
        lines = [line for line in lines if "!!" not in line]  # jsii's Node.js banner
        # CDK validation errors read "[construct path] message"; show each once.
        validation = list(dict.fromkeys(line for line in lines if line.startswith("[")))
        detail = "\n  ".join(validation or lines[-12:] or ["(no error output)"])
        raise MaintenanceConfigError(
            f"the app {app!r} failed to synthesize (exit code {result.returncode}); the end "
            f"of its error output:\n  {detail}"
        )


def _assemblies(outdir: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    if not (outdir / "manifest.json").is_file():
        raise MaintenanceConfigError(
            f"the app wrote no cloud assembly (no manifest.json in {str(outdir)!r}); make sure "
            "it ends with app.synth(), as `cdk init` apps do."
        )
    manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    yield outdir, manifest
    for artifact in manifest.get("artifacts", {}).values():
        if artifact.get("type") == "cdk:cloud-assembly":
            yield from _assemblies(outdir / artifact["properties"]["directoryName"])


@dataclass(frozen=True)
class StackTemplate:
    """A stack of the assembly: its display name (path of its construct) and its template."""

    name: str
    template: dict[str, Any]


def read_templates(outdir: Path) -> list[StackTemplate]:
    """Every stack template in the assembly and its nested (stage) assemblies."""
    stacks = []
    for folder, manifest in _assemblies(outdir):
        for artifact in manifest.get("artifacts", {}).values():
            if artifact.get("type") != "aws:cloudformation:stack":
                continue
            template = json.loads(
                (folder / artifact["properties"]["templateFile"]).read_text(encoding="utf-8")
            )
            name = artifact.get("displayName") or artifact["properties"]["templateFile"]
            stacks.append(StackTemplate(name=name, template=template))
    return stacks


@dataclass(frozen=True)
class ConstructState:
    """A maintenance construct found in the assembly and whether it is on."""

    path: str
    enabled: bool
    explicit: bool
    waf_rules: tuple[str, ...] = ()
    """The web ACL rules the construct owns (CloudFront and regional constructs)."""


def _metadata(outdir: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (construct path, metadata entry) of the assembly and its nested assemblies."""
    for folder, _ in _assemblies(outdir):
        for metadata_file in sorted(folder.glob("*.metadata.json")):
            entries = json.loads(metadata_file.read_text(encoding="utf-8"))
            for path, items in entries.items():
                for item in items:
                    yield path, item


def read_states(outdir: Path) -> list[ConstructState]:
    """The maintenance constructs of the assembly, with their state, sorted by path."""
    states: dict[str, dict[str, Any]] = {}
    rules: dict[str, tuple[str, ...]] = {}
    for path, item in _metadata(outdir):
        data = item.get("data") or {}
        if item.get("type") == STATE_METADATA_TYPE:
            states[path.lstrip("/")] = data
        elif item.get("type") == WAF_RULES_METADATA_TYPE:
            rules[path.lstrip("/")] = tuple(str(r) for r in data.get("rules", []))
    return [
        ConstructState(
            path=path,
            enabled=bool(data.get("enabled")),
            explicit=bool(data.get("explicit")),
            waf_rules=rules.get(path, ()),
        )
        for path, data in sorted(states.items())
    ]


@dataclass(frozen=True)
class SynthMessage:
    """A warning or error of the synthesis, as the CDK CLI would print it."""

    level: str  # "warning" or "error"
    path: str
    text: str


def read_messages(outdir: Path) -> list[SynthMessage]:
    """The synthesis warnings and errors of the assembly, in order, each once."""
    found: dict[SynthMessage, None] = {}
    for path, item in _metadata(outdir):
        level = str(item.get("type", "")).removeprefix("aws:cdk:")
        if level in ("warning", "error"):
            found[SynthMessage(level, path.lstrip("/"), str(item.get("data")))] = None
    return list(found)
