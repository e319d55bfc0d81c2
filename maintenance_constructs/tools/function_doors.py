"""CloudFront Functions that carry maintenance (CloudFrontFunctionMaintenance), and their
who-gets-what tables: the sample requests answered by running the function itself on Node,
with the code of each state and no store key (the deploy-time state decides)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from ..shared import BYPASS_COOKIE, BYPASS_HEADER
from .front_doors import ANY_HOST, FUNCTION_DOOR, FrontDoor, Row, sample_rows
from .function_code import function_code_text, function_config_of
from .function_runner import run_function, viewer_request
from .listener_evaluator import Answer, Request
from .templates import FUNCTION, readable_names

__all__ = ["clock", "function_doors"]

clock = time.time
"""The instant the function is run at (now); scheduled windows decide by it."""
_NOT_YET = Answer("unknown", "function", target="not run yet")


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
        ip=request.ip, uri=request.path, headers=headers, cookies=cookies, now=clock()
    )


def _answer(result: Mapping[str, Any]) -> Answer:
    if "statusCode" not in result:
        return Answer("allow", "function")
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


def _rows(
    off_code: str, on_code: str, config: Mapping[str, Any], requests: Sequence[Request] | None
) -> tuple[Row, ...]:
    """Rows from the sample requests (or ``requests``), each state's code run once on Node."""
    asked: list[Request] = []

    def record(request: Request) -> tuple[Answer, Answer]:
        asked.append(request)
        return _NOT_YET, _NOT_YET

    token = config.get("token")
    carriers = None if token is None else (token, f"{BYPASS_COOKIE}={token}")
    drafts = (
        tuple(Row(r, "requested", *record(r)) for r in requests)
        if requests is not None
        else sample_rows(
            [ANY_HOST], config.get("cidrs") or [], config.get("paths") or [], record, carriers
        )
    )
    cases = [_case(request) for request in asked]
    off, on = run_function(off_code, cases), run_function(on_code, cases)
    return tuple(
        Row(row.request, row.client, _answer(before), _answer(after))
        for row, before, after in zip(drafts, off, on, strict=True)
    )


def function_doors(
    stack: str,
    off: Mapping[str, Any],
    on: Mapping[str, Any],
    requests: Sequence[Request] | None,
) -> list[FrontDoor]:
    doors = []
    names = readable_names(on)
    for logical_id, resource in on.items():
        if resource["Type"] != FUNCTION or logical_id not in off:
            continue
        config = function_config_of(resource)
        if config is None or function_config_of(off[logical_id]) is None:
            continue
        off_code, on_code = function_code_text(off[logical_id]), function_code_text(resource)
        if off_code == on_code:
            continue  # the toggle does not change this function (not selected)
        doors.append(
            FrontDoor(
                FUNCTION_DOOR,
                names.get(logical_id, logical_id),
                stack,
                _rows(off_code, on_code, config, requests),
                (
                    "Answers come from running the function on Node, now, with no store key: "
                    "the deploy-time state and the scheduled windows decide. `switch "
                    "on|off|window` overrides them at run time.",
                    f"The token is sent as the header {BYPASS_HEADER} or the cookie "
                    f"{BYPASS_COOKIE}.",
                ),
            )
        )
    return doors
