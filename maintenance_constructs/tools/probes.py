"""What ``check`` sends and what it expects: probes made from a front door's sample requests
(an API client and a browser at ``/``, each bypass path, the bypass token as header and as
cookie, the bypass link), each with the answer an allow-listed and an outside client should
get, and the comparison of an expected answer with a received one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..shared import BYPASS_COOKIE, BYPASS_HEADER
from .function_code import function_config_of
from .listener_evaluator import Answer, Request
from .local_edge import LocalEdge
from .samples import API, BROWSER
from .templates import FUNCTION, WEB_ACL

__all__ = ["Probe", "Received", "compare", "link_prefix", "maintenance_answers", "probes"]

PASSED = ("forward", "allow")
BODY_PREFIX = 40
"""How many leading characters of a body are compared (the rest may hold times or ids)."""


@dataclass(frozen=True)
class Probe:
    """One request ``check`` sends, and what each kind of client should get."""

    name: str
    request: Request
    allowed: Answer
    outside: Answer
    follow_cookie: bool = False
    """For the bypass link: send the cookie it sets with a follow-up request to ``/``."""


@dataclass(frozen=True)
class Received:
    """What came back, as far as ``check`` compares it."""

    status: int
    content_type: str
    body: str
    headers: Mapping[str, str]

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    def describe(self) -> str:
        shown = self.body[:BODY_PREFIX] + ("..." if len(self.body) > BODY_PREFIX else "")
        retry = self.header("Retry-After")
        return f"{self.status} {self.content_type} {shown}".rstrip() + (
            f" (Retry-After {retry})" if retry else ""
        )


def _with_token(request: Request, token: str) -> Request:
    """A token row's request carrying the real token: as the bypass header, or as the cookie
    (the template's value may be a deploy-time expression)."""
    carried = {BYPASS_HEADER.lower(): token, "cookie": f"{BYPASS_COOKIE}={token}"}
    headers = tuple((name, carried.get(name.lower(), value)) for name, value in request.headers)
    return replace(request, headers=headers)


def link_prefix(edge: LocalEdge) -> str | None:
    """The bypass link's prefix of the door's construct (WAF and function doors), if any."""
    for stack in edge.on:
        for resource in (stack.template.get("Resources") or {}).values():
            config = function_config_of(resource) if resource.get("Type") == FUNCTION else None
            if config is not None and config.get("token") is not None:
                return str(config["link"])
            if resource.get("Type") == WEB_ACL:
                for rule in resource["Properties"].get("Rules") or []:
                    if str(rule.get("Name", "")).endswith("-bypass-link"):
                        match = rule["Statement"]["ByteMatchStatement"]["SearchString"]
                        if isinstance(match, dict) and "Fn::Join" in match:
                            return str(match["Fn::Join"][1][0])
                        literal = str(match)  # prefix + a literal token
                        token = next((t for t in edge.secrets if literal.endswith(t)), "")
                        return literal[: len(literal) - len(token)] if token else None
    return None


def probes(edge: LocalEdge, *, state: str, token: str | None) -> list[Probe]:
    """The probes of the door in ``state``; token probes only with a token."""
    found: dict[tuple[str, str], dict[str, Answer]] = {}
    token_rows = []
    for row in edge.door.rows:
        answer = row.on if state == "on" else row.off
        if row.client == "with bypass token":
            token_rows.append((row, answer))
            continue
        kind = "allowed" if row.client.startswith("allow-listed") else "outside"
        found.setdefault((row.request.path, row.request.accept), {}).setdefault(kind, answer)
    result = []
    for (path, accept), answers in found.items():
        client = "browser" if accept == BROWSER else "API client"
        allowed = answers.get("allowed") or answers["outside"]
        outside = answers.get("outside") or allowed
        request = Request(host=edge.host, ip="", path=path, accept=accept)
        result.append(Probe(f"{client} {path}", request, allowed, outside))
    if token is None:
        return result
    for row, answer in token_rows:
        carrier = "cookie" if row.request.accept == BROWSER else "header"
        request = _with_token(replace(row.request, ip=""), token)
        result.append(Probe(f"token as {carrier}", request, answer, answer))
    prefix = link_prefix(edge)
    if prefix is not None and token_rows:
        template_token = next(
            (
                value
                for row, _ in token_rows
                for name, value in row.request.headers
                if name.lower() == BYPASS_HEADER.lower()
            ),
            None,
        )
        if isinstance(template_token, str):
            link = Request(host=edge.host, ip="203.0.113.255", path=prefix + template_token)
            expected = edge.answer(link, state=state)
            request = Request(host=edge.host, ip="", path=prefix + token, accept=API)
            result.append(Probe("bypass link", request, expected, expected, follow_cookie=True))
    return result


def maintenance_answers(edge: LocalEdge) -> set[tuple[int, str]]:
    """The door's own maintenance answers (status, start of the body) while on: what a
    request the rules let through must not get."""
    return {
        (answer.status, answer.body[:BODY_PREFIX])
        for answer in (row.on for row in edge.door.rows)
        if answer.status is not None and answer.action not in PASSED
    }


def compare(expected: Answer, got: Received, maintenance: set[tuple[int, str]]) -> str:
    """Why ``got`` is not ``expected`` ("" when it is). A request the door lets through may get
    any answer of the app but the door's own maintenance answers."""
    if expected.action in PASSED:
        if (got.status, got.body[:BODY_PREFIX]) in maintenance:
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
            flags = [f for f in ("Secure", "HttpOnly", "SameSite=Lax") if f not in (received or "")]
            if received is None or flags:
                return f"Set-Cookie without {', '.join(flags) or 'the cookie'}"
        elif name.lower() in ("retry-after", "location") and received != value:
            return f"{name} {received!r}, expected {value!r}"
    return ""
