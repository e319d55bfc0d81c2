"""ALB listeners that carry maintenance rules, and their who-gets-what tables: sample requests
answered by the listener's rules with maintenance off and on."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ...errors import MaintenanceConfigError
from ...scope import MaintenanceScope
from ...shared import BYPASS_HEADER, DOT_SEGMENT_PATTERNS, EVERY_PATH, cookie_from_pattern
from ..app.assembly import ConstructState
from ..app.resource_types import LISTENER_RULE, construct_path, is_maintenance_rule, readable_names
from ..evaluate.listener_evaluator import condition_values, evaluate_listener, host_matches
from ..model import ANY_HOST, Answer, DoorKind, FrontDoor, Request, Row
from .door_notes import behind_cloudfront
from .samples import TokenCarriers, concrete, matching_request, sample_clients, sample_rows

__all__ = ["listener_doors"]


def _conditions(props: Mapping[str, Any], field: str) -> list[str]:
    values: list[str] = []
    for condition in props.get("Conditions") or []:
        if condition.get("Field") == field:
            values += condition_values(condition)
    return values


def _is_bypass(props: Mapping[str, Any]) -> bool:
    """Whether a maintenance rule opens its paths to everyone: no client address, token or
    ``Accept`` condition (the path patterns of allow and token rules are the app rules' own).
    A 503 rule of a path scope reads as one too: its paths are sampled, which the scope's own
    rows do anyway."""
    for condition in props.get("Conditions") or []:
        if condition.get("Field") in ("source-ip", "http-header"):
            return False
    return True


def _app_rule_rows(
    rules: Sequence[tuple[str, Mapping[str, Any]]],
    hosts: Sequence[str],
    cidrs: Sequence[str],
    answer: Callable[[Request], tuple[Answer, Answer]],
) -> tuple[Row, ...]:
    """For each app rule on the listener, a request that it answers with maintenance off, from
    each sample client: an allow-listed client must get the same answer with maintenance on."""
    rows = []
    for _name, props in sorted(rules, key=lambda r: int(r[1].get("Priority", 0))):
        for ip, client in sample_clients(cidrs):
            request = matching_request(props, concrete(hosts[0]), ip)
            if request is None or (request.path == "/" and request.host in hosts):
                continue  # already a sample row
            if hosts != [ANY_HOST] and not any(host_matches(h, request.host) for h in hosts):
                continue  # a host the maintenance does not cover
            rows.append(Row(request, client, *answer(request)))
    return tuple(rows)


def _listener_token(rules: Sequence[Mapping[str, Any]]) -> TokenCarriers | None:
    """What carries the bypass token of maintenance listener rules: the header's value and a
    Cookie header that matches the cookie pattern (literals, or the template's expressions)."""
    found: dict[str, Any] = {}
    for properties in rules:
        for condition in properties.get("Conditions") or []:
            config = condition.get("HttpHeaderConfig") or {}
            values = config.get("Values") or []
            if config.get("HttpHeaderName") in (BYPASS_HEADER, "Cookie") and values:
                found[config["HttpHeaderName"]] = values[0]
    if BYPASS_HEADER not in found or "Cookie" not in found:
        return None
    cookie = found["Cookie"]
    return found[BYPASS_HEADER], cookie_from_pattern(cookie) if isinstance(cookie, str) else cookie


def _rules_on(resources: Mapping[str, Any], arn: str, names: Mapping[str, str]) -> list[Any]:
    rules = [
        (names.get(k, k), r["Properties"])
        for k, r in resources.items()
        if r["Type"] == LISTENER_RULE and repr(r["Properties"]["ListenerArn"]) == arn
    ]
    for name, properties in rules:
        if not isinstance(properties.get("Priority"), int):
            raise MaintenanceConfigError(
                f"preview: the listener rule {name} has priority {properties.get('Priority')!r}, "
                "which is only known at deploy time (a parameter or an expression), so the "
                "rules of its listener cannot be put in order offline; give it a literal "
                "priority, or run the preview on an app where it has one."
            )
    return rules


def _listener_door(
    stack: str,
    reference: Any,
    off: Mapping[str, Any],
    on: Mapping[str, Any],
    mine: Sequence[Mapping[str, Any]],
    requests: Sequence[Request] | None,
    scopes: Sequence[MaintenanceScope],
) -> FrontDoor:
    arn = repr(reference)
    names = {**readable_names(off), **readable_names(on)}
    listener_id = reference.get("Ref") if isinstance(reference, Mapping) else None
    listener = on.get(listener_id, {}) if listener_id else {}
    default = listener.get("Properties", {}).get("DefaultActions") if listener else None
    rules_off, rules_on = _rules_on(off, arn, names), _rules_on(on, arn, names)

    def answer(request: Request) -> tuple[Answer, Answer]:
        return (
            evaluate_listener(rules_off, default, request, names=names),
            evaluate_listener(rules_on, default, request, names=names),
        )

    if requests is not None:
        rows = tuple(Row(r, "requested", *answer(r)) for r in requests)
    else:
        hosts = list(dict.fromkeys(h for p in mine for h in _conditions(p, "host-header")))
        # Rules without a host condition cover every host: sample one no rule names.
        hosts = hosts or [ANY_HOST]
        cidrs = list(dict.fromkeys(c for p in mine for c in _conditions(p, "source-ip")))
        # Bypass paths (the catch-all "/*" of host-less rules, and the dot-segment patterns
        # of the traversal guard and of a path scope, are covered by "/").
        paths = list(
            dict.fromkeys(c for p in mine if _is_bypass(p) for c in _conditions(p, "path-pattern"))
        )
        paths = [p for p in paths if p != EVERY_PATH and p not in DOT_SEGMENT_PATTERNS]
        rows = sample_rows(
            [concrete(h) for h in hosts], cidrs, paths, answer, _listener_token(mine), scopes
        )
        seen = {repr((row.request, row.client)) for row in rows}
        rows += tuple(
            row
            for row in _app_rule_rows(rules_off, hosts, cidrs, answer)
            if repr((row.request, row.client)) not in seen
        )
    name = names.get(listener_id, str(reference)) if listener_id else str(reference)
    return FrontDoor(DoorKind.LISTENER, name, stack, rows, behind_cloudfront(on, listener, names))


def listener_doors(
    off: Mapping[str, Any],
    on: Mapping[str, Any],
    constructs: Sequence[str],
    requests: Sequence[Request] | None,
    scoped: Sequence[ConstructState] = (),
) -> list[FrontDoor]:
    """The listeners that carry maintenance rules, from resources of every stack (see
    :func:`~maintenance_constructs.tools.app.assembly.qualified`): a listener in one stack may
    get its rules from another."""
    by_listener: dict[str, list[Mapping[str, Any]]] = {}
    references: dict[str, tuple[Any, str]] = {}
    owners: dict[str, list[str]] = {}
    for qualified_id, resource in on.items():
        if is_maintenance_rule(resource, constructs):
            reference = resource["Properties"]["ListenerArn"]
            by_listener.setdefault(repr(reference), []).append(resource["Properties"])
            owners.setdefault(repr(reference), []).append(construct_path(resource))
            references[repr(reference)] = (reference, qualified_id.rsplit("/", 1)[0])
    return [
        _listener_door(
            references[key][1],
            references[key][0],
            off,
            on,
            mine,
            requests,
            [s.scope for s in scoped if any(p.startswith(s.path + "/") for p in owners[key])],
        )
        for key, mine in sorted(by_listener.items())
    ]
