"""No message the package can produce shows any part of a literal bypass token: errors (the
whole bad-input matrix), synth warnings and annotations, and the preview (text and --json) of
an app whose four front doors carry a planted token."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from bad_inputs import CASES, PLANTED, message_of
from builders import AlbEnv
from helpers import PATH_METADATA

from maintenance_constructs import (
    CloudFrontFunctionMaintenance,
    CloudFrontMaintenance,
    MaintenanceResponse,
    RegionalMaintenance,
)
from maintenance_constructs.tools.preview.report import preview_assemblies, render_text

# Tokens the matrix passes (valid or not), and the planted one.
TOKENS = [
    PLANTED,
    "letmein",
    "office pass 2026 winter",
    "abcdef*" + "x" * 20,
    "12345678901234567890",
    "bytes-token-0123456789ab",
    "semi;colon-token-1234",
]


def _leaks(text: str) -> list[str]:
    """Runs of any token's characters in ``text`` (its start, end or middle): 8 at a time,
    6 for tokens shorter than 12."""
    found = []
    for token in TOKENS:
        run = 6 if len(token) < 12 else 8
        runs = {token[i : i + run] for i in range(len(token) - run + 1)}
        found += [part for part in runs if part in text]
    return found


def test_the_leak_check_can_fail() -> None:
    assert _leaks(f"bypass_token: {PLANTED[:8]!r}... has characters") != []
    assert _leaks("bypass_token: 'letmei'... has 7 characters") != []  # the old message
    assert _leaks(f"header X-Maintenance-Bypass matches {PLANTED[5:15]}") != []
    assert _leaks("bypass_token (27 characters) is not 16 to 100 characters long") == []


def test_no_error_message_shows_a_token() -> None:
    token_cases = [c for c in CASES if "token" in c.parameter or "link" in c.parameter]
    assert len(token_cases) >= 15
    for case in token_cases:
        message = message_of(case)
        assert _leaks(message) == [], (case.value, message)


def _app(state: str, outdir: Path) -> None:
    env = AlbEnv(context={**PATH_METADATA, "maintenance": state}, outdir=outdir)
    # Warnings that quote parameters: headers the ALB cannot send, a forwarding default.
    env.maintenance(
        allowed_cidrs=["203.0.113.0/24"],
        bypass_token=PLANTED,
        response=MaintenanceResponse.json({"code": "down"}, retry_after=600),
        enabled=None,
    )
    edge = cdk.Stack(env.app, "Edge", env=cdk.Environment(region="us-east-1"))
    CloudFrontMaintenance(edge, "Maintenance", bypass_token=PLANTED, bypass_paths=["/health"])
    api = cdk.Stack(env.app, "Api", env=cdk.Environment(region="eu-west-1"))
    RegionalMaintenance(
        api,
        "Maintenance",
        resource_arns=["arn:aws:apigateway:eu-west-1::/restapis/a1b2c3/stages/prod"],
        bypass_token=PLANTED,
    )
    cdn = cdk.Stack(env.app, "Cdn", env=cdk.Environment(region="us-east-1"))
    distribution = cloudfront.Distribution(
        cdn,
        "Cdn",
        default_behavior=cloudfront.BehaviorOptions(origin=origins.HttpOrigin("example.com")),
    )
    CloudFrontFunctionMaintenance(
        cdn, "Maintenance", distribution=distribution, bypass_token=PLANTED
    )
    env.app.synth()


@pytest.fixture(scope="module")
def assemblies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("planted")
    for state in ("false", "true"):
        _app(state, folder / state)
    return folder


def test_no_synth_message_shows_the_token(assemblies: Path) -> None:
    for metadata in (assemblies / "true").glob("*.metadata.json"):
        for entries in json.loads(metadata.read_text()).values():
            for entry in entries:
                if entry["type"] in ("aws:cdk:warning", "aws:cdk:error", "aws:cdk:info"):
                    assert _leaks(str(entry["data"])) == [], entry


def test_the_preview_masks_the_token_in_text_and_json(assemblies: Path) -> None:
    preview = preview_assemblies(assemblies / "false", assemblies / "true")
    assert PLANTED in preview.secrets
    text = render_text(preview)
    data = json.dumps(preview.to_json())
    assert "with bypass token" in text  # the token rows are there, masked
    assert f"<bypass token ({len(PLANTED)} characters)>" in text + data
    assert _leaks(text) == [] and _leaks(data) == []
