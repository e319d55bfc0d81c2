"""What every layer of the tools speaks: a viewer request, a front door's answer, a front door
and its who-gets-what rows, and the kinds of door and of client (enums, not labels).

Pure data: no import of the rest of the tools, so every layer can stand on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

__all__ = [
    "ANY_HOST",
    "MOST_ALTERNATIVES",
    "Answer",
    "ClientKind",
    "DoorKind",
    "FrontDoor",
    "Request",
    "Row",
]


class _Label(str, Enum):
    """An enum whose members are their text everywhere the text went before: they compare,
    hash, print and serialize (JSON included) as their value, so output does not change."""

    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, spec: str) -> str:
        return str.__format__(self, spec)

    def __repr__(self) -> str:
        return str.__repr__(self)

    def __hash__(self) -> int:
        return str.__hash__(self)


class DoorKind(_Label):
    """The kinds of front door, as the preview names them."""

    LISTENER = "ALB listener"
    WEB_ACL = "WAF web ACL"
    FUNCTION = "CloudFront Function"


class ClientKind(_Label):
    """The kinds of client a sample request stands for, as the ``Accept`` header it sends."""

    BROWSER = "text/html,application/xhtml+xml"
    API = "application/json"


ANY_HOST = "(any host)"
"""The sample host for rules that cover every request (e.g. the load balancer's DNS name)."""


@dataclass(frozen=True)
class Request:
    """A viewer request: host name, client address, URL path, ``Accept`` header, method, the
    viewer's country (for geo matches; None: unknown) and further headers."""

    host: str
    ip: str
    path: str = "/"
    accept: str = ClientKind.API
    method: str = "GET"
    country: str | None = None
    headers: tuple[tuple[str, Any], ...] = ()
    """Further headers; a value may be a template expression (a deploy-time value, such as a
    bypass token from SSM), which matches only the same expression."""

    def header(self, name: str) -> Any:
        wanted = name.lower()
        if wanted == "accept":
            return self.accept
        if wanted == "host":
            return self.host
        return next((v for k, v in self.headers if k.lower() == wanted), None)


MOST_ALTERNATIVES = 2
"""Alternatives a table cell lists before it counts the rest (all are in ``--json``)."""


@dataclass(frozen=True)
class Answer:
    """What the front door does with a request."""

    action: str  # "forward", "fixed-response", "redirect", "allow", "block", "unknown"
    rule: str  # the rule that decided, or "default"
    target: str = ""
    status: int | None = None
    content_type: str = ""
    body: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    alternatives: tuple[str, ...] = ()
    """Other answers, each with the undecidable rule it depends on ("403 if GeoBlock matches")."""
    sign_in: str = ""
    """The authenticating action the request passes before it is forwarded, e.g.
    ``authenticate-cognito``; empty when it is forwarded without one."""
    headers: tuple[tuple[str, str], ...] = ()
    """Response headers the front door sends with the answer (WAF custom response headers,
    the function's headers and cookies); an ALB fixed response sends none."""
    uri: str = ""
    """The path an allowed request reaches the origin with, when the front door rewrote it
    (an app's viewer-request function combined with the maintenance code); else empty."""

    def describe(self, width: int = 40) -> str:
        """A one-line summary for tables, with its alternatives when it depends on something
        that cannot be decided offline."""
        main = self._describe(width)
        shown = list(self.alternatives[:MOST_ALTERNATIVES])
        hidden = len(self.alternatives) - len(shown)
        if hidden:
            shown.append(f"{hidden} more (see --json)")
        return "; or ".join([main, *shown])

    def _describe(self, width: int) -> str:
        if self.action == "forward":
            after = f" after sign-in ({self.sign_in})" if self.sign_in else ""
            return f"forwarded to {self.target}{after}"
        if self.action == "allow":
            return (
                f"allowed (to the origin as {self.uri})" if self.uri else "allowed (to the origin)"
            )
        if self.action == "unknown":
            return f"unknown ({self.target})"
        if self.action == "redirect":
            return f"{self.status} redirect"
        body = self.body if len(self.body) <= width else self.body[: width - 3] + "..."
        content = f" {self.content_type}" if self.content_type else ""
        return f"{self.status}{content} {body}".rstrip()


@dataclass(frozen=True)
class Row:
    """One sample request and its answers with maintenance off and on."""

    request: Request
    client: str  # "allow-listed IPv4", "outside IPv6", ...
    off: Answer
    on: Answer


@dataclass(frozen=True)
class FrontDoor:
    """A listener, web ACL or function that carries maintenance rules, and its who-gets-what
    table."""

    kind: DoorKind
    name: str
    stack: str
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()
    """What the table cannot show in its rows (e.g. rows that cannot happen)."""
