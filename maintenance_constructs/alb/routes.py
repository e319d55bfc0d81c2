"""Pure planning of the rules that route allowed requests as the app routes them.

When AlbMaintenance follows the app's own routing (no ``target_groups`` and no ``action``),
each forwarding rule is a copy of one of the app's rules on the listener (its conditions and
its actions) with the maintenance condition added: the client's address (allow rules), the
bypass path (bypass rules) or the bypass token (token rules); the listener's default action
is the last route, for requests that match no app rule. The copies keep the app's order, so
the first copy that matches is the copy of the app rule that would have answered with
maintenance off: an allowed request gets exactly the answer it would get without maintenance.

No CDK here: the construct turns the app's rules into :class:`AppRoute` values and renders the
planned rules; this module decides which values go into which rule, within the ALB's limits.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import MaintenanceConfigError
from ..values import host_patterns_overlap, patterns_overlap, wildcard_count
from .cover import MAX_VALUES_PER_RULE, MAX_WILDCARDS_PER_RULE, pairs
from .window import RuleKind

__all__ = [
    "AppRoute",
    "RuleFields",
    "glob_covers",
    "intersect_cidrs",
    "intersect_patterns",
    "routed_groups",
]


@dataclass(frozen=True)
class AppRoute:
    """One way the app answers requests on the listener: an app rule, or the listener's
    default action (``hosts``, ``paths`` and ``source_ips`` None: every request).

    ``extra_values`` and ``extra_wildcards`` are what the rule's other conditions (HTTP
    headers, methods, query strings) spend of the ALB's per-rule limits; the copies carry
    those conditions unchanged.
    """

    name: str
    hosts: tuple[str, ...] | None = None
    paths: tuple[str, ...] | None = None
    source_ips: tuple[str, ...] | None = None
    extra_values: int = 0
    extra_wildcards: int = 0


@lru_cache(maxsize=4096)
def _glob(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    # A ``?`` of the outer pattern takes one character, but never a ``*`` of the inner one
    # (the \x00 below): a run of any length cannot fit one character.
    parts = (".*" if c == "*" else "[^\x00]" if c == "?" else re.escape(c) for c in pattern)
    flags = re.DOTALL | (0 if case_sensitive else re.IGNORECASE)
    return re.compile("".join(parts), flags)


def glob_covers(outer: str, inner: str, *, case_sensitive: bool = True) -> bool:
    """Whether every value that the ALB pattern ``inner`` matches is matched by ``outer``
    (``*`` any run, ``?`` one character). Sound: True only when it is so; a few exotic pairs
    that do cover each other answer False, which the callers treat as a partial overlap."""
    symbolic = inner.replace("*", "\x00").replace("?", "\x01")
    return _glob(outer, case_sensitive).fullmatch(symbolic) is not None


def intersect_patterns(
    ours: Sequence[str],
    theirs: Sequence[str] | None,
    *,
    case_sensitive: bool,
    overlap: Callable[[str, str], bool],
    describe: Callable[[str, str], str],
) -> tuple[str, ...]:
    """The patterns that match exactly what both lists match, as far as one list of patterns
    can say it: for each pair, the narrower pattern when one covers the other. ``theirs``
    None matches everything. A pair that overlaps only in part cannot be written as one
    pattern: refused with ``describe(ours, theirs)``."""
    if theirs is None:
        return tuple(ours)
    result: list[str] = []
    for mine in ours:
        for other in theirs:
            if glob_covers(other, mine, case_sensitive=case_sensitive):
                narrower = mine
            elif glob_covers(mine, other, case_sensitive=case_sensitive):
                narrower = other
            elif overlap(mine, other):
                raise MaintenanceConfigError(describe(mine, other))
            else:
                continue
            if narrower not in result:
                result.append(narrower)
    return tuple(result)


def intersect_cidrs(ours: Sequence[str], theirs: Sequence[str] | None) -> tuple[str, ...]:
    """The networks in both lists (CIDRs are nested or disjoint, so the smaller of each
    nested pair); ``theirs`` None is every address."""
    if theirs is None:
        return tuple(ours)
    mine = [ipaddress.ip_network(c, strict=False) for c in ours]
    other = [ipaddress.ip_network(c, strict=False) for c in theirs]
    result: list[str] = []
    for a in mine:
        for b in other:
            if a.version != b.version or not a.overlaps(b):
                continue
            narrower = str(a if a.prefixlen >= b.prefixlen else b)
            if narrower not in result:
                result.append(narrower)
    return tuple(result)


RuleFields = dict[str, Any]
"""The fields of a :class:`~maintenance_constructs.alb.plan.PlannedRule` but its kind, priority
and number."""


def routed_groups(
    *,
    hosts: Sequence[str] | None,
    cidrs: Sequence[str],
    bypass_paths: Sequence[str],
    tokens: Sequence[tuple[str, str]],
    routes: Sequence[AppRoute],
) -> dict[RuleKind, list[RuleFields]]:
    """The bypass, allow and token rules as copies of ``routes`` (in their order), each copy
    narrowed to the maintenance hosts and split within the ALB's per-rule limits."""
    groups: dict[RuleKind, list[RuleFields]] = {"bypass": [], "allow": [], "token": []}
    for index, route in enumerate(routes):
        route_hosts = _route_hosts(hosts, route)
        if route_hosts is None:
            continue  # the route serves no host the maintenance covers
        paths, ips = route.paths or (), route.source_ips or ()
        copy = _Copy(index, route, route_hosts)
        groups["allow"] += copy.spread(
            "source_ips", intersect_cidrs(cidrs, route.source_ips), paths=paths
        )
        bypass = intersect_patterns(
            bypass_paths,
            route.paths,
            case_sensitive=True,
            overlap=patterns_overlap,
            describe=functools.partial(_partial_path_overlap, route.name),
        )
        groups["bypass"] += copy.spread("paths", bypass, source_ips=ips)
        for name, value in tokens:
            groups["token"] += copy.spread(
                "header_values", (value,), paths=paths, source_ips=ips, header_name=name
            )
        if _catches_all(route, route_hosts, hosts):
            break  # later routes are never reached for the maintenance hosts: no copies
    return groups


def _catches_all(
    route: AppRoute, route_hosts: tuple[str, ...], hosts: Sequence[str] | None
) -> bool:
    """Whether the route answers every request for the maintenance hosts (no condition but
    hosts that include all of them)."""
    if route.paths is not None or route.source_ips is not None or route.extra_values:
        return False
    return route.hosts is None or (hosts is not None and set(route_hosts) == set(hosts))


def _partial_path_overlap(name: str, mine: str, other: str) -> str:
    return (
        f"bypass_paths: {mine!r} and the path pattern {other!r} of the app rule {name} overlap "
        "only in part, so no one path pattern matches exactly the bypass requests that rule "
        "serves; list bypass paths that pattern covers (exact paths) or that cover it."
    )


def _route_hosts(ours: Sequence[str] | None, route: AppRoute) -> tuple[str, ...] | None:
    """The host condition of the copies of ``route``: what both it and the maintenance cover
    (``()``: no host condition); None when they share no host."""
    if ours is None:
        return route.hosts or ()
    shared = intersect_patterns(
        ours,
        route.hosts,
        case_sensitive=False,
        overlap=host_patterns_overlap,
        describe=lambda mine, other: (
            f"host_headers: {mine!r} and the host {other!r} of the app rule {route.name} "
            "overlap only in part, so no one host pattern matches exactly the requests both "
            "cover; list the host names instead of the pattern."
        ),
    )
    return shared or None


@dataclass(frozen=True)
class _Copy:
    """The copies of one route: its index, the route, and the hosts they cover."""

    index: int
    route: AppRoute
    hosts: tuple[str, ...]

    def spread(self, field: str, values: Sequence[str], **fixed: Any) -> list[RuleFields]:
        """Rules that pair every host with every one of ``values`` (the maintenance
        condition, in ``field``), each beside the route's own conditions (``fixed`` and the
        route's other conditions)."""
        if not values:
            return []
        route = self.route
        fixed_values = [v for k, v in fixed.items() if k != "header_name" for v in v]
        budget = MAX_VALUES_PER_RULE - len(fixed_values) - route.extra_values
        spare = MAX_WILDCARDS_PER_RULE - route.extra_wildcards
        spare -= sum(wildcard_count(v) for v in fixed_values)
        needed = 1 + (1 if self.hosts else 0)
        if budget < needed:
            parameter = {"source_ips": "allowed_cidrs", "paths": "bypass_paths"}
            carried = MAX_VALUES_PER_RULE - budget
            raise MaintenanceConfigError(
                f"{parameter.get(field, 'bypass_token')}: a copy of the app rule {route.name} "
                f"(so that allowed requests are routed as it routes them) carries its "
                f"{carried} condition values besides the host, and needs a host and the "
                f"maintenance condition too: {carried + needed} values, over the "
                f"{MAX_VALUES_PER_RULE} an ALB rule allows. Split that rule into rules with "
                "fewer values, or pass target_groups= (or action=) to forward allowed "
                "requests to one place."
            )
        return [
            {
                **fixed,
                "hosts": hosts,
                field: others,
                "route": self.index,
                "extra_values": route.extra_values,
                "extra_wildcards": route.extra_wildcards,
            }
            for hosts, others in pairs(self.hosts, values, spare, budget)
        ]
