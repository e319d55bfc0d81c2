"""What ``check`` sends and what it expects. A probe is one request (an API client and a
browser on each sample path the door covers, each bypass path, the bypass token as header and
as cookie, the bypass link, and a request with the cookie the link sets) with the door's answer
under each hypothesis: maintenance on or off, this machine allow-listed or outside. The answers
received rule hypotheses out (:func:`compare`); ``check`` passes only when every hypothesis
left has the state it expects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from ...shared import BYPASS_COOKIE, BYPASS_HEADER
from ..app.resource_types import FUNCTION, WEB_ACL, readable_names
from ..doors.function_doors import UNCOVERED
from ..evaluate.function_code import PREVIEW_TOKEN, function_config_of
from ..model import Answer, ClientKind, DoorKind, Request
from .local_edge import LocalEdge
from .received import BODY_PREFIX, Received, compare

__all__ = [
    "LINK",
    "MACHINES",
    "Hypothesis",
    "Probe",
    "Received",
    "compare",
    "door_answers",
    "link_path",
    "link_prefix",
    "probes",
    "refused_token",
    "token_carrier",
]

MACHINES = ("allow-listed", "outside")
TOKEN_CLIENT = "with bypass token"
LINK, AFTER_LINK = "bypass link", "after the bypass link"
Hypothesis = tuple[str, str]
"""(maintenance state, kind of client this machine is), e.g. ("on", "outside")."""


@dataclass(frozen=True)
class Probe:
    """One request ``check`` sends, and the door's answer under each hypothesis."""

    name: str
    request: Request
    expected: Mapping[Hypothesis, Answer]
    after_link: bool = False
    """Sent with the cookies the bypass link's answer set (and only when it set some)."""


def _with_token(request: Request, token: str) -> Request:
    """A token probe's request carrying the given token where the template's carrier is (the
    bypass header, or the cookie)."""
    carried = {BYPASS_HEADER.lower(): token, "cookie": f"{BYPASS_COOKIE}={token}"}
    headers = tuple((name, carried.get(name.lower(), value)) for name, value in request.headers)
    return replace(request, headers=headers)


def _door_resource(edge: LocalEdge) -> Mapping[str, Any] | None:
    """The door's own web ACL or function in the templates (a listener has no link)."""
    kind = {DoorKind.WEB_ACL: WEB_ACL, DoorKind.FUNCTION: FUNCTION}.get(edge.door.kind)
    for stack in edge.on:
        resources = stack.template.get("Resources") or {}
        names = readable_names(resources)
        for logical_id, resource in resources.items():
            if stack.name == edge.door.stack and names[logical_id] == edge.door.name:
                return resource if resource.get("Type") == kind else None
    return None


def link_path(edge: LocalEdge) -> tuple[str, Any] | None:
    """The bypass link of the door (WAF and function doors): its prefix, and the path its
    rule matches as the template has it (a literal, a deploy-time expression, or None when
    the template holds only the token's hash)."""
    resource = _door_resource(edge)
    if resource is None:
        return None
    if resource.get("Type") == FUNCTION:
        config = function_config_of(resource)
        if config is not None and config.token is not None:
            return config.link, None  # the code holds no usable token
        return None
    for rule in resource["Properties"].get("Rules") or []:
        if str(rule.get("Name", "")).endswith("-bypass-link"):
            return _waf_link(edge, rule["Statement"]["ByteMatchStatement"])
    return None


def _waf_link(edge: LocalEdge, match: Mapping[str, Any]) -> tuple[str, Any] | None:
    search = match["SearchString"]
    if isinstance(search, dict) and "Fn::Join" in search:
        return str(search["Fn::Join"][1][0]), search
    literal = str(search)  # prefix + a literal token
    token = next((t for t in edge.secrets if literal.endswith(t)), "")
    return (literal[: len(literal) - len(token)], literal) if token else None


def link_prefix(edge: LocalEdge) -> str | None:
    """The bypass link's prefix of the door's construct, if any."""
    found = link_path(edge)
    return None if found is None else found[0]


def _clients(edge: LocalEdge) -> dict[str, str]:
    """A sample address of each kind of client the door's table has."""
    found: dict[str, str] = {}
    for row in edge.door.rows:
        for machine in MACHINES:
            if row.client.startswith(machine):
                found.setdefault(machine, row.request.ip)
    return found


def _name(request: Request) -> str:
    client = "browser" if request.accept == ClientKind.BROWSER else "API client"
    extra = ", ".join(name for name, _ in request.headers)
    method = "" if request.method == "GET" else f"{request.method} "
    return f"{client} {method}{request.path}" + (f" (with {extra})" if extra else "")


NO_SUCH_PATH = "__maintenance-check-no-such-path"
"""The last segment of the paths ``check`` sends writes to: no app has it, so a write that
reaches the app (maintenance off, or out of scope) finds nothing to change."""
_SAFE = ("GET", "HEAD", "OPTIONS")


def scope_probes(edge: LocalEdge) -> list[Request]:
    """For each partial scope of the door's constructs, a request in scope that can do no
    harm if it reaches the app: a write (``DELETE`` when the scope turns it away, else its
    first write) to a path under the scope that cannot exist, and a read there when only paths
    are scoped. An exact-path scope with writes has no such path: it gets only a read, and a
    write to it is never sent."""
    found: dict[str, Request] = {}
    for scope in (state.scope for state in edge.constructs if state.scope.partial):
        # An ALB pattern with a wildcard has paths no app has: its wildcards filled so.
        wild = [p.replace("?", "x").replace("*", NO_SUCH_PATH) for p in scope.paths or ()]
        exact = [p for p in scope.paths or () if "*" not in p and "?" not in p]
        unlikely = [p for p in wild if p not in exact]
        path = f"/{NO_SUCH_PATH}" if scope.paths is None else next(iter(unlikely), None)
        methods = scope.methods or ("DELETE",)
        write = "DELETE" if "DELETE" in methods else methods[0]
        sent = [(write, path)] if path else []
        if scope.paths is not None and (path or exact):
            sent.append(("GET", path or exact[0]))
        for method, where in sent:
            if where is None or (method not in _SAFE and where in exact):
                continue
            request = Request(host=edge.host, ip="", path=where, method=method)
            found.setdefault(repr(request), request)
    return list(found.values())


def _covered(edge: LocalEdge) -> tuple[list[Request], str]:
    """The sample requests on paths the door covers (GET, the door's first host, no client
    address), and the path where an outside client gets the maintenance answer (``/`` unless
    ``/`` is not covered)."""
    found: dict[str, Request] = {}
    home = ""
    for row in edge.door.rows:
        request = row.request
        if row.client == TOKEN_CLIENT or request.host != edge.host or request.method != "GET":
            continue
        if row.on.rule == UNCOVERED:
            continue  # a behavior without the function: the origin answers in both states
        found.setdefault(repr(replace(request, ip="")), replace(request, ip=""))
        if row.client.startswith("outside") and _maintenance(row.on, row.off) and not home:
            home = request.path
    return list(found.values()), home or "/"


def _expression(value: Any) -> bool:
    """Whether ``value`` is a CloudFormation expression (a deploy-time value that the local
    edge matches only by itself), not a literal."""
    return isinstance(value, dict) and len(value) == 1 and str(next(iter(value))) in _CFN_KEYS


_CFN_KEYS = {"Ref", "Fn::Join", "Fn::ImportValue", "Fn::GetAtt", "Fn::Sub", "Fn::Select"}


def token_carrier(edge: LocalEdge) -> Any:
    """The value that carries the bypass token in the door's sample rows: a literal (the
    token, or the one the door is run with), a deploy-time expression, or data no request can
    carry (a hash); None without a token."""
    for row in edge.door.rows:
        if row.client == TOKEN_CLIENT:
            for name, value in row.request.headers:
                if name.lower() == BYPASS_HEADER.lower():
                    return value
    return None


def _token_drafts(
    edge: LocalEdge, token: str, home: str
) -> list[tuple[str, Request, Request, bool]]:
    """(name, request sent, request the door's answers are worked out for, after the link) of
    the token probes: header, cookie, the bypass link and the request after it. The answers
    are the door's to its own token as the sample rows carry it (a literal, or an expression
    that stands for the deployed value); when the rows hold data no request can carry (a
    hash), to the given token itself."""
    carriers = [
        row.request
        for row in edge.door.rows
        if row.client == TOKEN_CLIENT and row.request.host == edge.host
    ]
    if not carriers:
        return []
    carried = token_carrier(edge)
    # The preview's stand-in is no token of the door's: the door meets the given one.
    own = (isinstance(carried, str) and carried != PREVIEW_TOKEN) or _expression(carried)
    drafts = []
    for template in carriers:
        template = replace(template, ip="", path=home)
        sent = _with_token(template, token)
        carrier = "cookie" if template.accept == ClientKind.BROWSER else "header"
        drafts.append((f"token as {carrier}", sent, template if own else sent, False))
    link = link_path(edge)
    if link is not None:
        prefix, path = link
        sent = worked = Request(
            host=edge.host, ip="", path=prefix + token, accept=ClientKind.BROWSER
        )
        if own:  # a deploy-time path (WAF, token from SSM) matches only the same expression
            path = path if path is not None else prefix + str(carried)
            worked = replace(sent, path=cast(str, path))
        drafts.append((LINK, sent, worked, False))
        _, browser, worked, _ = next(d for d in drafts if d[0] == "token as cookie")
        drafts.append((AFTER_LINK, replace(browser, headers=()), worked, True))
    return drafts


def _maintenance(on: Answer | None, off: Answer | None) -> bool:
    """Whether ``on`` is the door's own answer: one that maintenance adds (it differs from
    the answer with maintenance off), not the app's."""
    if on is None or off is None or on.status is None:
        return False
    return (on.action, on.status, on.body) != (off.action, off.status, off.body)


def refused_token(planned: Sequence[Probe]) -> bool:
    """Whether the door, as synthesized, turns the given token away where it turns an outside
    client away: then the token is not the door's."""
    return any(
        _maintenance(probe.expected.get(("on", "outside")), probe.expected.get(("off", "outside")))
        for probe in planned
        if probe.name.startswith("token as ")
    )


def probes(edge: LocalEdge, *, token: str | None) -> list[Probe]:
    """The probes of the door, each with its answer under every hypothesis the door's table
    can tell (a door without an allowlist has no allow-listed client); token probes only with
    a token."""
    requests, home = _covered(edge)
    requests += scope_probes(edge)
    requests = list({repr(r): r for r in requests}.values())  # a scope path may be sampled too
    drafts = [(_name(r), r, r, False) for r in requests]
    if token is not None:
        drafts += _token_drafts(edge, token, home)
    clients = _clients(edge)
    asked = [replace(t, ip=ip) for ip in clients.values() for _, _, t, _ in drafts]
    rows = edge.rows(asked) if asked else ()
    result = []
    for index, (name, sent, _, after) in enumerate(drafts):
        expected: dict[Hypothesis, Answer] = {}
        for number, machine in enumerate(clients):
            row = rows[number * len(drafts) + index]
            expected[("on", machine)], expected[("off", machine)] = row.on, row.off
        result.append(Probe(name, sent, expected, after_link=after))
    return result


def door_answers(planned: Sequence[Probe]) -> list[Answer]:
    """The door's own answers while on (maintenance answers, the bypass link's redirect):
    what a request the door lets through must not get."""
    found: dict[str, Answer] = {}
    for probe in planned:
        for (state, machine), answer in probe.expected.items():
            if state == "on" and _maintenance(answer, probe.expected.get(("off", machine))):
                found.setdefault(repr((answer.status, answer.body[:BODY_PREFIX])), answer)
    return list(found.values())
