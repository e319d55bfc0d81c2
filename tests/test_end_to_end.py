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
from builders import JSII_CACHE, ROOT, needs_cdk_cli, run_cdk

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
    uv = Path(sys.executable).parent / "uv"  # the dev extra's builder: caches its build backend
    builder = [str(uv), "build", "-q"] if uv.exists() else [sys.executable, "-m", "build"]
    subprocess.run(
        [*builder, "--out-dir" if uv.exists() else "--outdir", str(out), str(ROOT)],
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
        files = sorted(str(p) for p in dist.iterdir() if p.name != ".gitignore")  # uv writes one
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
                **JSII_CACHE,
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
SCREENSHOTS = Path(os.environ["SCREENSHOTS"]) if os.environ.get("SCREENSHOTS") else None
"""A folder for screenshots of the pages the browser tests open (``SCREENSHOTS=/tmp/shots
make pytest``), for people to look at; none are taken otherwise (each is a browser run)."""


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
        if SCREENSHOTS:  # every page at both widths, for people to look at; not committed
            _chromium(harness, scheme, f"--screenshot={SCREENSHOTS / f'pages-{scheme}.png'}")
            assert (SCREENSHOTS / f"pages-{scheme}.png").stat().st_size > 0
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


# The page as `serve` answers it, in a browser: the harness and the door share one origin (a
# small proxy in front of `serve`), so the probe can read each frame, and the bypass cookie is a
# first-party cookie of that origin. /__allowed/... plays an allow-listed client.
SERVED_TOKEN = "served-token-0123456789"
SERVED_APP = f"""
import aws_cdk as cdk
from maintenance_constructs import CloudFrontMaintenance, MaintenanceResponse

app = cdk.App()
stack = cdk.Stack(app, "Edge", env=cdk.Environment(account="123456789012", region="us-east-1"))
CloudFrontMaintenance(stack, "Maintenance", allowed_cidrs=["203.0.113.0/24"],
    bypass_token="{SERVED_TOKEN}",
    browser_response=MaintenanceResponse.page(
        title="Back soon", message="We are upgrading the service. Thank you for waiting.",
        retry_after=600, status_url="https://status.example.com"))
app.synth()
"""
_SERVED_PROBE = """
<script>
const facts = {};
function measure(frame) {
  const doc = frame.contentDocument, width = frame.clientWidth;
  const seen = (el) => { if (!el) return false; const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= width; };
  return { overflow: doc.documentElement.scrollWidth - doc.documentElement.clientWidth,
    title: seen(doc.querySelector('h1')), heading: (doc.querySelector('h1') || {}).textContent,
    message: seen(doc.querySelector('main p')),
    requests: frame.contentWindow.performance.getEntriesByType('resource').length };
}
function add(id, src, width, then) {
  const frame = document.createElement('iframe');
  frame.id = id; frame.src = src; frame.style.cssText = `width:${width}px;height:700px`;
  frame.onload = () => { facts[id] = measure(frame); then(); };
  document.body.appendChild(frame);
}
const done = () => document.body.setAttribute('data-facts', JSON.stringify(facts));
add('outside-390', '/', 390, () => add('outside-1280', '/', 1280, () =>
  add('allowed', '/__allowed/', 390, () =>
    add('link', '/__maintenance/TOKEN', 390, () => add('after-link', '/', 390, done)))));
</script>
"""


def _proxy(upstream: str) -> str:
    """A server in front of `serve` on the same origin as the harness; returns its URL."""
    import threading
    import urllib.error
    import urllib.request
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    probe = _SERVED_PROBE.replace("TOKEN", SERVED_TOKEN)
    harness = f"<!doctype html><body style='margin:0'>{probe}</body>"

    class Proxy(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/__harness":
                body, status, headers = harness.encode(), 200, [("Content-Type", "text/html")]
            else:
                path, forwarded = self.path, {}
                if path.startswith("/__allowed/"):
                    path, forwarded = path[len("/__allowed") :], {"X-Forwarded-For": "203.0.113.9"}
                sent = {k: v for k, v in self.headers.items() if k.lower() in ("accept", "cookie")}
                request = urllib.request.Request(
                    upstream + path.lstrip("/"), headers={**sent, **forwarded}
                )
                try:
                    response = opener.open(request, timeout=30)
                except urllib.error.HTTPError as error:
                    response = error
                body, status = (
                    response.read(),
                    response.status if hasattr(response, "status") else response.code,
                )
                headers = [
                    (k, v)
                    for k, v in response.headers.items()
                    if k.lower() not in ("content-length", "server", "date")
                ]
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://localhost:{server.server_address[1]}"


@pytest.fixture(scope="module")
def served_facts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    from maintenance_constructs.tools.edge.local_edge import load_edge
    from maintenance_constructs.tools.edge.serve import make_server, serve_forever

    folder = tmp_path_factory.mktemp("served")
    (folder / "app.py").write_text(SERVED_APP)
    edge = load_edge(f"{sys.executable} app.py", cwd=folder, context={}, door=None)
    server = make_server(edge, state="on", client_ip="192.0.2.1", port=0)
    serve_forever(server)
    origin = _proxy(f"http://127.0.0.1:{server.server_address[1]}/")
    found = {}
    for scheme in ("light", "dark"):
        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1400,3000",
            f"--blink-settings=preferredColorScheme={0 if scheme == 'dark' else 1}",
            "--virtual-time-budget=10000",
        ]
        assert CHROMIUM is not None
        shots = [f"--screenshot={SCREENSHOTS / f'served-{scheme}.png'}"] if SCREENSHOTS else []
        for extra in ("--dump-dom", *shots):
            # A new profile each run: the bypass link's cookie would let a later run's frames
            # reach the app.
            profile = f"--user-data-dir={folder / ('profile-' + scheme + extra[2:6])}"
            result = subprocess.run(
                [CHROMIUM, *flags, profile, extra, f"{origin}/__harness"],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert result.returncode == 0, result.stderr[-2000:]
            if extra == "--dump-dom":
                match = re.search(r'data-facts="([^"]*)"', result.stdout)
                assert match, result.stdout[-2000:]
                found[scheme] = json.loads(html.unescape(match.group(1)))
        assert not SCREENSHOTS or (SCREENSHOTS / f"served-{scheme}.png").stat().st_size > 0
    server.shutdown()
    return found


@needs_chromium
class TestServedPageInBrowser:
    """The maintenance page as `serve` answers it, in headless Chromium: an outside browser
    gets the page (390 and 1280 px, light and dark); the bypass link sets the cookie and the
    next navigation reaches the app; an allow-listed client reaches the app."""

    @pytest.mark.parametrize("scheme", ["light", "dark"])
    @pytest.mark.parametrize("frame", ["outside-390", "outside-1280"])
    def test_outside_browsers_get_a_readable_page(
        self, served_facts: dict[str, dict[str, Any]], scheme: str, frame: str
    ) -> None:
        facts = served_facts[scheme][frame]
        assert facts["heading"] == "Back soon", facts
        assert facts["overflow"] <= 0 and facts["title"] and facts["message"], facts
        assert facts["requests"] == 0, facts

    def test_the_bypass_link_lets_the_next_navigation_reach_the_app(
        self, served_facts: dict[str, dict[str, Any]]
    ) -> None:
        facts = served_facts["light"]
        assert facts["link"]["heading"] == "The app", facts["link"]  # 302 to / with the cookie
        assert facts["after-link"]["heading"] == "The app", facts["after-link"]

    def test_allow_listed_clients_reach_the_app(
        self, served_facts: dict[str, dict[str, Any]]
    ) -> None:
        assert served_facts["light"]["allowed"]["heading"] == "The app"
