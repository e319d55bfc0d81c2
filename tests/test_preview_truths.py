"""What the preview says beyond its rows: an ALB behind CloudFront, and cells that stay
readable when an answer has many alternatives."""

from __future__ import annotations

from pathlib import Path

import pytest
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from builders import AlbEnv
from helpers import PATH_METADATA

from maintenance_constructs.tools.model import MOST_ALTERNATIVES, Answer
from maintenance_constructs.tools.preview.report import preview_assemblies, render_text


def _synth(outdir: Path, state: str, *, behind_cloudfront: bool) -> None:
    env = AlbEnv(context={**PATH_METADATA, "maintenance": state}, outdir=outdir)
    if behind_cloudfront:
        cloudfront.Distribution(
            env.stack,
            "Cdn",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.LoadBalancerV2Origin(env.listener.load_balancer)
            ),
        )
    env.maintenance(allowed_cidrs=["203.0.113.0/24"], enabled=None)
    env.app.synth()


@pytest.mark.parametrize("behind_cloudfront", [True, False])
def test_alb_behind_cloudfront_says_the_allow_listed_rows_cannot_happen(
    tmp_path: Path, behind_cloudfront: bool
) -> None:
    for state in ("false", "true"):
        _synth(tmp_path / state, state, behind_cloudfront=behind_cloudfront)
    preview = preview_assemblies(tmp_path / "false", tmp_path / "true")
    (door,) = preview.front_doors
    if not behind_cloudfront:
        assert door.notes == ()
        return
    (note,) = door.notes
    assert "origin of the CloudFront distribution Web/Cdn" in note
    assert "the allow-listed rows cannot happen" in note
    assert f"note: {note}" in render_text(preview)
    assert preview.to_json()["front_doors"][0]["notes"] == [note]


def test_cells_list_two_alternatives_and_count_the_rest() -> None:
    alternatives = tuple(f"403 if Rule{i} matches (depends on GeoMatch)" for i in range(6))
    cell = Answer("allow", "default", alternatives=alternatives).describe()
    assert cell.count("; or ") == MOST_ALTERNATIVES + 1
    assert cell.endswith("4 more (see --json)")
    assert len(cell) < 160
