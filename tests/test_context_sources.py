"""`status` reads the maintenance value where the CDK CLI reads context, with its precedence
(-c over cdk.json over cdk.context.json over ~/.cdk.json): for each source, what `status`
says equals what a real `cdk synth` (the pinned CLI) does."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from builders import ROOT, needs_cdk_cli, run_cdk

from maintenance_constructs.tools.cli import main

APP = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import aws_cdk as cdk
from maintenance_constructs import CloudFrontMaintenance
app = cdk.App()
stack = cdk.Stack(app, "Edge", env=cdk.Environment(region="us-east-1"))
CloudFrontMaintenance(stack, "Maintenance", allowed_cidrs=["203.0.113.0/24"])
app.synth()
"""
# (files, -c values, expected): the value in each source, and what the CDK CLI makes of it.
# cdk.json alone and -c over cdk.json are compared with the real CLI in test_cli.py and
# test_pipeline.py; each real synth costs seconds.
SOURCES: Mapping[str, tuple[Mapping[str, Any], list[str], bool]] = {
    "cdk.context.json": ({"cdk.context.json": True}, [], True),
    "~/.cdk.json": ({"~/.cdk.json": True}, [], True),
    "cdk.json over cdk.context.json": ({"cdk.json": False, "cdk.context.json": True}, [], False),
}


def _project(folder: Path, values: Mapping[str, Any]) -> tuple[Path, Path]:
    project, home = folder / "project", folder / "home"
    project.mkdir()
    home.mkdir()
    (project / "app.py").write_text(APP)
    cdk_json: dict[str, Any] = {"app": f"{sys.executable} app.py", "context": {}}
    if "cdk.json" in values:
        cdk_json["context"]["maintenance"] = values["cdk.json"]
    (project / "cdk.json").write_text(json.dumps(cdk_json))
    if "cdk.context.json" in values:
        (project / "cdk.context.json").write_text(
            json.dumps({"maintenance": values["cdk.context.json"]})
        )
    if "~/.cdk.json" in values:
        user = {"context": {"maintenance": values["~/.cdk.json"]}}
        (home / ".cdk.json").write_text(json.dumps(user))
    return project, home


def _status(project: Path, home: Path, context: list[str]) -> str:
    # --no-app: the value and its reading; the synthesis status would then run is the one
    # every other status test exercises.
    arguments = ["status", "--no-app", "--cdk-json", str(project / "cdk.json")]
    arguments += [part for value in context for part in ("-c", value)]
    output = io.StringIO()
    previous = os.environ.get("HOME")
    os.environ["HOME"] = str(home)
    try:
        with contextlib.redirect_stdout(output):
            assert main(arguments) == 0
    finally:
        if previous is not None:
            os.environ["HOME"] = previous
    return output.getvalue()


def test_every_source_in_precedence_order(tmp_path: Path) -> None:
    """In process, each source alone and each pair: the higher one wins."""
    order = ["~/.cdk.json", "cdk.context.json", "cdk.json"]
    for lower, higher in [(a, b) for i, a in enumerate(order) for b in order[i + 1 :]]:
        folder = tmp_path / f"{lower}-{higher}".replace("/", "_").replace("~", "h")
        folder.mkdir()
        project, home = _project(folder, {lower: True, higher: False})
        status = _status(project, home, [])
        assert f"= false (from {higher})" in status, status
        assert "= true (from cdk.json)" not in _status(project, home, ["maintenance=false"])
    project, home = _project(tmp_path, {"cdk.json": False})
    assert '= "true" (from -c)' in _status(project, home, ["maintenance=true"])


@needs_cdk_cli
@pytest.mark.parametrize("source", list(SOURCES))
def test_status_agrees_with_cdk_synth(source: str, tmp_path: Path) -> None:
    values, context, expected = SOURCES[source]
    project, home = _project(tmp_path, values)
    args = ["synth", "-q", *[part for value in context for part in ("-c", value)]]
    result = run_cdk([*args, "-o", str(tmp_path / "out")], cwd=project, home=home)
    status = _status(project, home, context)
    assert result.returncode == 0, result.stderr[-2000:]
    cdk_on = "Maintenance mode is ON for Edge/Maintenance" in result.stderr
    status_on = "interpreted as: ON for every maintenance construct" in status
    assert (cdk_on, status_on) == (expected, expected), status
    where = {"cdk.json over cdk.context.json": "cdk.json"}
    assert f"(from {where.get(source, source)})" in status
