"""``maintenance-constructs check URL``: send real requests to a deployed front door (or to
``serve``) and compare each answer with what the synthesized rules say it should be.

Plain standard-library HTTP (urllib): no dependency. Redirects are never followed (a redirect is
an answer to compare). Every network failure is one line; tokens are never printed.
"""

from __future__ import annotations

import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import MaintenanceConfigError
from ..shared import BYPASS_COOKIE
from .listener_evaluator import Answer, Request
from .local_edge import LocalEdge
from .probes import Probe, Received, compare, maintenance_answers, probes

__all__ = ["CheckResult", "Outcome", "fetch", "run_check"]

TIMEOUT = 10.0


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx is an answer to compare, not a place to go


_OPENER = urllib.request.build_opener(_NoRedirects)


def _network_error(url: str, error: BaseException) -> MaintenanceConfigError:
    host = urllib.parse.urlsplit(url).hostname or url
    reason = getattr(error, "reason", error)
    if isinstance(reason, socket.gaierror):
        text = f"DNS: the name {host} does not resolve ({reason.strerror})"
    elif isinstance(reason, ssl.SSLError):
        text = f"TLS: the handshake with {host} failed ({reason.reason or reason})"
    elif isinstance(reason, (TimeoutError, socket.timeout)):
        text = f"timeout: {host} did not answer within {TIMEOUT:g} s"
    elif isinstance(reason, ConnectionRefusedError):
        text = f"connection refused by {host}: nothing listens on that port"
    else:
        text = f"{host}: {reason}"
    return MaintenanceConfigError(f"check: {text}.")


def fetch(url: str, request: Request) -> Received:
    """Send ``request`` (path, Accept, further headers) to ``url``'s origin."""
    target = urllib.parse.urljoin(url, request.path)
    headers = {"Accept": request.accept, "User-Agent": "maintenance-constructs-check"}
    headers.update({name: str(value) for name, value in request.headers})
    outgoing = urllib.request.Request(target, headers=headers, method="GET")
    try:
        with _OPENER.open(outgoing, timeout=TIMEOUT) as response:
            return _received(response.status, response.headers, response.read(4096))
    except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx and 5xx are answers
        got = _received(error.code, error.headers, error.read(4096))
        _refuse_other_host(url, got)
        return got
    except (urllib.error.URLError, TimeoutError, ssl.SSLError, OSError) as error:
        raise _network_error(url, error) from None


def _refuse_other_host(url: str, got: Received) -> None:
    """A redirect to another host means the URL is not the front door (http -> https on
    another name, a apex -> www redirect): one line, not a table of mismatches."""
    location = got.header("Location")
    if got.status // 100 != 3 or not location:
        return
    here = urllib.parse.urlsplit(url).hostname
    there = urllib.parse.urlsplit(urllib.parse.urljoin(url, location)).hostname
    if there != here:
        raise MaintenanceConfigError(
            f"check: {here} redirects to another host ({there}); pass the URL that answers "
            f"itself, e.g. {urllib.parse.urljoin(url, location).split('?')[0]}."
        )


def _received(status: int, headers: Any, body: bytes) -> Received:
    return Received(
        status=status,
        content_type=headers.get("Content-Type", ""),
        body=body.decode("utf-8", "replace"),
        headers={k: v for k, v in headers.items()},
    )


@dataclass(frozen=True)
class Outcome:
    """One probe: what was expected (for this machine's kind of client) and what came."""

    probe: str
    expected: str
    received: str
    why: str

    @property
    def ok(self) -> bool:
        return not self.why


@dataclass(frozen=True)
class CheckResult:
    url: str
    expect: str
    machine: str
    outcomes: tuple[Outcome, ...]

    @property
    def ok(self) -> bool:
        return all(outcome.ok for outcome in self.outcomes)


def _machine(probe: Probe, got: Received, maintenance: set[tuple[int, str]]) -> str:
    allowed = not compare(probe.allowed, got, maintenance)
    outside = not compare(probe.outside, got, maintenance)
    if allowed and outside:
        return "cannot tell (allow-listed and outside clients get the same answer)"
    if allowed:
        return "allow-listed"
    return "outside" if outside else "neither (the answer matches no client)"


def _once(
    url: str, edge: LocalEdge, state: str, token: str | None, send: Callable[..., Received]
) -> CheckResult:
    planned = probes(edge, state=state, token=token)
    maintenance = maintenance_answers(edge)
    first = send(url, planned[0].request)
    machine = _machine(planned[0], first, maintenance)
    outcomes = []
    for probe in planned:
        got = first if probe is planned[0] else send(url, probe.request)
        expected = probe.allowed if machine == "allow-listed" else probe.outside
        outcomes.append(
            Outcome(
                probe.name, expected.describe(), got.describe(), compare(expected, got, maintenance)
            )
        )
        if probe.follow_cookie and got.status in (301, 302, 303, 307, 308) and token:
            cookie = Request(
                probe.request.host,
                "",
                "/",
                probe.request.accept,
                headers=(("Cookie", f"{BYPASS_COOKIE}={token}"),),
            )
            again = send(url, cookie)
            passed = Answer("allow", "cookie")
            outcomes.append(
                Outcome(
                    "after the bypass link",
                    passed.describe(),
                    again.describe(),
                    compare(passed, again, maintenance),
                )
            )
    return CheckResult(url, state, machine, tuple(outcomes))


def run_check(
    url: str,
    edge: LocalEdge,
    *,
    state: str,
    token: str | None,
    wait: float = 0.0,
    send: Callable[[str, Request], Received] = fetch,
    sleep: Callable[[float], None] = time.sleep,
) -> CheckResult:
    """Probe ``url`` until every answer matches ``state`` or ``wait`` seconds have passed
    (backing off from 1 s to 15 s between rounds); the last round's result."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise MaintenanceConfigError(
            f"URL: {url!r} is not an http(s) URL; pass e.g. https://example.com/."
        )
    deadline = time.monotonic() + wait
    delay = 1.0
    while True:
        try:
            result = _once(url, edge, state, token, send)
            if result.ok or time.monotonic() + delay > deadline:
                return result
        except MaintenanceConfigError:
            if time.monotonic() + delay > deadline:
                raise
        sleep(delay)
        delay = min(delay * 2, 15.0)


def render(result: CheckResult, secrets: Mapping[str, str] | None = None) -> str:
    """The table: probe, expected, received, and why a row does not match."""
    lines = [
        f"check {result.url}: expected maintenance {result.expect}; "
        f"this machine is {result.machine}",
    ]
    width = max(len(o.probe) for o in result.outcomes) if result.outcomes else 5
    for outcome in result.outcomes:
        mark = "ok  " if outcome.ok else "FAIL"
        lines.append(f"  {mark} {outcome.probe:<{width}}  expected {outcome.expected}")
        lines.append(
            f"       {'':<{width}}  received {outcome.received}"
            + (f"  <- {outcome.why}" if outcome.why else "")
        )
    verdict = "every answer matches" if result.ok else "some answers do not match"
    lines.append(f"{verdict} ({sum(o.ok for o in result.outcomes)}/{len(result.outcomes)})")
    return "\n".join(lines) + "\n"
