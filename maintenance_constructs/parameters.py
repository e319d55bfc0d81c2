"""The parameters every front door takes, documented once: what each means, its default, and
what it means differently behind each kind of front door.

The constructs' docstrings name them as ``{allowed_cidrs}`` placeholders that
:func:`document_shared_parameters` fills in; ``docs/parameters.md`` is rendered from the same
table (``render_markdown``), and a test keeps the two equal. CDK-free.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, TypeVar

__all__ = [
    "FRONT_DOORS",
    "SHARED_PARAMETERS",
    "SharedParameter",
    "document_shared_parameters",
    "render_markdown",
]

FrontDoor = Literal["alb", "waf", "function"]
FRONT_DOORS: Mapping[FrontDoor, str] = {
    "alb": "AlbMaintenance",
    "waf": "CloudFrontMaintenance, RegionalMaintenance",
    "function": "CloudFrontFunctionMaintenance",
}
"""Each kind of front door, and the constructs of that kind."""


@dataclass(frozen=True)
class SharedParameter:
    """One shared parameter: what it is for every front door, then what differs by door."""

    name: str
    meaning: str
    """What the parameter is, the same behind every front door."""
    by_door: Mapping[FrontDoor, str]
    """What it means behind each kind of front door, its default included; a door that is
    missing does not take the parameter."""

    def text(self, door: FrontDoor) -> str:
        """The parameter's documentation for one kind of front door."""
        return f"{self.meaning} {self.by_door[door]}".strip()

    def taken_by(self, door: FrontDoor) -> bool:
        """Whether the constructs of ``door`` take this parameter."""
        return door in self.by_door


_TOKEN_BOTH = (
    "Sent as the header ``X-Maintenance-Bypass: <token>`` or the cookie "
    "``maintenance_bypass=<token>``; 16 to 100 characters, a deploy-time value, or "
    ":class:`BypassTokenParameter` (an SSM String parameter)."
)

SHARED_PARAMETERS: tuple[SharedParameter, ...] = (
    SharedParameter(
        "allowed_cidrs",
        "Addresses that still reach the app, IPv4 and IPv6: bare addresses become /32 or /128 "
        "and overlaps collapse. Default: none, so nobody gets through but bypass paths and the "
        "bypass token.",
        {
            "alb": "Packed 5 condition values to a listener rule, at most 50 allow rules "
            "(about 200 CIDRs for one host name).",
            "waf": "One IP set per address family, up to 10,000 addresses each.",
            "function": "Compared with the viewer's address (``event.viewer.ip``) in the "
            "function, compiled at synth into sorted records it binary-searches; as many as fit "
            "its 10 KB of code (about 500 IPv4 or 260 IPv6 networks with the default response).",
        },
    ),
    SharedParameter(
        "response",
        "The answer for everyone turned away. Default: ``MaintenanceResponse.json()``, 503 with "
        "a JSON ``service_unavailable`` body.",
        {
            "alb": "An ALB fixed response: at most 1,024 UTF-8 bytes, status 2XX, 4XX or 5XX, "
            "and no headers (``retry_after`` and ``headers`` are not sent; a warning says so).",
            "waf": "A WAF custom response: up to 4 KB, ``retry_after`` and ``headers`` sent as "
            "headers.",
            "function": "Answered by the function, headers and ``Retry-After`` included "
            "(counting down to the end of a window); body and allowlist share the function's "
            "10 KB of code.",
        },
    ),
    SharedParameter(
        "browser_response",
        "An answer for turned-away requests whose ``Accept`` header contains ``text/html``. "
        "Default: none, browsers get ``response`` too.",
        {
            "alb": "A rule matching ``Accept: *text/html*`` just before the 503 rules.",
            "waf": "A rule evaluated just before the main one.",
            "function": "Chosen by the function when ``Accept`` contains ``text/html``.",
        },
    ),
    SharedParameter(
        "bypass_paths",
        "Paths served normally to everyone (health checks, a status page). Default: none.",
        {
            "alb": "ALB path patterns, exact or with ``*`` and ``?``: ``/health`` opens "
            "``/health`` only; a pattern with ``*`` also gets traversal guard rules.",
            "waf": "URI path prefixes, compared with the decoded, normalized path: ``/health`` "
            "also opens ``/healthz`` and ``/health/live``; end it with ``/`` to open a folder "
            "only.",
            "function": "URI path prefixes, compared with the path as the viewer sent it: "
            "``/health`` also opens ``/healthz``; a path with a dot segment or an encoded dot, "
            "slash or backslash never bypasses.",
        },
    ),
    SharedParameter(
        "bypass_token",
        "A secret that lets a request through from any address, like an allow-listed one. "
        + _TOKEN_BOTH
        + " Default: none.",
        {
            "alb": "Matched by two header rules (the header, and the Cookie header) per route. "
            "A :class:`BypassTokenParameter` is read only while maintenance is on.",
            "waf": "Matched as an exception in the rule; ``bypass_link_prefix`` adds a link "
            "that sets the cookie. A :class:`BypassTokenParameter` is read only while "
            "maintenance is on.",
            "function": "Compared by the function; ``bypass_link_prefix`` adds a link that "
            "sets the cookie. A literal is written into the code only as its SHA-256; a "
            ":class:`BypassTokenParameter` is read on every deploy, off included (the store or "
            "a window can turn the function on at any moment), and written as base64 data, "
            "readable by whoever can describe the function.",
        },
    ),
    SharedParameter(
        "methods",
        "The HTTP methods turned away during maintenance: ``READ_ONLY`` (POST, PUT, PATCH, "
        "DELETE) keeps the app readable; other requests reach the app as with maintenance "
        "off. Upper-case names from GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS; ``HEAD`` and "
        "``OPTIONS`` (CORS preflight) are turned away only when named. Default: None, every "
        "method.",
        {
            "alb": "An ``http-request-method`` condition on the 503 rules (and the browser and "
            "traversal guard rules); its values count toward the 5 per rule, so the rules are "
            "split when hosts, methods and paths do not fit one.",
            "waf": "A method match in the rule (one statement per method, counted in the web "
            "ACL's capacity).",
            "function": "Compared with ``request.method``; the store switch and every window "
            "turn away the same methods.",
        },
    ),
    SharedParameter(
        "paths",
        "The paths under maintenance, as exact paths (``/cart``) or prefixes ending in ``*`` "
        "(``/checkout/*``: every path that starts with ``/checkout/``), case-sensitive; "
        "requests for other paths reach the app as with maintenance off. With ``methods``, "
        "only those methods on those paths. Default: None, every path.",
        {
            "alb": "A ``path-pattern`` condition on the 503 rules; ALB patterns may also use "
            "``*`` and ``?`` anywhere. A path with a ``.`` or ``..`` segment counts as in "
            "scope (rules for dot segments, after the allow rules), since the app may resolve "
            "it into a scoped path; escaped forms (``%2e``) cannot be named by an ALB pattern.",
            "waf": "Compared with the decoded path normalized as Windows would (``\\`` is "
            "``/``, ``/a/../checkout/x`` is ``/checkout/x``); a path with ``;`` or a leading "
            "``/..`` counts as in scope. Only exact paths and trailing ``*`` prefixes.",
            "function": "Compared with the percent-decoded path (``/check%6Fut/pay`` is "
            "``/checkout/pay``, as the origin reads it); a path that does not decode, or that "
            "holds a dot segment, an empty segment, ``;``, a backslash, or an escaped dot, "
            "slash, backslash, percent sign or semicolon, counts as in scope. Only exact paths "
            "and trailing ``*`` prefixes.",
        },
    ),
    SharedParameter(
        "priority",
        "Where the maintenance rules go among the front door's own rules.",
        {
            "alb": "The first of a window of 90 listener priorities, one band per kind of "
            "rule, the 503 rules at the top. Default: None, placed when the app synthesizes "
            "before the app's first rule that serves the same requests: 10..99 when that is "
            "free, else the first 90 free priorities in a row before that rule, else the "
            "largest free run there with smaller bands (at least 12 priorities); when there is "
            "no room, the error says which app rules to renumber.",
            "waf": "The first of 1 to 3 consecutive web ACL priorities (the bypass link, the "
            "browser rule, the main rule, in that order, each only when used). Default 10.",
        },
    ),
    SharedParameter(
        "enabled",
        "True or False overrides the context toggle; None (the default) follows it.",
        {
            "alb": "",
            "waf": "",
            "function": "It is the deploy-time state: the store key ``maintenance`` (``switch "
            "on|off``) overrides it at run time.",
        },
    ),
)
"""Every shared parameter, in the order the constructs take them."""

_BY_NAME = {parameter.name: parameter for parameter in SHARED_PARAMETERS}
_Documented = TypeVar("_Documented", bound=type)


def _field(name: str, text: str) -> str:
    """One ``:param:`` field's text, wrapped as the docstrings are (4 spaces, 8 after)."""
    lines = textwrap.wrap(
        f":param {name}: {text}",
        width=92,
        subsequent_indent="    ",
        break_on_hyphens=False,
        break_long_words=False,
    )
    return "\n    ".join(lines)


def document_shared_parameters(door: FrontDoor) -> Callable[[_Documented], _Documented]:
    """Fill the ``{name}`` placeholders of a construct's docstring with the ``:param:`` fields
    of the shared parameters, as they read for ``door``; an unknown placeholder is an error."""

    def decorate(construct: _Documented) -> _Documented:
        fields = {
            name: _field(name, p.text(door)) for name, p in _BY_NAME.items() if p.taken_by(door)
        }
        construct.__doc__ = (construct.__doc__ or "").format_map(fields)
        return construct

    return decorate


def render_markdown() -> str:
    """docs/parameters.md: each shared parameter, and what it means behind each front door."""
    lines = [
        "# Shared parameters",
        "",
        "<!-- Generated from maintenance_constructs/parameters.py by "
        "`python -m maintenance_constructs.parameters`; a test keeps it current. -->",
        "",
        "Every construct takes these parameters for the same ideas. What AWS offers behind each",
        "front door makes some of them mean slightly different things; each section says how.",
        "The constructs' docstrings are filled from the same text.",
        "",
    ]
    for parameter in SHARED_PARAMETERS:
        lines += [f"## `{parameter.name}`", "", parameter.meaning, ""]
        for door, constructs in FRONT_DOORS.items():
            if not parameter.taken_by(door):
                lines += [f"- `{constructs}`: not taken."]
            elif parameter.by_door[door]:
                names = ", ".join(f"`{name}`" for name in constructs.split(", "))
                lines += [f"- {names}: {parameter.by_door[door]}"]
        lines += [""]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(render_markdown(), end="")
