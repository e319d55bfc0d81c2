"""``maintenance-constructs check URL``: send real requests to a deployed front door (or to
``serve``) and compare each answer with what the synthesized rules say it should be.

The answers are weighed against four hypotheses: maintenance on or off, this machine
allow-listed or outside. ``check`` passes only when the answers fit the expected state and no
other: an allow-listed machine reaches the app whether maintenance is on or off, so without a
probe that tells the two apart (the bypass link, with the token) it says it cannot tell.
Redirects are never followed (a redirect is an answer to compare). Every network failure and
every answer that is not HTTP is one line; tokens are never printed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from ...errors import MaintenanceConfigError
from ..app.secrets import checked_token
from ..model import Request
from .http_fetch import check_url, fetch
from .local_edge import LocalEdge
from .probes import (
    LINK,
    MACHINES,
    Hypothesis,
    Probe,
    Received,
    compare,
    door_answers,
    link_path,
    probes,
    refused_token,
)

__all__ = ["CheckResult", "Outcome", "fetch", "render", "run_check"]

MATCH, MISMATCH, CANNOT_TELL = "match", "mismatch", "cannot tell"


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
    verdict: str = MATCH
    """``match``, ``mismatch`` or ``cannot tell`` (the answers fit the other state too)."""
    reason: str = ""
    """Why it cannot tell, and what would tell."""
    elapsed: float = 0.0
    """Seconds from the start of the first round to the start of the round that matched (how
    long the edge took to agree, to within the pause before that round); when none matched,
    the seconds spent."""
    rounds: int = 1
    wait: float = 0.0
    """The ``--wait`` given (seconds)."""

    @property
    def ok(self) -> bool:
        return self.verdict == MATCH


def _send_all(
    url: str, planned: Sequence[Probe], send: Callable[[str, Request], Received]
) -> dict[str, Received]:
    """Every probe's answer; the request after the bypass link carries the cookies that the
    link's answer set (none set: not sent)."""
    got: dict[str, Received] = {}
    for probe in planned:
        request = probe.request
        if probe.after_link:
            link = got.get(LINK)
            pairs = link.cookie_pairs() if link is not None else []
            if not pairs:
                continue
            cookie = "; ".join(f"{name}={value}" for name, value in pairs)
            request = replace(request, headers=(("Cookie", cookie),))
        got[probe.name] = send(url, request)
    return got


def _failures(hypothesis: Hypothesis, planned: Sequence[Probe], got: Mapping[str, Received]) -> int:
    door = door_answers(planned)
    return sum(
        bool(compare(p.expected[hypothesis], got[p.name], door)) for p in planned if p.name in got
    )


def _machine_label(machines: Sequence[str]) -> str:
    if len(machines) == 1:
        return machines[0]
    return "allow-listed or outside (both kinds of client get these answers)"


def _cannot_tell(
    expect: str,
    wanted: Sequence[Hypothesis],
    others: Sequence[Hypothesis],
    advice: tuple[bool, bool],
) -> str:
    token, link = advice
    other = "off" if expect == "on" else "on"
    clients = " or ".join(sorted({machine for _, machine in others})) or "any"
    if "outside" in {m for _, m in others} & {m for _, m in wanted}:  # outside, either state
        advice_text = (
            "no probe check may send is turned away by this door while on (its scope leaves "
            "them all to the app, and a write to an exact path could do harm, so check sends "
            "none): scope a prefix such as '/cart/*' too"
        )
        advice_text += "" if not link or token else ", or pass the bypass token"
        return (
            f"cannot tell maintenance {expect} from {other}: the same client gets every "
            f"answer in both states; {advice_text}"
        )
    if link and not token:
        advice_text = "pass the bypass token (MAINTENANCE_BYPASS_TOKEN or --token-ssm): the "
        advice_text += "bypass link tells the two states apart"
    else:
        advice_text = "run check from a machine outside the allowlist"
    return (
        f"cannot tell maintenance {expect} from {other}: every answer is also what an "
        f"{clients} client gets with maintenance {other}; {advice_text}"
    )


def _judge(
    url: str,
    expect: str,
    planned: Sequence[Probe],
    got: Mapping[str, Received],
    advice: tuple[bool, bool],
) -> CheckResult:
    """The verdict from the hypotheses the answers leave, and the table for the expected
    state; ``advice``: (a token was given, the door has a bypass link)."""
    if not planned:
        reason = "cannot tell: the door covers no path that check can probe"
        return CheckResult(url, expect, "cannot tell", (), CANNOT_TELL, reason)
    door = door_answers(planned)
    left = [h for h in planned[0].expected if _failures(h, planned, got) == 0]
    wanted = [h for h in left if h[0] == expect]
    others = [h for h in left if h[0] != expect]
    verdict, reason = MATCH, ""
    if wanted and others:
        verdict, reason = CANNOT_TELL, _cannot_tell(expect, wanted, others, advice)
        machine = "cannot tell"
    elif wanted:
        machine = _machine_label([m for _, m in wanted])
    else:
        candidates = [(expect, m) for m in MACHINES if (expect, m) in planned[0].expected]
        wanted = [min(candidates, key=lambda h: _failures(h, planned, got))]
        verdict, machine = MISMATCH, wanted[0][1]
    outcomes = tuple(
        Outcome(
            p.name,
            p.expected[wanted[0]].describe(),
            got[p.name].describe(),
            compare(p.expected[wanted[0]], got[p.name], door),
        )
        for p in planned
        if p.name in got
    )
    return CheckResult(url, expect, machine, outcomes, verdict, reason)


def check_wait(wait: float) -> float:
    """``wait`` if it is a number of seconds ``check`` can wait (finite, not negative)."""
    if isinstance(wait, bool) or not isinstance(wait, (int, float)):
        wait = math.nan
    if not math.isfinite(wait) or wait < 0:
        raise MaintenanceConfigError(
            f"--wait: {wait!r} is not a number of seconds from 0 up; pass e.g. --wait 600."
        )
    return float(wait)


def run_check(
    url: str,
    edge: LocalEdge,
    *,
    state: str,
    token: str | None,
    wait: float = 0.0,
    send: Callable[[str, Request], Received] = fetch,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> CheckResult:
    """Probe ``url`` until the answers fit ``state`` (and only it) or ``wait`` seconds have
    passed (backing off from 1 s to 15 s between rounds); the last round's result, with how
    long it took to get there."""
    check_url(url)
    wait = check_wait(wait)
    if token is not None:
        checked_token(token, "check")
    planned = probes(edge, token=token)
    if token is not None and refused_token(planned):
        raise MaintenanceConfigError(
            "check: the door as synthesized turns the given bypass token away, so it is not "
            "the app's token; pass the token the door was deployed with (--token-env or "
            "--token-ssm)."
        )
    advice = (token is not None, link_path(edge) is not None)
    start = clock()
    deadline, delay, rounds = start + wait, 1.0, 0
    while True:
        rounds += 1
        began = clock()
        try:
            result = _judge(url, state, planned, _send_all(url, planned, send), advice)
            if result.ok or clock() + delay > deadline:
                spent = (began if result.ok else clock()) - start
                return replace(result, elapsed=round(spent, 1), rounds=rounds, wait=wait)
        except MaintenanceConfigError:
            if clock() + delay > deadline:
                raise
        sleep(delay)
        delay = min(delay * 2, 15.0)


def render(result: CheckResult) -> str:
    """The table: probe, expected, received, and why a row does not match; then the verdict."""
    who = {
        MATCH: f"this machine is {result.machine}",
        MISMATCH: f"compared with what an {result.machine} client gets",
        CANNOT_TELL: "this machine: cannot tell",
    }[result.verdict]
    lines = [f"check {result.url}: expected maintenance {result.expect}; {who}"]
    width = max(len(o.probe) for o in result.outcomes) if result.outcomes else 5
    for outcome in result.outcomes:
        mark = "ok  " if outcome.ok else "FAIL"
        lines.append(f"  {mark} {outcome.probe:<{width}}  expected {outcome.expected}")
        lines.append(
            f"       {'':<{width}}  received {outcome.received}"
            + (f"  <- {outcome.why}" if outcome.why else "")
        )
    count = f"({sum(o.ok for o in result.outcomes)}/{len(result.outcomes)})"
    if result.verdict == MATCH:
        verdict = f"every answer matches {count}"
    elif result.verdict == MISMATCH:
        verdict = f"some answers do not match {count}"
    else:
        verdict = f"{result.reason} {count}"
    if result.wait > 0:
        agreed = "the edge agreed" if result.ok else "not agreed"
        rounds = f"{result.rounds} round{'s' if result.rounds > 1 else ''}"
        verdict += f"; {agreed} after {result.elapsed:g} s ({rounds}, --wait {result.wait:g})"
    return "\n".join([*lines, verdict]) + "\n"
