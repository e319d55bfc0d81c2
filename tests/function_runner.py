"""The tests' handle on the function: its code from a configuration, run on Node or njs by the
same runner the preview uses (maintenance_constructs/tools/evaluate/function_engines.py)."""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from maintenance_constructs.edge_function.code_writer import function_code
from maintenance_constructs.tools.evaluate.function_engines import run_function, viewer_request

__all__ = ["ENGINES", "request", "run"]

ENGINES = [
    "node",
    pytest.param(
        "njs",
        marks=pytest.mark.skipif(
            shutil.which("njs") is None,
            reason="njs is not installed (Debian package njs; .ci/run installs it)",
        ),
    ),
]
"""Both engines, for ``@pytest.mark.parametrize("engine", ENGINES)``."""


def run(
    config: Mapping[str, Any], cases: Sequence[Mapping[str, Any]], engine: str = "node"
) -> list[Any]:
    """Each case's result: the request passed on (a dict with ``uri``), or a response."""
    return run_function(function_code(config), cases, engine=engine)


def request(*, ip: str = "198.51.100.7", **fields: Any) -> dict[str, Any]:
    """A viewer request case from an outside IPv4 address unless ``ip`` says otherwise."""
    return viewer_request(ip=ip, **fields)
