"""Shared fixtures. Synthesis costs seconds, so synthesized apps are built once per session."""

from __future__ import annotations

import os

# Before the jsii kernel starts: CDK's own template validation costs ~2 s per synthesis and is
# exercised on purpose in tests/test_example_app.py::test_cli_synth_with_cdk_template_validation.
os.environ.setdefault("CDK_VALIDATION", "false")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import aws_cdk as cdk
import pytest
from helpers import templates

import app as example
from maintenance_constructs.tools.doors import function_doors

# The preview runs the CloudFront Function "now"; in tests, now is fixed, so the example's
# scheduled window (2027-01-09) never changes a pasted output on the day it runs.
function_doors.clock = lambda: 1_790_000_000.0  # 2026-09-21T14:13:20Z, outside every window


@pytest.fixture(scope="session")
def example_templates() -> Callable[[Mapping[str, Any]], dict[str, dict[str, Any]]]:
    """Templates of the example app for a context, cached across the session."""
    cache: dict[str, dict[str, dict[str, Any]]] = {}

    def build(context: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        key = repr(sorted(context.items()))
        if key not in cache:
            cache[key] = templates(example.build_app(context))
        return cache[key]

    return build


@pytest.fixture
def us_east_stack() -> Iterator[cdk.Stack]:
    app = cdk.App()
    yield cdk.Stack(app, "Edge", env=cdk.Environment(region="us-east-1"))
