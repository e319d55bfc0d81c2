"""Every front door the toggle changes, of each kind: ALB listeners, web ACLs and CloudFront
Functions, each with its who-gets-what table."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ..app.assembly import ConstructState, StackTemplate, qualified
from ..model import DoorKind, FrontDoor, Request
from .function_doors import function_doors
from .listener_doors import listener_doors
from .web_acl_doors import web_acl_doors

__all__ = ["front_doors"]


def front_doors(
    off: Sequence[StackTemplate],
    on: Sequence[StackTemplate],
    states: Sequence[ConstructState],
    requests: Sequence[Request] | None,
    *,
    kinds: Collection[DoorKind] = tuple(DoorKind),
    only: str | None = None,
) -> list[FrontDoor]:
    """Every front door of ``kinds`` the toggle changes (or the one named ``only``), with its
    answers to ``requests`` (None: the sample requests), off and on. Each kind is worked out
    only when asked for, and a function door only when it is one asked for (it runs Node)."""
    doors: list[FrontDoor] = []
    # A construct's partial scope adds sample requests (a write, a path in scope) to its doors.
    scoped = [state for state in states if state.scope.partial]
    if DoorKind.LISTENER in kinds:
        constructs = [state.path for state in states]
        doors += listener_doors(qualified(off), qualified(on), constructs, requests, scoped)
    off_by_name = {s.name: s.template.get("Resources", {}) for s in off}
    for stack in on:
        before, after = off_by_name.get(stack.name, {}), stack.template.get("Resources", {})
        if DoorKind.WEB_ACL in kinds:
            doors += web_acl_doors(stack.name, before, after, requests, scoped)
        if DoorKind.FUNCTION in kinds:
            doors += function_doors(stack.name, before, after, requests, only=only, scoped=scoped)
    return [door for door in doors if only is None or door.name == only]
