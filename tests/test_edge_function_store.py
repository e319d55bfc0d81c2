"""The store value, scheduled windows and the end of maintenance, on Node and njs: one grammar
for the function and ``switch`` (a conformance table run through both), the deploy-time state
off as committed (so a broken window parser cannot pass), Retry-After to the end of a run of
windows, and the end marker's element left out whatever its markup."""

from __future__ import annotations

from typing import Any

import pytest
from function_runner import ENGINES, request, run
from test_edge_function import _config, _kind

from maintenance_constructs import MaintenanceResponse
from maintenance_constructs.edge_function.end_marker import END_TIME_MARKER, end_cuts
from maintenance_constructs.edge_function.store_value import parse_store_value
from maintenance_constructs.tools.switch import describe_value

NOW = 1_800_000_000
ON, OFF = 503, "pass"

CONFORMANCE: list[tuple[str | None, str]] = [
    (None, "ignored"),
    ("on", "on"),
    (" on ", "on"),
    ("on\n", "on"),
    ("\ton\r\n", "on"),
    ("off", "off"),
    ("ON", "ignored"),
    ("on please", "ignored"),
    ("o n", "ignored"),
    ("", "ignored"),
    ("\u00a0on", "ignored"),
    (f"window {NOW - 60} {NOW + 60}", "window"),
    (f"window  {NOW - 60} {NOW + 60}", "ignored"),
    (f"window {NOW - 60} {NOW + 60} extra", "ignored"),
    ("window abc def", "ignored"),
    ("window 1.5 2.5", "ignored"),
    ("window 1.7999e9 1.8001e9", "ignored"),
    ("window 0 99999999999999", "ignored"),
    (f"window {NOW + 60} {NOW - 60}", "ignored"),
    (f"window {NOW} {NOW}", "ignored"),
    ("window -5 10", "ignored"),
    (f"on {NOW - 60}", "on-at"),
    (f"on {NOW + 60}", "on-at"),
    (f"off {NOW - 60}", "off-at"),
    (f"off {NOW + 60}", "off-at"),
    (f"\ton {NOW}\n", "on-at"),
    ("on 99999999999999", "ignored"),
    ("on -5", "ignored"),
    (f"on  {NOW}", "ignored"),
    ("off 1.5", "ignored"),
    (f"on {NOW} {NOW + 60}", "ignored"),
]
"""Each value and what both readers make of it."""


def _expected(kind: str, value: str | None, enabled: bool) -> Any:
    if kind == "on":
        return ON
    if kind == "off":
        return OFF
    if kind in ("window", "on-at"):
        return ON if parse_store_value(value).in_effect(NOW) else (ON if enabled else OFF)
    if kind == "off-at":
        return ON if parse_store_value(value).in_effect(NOW) else OFF
    return ON if enabled else OFF


@pytest.mark.parametrize(("value", "kind"), CONFORMANCE)
def test_python_reads_each_value_as_the_table_says(value: str | None, kind: str) -> None:
    assert parse_store_value(value).kind == kind


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("enabled", [False, True], ids=["deployed off", "deployed on"])
def test_the_function_reads_each_value_as_python_does(engine: str, enabled: bool) -> None:
    cases = [request(stored=value, now=NOW) for value, _ in CONFORMANCE]
    got = [_kind(a) for a in run(_config(enabled=enabled), cases, engine=engine)]
    expected = [_expected(kind, value, enabled) for value, kind in CONFORMANCE]
    assert list(zip([v for v, _ in CONFORMANCE], got, strict=True)) == list(
        zip([v for v, _ in CONFORMANCE], expected, strict=True)
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_store_windows_decide_when_deployed_off(engine: str) -> None:
    cases = [
        request(now=NOW),
        request(stored=f"window {NOW + 60} {NOW + 120}", now=NOW),
        request(stored=f"window {NOW - 60} {NOW + 120}", now=NOW),
        request(stored=f"window {NOW - 120} {NOW - 60}", now=NOW),
    ]
    assert [_kind(a) for a in run(_config(enabled=False), cases, engine=engine)] == [
        OFF,
        OFF,
        ON,
        OFF,
    ]


def _retry(answer: dict[str, Any]) -> str:
    return str(answer["headers"]["retry-after"]["value"])


@pytest.mark.parametrize("engine", ENGINES)
def test_retry_after_counts_to_the_end_of_maintenance(engine: str) -> None:
    """Overlapping and back-to-back windows, and a store window inside a scheduled one, count
    to the end of the whole run of windows."""
    hour = 3600
    scheduled = {
        "overlapping": [[NOW - 60, NOW + 900], [NOW + 600, NOW + hour]],
        "back to back": [[NOW - 60, NOW + 60], [NOW + 60, NOW + hour]],
        "one window": [[NOW - 60, NOW + hour]],
        "a later, separate window": [[NOW - 60, NOW + 60], [NOW + 120, NOW + hour]],
    }
    got = {
        name: _retry(run(_config(enabled=False, windows=w), [request(now=NOW)], engine=engine)[0])
        for name, w in scheduled.items()
    }
    assert got == {
        "overlapping": str(hour),
        "back to back": str(hour),
        "one window": str(hour),
        "a later, separate window": "60",
    }
    inside = _config(enabled=False, windows=[[NOW - 60, NOW + hour]])
    [answer] = run(inside, [request(stored=f"window {NOW - 10} {NOW + 60}", now=NOW)], engine)
    assert _retry(answer) == str(hour), "a store window inside a scheduled one"
    [answer] = run(
        _config(enabled=False, windows=[[NOW + 50, NOW + hour]]),
        [request(stored=f"window {NOW - 10} {NOW + 60}", now=NOW)],
        engine,
    )
    assert _retry(answer) == str(hour), "a store window running into a scheduled one"


@pytest.mark.parametrize("engine", ENGINES)
def test_a_timed_flip_happens_at_its_instant(engine: str) -> None:
    """`on START` and `off START` flip every edge at one instant: before an `off`, the
    answer counts down to it; after it, the app, scheduled windows included."""
    config = _config(enabled=False, windows=[[NOW - 60, NOW + 3600]])
    cases = [
        request(stored=f"off {NOW + 90}", now=NOW),
        request(stored=f"off {NOW - 1}", now=NOW),
        request(stored=f"on {NOW + 90}", now=NOW),
        request(stored=f"on {NOW - 1}", now=NOW),
    ]
    got = run(config, cases, engine=engine)
    assert [_kind(a) for a in got] == [ON, OFF, ON, ON]
    assert _retry(got[0]) == "90", "on until the flip"
    assert _retry(got[2]) == "3600", "before the flip, the scheduled window decides"
    assert _retry(got[3]) == "300", "after an on flip, no end is known"


def test_deployed_on_has_no_known_end_even_in_a_window() -> None:
    config = _config(enabled=True, windows=[[NOW - 60, NOW + 600]])
    [answer] = run(config, [request(now=NOW)])
    assert _retry(answer) == "300", "the response's own retry_after: on after the window too"


PAGES = {
    "plain paragraph": f"<h1>Back soon</h1><p>Until {END_TIME_MARKER}.</p>",
    "paragraph with a class": f'<h1>Back soon</h1><p class="end">Until {END_TIME_MARKER}.</p>',
    "nested bold": f"<h1>Back soon</h1><p>Until <b>{END_TIME_MARKER}</b> (UTC).</p>",
    "list item": f"<h1>Back soon</h1><ul><li>Until <time>{END_TIME_MARKER}</time></li></ul>",
    "list item ended by the next": f"<h1>Back soon</h1><ul><li>Until {END_TIME_MARKER}<li>x</ul>",
    "paragraph left open in a div": f"<h1>Back soon</h1><div><p>Until {END_TIME_MARKER}</div>",
    "line separator before it": (
        f"<h1>Back soon</h1><p>a\u2028b</p>\n<p>Until {END_TIME_MARKER}</p>"
    ),
    "form feed before it": f"<h1>Back soon</h1><pre>a\x0cb</pre>\n<p>Until {END_TIME_MARKER}</p>",
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", list(PAGES))
def test_without_an_end_the_element_that_holds_the_marker_goes(engine: str, name: str) -> None:
    page = MaintenanceResponse.html(PAGES[name])
    config = _config(enabled=True, browser_response=page)
    browser = request(headers={"Accept": "text/html"}, now=NOW)
    [answer] = run(config, [browser], engine=engine)
    body = answer["body"]["data"]
    assert END_TIME_MARKER not in body and "Until" not in body, body
    assert body.startswith("<h1>Back soon</h1>")
    kept = PAGES[name].split("<h1>Back soon</h1>", 1)[1].split("Until")[0]
    for text in ("a\u2028b", "a\x0cb"):
        assert text not in kept or text in body, "only the marker's element goes"
    windowed = _config(enabled=False, browser_response=page, windows=[[NOW - 5, NOW + 3600]])
    [answer] = run(windowed, [browser], engine=engine)
    assert "2027-01-15T09:00:00.000Z" in answer["body"]["data"]


def test_a_marker_in_a_script_is_not_a_sentence() -> None:
    page = f"<div><script>var end = '{END_TIME_MARKER}';</script><p>Keep</p></div>"
    assert end_cuts(page, "text/html") == []


def test_cuts_count_in_utf16_units_as_javascript_does() -> None:
    body = f"<p>\U0001f6a7 work</p><p>Until {END_TIME_MARKER}</p>"
    [[start, end]] = end_cuts(body, "text/html")
    assert body.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le") == (
        f"<p>Until {END_TIME_MARKER}</p>"
    )
    assert end_cuts(body, "application/json") == []


@pytest.mark.parametrize("engine", ENGINES)
def test_a_huge_store_window_never_throws(engine: str) -> None:
    """A value the grammar refuses is ignored: the viewer gets the deploy-time state, never a
    function error (CloudFront answers 503 for a function that throws)."""
    cases = [request(stored="window 0 99999999999999", now=NOW), request(stored="window 0 1")]
    assert [_kind(a) for a in run(_config(enabled=False), cases, engine=engine)] == [OFF, OFF]


@pytest.mark.parametrize(("value", "kind"), CONFORMANCE)
def test_switch_status_says_what_the_function_does(value: str | None, kind: str) -> None:
    """`switch status` words each value as the function reads it: on, off, a window (now or
    not), or ignored; never a trace back."""
    words = describe_value(value, NOW)
    expected = {
        "ignored": "the deploy-time state and the scheduled windows decide",
        "on": "maintenance on (no end known)",
        "off": "maintenance off, scheduled windows included",
        "window": "maintenance on from",
        "on-at": "at every edge",
        "off-at": "then off at every edge",
    }[kind]
    assert expected in words, words
    if kind == "window":
        assert "(now)" in words
    if kind in ("on-at", "off-at"):
        read = parse_store_value(value)
        assert ("(done" in words) == ((read.start or 0) <= NOW), words
