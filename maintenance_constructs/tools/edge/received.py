"""What came back from a front door, as ``check`` compares it, and the comparison of an
expected answer with a received one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ...shared import BYPASS_COOKIE
from ..model import Answer

__all__ = ["BODY_PREFIX", "PASSED", "Received", "compare"]

PASSED = ("forward", "allow")
"""Actions that let a request through to the app (whatever the app answers)."""
BODY_PREFIX = 40
"""How many leading characters of a body are compared (the rest may hold times or ids)."""


@dataclass(frozen=True)
class Received:
    """What came back, as far as ``check`` compares it."""

    status: int
    content_type: str
    body: str
    headers: Mapping[str, str]
    cookies: tuple[str, ...] = ()
    """Every ``Set-Cookie`` header of the answer, as sent."""

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    def cookie_pairs(self) -> list[tuple[str, str]]:
        """The (name, value) of each cookie the answer sets."""
        pairs = []
        for text in self.cookies:
            name, sep, value = text.split(";", 1)[0].partition("=")
            if sep and name.strip():
                pairs.append((name.strip(), value.strip()))
        return pairs

    def describe(self) -> str:
        shown = self.body[:BODY_PREFIX] + ("..." if len(self.body) > BODY_PREFIX else "")
        retry = self.header("Retry-After")
        return f"{self.status} {self.content_type} {shown}".rstrip() + (
            f" (Retry-After {retry})" if retry else ""
        )


def _is_door_answer(got: Received, door: Sequence[Answer]) -> bool:
    for answer in door:
        if (got.status, got.body[:BODY_PREFIX]) != (answer.status, answer.body[:BODY_PREFIX]):
            continue
        sets_cookie = any(name.lower() == "set-cookie" for name, _ in answer.headers)
        if not sets_cookie or BYPASS_COOKIE in dict(got.cookie_pairs()):
            return True
    return False


def _cookie_problem(got: Received) -> str:
    sent = [text for text in got.cookies if text.split("=", 1)[0].strip() == BYPASS_COOKIE]
    if not sent:
        return f"Set-Cookie without the cookie {BYPASS_COOKIE}"
    attributes = {part.strip().lower() for part in sent[0].split(";")[1:]}
    flags = [f for f in ("Secure", "HttpOnly", "SameSite=Lax") if f.lower() not in attributes]
    return f"Set-Cookie without {', '.join(flags)}" if flags else ""


def compare(expected: Answer, got: Received, door: Sequence[Answer]) -> str:
    """Why ``got`` is not ``expected`` ("" when it is). A request the door lets through may get
    any answer of the app but the door's own answers (``door``)."""
    if expected.action in PASSED:
        if _is_door_answer(got, door):
            return "got the maintenance answer; expected to reach the app"
        return ""
    if got.status != expected.status:
        return f"status {got.status}, expected {expected.status}"
    wanted_type = expected.content_type.split(";")[0]
    if wanted_type and not got.content_type.startswith(wanted_type):
        return f"content type {got.content_type!r}, expected {wanted_type!r}"
    if not got.body.startswith(expected.body[:BODY_PREFIX]):
        return "a different body"
    for name, value in expected.headers:
        received = got.header(name)
        if name.lower() == "set-cookie":
            problem = _cookie_problem(got)
            if problem:
                return problem
        elif name.lower() in ("retry-after", "location") and received != value:
            return f"{name} {received!r}, expected {value!r}"
    return ""
