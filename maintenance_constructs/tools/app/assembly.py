"""Run a CDK app offline into a cloud assembly and read what the tooling needs from it.

This is what the CDK CLI does for ``cdk synth``: run the app command with ``CDK_OUTDIR`` and
``CDK_CONTEXT_JSON`` set. No AWS call is made, so no credentials are needed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import MaintenanceConfigError
from ...scope import EVERY_REQUEST, MaintenanceScope, scope_from_metadata
from ...shared import (
    FUNCTION_METADATA_TYPE,
    SCOPE_METADATA_TYPE,
    STATE_METADATA_TYPE,
    TOKEN_PARAMETER_METADATA_TYPE,
    WAF_RULES_METADATA_TYPE,
)
from .cross_region import cross_region_links

__all__ = [
    "ConstructState",
    "StackTemplate",
    "SynthMessage",
    "metadata_entries",
    "qualified",
    "read_messages",
    "read_states",
    "read_templates",
    "synthesize",
]


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
    """A stack of the assembly: its display name (path of its construct) and its template; a
    nested stack also names its parent stack and the ``AWS::CloudFormation::Stack`` resource
    of the parent that creates it."""

    name: str
    template: dict[str, Any]
    parent: str = ""
    resource: str = ""


NESTED_STACK = "AWS::CloudFormation::Stack"


def read_templates(outdir: Path) -> list[StackTemplate]:
    """Every stack template in the assembly and its nested (stage) assemblies, and the
    templates of their nested stacks."""
    stacks = []
    for folder, manifest in _assemblies(outdir):
        assets = _template_assets(folder)
        for artifact in manifest.get("artifacts", {}).values():
            if artifact.get("type") != "aws:cloudformation:stack":
                continue
            template = json.loads(
                (folder / artifact["properties"]["templateFile"]).read_text(encoding="utf-8")
            )
            name = artifact.get("displayName") or artifact["properties"]["templateFile"]
            stack = StackTemplate(name=name, template=template)
            stacks += [stack, *_nested(stack, folder, assets)]
    return stacks


def _template_assets(folder: Path) -> dict[str, str]:
    """Asset hash -> file name, for the nested stack templates of one assembly folder."""
    found = {}
    for manifest in folder.glob("*.assets.json"):
        files = json.loads(manifest.read_text(encoding="utf-8")).get("files") or {}
        for asset_hash, asset in files.items():
            path = str((asset.get("source") or {}).get("path", ""))
            if path.endswith(".template.json"):
                found[asset_hash] = path
    return found


def _nested(stack: StackTemplate, folder: Path, assets: Mapping[str, str]) -> list[StackTemplate]:
    """The nested stacks ``stack`` creates (and theirs), found by the asset hash that ends
    each ``AWS::CloudFormation::Stack`` resource's TemplateURL."""
    found = []
    for logical_id, resource in (stack.template.get("Resources") or {}).items():
        if resource.get("Type") != NESTED_STACK:
            continue
        url = json.dumps((resource.get("Properties") or {}).get("TemplateURL"))
        file = next((f for h, f in assets.items() if f"/{h}.json" in url), None)
        if file is None:
            continue
        path = str((resource.get("Metadata") or {}).get("aws:cdk:path", ""))
        name = path.split(".NestedStack/")[0] if ".NestedStack/" in path else ""
        nested = StackTemplate(
            name=name or f"{stack.name}/{logical_id}",
            template=json.loads((folder / file).read_text(encoding="utf-8")),
            parent=stack.name,
            resource=logical_id,
        )
        found += [nested, *_nested(nested, folder, assets)]
    return found


@dataclass(frozen=True)
class ConstructState:
    """A maintenance construct found in the assembly and whether it is on."""

    path: str
    enabled: bool
    explicit: bool
    waf_rules: tuple[str, ...] = ()
    """The web ACL rules the construct owns (CloudFront and regional constructs)."""
    parameters: tuple[str, ...] = ()
    """CloudFormation parameters the construct adds while on (the bypass token's)."""
    functions: tuple[str, ...] = ()
    """The logical ids of the construct's CloudFront Function (CloudFrontFunctionMaintenance)."""
    scope: MaintenanceScope = EVERY_REQUEST
    """What the construct turns away while on (``methods=`` and ``paths=``)."""


def metadata_entries(outdir: Path) -> Iterator[tuple[str, dict[str, Any]]]:
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
    parameters: dict[str, list[str]] = {}
    functions: dict[str, list[str]] = {}
    scopes: dict[str, MaintenanceScope] = {}
    for path, item in metadata_entries(outdir):
        data = item.get("data") or {}
        if item.get("type") == STATE_METADATA_TYPE:
            states[path.lstrip("/")] = data
        elif item.get("type") == WAF_RULES_METADATA_TYPE:
            rules[path.lstrip("/")] = tuple(str(r) for r in data.get("rules", []))
        elif item.get("type") == TOKEN_PARAMETER_METADATA_TYPE:
            parameters.setdefault(path.lstrip("/"), []).append(str(data.get("logicalId")))
        elif item.get("type") == FUNCTION_METADATA_TYPE:
            functions.setdefault(path.lstrip("/"), []).append(str(data.get("function")))
        elif item.get("type") == SCOPE_METADATA_TYPE:
            scopes[path.lstrip("/")] = scope_from_metadata(data)
    return [
        ConstructState(
            path=path,
            enabled=bool(data.get("enabled")),
            explicit=bool(data.get("explicit")),
            waf_rules=rules.get(path, ()),
            parameters=tuple(parameters.get(path, ())),
            functions=tuple(functions.get(path, ())),
            scope=scopes.get(path, EVERY_REQUEST),
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
    for path, item in metadata_entries(outdir):
        level = str(item.get("type", "")).removeprefix("aws:cdk:")
        if level in ("warning", "error"):
            found[SynthMessage(level, path.lstrip("/"), str(item.get("data")))] = None
    return list(found)


def qualified(stacks: Sequence[StackTemplate]) -> dict[str, Any]:
    """The resources of every stack in one mapping, keyed ``Stack/LogicalId``, with ``Ref``,
    ``Fn::GetAtt`` and ``Fn::ImportValue`` (of the assembly's own exports) rewritten to those
    keys, so references across stacks read like references within one; so are the values a
    stack reads through a cross-region reference (``cross_region_references=True``). Within a
    family of nested stacks, a parameter the parent passes and an output the parent reads are
    followed to the value they carry."""
    exports: dict[str, tuple[str, Any]] = {}
    for stack in stacks:
        for output in (stack.template.get("Outputs") or {}).values():
            name = (output.get("Export") or {}).get("Name")
            if isinstance(name, str):
                exports[name] = (stack.name, output.get("Value"))
    written, readers = cross_region_links((stack.name, stack.template) for stack in stacks)
    passed, children = _nested_links(stacks)

    def rewrite(value: Any, stack: str) -> Any:
        if isinstance(value, list):
            return [rewrite(item, stack) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, inner),) = value.items()
            if key == "Ref" and (stack, inner) in passed:
                parent, given = passed[(stack, inner)]
                return rewrite(given, parent)
            if key == "Ref" and isinstance(inner, str) and not inner.startswith("AWS::"):
                return {"Ref": f"{stack}/{inner}"}
            if key == "Fn::GetAtt" and isinstance(inner, list) and len(inner) == 2:
                region = readers.get((stack, inner[0]))
                if region is not None and (region, inner[1]) in written:
                    producer, exported = written[(region, inner[1])]
                    return rewrite(exported, producer)
            child = children.get((stack, inner[0])) if key == "Fn::GetAtt" and inner else None
            output = str(inner[1]).removeprefix("Outputs.") if child and len(inner) > 1 else ""
            if child is not None and output in (child.template.get("Outputs") or {}):
                return rewrite(child.template["Outputs"][output].get("Value"), child.name)
            if key == "Fn::GetAtt" and isinstance(inner, list) and inner:
                return {"Fn::GetAtt": [f"{stack}/{inner[0]}", *inner[1:]]}
            if key == "Fn::ImportValue" and isinstance(inner, str) and inner in exports:
                producer, exported = exports[inner]
                return rewrite(exported, producer)
        return {key: rewrite(item, stack) for key, item in value.items()}

    return {
        f"{stack.name}/{logical_id}": rewrite(resource, stack.name)
        for stack in stacks
        for logical_id, resource in stack.template.get("Resources", {}).items()
    }


def _nested_links(
    stacks: Sequence[StackTemplate],
) -> tuple[dict[tuple[str, Any], tuple[str, Any]], dict[tuple[str, Any], StackTemplate]]:
    """(nested stack, parameter) -> (parent, the value the parent passes); (parent, nested
    stack resource) -> the nested stack."""
    by_name = {stack.name: stack for stack in stacks}
    passed: dict[tuple[str, Any], tuple[str, Any]] = {}
    children: dict[tuple[str, Any], StackTemplate] = {}
    for stack in stacks:
        parent = by_name.get(stack.parent)
        if parent is None:
            continue
        children[(parent.name, stack.resource)] = stack
        resource = parent.template.get("Resources", {}).get(stack.resource) or {}
        for name, given in ((resource.get("Properties") or {}).get("Parameters") or {}).items():
            passed[(stack.name, name)] = (parent.name, given)
    return passed, children
