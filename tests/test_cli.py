"""`maintenance-constructs set/status`, run as a subprocess on temporary copies of cdk.json."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = f"{sys.executable} {ROOT / 'app.py'}"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "maintenance_constructs.tools.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "cdk.json", tmp_path / "cdk.json")
    return tmp_path


def test_console_script_is_declared() -> None:
    assert (
        'maintenance-constructs = "maintenance_constructs.tools.cli:main"'
        in (ROOT / "pyproject.toml").read_text()
    )


@pytest.mark.parametrize(("state", "literal"), [("on", "true"), ("off", "false")])
def test_set_changes_only_the_maintenance_line(project: Path, state: str, literal: str) -> None:
    before = (project / "cdk.json").read_text()
    result = run("set", state, cwd=project)
    assert result.returncode == 0, result.stderr
    after = (project / "cdk.json").read_text()
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert changed in ([], [('    "maintenance": false', f'    "maintenance": {literal}')])
    assert json.loads(after)["context"]["maintenance"] is (state == "on")
    assert "Commit the change" in result.stdout


def test_set_keeps_tabs_and_other_keys(tmp_path: Path) -> None:
    path = tmp_path / "custom.json"
    path.write_text('{\n\t"app": "x",\n\t"context": {\n\t\t"other": [1, 2]\n\t}\n}\n')
    result = run("set", "--only", "Prod", "--no-check", "--cdk-json", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    expected = '{\n\t"app": "x",\n\t"context": {\n\t\t"maintenance": "Prod",\n'
    assert path.read_text() == expected + '\t\t"other": [1, 2]\n\t}\n}\n'


SHARED_ALB = f"{sys.executable} {ROOT / 'tests' / 'apps' / 'shapes.py'} shared-alb"
"""A small app (one stack, three maintenance constructs) that synthesizes faster than app.py."""


def test_set_only_checks_selectors_against_the_app(project: Path) -> None:
    good = run("set", "--only", "WwwMaintenance", "--app", SHARED_ALB, cwd=project)
    assert good.returncode == 0, good.stderr
    assert json.loads((project / "cdk.json").read_text())["context"]["maintenance"] == (
        "WwwMaintenance"
    )

    bad = run("set", "--only", "Prdo", "--app", SHARED_ALB, cwd=project)
    assert bad.returncode == 2
    assert "selector 'Prdo'" in bad.stderr and "SharedAlb/ApiMaintenance" in bad.stderr
    assert bad.stderr.count("matches no maintenance construct") == 1
    assert json.loads((project / "cdk.json").read_text())["context"]["maintenance"] == (
        "WwwMaintenance"
    )


def test_status_lists_what_the_value_selects(project: Path) -> None:
    """By default the app command comes from cdk.json, as for `preview`."""
    (project / "cdk.json").write_text(
        (project / "cdk.json").read_text().replace('"python3 app.py"', json.dumps(SHARED_ALB))
    )
    result = run("set", "--only", "ApiMaintenance", "--no-check", cwd=project)
    assert "The selector was not checked against the app (--no-check)" in result.stdout
    result = run("status", cwd=project)
    assert result.returncode == 0, result.stderr
    assert 'maintenance = "ApiMaintenance"' in result.stdout
    assert "selectors: ApiMaintenance" in result.stdout
    assert "off  SharedAlb/WwwMaintenance" in result.stdout
    assert "ON   SharedAlb/ApiMaintenance" in result.stdout
    assert "off  SharedAlb/AdminMaintenance" in result.stdout


def test_status_without_app(project: Path) -> None:
    result = run("status", "--no-app", cwd=project)
    assert result.returncode == 0
    assert result.stdout.splitlines()[1] == "interpreted as: OFF everywhere"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("set", "on", "--only", "Prod"), "set: 'on' and --only Prod given"),
        (("set",), "set: neither given"),
        (("set", "--only", "true"), "--only: 'true' is not a selector list"),
        (("set", "--only", "Prod,,X", "--no-check"), "the selector list has an empty entry"),
        (("status", "--cdk-json", "missing.json"), "--cdk-json: 'missing.json' does not exist"),
    ],
)
def test_errors(project: Path, args: tuple[str, ...], fragment: str) -> None:
    result = run(*args, cwd=project)
    assert result.returncode == 2
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_cdk_json_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text('{\n  "app": "x",\n  "context": {\n    "a": 1,\n  }\n}\n')
    result = run("set", "on", cwd=tmp_path)
    assert result.returncode == 2
    assert "is not valid JSON: line 5, column 3" in result.stderr


def _set_in_process(cdk_json: Path, *args: str) -> tuple[int, str]:
    import contextlib
    import io

    from maintenance_constructs.tools.cli import main

    errors = io.StringIO()
    with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
        code = main(["set", *args, "--cdk-json", str(cdk_json)])
    return code, errors.getvalue()


def test_set_edits_the_target_of_a_symlinked_cdk_json(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "cdk.json"
    target.write_text('{"app": "python3 app.py", "context": {"maintenance": false}}\n')
    link = tmp_path / "cdk.json"
    link.symlink_to(target)
    assert _set_in_process(link, "on") == (0, "")
    assert link.is_symlink() and link.resolve() == target
    assert json.loads(target.read_text())["context"]["maintenance"] is True
    assert sorted(p.name for p in shared.iterdir()) == ["cdk.json"]  # no stray temporary


def test_set_refuses_a_read_only_cdk_json_in_one_line(tmp_path: Path) -> None:
    cdk_json = tmp_path / "cdk.json"
    cdk_json.write_text('{"app": "python3 app.py", "context": {"maintenance": false}}\n')
    cdk_json.chmod(0o444)
    code, error = _set_in_process(cdk_json, "on")
    assert code == 2 and "is read-only; it was left as it is" in error
    assert error.count("\n") == 1
    assert json.loads(cdk_json.read_text())["context"]["maintenance"] is False


def test_set_reads_past_a_bom_and_keeps_it(tmp_path: Path) -> None:
    cdk_json = tmp_path / "cdk.json"
    text = '{\n  "app": "python3 app.py",\n  "context": {\n    "maintenance": false\n  }\n}\n'
    cdk_json.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert _set_in_process(cdk_json, "on") == (0, "")
    raw = cdk_json.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b'"maintenance": true' in raw
