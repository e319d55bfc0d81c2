"""End-to-end checks, the slowest of the suite, kept together: the package built and installed
from its wheel, the pinned CDK CLI reading context, the maintenance page in headless Chromium.

Each is a class, so that pytest-xdist (``--dist loadscope``) runs the three on both workers."""

from __future__ import annotations

import contextlib
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import venv
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from builders import ROOT, needs_cdk_cli, run_cdk

from maintenance_constructs import MaintenanceResponse
from maintenance_constructs.tools.cli import main

MINIMAL_APP = """
import json, sys
import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront, aws_cloudfront_origins as origins
from aws_cdk import aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2
import maintenance_constructs
from maintenance_constructs import AlbMaintenance, CloudFrontMaintenance, MaintenanceResponse

app = cdk.App(context={"maintenance": "true"})
web = cdk.Stack(app, "Web", env=cdk.Environment(region="eu-west-1"))
vpc = ec2.Vpc(web, "Vpc", nat_gateways=0)
alb = elbv2.ApplicationLoadBalancer(web, "Alb", vpc=vpc, internet_facing=True)
listener = alb.add_listener(
    "Http", port=80,
    default_action=elbv2.ListenerAction.fixed_response(404, content_type="text/plain"),
)
tg = elbv2.ApplicationTargetGroup(web, "Tg", vpc=vpc, port=80, target_type=elbv2.TargetType.IP)
AlbMaintenance(web, "Maintenance", listener=listener, host_headers=["example.com"],
               allowed_cidrs=["203.0.113.0/24"], target_groups=[tg])
edge = cdk.Stack(app, "Edge", env=cdk.Environment(region="us-east-1"))
m = CloudFrontMaintenance(edge, "Maintenance", allowed_cidrs=["203.0.113.0/24"],
                          response=MaintenanceResponse.json(retry_after=60))
cloudfront.Distribution(edge, "Cdn", web_acl_id=m.web_acl_arn,
    default_behavior=cloudfront.BehaviorOptions(origin=origins.HttpOrigin("origin.example.com")))
assembly = app.synth()
rules = sum(r["Type"] == "AWS::ElasticLoadBalancingV2::ListenerRule"
            for r in assembly.get_stack_by_name("Web").template["Resources"].values())
acl = [r for r in assembly.get_stack_by_name("Edge").template["Resources"].values()
       if r["Type"] == "AWS::WAFv2::WebACL"][0]
module = maintenance_constructs.__file__
acl_rules = len(acl["Properties"]["Rules"])
from importlib.metadata import version
versions = {name: version(name) for name in ("aws-cdk-lib", "constructs")}
print(json.dumps({"module": module, "rules": rules, "acl_rules": acl_rules, "versions": versions}))
"""


def _floor(requirement: str) -> str:
    text = (ROOT / "pyproject.toml").read_text()
    match = re.search(rf'"{requirement}>=([0-9.]+)', text)
    assert match, f"{requirement} has no declared floor"
    return match.group(1)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sdist, then the wheel built from the sdist (so the sdist is proven complete too)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return out


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    (wheel,) = dist.glob("maintenance_constructs-*.whl")
    uv = Path(sys.executable).parent / "uv"  # the dev extra's installer: seconds instead of ~20
    venv.create(work / "venv", with_pip=not uv.exists())
    python = work / "venv" / "bin" / "python"
    # The declared floors, installed explicitly: the range in pyproject.toml is what is tested.
    floors = [f"{name}=={_floor(name)}" for name in ("aws-cdk-lib", "constructs")]
    packages = [str(wheel), *floors]
    command = (
        [str(uv), "pip", "install", "-q", "--python", str(python), *packages]
        if uv.exists()
        else [str(python), "-m", "pip", "install", "-q", "--no-compile", *packages]
    )
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return python


class TestInstalledPackage:
    """The package as users install it: sdist and wheel built, twine-checked, installed in a
    fresh virtualenv, and used from there (constructs and console script)."""

    def test_twine_check_passes_on_wheel_and_sdist(self, dist: Path) -> None:
        files = sorted(str(p) for p in dist.iterdir())
        assert sorted(Path(f).suffix for f in files) == [".gz", ".whl"]
        result = subprocess.run(
            [sys.executable, "-m", "twine", "check", "--strict", *files],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.count("PASSED") == 2

    def test_wheel_carries_py_typed_and_license(self, installed: Path) -> None:
        site = next(installed.parent.parent.glob("lib/python*/site-packages"))
        assert (site / "maintenance_constructs" / "py.typed").exists()
        (info,) = site.glob("maintenance_constructs-*.dist-info")
        assert (info / "licenses" / "LICENSE").exists()
        assert not (site / "tests").exists() and not (site / "app.py").exists()

    def test_installed_wheel_synthesizes_both_constructs(
        self, installed: Path, tmp_path: Path
    ) -> None:
        script = tmp_path / "minimal_app.py"
        script.write_text(MINIMAL_APP)
        result = subprocess.run(
            [str(installed), "-I", str(script)],  # -I: no source tree, no user site, no PYTHON*
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            env={
                "PATH": "/usr/local/bin:/usr/bin:/bin",
                "CDK_VALIDATION": "false",
                "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
                "HOME": str(tmp_path),
            },
        )
        assert result.returncode == 0, result.stderr[-3000:]
        report = json.loads(result.stdout.strip().splitlines()[-1])
        assert report["module"].startswith(str(installed.parent.parent))
        assert (report["rules"], report["acl_rules"]) == (2, 1)
        assert report["versions"] == {name: _floor(name) for name in ("aws-cdk-lib", "constructs")}
        assert installed.parent.joinpath("maintenance-constructs").exists()

    def test_console_script_runs_from_the_wheel(self, installed: Path, tmp_path: Path) -> None:
        (tmp_path / "cdk.json").write_text('{"app": "true", "context": {"maintenance": "Prod"}}\n')
        result = subprocess.run(
            [str(installed.parent / "maintenance-constructs"), "status", "--no-app"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert "interpreted as: selectors: Prod" in result.stdout


APP = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import aws_cdk as cdk
from maintenance_constructs import CloudFrontMaintenance
app = cdk.App()
stack = cdk.Stack(app, "Edge", env=cdk.Environment(region="us-east-1"))
CloudFrontMaintenance(stack, "Maintenance", allowed_cidrs=["203.0.113.0/24"])
app.synth()
"""


# (files, -c values, expected): the value in each source, and what the CDK CLI makes of it.
# cdk.json alone and -c over cdk.json are compared with the real CLI in test_cli.py and
# test_pipeline.py; each real synth costs seconds.
SOURCES: Mapping[str, tuple[Mapping[str, Any], list[str], bool]] = {
    "cdk.context.json": ({"cdk.context.json": True}, [], True),
    "~/.cdk.json": ({"~/.cdk.json": True}, [], True),
    "cdk.json over cdk.context.json": ({"cdk.json": False, "cdk.context.json": True}, [], False),
}


def _project(folder: Path, values: Mapping[str, Any]) -> tuple[Path, Path]:
    project, home = folder / "project", folder / "home"
    project.mkdir()
    home.mkdir()
    (project / "app.py").write_text(APP)
    cdk_json: dict[str, Any] = {"app": f"{sys.executable} app.py", "context": {}}
    if "cdk.json" in values:
        cdk_json["context"]["maintenance"] = values["cdk.json"]
    (project / "cdk.json").write_text(json.dumps(cdk_json))
    if "cdk.context.json" in values:
        (project / "cdk.context.json").write_text(
            json.dumps({"maintenance": values["cdk.context.json"]})
        )
    if "~/.cdk.json" in values:
        user = {"context": {"maintenance": values["~/.cdk.json"]}}
        (home / ".cdk.json").write_text(json.dumps(user))
    return project, home


def _status(project: Path, home: Path, context: list[str]) -> str:
    # --no-app: the value and its reading; the synthesis status would then run is the one
    # every other status test exercises.
    arguments = ["status", "--no-app", "--cdk-json", str(project / "cdk.json")]
    arguments += [part for value in context for part in ("-c", value)]
    output = io.StringIO()
    previous = os.environ.get("HOME")
    os.environ["HOME"] = str(home)
    try:
        with contextlib.redirect_stdout(output):
            assert main(arguments) == 0
    finally:
        if previous is not None:
            os.environ["HOME"] = previous
    return output.getvalue()


class TestPinnedCdkCli:
    """The pinned CDK CLI (package.json) against the tools: the context it reads, from each of
    its sources, is the context `status` reports."""

    def test_every_source_in_precedence_order(self, tmp_path: Path) -> None:
        """In process, each source alone and each pair: the higher one wins."""
        order = ["~/.cdk.json", "cdk.context.json", "cdk.json"]
        for lower, higher in [(a, b) for i, a in enumerate(order) for b in order[i + 1 :]]:
            folder = tmp_path / f"{lower}-{higher}".replace("/", "_").replace("~", "h")
            folder.mkdir()
            project, home = _project(folder, {lower: True, higher: False})
            status = _status(project, home, [])
            assert f"= false (from {higher})" in status, status
            assert "= true (from cdk.json)" not in _status(project, home, ["maintenance=false"])
        project, home = _project(tmp_path, {"cdk.json": False})
        assert '= "true" (from -c)' in _status(project, home, ["maintenance=true"])

    @needs_cdk_cli
    @pytest.mark.parametrize("source", list(SOURCES))
    def test_status_agrees_with_cdk_synth(self, source: str, tmp_path: Path) -> None:
        values, context, expected = SOURCES[source]
        project, home = _project(tmp_path, values)
        args = ["synth", "-q", *[part for value in context for part in ("-c", value)]]
        result = run_cdk([*args, "-o", str(tmp_path / "out")], cwd=project, home=home)
        status = _status(project, home, context)
        assert result.returncode == 0, result.stderr[-2000:]
        cdk_on = "Maintenance mode is ON for Edge/Maintenance" in result.stderr
        status_on = "interpreted as: ON for every maintenance construct" in status
        assert (cdk_on, status_on) == (expected, expected), status
        where = {"cdk.json over cdk.context.json": "cdk.json"}
        assert f"(from {where.get(source, source)})" in status


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (.ci/run installs Debian's chromium)"
)


WIDTHS = (390, 1280)


PAGES = {
    "example": MaintenanceResponse.page(
        title="メンテナンス中", message="現在メンテナンス中です。", lang="ja", retry_after=900
    ),
    "long-words": MaintenanceResponse.page(
        title="Wartungsarbeiten",
        message=(
            "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstalt: see "
            "https://status.example.com/incidents/2026-12-01/maintenance-window-extended-again "
            "or write to operations-team-on-call@very-long-subdomain.example.com"
        ),
        lang="de",
        status_url="https://status.example.com",
    ),
    "right-to-left": MaintenanceResponse.page(
        title="صيانة", message="الموقع قيد الصيانة حاليًا.", lang="ar", retry_after=600
    ),
}


# Each page in a frame of each width; the harness reads the frames' layout once they load.
_PROBE = """
<script>
window.addEventListener('load', () => {
  const facts = {};
  for (const frame of document.querySelectorAll('iframe')) {
    const doc = frame.contentDocument, width = frame.clientWidth;
    const seen = (el) => { const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= width; };
    facts[frame.id] = {
      overflow: doc.documentElement.scrollWidth - doc.documentElement.clientWidth,
      title: seen(doc.querySelector('h1')),
      message: seen(doc.querySelector('main p')),
      requests: frame.contentWindow.performance.getEntriesByType('resource').length,
      direction: frame.contentWindow.getComputedStyle(doc.body).direction,
      background: frame.contentWindow.getComputedStyle(doc.body).backgroundColor,
    };
  }
  document.body.setAttribute('data-facts', JSON.stringify(facts));
});
</script>
"""


# The long-words page without its wrapping rule: proves the overflow check can fail.
UNWRAPPED = PAGES["long-words"].body.replace(";overflow-wrap:anywhere", "")


def _harness(folder: Path) -> Path:
    bodies = {**{name: page.body for name, page in PAGES.items()}, "unwrapped": UNWRAPPED}
    frames = "".join(
        f'<iframe id="{name}-{width}" style="width:{width}px;height:700px;border:1px solid"'
        f' srcdoc="{html.escape(body)}"></iframe>'
        for name, body in bodies.items()
        for width in WIDTHS
    )
    path = folder / "harness.html"
    path.write_text(f"<!doctype html><body style='margin:0'>{frames}{_PROBE}</body>")
    return path


def _chromium(harness: Path, scheme: str, *extra: str) -> str:
    assert CHROMIUM is not None
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={harness.parent / ('profile-' + scheme + '-' + str(len(extra)))}",
        "--window-size=5000,1500",
        # Blink's preferred colour scheme: 0 dark, 1 light (what prefers-color-scheme sees).
        f"--blink-settings=preferredColorScheme={0 if scheme == 'dark' else 1}",
        "--virtual-time-budget=3000",
    ]
    result = subprocess.run(
        [CHROMIUM, *flags, *extra, harness.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("browser")
    harness = _harness(folder)
    found = {}
    for scheme in ("light", "dark"):
        dom = _chromium(harness, scheme, "--dump-dom")
        match = re.search(r'data-facts="([^"]*)"', dom)
        assert match, dom[-2000:]
        found[scheme] = json.loads(html.unescape(match.group(1)))
        # A screenshot of each scheme (every page at both widths) for people to look at;
        # not committed.
        _chromium(harness, scheme, f"--screenshot={folder / f'pages-{scheme}.png'}")
        assert (folder / f"pages-{scheme}.png").stat().st_size > 0
    return found


@needs_chromium
class TestPageInBrowser:
    """MaintenanceResponse.page in headless Chromium: readable at phone and desktop widths, in
    light and dark, without overflow or any network request."""

    @pytest.mark.parametrize("scheme", ["light", "dark"])
    @pytest.mark.parametrize("width", WIDTHS)
    @pytest.mark.parametrize("page", list(PAGES))
    def test_readable_without_overflow_or_requests(
        self, facts: dict[str, dict[str, Any]], scheme: str, width: int, page: str
    ) -> None:
        frame = facts[scheme][f"{page}-{width}"]
        assert frame["overflow"] <= 0, frame  # nothing pushes the page off-screen sideways
        assert frame["title"] and frame["message"], frame
        assert frame["requests"] == 0, frame  # no font, image, script or stylesheet fetched

    def test_dark_and_light_differ(self, facts: dict[str, dict[str, Any]]) -> None:
        light = facts["light"]["example-390"]["background"]
        dark = facts["dark"]["example-390"]["background"]
        assert (light, dark) == ("rgb(245, 246, 248)", "rgb(17, 20, 24)")

    def test_right_to_left_languages_read_right_to_left(
        self,
        facts: dict[str, dict[str, Any]],
    ) -> None:
        assert facts["light"]["right-to-left-390"]["direction"] == "rtl"
        assert facts["light"]["example-390"]["direction"] == "ltr"

    def test_long_words_would_overflow_without_wrapping(
        self,
        facts: dict[str, dict[str, Any]],
    ) -> None:
        """Not vacuous: the same page without its wrapping rule is wider than a phone."""
        assert PAGES["long-words"].body != UNWRAPPED
        assert facts["light"]["unwrapped-390"]["overflow"] > 0
