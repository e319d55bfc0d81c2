"""Pure rule planning for AlbMaintenance: which values go into which listener rule.

No CDK here, so the arithmetic can be tested (and benchmarked) without a stack. An ALB rule may
hold at most :data:`MAX_VALUES_PER_RULE` condition values in total and
:data:`MAX_WILDCARDS_PER_RULE` wildcards; the planner splits hosts, CIDRs and paths across the
fewest rules that respect both.

Priorities are stable: the rules take a window of :data:`PRIORITY_WINDOW` priorities from the
construct's ``priority``, split into one band per kind (:data:`BANDS`). The n-th rule of a kind
always has the same construct id and the same priority, so when an edit adds or removes rules,
no rule is ever created or moved onto a priority another rule still holds (CloudFormation
creates new rules first and deletes removed ones last; the ALB would answer PriorityInUse).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import MaintenanceConfigError
from ..shared import (
    BYPASS_COOKIE,
    BYPASS_HEADER,
    EVERY_PATH,
    TRAVERSAL_PATTERNS,
    alb_cookie_pattern,
)
from ..values import wildcard_count
from .cover import MAX_VALUES_PER_RULE, MAX_WILDCARDS_PER_RULE, block_count, pack, pairs
from .plan_checks import band_overflow, check_band_floor, check_rule_limits, check_wildcards
from .planned_rule import PlannedRule
from .routes import AppRoute, RuleFields, routed_groups
from .scope_rules import ANSWERING_KINDS, scope_overflow, scoped_groups
from .window import (
    BANDS,
    MAX_PRIORITY,
    PRIORITY_WINDOW,
    PriorityBand,
    RuleKind,
    bands,
)

__all__ = [
    "BANDS",
    "BROWSER_ACCEPT_PATTERN",
    "BYPASS_COOKIE",
    "BYPASS_HEADER",
    "EVERY_PATH",
    "MAX_RULES_PER_LOAD_BALANCER",
    "MAX_VALUES_PER_RULE",
    "MAX_WILDCARDS_PER_RULE",
    "PRIORITY_WINDOW",
    "TRAVERSAL_PATTERNS",
    "PlannedRule",
    "PriorityBand",
    "RuleKind",
    "block_count",
    "plan_rules",
    "token_conditions",
]

MAX_RULES_PER_LOAD_BALANCER = 100
"""Listener rules per load balancer, default rules excluded (the default quota)."""
BROWSER_ACCEPT_PATTERN = "*text/html*"
"""The ``Accept`` header value the browser rule matches."""


def plan_rules(
    *,
    hosts: Sequence[str] | None,
    cidrs: Sequence[str],
    bypass_paths: Sequence[str] = (),
    browser: bool = False,
    first_priority: int = 10,
    bypass_token: str | None = None,
    routes: Sequence[AppRoute] | None = None,
    window_size: int = PRIORITY_WINDOW,
    methods: Sequence[str] | None = None,
    paths: Sequence[str] | None = None,
) -> list[PlannedRule]:
    """Plan the maintenance rules in evaluation order, each kind in its band of the window.

    Order: traversal guard (host + ``..`` paths -> response, when a bypass pattern has ``*``),
    bypass (host + path -> forward), allow (host + source IP -> forward), token (host + the
    :data:`BYPASS_HEADER` header or the :data:`BYPASS_COOKIE` cookie -> forward), browser
    (host + ``Accept`` -> HTML response), maintenance (host -> response). ``hosts=None`` plans
    rules for every request on the listener: no host condition, and the maintenance rule
    matches the path pattern :data:`EVERY_PATH`. Inputs are assumed already normalised (see
    :mod:`maintenance_constructs.values`).

    ``routes`` (the app's rules on the listener in priority order, then its default action)
    makes the bypass, allow and token rules copies of the routes that overlap ``hosts`` (see
    :mod:`maintenance_constructs.alb.routes`); None forwards them all with one action.

    ``methods`` and ``paths`` (a partial scope; None: every one) narrow the answering rules to
    hosts x methods x paths within the per-rule limits (:mod:`.scope_rules`); with ``paths``,
    rules for ``.`` and ``..`` segments follow the path rules in the maintenance band (those
    for ``..`` are the guard's instead, with a ``*`` bypass).
    """
    _check_window_end(first_priority, window_size)
    groups = _groups(hosts, cidrs, bypass_paths, browser, bypass_token, routes)
    partial = methods is not None or paths is not None
    if partial:
        groups.update(_scoped(hosts, methods, paths, bypass_paths, browser))
    rules = []
    for band in bands(window_size):
        planned = groups[band.kind]
        if len(planned) > band.size and partial and band.kind in ANSWERING_KINDS:
            raise scope_overflow(
                band,
                len(planned),
                hosts=hosts,
                methods=methods,
                paths=paths,
                bypass_paths=bypass_paths,
                first=first_priority,
            )
        if len(planned) > band.size:
            raise band_overflow(band, planned, hosts, cidrs, bypass_paths, first_priority, routes)
        for number, fields in enumerate(planned, start=1):
            priority = first_priority + band.offset + number - 1
            rule = PlannedRule(kind=band.kind, priority=priority, number=number, **fields)
            check_rule_limits(rule, routes)
            rules.append(rule)
    return rules


def _scoped(
    hosts: Sequence[str] | None,
    methods: Sequence[str] | None,
    paths: Sequence[str] | None,
    bypass_paths: Sequence[str],
    browser: bool,
) -> dict[RuleKind, list[RuleFields]]:
    """The answering rules of a partial scope (:func:`.scope_rules.scoped_groups`)."""
    headers = [("Accept", BROWSER_ACCEPT_PATTERN)] if browser else []
    return scoped_groups(
        hosts=hosts, methods=methods, paths=paths, bypass_paths=bypass_paths, headers=headers
    )


def _check_window_end(first_priority: int, window_size: int) -> None:
    last = first_priority + window_size - 1
    if last > MAX_PRIORITY:
        raise MaintenanceConfigError(
            f"priority: {first_priority} reserves {first_priority}..{last} ({window_size} "
            f"priorities) for the maintenance rules, above the ALB's maximum {MAX_PRIORITY}; "
            f"pass priority={MAX_PRIORITY - PRIORITY_WINDOW + 1} or lower."
        )


_OTHERS_FIELD: dict[RuleKind, str] = {
    "guard": "paths",
    "bypass": "paths",
    "allow": "source_ips",
    "token": "header_values",
    "browser": "header_values",
    "maintenance": "paths",
}
# hosts, the values of the kind's other field, and the header they are matched against
Group = tuple[tuple[str, ...], tuple[str, ...], str]


def _groups(
    hosts: Sequence[str] | None,
    cidrs: Sequence[str],
    bypass_paths: Sequence[str],
    browser: bool,
    bypass_token: str | None,
    routes: Sequence[AppRoute] | None,
) -> dict[RuleKind, list[RuleFields]]:
    """The rules of each kind as PlannedRule fields, fewest first."""
    guard = TRAVERSAL_PATTERNS if any("*" in p for p in bypass_paths) else ()
    headers = [("Accept", BROWSER_ACCEPT_PATTERN)] if browser else []
    tokens = token_conditions(bypass_token) if bypass_token is not None else []
    check_wildcards(hosts, bypass_paths, guard, [*tokens, *headers])
    own = _own_groups(hosts, cidrs, bypass_paths, guard, tokens, headers, routes is None)
    groups: dict[RuleKind, list[RuleFields]] = {
        kind: [{"hosts": h, _OTHERS_FIELD[kind]: o, "header_name": n} for h, o, n in planned]
        for kind, planned in own.items()
    }
    if routes is not None:
        groups.update(
            routed_groups(
                hosts=hosts, cidrs=cidrs, bypass_paths=bypass_paths, tokens=tokens, routes=routes
            )
        )
    return groups


def _own_groups(
    hosts: Sequence[str] | None,
    cidrs: Sequence[str],
    bypass_paths: Sequence[str],
    guard: Sequence[str],
    tokens: Sequence[tuple[str, str]],
    headers: Sequence[tuple[str, str]],
    forwarding: bool,
) -> dict[RuleKind, list[Group]]:
    """The rules of each kind as (hosts, other values, header name), the forwarding kinds
    only when they forward with the construct's own action (``forwarding``)."""
    if not forwarding:
        cidrs, bypass_paths, tokens = (), (), ()
    if hosts is None:  # every request: the other values alone are the condition
        return {
            "guard": [((), tuple(guard), "")] if guard else [],
            "bypass": [((), tuple(g), "") for g in pack(bypass_paths, **_RULE_LIMITS)],
            "allow": [((), tuple(g), "") for g in pack(cidrs, **_RULE_LIMITS)],
            "token": [((), (value,), name) for name, value in tokens],
            "browser": [((), (value,), name) for name, value in headers],
            "maintenance": [((), (EVERY_PATH,), "")],
        }
    check_band_floor("allow", len(hosts), len(cidrs))
    check_band_floor("bypass", len(hosts), len(bypass_paths))
    return {
        "guard": [(h, o, "") for h, o in pairs(hosts, guard, MAX_WILDCARDS_PER_RULE)],
        "bypass": [(h, o, "") for h, o in pairs(hosts, bypass_paths, MAX_WILDCARDS_PER_RULE)],
        "allow": [(h, o, "") for h, o in pairs(hosts, cidrs, MAX_WILDCARDS_PER_RULE)],
        "token": _header_rules(hosts, tokens),
        "browser": _header_rules(hosts, headers),
        "maintenance": [(tuple(g), (), "") for g in pack(hosts, **_RULE_LIMITS)],
    }


def token_conditions(token: str) -> list[tuple[str, str]]:
    """The two header conditions that admit the token, each a rule of its own (conditions of
    one rule are ANDed): the header itself, and the cookie inside the ``Cookie`` header."""
    return [(BYPASS_HEADER, token), ("Cookie", alb_cookie_pattern(token))]


def _header_rules(hosts: Sequence[str], headers: Sequence[tuple[str, str]]) -> list[Group]:
    """For each (header, value): the hosts packed beside the one header value."""
    return [
        (tuple(group), (value,), name)
        for name, value in headers
        for group in pack(
            hosts,
            max_values=MAX_VALUES_PER_RULE - 1,
            max_wildcards=MAX_WILDCARDS_PER_RULE - wildcard_count(value),
        )
    ]


_RULE_LIMITS = {"max_values": MAX_VALUES_PER_RULE, "max_wildcards": MAX_WILDCARDS_PER_RULE}
