"""The tests' handle on the function: its code from a configuration, run on Node by the same
runner the preview uses (maintenance_constructs/tools/function_runner.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from maintenance_constructs.edge_function.plan import function_code
from maintenance_constructs.tools.function_runner import run_function, viewer_request

__all__ = ["request", "run"]


def run(config: Mapping[str, Any], cases: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Each case's result: the request passed on (a dict with ``uri``), or a response."""
    return run_function(function_code(config), cases)


def request(*, ip: str = "198.51.100.7", **fields: Any) -> dict[str, Any]:
    """A viewer request case from an outside IPv4 address unless ``ip`` says otherwise."""
    return viewer_request(ip=ip, **fields)
