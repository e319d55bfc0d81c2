"""Drives the bad-input matrix in tests/bad_inputs.py and keeps docs/errors.md in step."""

from __future__ import annotations

from pathlib import Path

import pytest
from bad_inputs import CASES, Case, message_of, render

ERRORS_DOC = Path(__file__).resolve().parent.parent / "docs" / "errors.md"
MESSAGES: dict[int, str] = {}


def test_matrix_is_large_enough() -> None:
    assert len(CASES) >= 130
    areas = {"toggle", "response", "ALB", "CloudFront", "Regional", "CloudFront Function"}
    assert {c.area for c in CASES} == areas


@pytest.mark.parametrize(
    "index", range(len(CASES)), ids=[f"{c.area}-{c.parameter}-{c.value}" for c in CASES]
)
def test_refused_with_parameter_and_value(index: int) -> None:
    case: Case = CASES[index]
    message = message_of(case)
    MESSAGES[index] = message
    assert case.parameter.split("/")[0] in message, message
    assert case.value.strip("'[]") in message, message
    for raw in ("Traceback", "KeyError", "jsii.errors", "@jsii/kernel"):
        assert raw not in message
    assert not message.startswith("[]"), "a synth error names a construct, never an empty path"


def test_errors_doc_matches_the_matrix() -> None:
    messages = [MESSAGES.get(i) or message_of(case) for i, case in enumerate(CASES)]
    expected = render(messages)
    assert ERRORS_DOC.read_text(encoding="utf-8") == expected, (
        "docs/errors.md is out of date: run `.venv/bin/python tests/bad_inputs.py > docs/errors.md`"
    )
