"""CloudFront Functions that carry maintenance (CloudFrontFunctionMaintenance), and their
who-gets-what tables: the sample requests answered by running the function itself on Node,
with the code of each state and no store key (the deploy-time state decides)."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from typing import Any

from ...edge_function.config import FunctionConfig
from ...scope import MaintenanceScope
from ...shared import BYPASS_COOKIE, BYPASS_HEADER
from ..app.assembly import ConstructState
from ..app.resource_types import FUNCTION, construct_path, readable_names
from ..evaluate.function_code import (
    PREVIEW_TOKEN,
    function_code_text,
    function_config_of,
    with_token,
)
from ..evaluate.function_engines import run_function, viewer_request
from ..model import ANY_HOST, Answer, DoorKind, FrontDoor, Request, Row
from .door_notes import DISTRIBUTION
from .samples import concrete, sample_rows

__all__ = ["UNCOVERED", "behavior_of", "clock", "function_behaviors", "function_doors"]

clock = time.time
"""The instant the function is run at (now); scheduled windows decide by it."""
_NOT_YET = Answer("unknown", "function", target="not run yet")
UNCOVERED = "no maintenance function"
"""The rule of the answer to a path whose behavior does not run the function (``behaviors=``
leaves it out): the origin answers it in both states."""
Behaviors = list[tuple[str, bool]]
"""A distribution's behaviors in the order CloudFront matches them (the default ``*`` last),
each with whether it runs the maintenance function on viewer request."""


def _runs(behavior: Any, logical_id: str) -> bool:
    for association in (behavior or {}).get("FunctionAssociations") or []:
        arn = association.get("FunctionARN") if isinstance(association, Mapping) else None
        target = (arn.get("Fn::GetAtt") or [None]) if isinstance(arn, Mapping) else [None]
        if association.get("EventType") == "viewer-request" and target[0] == logical_id:
            return True
    return False


def function_behaviors(resources: Mapping[str, Any], logical_id: str) -> Behaviors | None:
    """The behaviors of the distribution that runs the function ``logical_id``; None when no
    distribution of the stack does (then every path counts as covered)."""
    for resource in resources.values():
        if resource.get("Type") != DISTRIBUTION:
            continue
        config = (resource.get("Properties") or {}).get("DistributionConfig") or {}
        others = config.get("CacheBehaviors") if isinstance(config, Mapping) else None
        found = [
            (str(b.get("PathPattern")), _runs(b, logical_id))
            for b in (others if isinstance(others, list) else [])
        ]
        found.append(("*", _runs(config.get("DefaultCacheBehavior"), logical_id)))
        if any(runs for _, runs in found):
            return found
    return None


def _pattern(pattern: str) -> re.Pattern[str]:
    """A CloudFront path pattern: case-sensitive, ``*`` any characters, ``?`` one, the
    leading ``/`` optional."""
    text = "/" + pattern.lstrip("/")
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)
    return re.compile("".join(parts), re.DOTALL)


def behavior_of(behaviors: Behaviors, path: str) -> tuple[str, bool]:
    """The behavior CloudFront picks for ``path``: the first pattern that matches, else the
    default."""
    for pattern, runs in behaviors[:-1]:
        if _pattern(pattern).fullmatch(path):
            return pattern, runs
    return behaviors[-1]


def _behavior_paths(behaviors: Behaviors | None) -> list[str]:
    """When the function runs on some behaviors only: a path of a behavior whose coverage
    differs from ``/``'s, so that the table shows a covered and an uncovered path."""
    if behaviors is None or all(runs for _, runs in behaviors):
        return []
    home = behavior_of(behaviors, "/")[1]
    for pattern, runs in behaviors[:-1]:
        sample = "/" + concrete(pattern).lstrip("/")
        if runs != home and behavior_of(behaviors, sample) == (pattern, runs):
            return [sample]
    return []


def _case(request: Request) -> dict[str, Any]:
    headers = {"accept": request.accept, "host": request.host}
    cookies: dict[str, str] = {}
    for name, value in request.headers:
        if name.lower() == "cookie" and isinstance(value, str):
            for pair in value.split(";"):
                key, _, cookie = pair.strip().partition("=")
                cookies[key] = cookie
        elif isinstance(value, str):
            headers[name.lower()] = value
    return viewer_request(
        ip=request.ip,
        uri=request.path,
        method=request.method,
        headers=headers,
        cookies=cookies,
        now=clock(),
    )


def _answer(result: Mapping[str, Any], path: str) -> Answer:
    """The function's result as an answer; a request passed on under another path (rewritten by
    an app's function combined with the maintenance code) says which."""
    if "statusCode" not in result:
        uri = str(result.get("uri", path))
        return Answer("allow", "function", uri="" if uri == path else uri)
    headers = result.get("headers") or {}
    sent = tuple(
        (name, str(value.get("value", "")))
        for name, value in headers.items()
        if name != "content-type"
    ) + tuple(
        (
            "set-cookie",
            f"{name}={cookie.get('value', '')}; {cookie.get('attributes', '')}".rstrip("; "),
        )
        for name, cookie in (result.get("cookies") or {}).items()
    )
    if result["statusCode"] in (301, 302, 303, 307, 308):
        return Answer("redirect", "function", status=result["statusCode"], headers=sent)
    return Answer(
        "fixed-response",
        "function",
        status=int(result["statusCode"]),
        content_type=str((headers.get("content-type") or {}).get("value", "")),
        body=str((result.get("body") or {}).get("data", "")),
        headers=sent,
    )


def _uncovered(behaviors: Behaviors | None, request: Request) -> Answer | None:
    """The origin's answer when the request's behavior does not run the function."""
    if behaviors is None:
        return None
    pattern, runs = behavior_of(behaviors, request.path)
    return None if runs else Answer("allow", UNCOVERED, target=f"behavior {pattern}")


def _rows(
    off_code: str,
    on_code: str,
    config: FunctionConfig,
    requests: Sequence[Request] | None,
    behaviors: Behaviors | None,
    scopes: Sequence[MaintenanceScope] = (),
) -> tuple[Row, ...]:
    """Rows from the sample requests (or ``requests``), each state's code run once on Node
    (paths whose behavior does not run the function reach the origin)."""
    asked: list[Request] = []

    def record(request: Request) -> tuple[Answer, Answer]:
        asked.append(request)
        return _NOT_YET, _NOT_YET

    # The code holds a literal token's hash, or a deploy-time value: the sample rows carry a
    # stand-in, run with the code that takes it. Requests given (serve, check) meet the code
    # as deployed.
    carriers = None
    if requests is None and config.token is not None:
        off_code, on_code = with_token(off_code, PREVIEW_TOKEN), with_token(on_code, PREVIEW_TOKEN)
        carriers = (PREVIEW_TOKEN, f"{BYPASS_COOKIE}={PREVIEW_TOKEN}")
    drafts = (
        tuple(Row(r, "requested", *record(r)) for r in requests)
        if requests is not None
        else sample_rows(
            [ANY_HOST],
            config.allowlist,
            [*config.paths, *_behavior_paths(behaviors)],
            record,
            carriers,
            scopes,
        )
    )
    passed = [_uncovered(behaviors, request) for request in asked]
    cases = [_case(r) for r, origin in zip(asked, passed, strict=True) if origin is None]
    off = iter(run_function(off_code, cases) if cases else [])
    on = iter(run_function(on_code, cases) if cases else [])
    return tuple(
        Row(row.request, row.client, origin, origin)
        if origin is not None
        else Row(
            row.request,
            row.client,
            _answer(next(off), row.request.path),
            _answer(next(on), row.request.path),
        )
        for row, origin in zip(drafts, passed, strict=True)
    )


def _behaviors_note(behaviors: Behaviors | None) -> tuple[str, ...]:
    if behaviors is None or all(runs for _, runs in behaviors):
        return ()
    covered = ", ".join(p for p, runs in behaviors if runs)
    left = ", ".join(p for p, runs in behaviors if not runs)
    return (
        f"This function runs on the behaviors {covered} only; paths of {left} do not run it "
        "(left out with behaviors=, or given a combined function that also runs the app's "
        "own, shown in its own table), so this table shows them reaching the origin.",
    )


def function_doors(
    stack: str,
    off: Mapping[str, Any],
    on: Mapping[str, Any],
    requests: Sequence[Request] | None,
    *,
    only: str | None = None,
    scoped: Sequence[ConstructState] = (),
) -> list[FrontDoor]:
    """The function doors of a stack whose code the toggle changes (or the one named
    ``only``), each function run once per state for all ``requests``."""
    doors = []
    names = readable_names(on)
    for logical_id, resource in on.items():
        if resource["Type"] != FUNCTION or logical_id not in off:
            continue
        if only is not None and names.get(logical_id, logical_id) != only:
            continue
        config = function_config_of(resource)
        if config is None or function_config_of(off[logical_id]) is None:
            continue
        off_code, on_code = function_code_text(off[logical_id]), function_code_text(resource)
        if off_code == on_code:
            continue  # the toggle does not change this function (not selected)
        behaviors = function_behaviors(on, logical_id)
        doors.append(
            FrontDoor(
                DoorKind.FUNCTION,
                names.get(logical_id, logical_id),
                stack,
                _rows(
                    off_code,
                    on_code,
                    config,
                    requests,
                    behaviors,
                    [s.scope for s in scoped if construct_path(resource).startswith(s.path + "/")],
                ),
                (
                    "Answers come from running the function on Node, now, with no store key: "
                    "the deploy-time state and the scheduled windows decide. `switch "
                    "on|off|window` overrides them at run time.",
                    f"The token is sent as the header {BYPASS_HEADER} or the cookie "
                    f"{BYPASS_COOKIE}.",
                    *_behaviors_note(behaviors),
                ),
            )
        )
    return doors
