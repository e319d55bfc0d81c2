"""The CDK Pipelines example: one stage into maintenance while the other keeps serving."""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from builders import needs_cdk_cli, run_cdk
from helpers import LISTENER_RULE, PATH_METADATA, WEB_ACL, assert_toggle_invariants, templates

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))

from pipeline_app import build_pipeline_app  # noqa: E402

from maintenance_constructs.tools.preview.report import preview_assemblies  # noqa: E402

STAGE_STACKS = ("Staging/Web", "Staging/Edge", "Prod/Web", "Prod/Edge")


@cache
def synth(value: str) -> dict[str, Any]:
    return templates(build_pipeline_app({**PATH_METADATA, "maintenance": value}))


def in_maintenance(template: dict[str, Any]) -> bool:
    resources = template["Resources"].values()
    # The maintenance listener rules are the only ones with DeletionPolicy Delete.
    rules = [r for r in resources if r["Type"] == LISTENER_RULE and "DeletionPolicy" in r]
    acl_rules = [
        rule for r in resources if r["Type"] == WEB_ACL for rule in r["Properties"]["Rules"]
    ]
    return bool(rules) or bool(acl_rules)


def states(value: str) -> dict[str, bool]:
    return {stack: in_maintenance(synth(value)[stack]) for stack in STAGE_STACKS}


def test_off() -> None:
    assert not any(states("false").values())


def test_prod_selector_puts_only_prod_in_place() -> None:
    assert states("Prod") == {
        "Staging/Web": False,
        "Staging/Edge": False,
        "Prod/Web": True,
        "Prod/Edge": True,
    }
    for stack in STAGE_STACKS:
        assert_toggle_invariants(synth("false")[stack], synth("Prod")[stack])
    assert synth("false")["MaintenancePipeline"] == synth("Prod")["MaintenancePipeline"]


def test_true_puts_every_stage_in_place() -> None:
    assert all(states("true").values())


def test_typo_fails_naming_the_stages() -> None:
    with pytest.raises(RuntimeError) as error:
        build_pipeline_app({"maintenance": "Prdo"}).synth()
    message = str(error.value)
    assert "selector 'Prdo'" in message
    for path in ("Prod/Web/Maintenance", "Prod/Edge/Maintenance", "Staging/Web/Maintenance"):
        assert path in message
    # The suggestion switches on the stage meant, never a prefix of every stage.
    assert "(e.g. -c maintenance=Prod)" in message


def test_typo_far_from_any_id_suggests_one_construct() -> None:
    with pytest.raises(RuntimeError) as error:
        build_pipeline_app({"maintenance": "Xyzzy"}).synth()
    assert "(e.g. -c maintenance=Prod/Edge/Maintenance)" in str(error.value)


@needs_cdk_cli
def test_cli_selector_overrides_committed_false(tmp_path: Path) -> None:
    """examples/cdk.json says "maintenance": false; `-c maintenance=Staging` wins for one synth."""
    assert (
        json.loads((ROOT / "examples" / "cdk.json").read_text())["context"]["maintenance"] is False
    )
    result = run_cdk(
        ["synth", "-q", "-c", "maintenance=Staging", "-o", str(tmp_path)], cwd=ROOT / "examples"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    nested = {
        a["properties"]["directoryName"]
        for a in manifest["artifacts"].values()
        if a["type"] == "cdk:cloud-assembly"
    }
    # The zones CDK looks up for the placeholder account are in examples/cdk.context.json, so
    # the CLI runs the app once (a missing lookup makes it run the app a second time).
    assert [
        json.loads((tmp_path / d / "manifest.json").read_text()).get("missing") for d in nested
    ] == [None] * len(nested)
    found = {}
    for directory in nested:
        for path in (tmp_path / directory).glob("*.template.json"):
            found[path.parent.name + "/" + path.name] = in_maintenance(json.loads(path.read_text()))
    staging = [v for k, v in found.items() if "Staging" in k]
    prod = [v for k, v in found.items() if "Prod" in k]
    assert staging == [True, True] and prod == [False, False], found


def test_stages_under_the_pipeline_stack(tmp_path: Path) -> None:
    """Stages created under the pipeline stack: the selector picks the stage by its id, a
    typo suggests that id, and the preview labels each stack by its stage path."""
    for value in ("false", "Prod"):
        build_pipeline_app(
            {**PATH_METADATA, "maintenance": value},
            outdir=str(tmp_path / value),
            stages_under_pipeline=True,
        ).synth()
    preview = preview_assemblies(tmp_path / "false", tmp_path / "Prod")
    assert preview.only_maintenance
    assert {c.stack for c in preview.changes} == {
        "MaintenancePipeline/Prod/Web",
        "MaintenancePipeline/Prod/Edge",
    }
    assert {d.stack for d in preview.front_doors} == {c.stack for c in preview.changes}
    with pytest.raises(RuntimeError) as error:
        build_pipeline_app({"maintenance": "Prdo"}, stages_under_pipeline=True).synth()
    assert "(e.g. -c maintenance=Prod)" in str(error.value)


def test_each_stage_is_checked_from_outside_after_it_deploys() -> None:
    """A post-deploy step per stage runs `check` against that stage's edge URL (a stack
    output in both states), waiting for the committed state, the token read from SSM."""
    projects = [
        json.loads(r["Properties"]["Source"]["BuildSpec"])
        for r in synth("false")["MaintenancePipeline"]["Resources"].values()
        if r["Type"] == "AWS::CodeBuild::Project"
        and "BuildSpec" in r["Properties"].get("Source", {})
    ]
    commands = [c for p in projects for c in p["phases"]["build"]["commands"]]
    for stage in ("Staging", "Prod"):
        assert (
            f'maintenance-constructs check "$URL" --door {stage}/Edge/Maintenance '
            "--wait 600 --token-ssm /maintenance/bypass-token" in commands
        ), commands
    edge = synth("false")["Prod/Edge"]
    assert edge["Outputs"]["Url"]["Value"]["Fn::Join"][1][0] == "https://"
    assert synth("Prod")["Prod/Edge"]["Outputs"] == edge["Outputs"]
