"""The shared parameters are documented once (maintenance_constructs/parameters.py) and the
constructs' docstrings and docs/parameters.md are filled from there."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from maintenance_constructs import AlbMaintenance, CloudFrontMaintenance, RegionalMaintenance
from maintenance_constructs.parameters import (
    SHARED_PARAMETERS,
    SharedParameter,
    document_shared_parameters,
    render_markdown,
)

ROOT = Path(__file__).resolve().parent.parent
CONSTRUCTS = {
    AlbMaintenance: "alb",
    CloudFrontMaintenance: "waf",
    RegionalMaintenance: "waf",
}


def test_docs_parameters_md_is_generated_from_the_table() -> None:
    assert (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8") == render_markdown()


@pytest.mark.parametrize("construct", list(CONSTRUCTS), ids=lambda c: c.__name__)
def test_every_keyword_parameter_is_documented_once(construct: type) -> None:
    doc = construct.__doc__ or ""
    assert "{" not in re.sub(r"\{'[^}]*\}", "", doc), "an unfilled placeholder"
    keywords = [
        name
        for name, parameter in inspect.signature(construct.__init__).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    documented = re.findall(r":param (\w+):", doc)
    assert sorted(documented) == sorted(keywords)


@pytest.mark.parametrize("construct", list(CONSTRUCTS), ids=lambda c: c.__name__)
def test_shared_parameters_read_as_the_table_says(construct: type) -> None:
    doc = " ".join((construct.__doc__ or "").split())
    door = CONSTRUCTS[construct]
    for parameter in SHARED_PARAMETERS:
        assert f":param {parameter.name}: {parameter.text(door)}" in doc


def test_the_doors_differ_where_users_could_be_surprised() -> None:
    by_name = {p.name: p for p in SHARED_PARAMETERS}
    assert "/healthz" in by_name["bypass_paths"].text("waf")
    assert "/healthz" not in by_name["bypass_paths"].text("alb")
    assert "window of 90" in by_name["priority"].text("alb")
    assert "not sent" in by_name["response"].text("alb")


def test_an_unknown_placeholder_fails_at_import() -> None:
    class Documented:
        """:param x: {no_such_parameter}"""

    with pytest.raises(KeyError, match="no_such_parameter"):
        document_shared_parameters("alb")(Documented)


def test_a_parameter_reads_the_same_meaning_then_its_door() -> None:
    parameter = SharedParameter("p", "Shared.", {"alb": "ALB only.", "waf": ""})
    assert parameter.text("alb") == "Shared. ALB only."
    assert parameter.text("waf") == "Shared."
