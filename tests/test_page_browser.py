"""MaintenanceResponse.page in a real browser: headless Chromium (Debian's package, installed by
.ci/run) lays out the page at 390 px (a phone) and 1280 px, light and dark, and the page's own
layout facts are read back: no horizontal overflow, title and message visible, no request
beyond the page, right-to-left where the language is."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from maintenance_constructs import MaintenanceResponse

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
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


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", list(PAGES))
def test_readable_without_overflow_or_requests(
    facts: dict[str, dict[str, Any]], scheme: str, width: int, page: str
) -> None:
    frame = facts[scheme][f"{page}-{width}"]
    assert frame["overflow"] <= 0, frame  # nothing pushes the page off-screen sideways
    assert frame["title"] and frame["message"], frame
    assert frame["requests"] == 0, frame  # no font, image, script or stylesheet fetched


def test_dark_and_light_differ(facts: dict[str, dict[str, Any]]) -> None:
    light = facts["light"]["example-390"]["background"]
    dark = facts["dark"]["example-390"]["background"]
    assert (light, dark) == ("rgb(245, 246, 248)", "rgb(17, 20, 24)")


def test_right_to_left_languages_read_right_to_left(facts: dict[str, dict[str, Any]]) -> None:
    assert facts["light"]["right-to-left-390"]["direction"] == "rtl"
    assert facts["light"]["example-390"]["direction"] == "ltr"


def test_long_words_would_overflow_without_wrapping(facts: dict[str, dict[str, Any]]) -> None:
    """Not vacuous: the same page without its wrapping rule is wider than a phone."""
    assert PAGES["long-words"].body != UNWRAPPED
    assert facts["light"]["unwrapped-390"]["overflow"] > 0
