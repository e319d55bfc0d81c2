"""Every Python code block in README.md and docs/*.md runs, so the docs cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = [
    pytest.param(code, id=f"{page.relative_to(ROOT)}:{index}")
    for page in PAGES
    for index, code in enumerate(BLOCK.findall(page.read_text(encoding="utf-8")), start=1)
]


def test_docs_have_python_examples() -> None:
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("code", BLOCKS)
def test_code_block_runs(code: str) -> None:
    exec(compile(code, "<doc block>", "exec"), {"__name__": "__doc_block__"})


def test_readme_links_resolve() -> None:
    """mkdocs --strict checks links inside docs/; this checks the README's relative links."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text)
    assert targets
    for target in targets:
        assert (ROOT / target).exists(), target
