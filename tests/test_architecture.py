"""The package's shape: no import cycle, the tools in layers that never import the CDK, small
modules and functions, no ``Any``-typed owners.

Read from the source with ``ast`` (no import), so the test is instant and sees imports made only
for typing too: a cycle through ``if TYPE_CHECKING:`` is still two modules that need each other.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "maintenance_constructs"
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60
DATA_TABLES = {"warning_catalog.py"}
"""Modules that are tables of data (one entry per warning), exempt from the module size."""
TOOLS = "maintenance_constructs.tools"
LAYERS = {
    "cli": 5,
    "preview": 4,
    "edge": 4,
    "switch": 4,
    "doors": 3,
    "app": 2,
    "evaluate": 1,
    "model": 0,
}
"""The rooms of the tools, by floor: a module imports only rooms on lower floors (and its own
room). cli -> the commands (preview, edge, switch), which share a floor and so never import one
another -> doors -> app -> evaluate -> model."""


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path) -> set[str]:
    """The package's modules that ``name`` imports, wherever in the file."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level > 1:
                base = base[: len(base) - node.level + 1]
            target = ".".join([*base, node.module] if node.module else base)
            if node.level == 0:
                target = node.module or ""
            for alias in node.names:  # `from . import plan` imports a module, not the package
                if f"{target}.{alias.name}" in MODULES:
                    found.add(f"{target}.{alias.name}")
                elif target in MODULES:
                    found.add(target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in MODULES)
    found.discard(name)
    return found


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph`` as a path of module names, or [] when there is none."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = 1
        stack.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[module] = 2
        return []

    for module in sorted(graph):
        if module not in state and (found := visit(module)):
            return found
    return []


def test_the_cycle_finder_finds_a_cycle_and_only_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_the_package_imports_have_no_cycle() -> None:
    graph = {name: _imports(name, path) for name, path in MODULES.items()}
    # Package __init__ files import nothing but the root, which imports lazily.
    assert _cycle(graph) == [], "import cycle: " + " -> ".join(_cycle(graph))


def test_the_import_reader_sees_relative_and_typing_imports() -> None:
    graph = {name: _imports(name, path) for name, path in MODULES.items()}
    assert "maintenance_constructs.alb.plan" in graph["maintenance_constructs.alb.construct"]
    assert "maintenance_constructs.cfn" in graph["maintenance_constructs.waf.checks"]


def test_the_exempt_data_tables_exist() -> None:
    assert {path.name for path in MODULES.values()} >= DATA_TABLES


@pytest.mark.parametrize(
    "name", sorted(name for name, path in MODULES.items() if path.name not in DATA_TABLES)
)
def test_modules_are_small(name: str) -> None:
    path = MODULES[name]
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.name}: {lines} lines; split it by what it holds"


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_functions_are_small() -> None:
    long = []
    for name, path in MODULES.items():
        for function in _functions(ast.parse(path.read_text())):
            length = (function.end_lineno or function.lineno) - function.lineno + 1
            if length > MAX_FUNCTION_LINES:
                long.append(f"{name}.{function.name}: {length} lines")
    assert long == []


def test_no_owner_is_typed_any() -> None:
    """Checks read a typed view of what they need, never an ``Any`` owner."""
    untyped = []
    for name, path in MODULES.items():
        for function in _functions(ast.parse(path.read_text())):
            for argument in function.args.args + function.args.kwonlyargs:
                annotation = ast.unparse(argument.annotation) if argument.annotation else ""
                if argument.arg in {"owner", "construct", "peers"} and "Any" in annotation:
                    untyped.append(f"{name}.{function.name}({argument.arg}: {annotation})")
    assert untyped == []


def _room(module: str) -> str | None:
    """The room of the tools a module is in (``cli``, ``model``, ...), None outside them."""
    return module[len(TOOLS) + 1 :].split(".")[0] if module.startswith(TOOLS + ".") else None


def _against_the_layers(graph: dict[str, set[str]]) -> list[str]:
    """The imports of ``graph`` from a room of the tools into a room on its floor or above."""
    wrong = []
    for module, targets in graph.items():
        room = _room(module)
        for target in targets:
            other = _room(target)
            if room and other and other != room and LAYERS[other] >= LAYERS[room]:
                wrong.append(f"{module} -> {target}")
    return sorted(wrong)


def test_the_layer_check_finds_an_import_against_the_direction() -> None:
    model, samples = f"{TOOLS}.model", f"{TOOLS}.doors.samples"
    check, report = f"{TOOLS}.edge.check", f"{TOOLS}.preview.report"
    assert _against_the_layers({model: {samples}}) == [f"{model} -> {samples}"]
    # A command never stands on another command, even on the same floor.
    assert _against_the_layers({check: {report}}) == [f"{check} -> {report}"]
    assert _against_the_layers({f"{TOOLS}.switch": {report}}) == [f"{TOOLS}.switch -> {report}"]
    downwards = {
        f"{TOOLS}.cli.main": {report, f"{TOOLS}.cli.aws", model},
        samples: {f"{TOOLS}.doors.listener_doors", f"{TOOLS}.evaluate.listener_evaluator", model},
        check: {f"{TOOLS}.edge.probes", samples, "maintenance_constructs.errors"},
    }
    assert _against_the_layers(downwards) == []


def test_every_room_of_the_tools_has_a_floor() -> None:
    assert {_room(name) for name in MODULES} - {None} == set(LAYERS)


def test_the_tools_import_downwards_only() -> None:
    graph = {name: _imports(name, path) for name, path in MODULES.items()}
    assert _against_the_layers(graph) == []


def test_no_module_of_the_tools_imports_the_cdk() -> None:
    cdk = []
    for name, path in MODULES.items():
        if _room(name) or name == TOOLS:
            for node in ast.walk(ast.parse(path.read_text())):
                found = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom) and node.level == 0:
                    found = [node.module or ""]
                cdk += [
                    f"{name}: {m}" for m in found if m.split(".")[0] in {"aws_cdk", "constructs"}
                ]
    assert cdk == []


def test_the_tools_start_without_the_cdk() -> None:
    """Every module of the tools imported in a fresh interpreter: neither aws_cdk nor
    constructs gets loaded (through the package's own modules either)."""
    tools = sorted(n for n in MODULES if (_room(n) or n == TOOLS) and not n.endswith("__main__"))
    cdk = "sorted(m for m in sys.modules if m.split('.')[0] in {'aws_cdk', 'constructs'})"
    code = f"import importlib, sys\nfor name in {tools!r}: importlib.import_module(name)\n"
    code += f"print({cdk})"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def _cdk_modules(source: str) -> set[str]:
    """The aws_cdk modules a file imports (``from aws_cdk import aws_ec2`` names a module;
    ``from aws_cdk import Stack`` the root)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "aws_cdk"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "aws_cdk":
                found |= {
                    f"aws_cdk.{a.name}" if a.name.islower() else "aws_cdk" for a in node.names
                }
            elif node.module.split(".")[0] == "aws_cdk":
                found.add(node.module)
    return found


def _mypy_followed() -> tuple[list[Path], set[str]]:
    """The files mypy checks, and the aws_cdk modules it reads (pyproject.toml)."""
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from 3.11")
    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]["mypy"]
    files: list[Path] = []
    for entry in config["files"]:
        path = PACKAGE.parent / entry
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    followed = {
        module
        for override in config["overrides"]
        if override.get("follow_imports") == "normal"
        for module in override["module"]
    }
    return files, followed


def test_the_cdk_module_reader_sees_every_import_form() -> None:
    source = (
        "import aws_cdk\nimport aws_cdk.aws_s3\nfrom aws_cdk import Stack, aws_iam as iam\n"
        "from aws_cdk.aws_sqs import Queue\nfrom . import aws_sns\n"
    )
    assert _cdk_modules(source) == {
        "aws_cdk",
        "aws_cdk.aws_s3",
        "aws_cdk.aws_iam",
        "aws_cdk.aws_sqs",
    }
    assert _cdk_modules("from aws_cdk import Duration\n") == {"aws_cdk"}


def test_mypy_reads_every_cdk_module_the_code_imports() -> None:
    """mypy skips aws_cdk modules it is not told to read (they become Any): a module imported
    without being named in pyproject.toml would go unchecked."""
    files, followed = _mypy_followed()
    imported = {m: f for f in files for m in _cdk_modules(f.read_text())}
    unread = sorted(
        f"{m} (imported by {imported[m].relative_to(PACKAGE.parent)})"
        for m in imported
        if m not in followed
    )
    assert unread == [], "add these to [[tool.mypy.overrides]] follow_imports = 'normal'"
    assert followed - set(imported) == set(), "modules read by mypy that nothing imports"
