"""The rules that answer (traversal guard, browser, maintenance) when ``methods=`` or
``paths=`` narrow maintenance: every host x method x path of the scope, in the fewest listener
rules within the ALB's per-rule limits. Pure, no CDK.

The conditions of one rule are ANDed and the values of one condition ORed, so a rule covers a
box: some hosts x some methods x some paths, their values adding up to at most
:data:`MAX_VALUES_PER_RULE` (wildcards at most :data:`MAX_WILDCARDS_PER_RULE`). :func:`cover`
tries every chunk size of each list (and every split of the wildcards between hosts and paths)
and keeps the fewest boxes. Requests outside the scope match none of these rules and fall
through to the app's own rules, exactly as with maintenance off.

A path with a ``.`` or ``..`` segment counts as in scope when ``paths`` is given: rules for the
``DOT_SEGMENT_PATTERNS`` answer it (for the scope's methods), so that an app that resolves dot
segments cannot turn ``/catalog/../checkout/pay`` or ``/./checkout/pay`` into a scoped path the
ALB never compared. The four patterns hold 6 wildcards, over the 5 of a rule, so they take two
rules at least (:func:`cover` splits them). Dot segments an ALB pattern cannot name (``%2e``,
``..;``, ``\\..\\``) are left to the app: see docs/alb.md.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from ..errors import MaintenanceConfigError
from ..shared import DOT_SEGMENT_PATTERNS, SINGLE_DOT_PATTERNS, TRAVERSAL_PATTERNS
from ..values import wildcard_count
from .cover import MAX_VALUES_PER_RULE, MAX_WILDCARDS_PER_RULE, pack
from .routes import RuleFields
from .window import PriorityBand, RuleKind

__all__ = [
    "ANSWERING_KINDS",
    "Box",
    "cover",
    "dot_patterns_after_paths",
    "scope_overflow",
    "scoped_groups",
]

ANSWERING_KINDS: tuple[RuleKind, ...] = ("guard", "browser", "maintenance")
"""The kinds of rule a scope narrows; the forwarding rules (bypass, allow, token) stay as they
are, so allow-listed clients reach the app for every request."""

Box = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
"""One rule's hosts, methods and paths (an empty one: no such condition)."""


def cover(
    hosts: Sequence[str],
    methods: Sequence[str],
    paths: Sequence[str],
    *,
    max_values: int = MAX_VALUES_PER_RULE,
    max_wildcards: int = MAX_WILDCARDS_PER_RULE,
    parameter: str = "host_headers/paths",
) -> list[Box]:
    """The fewest boxes that cover every host x method x path (an empty list is no condition),
    each within ``max_values`` values and ``max_wildcards`` wildcards; refuses a host and a
    path whose wildcards cannot share a rule, naming ``parameter``."""
    _check_pairs(hosts, paths, max_wildcards, parameter)
    lists = (tuple(hosts), tuple(methods), tuple(paths))
    present = [i for i, values in enumerate(lists) if values]
    best: list[list[tuple[str, ...]]] | None = None
    for sizes in itertools.product(range(1, max_values + 1), repeat=len(present)):
        if sum(sizes) > max_values:
            continue
        size = dict(zip(present, sizes, strict=True))
        for host_wildcards in range(max_wildcards + 1):
            budgets = (host_wildcards, 0, max_wildcards - host_wildcards)
            groups = [_chunks(values, size.get(i, 0), budgets[i]) for i, values in enumerate(lists)]
            if any(g is None for g in groups):
                continue
            found = [g for g in groups if g is not None]
            if best is None or math.prod(map(len, found)) < math.prod(map(len, best)):
                best = found
    assert best is not None  # sizes of 1, the hosts' widest wildcards: always within limits
    host_groups, method_groups, path_groups = best
    return [(h, m, p) for h in host_groups for p in path_groups for m in method_groups]


def _chunks(values: tuple[str, ...], size: int, wildcards: int) -> list[tuple[str, ...]] | None:
    """``values`` in groups of at most ``size`` values and ``wildcards`` wildcards; ``[()]``
    for no values; None when a value alone is over ``wildcards``."""
    if not values:
        return [()]
    groups = pack(values, max_values=size, max_wildcards=wildcards)
    if any(sum(map(wildcard_count, g)) > wildcards for g in groups):
        return None
    return [tuple(g) for g in groups]


def _check_pairs(hosts: Sequence[str], paths: Sequence[str], limit: int, parameter: str) -> None:
    for host, path in itertools.product(hosts or ("",), paths or ("",)):
        total = wildcard_count(host) + wildcard_count(path)
        if total > limit:
            together = " and ".join(repr(v) for v in (host, path) if v)
            fix = (
                "list the host names (the rules for '.' and '..' segments need 2 wildcards)"
                if path in DOT_SEGMENT_PATTERNS
                else "list the host names, or shorter path patterns (a trailing '*' is one)"
            )
            raise MaintenanceConfigError(
                f"{parameter}: {together} must share a listener rule, and have {total} "
                f"wildcards ('*' and '?'), over the {limit} it can hold beside its other "
                f"conditions. Use fewer wildcards: {fix}."
            )


def dot_patterns_after_paths(bypass_paths: Sequence[str]) -> tuple[str, ...]:
    """The dot-segment patterns a ``paths`` scope answers after its path rules: all of them,
    or only ``.`` segments when a ``*`` bypass path has guard rules for ``..`` (a ``.``
    segment cannot step out of a bypass prefix, so it needs no rule before the bypass)."""
    return SINGLE_DOT_PATTERNS if _guarded(bypass_paths) else DOT_SEGMENT_PATTERNS


def _guarded(bypass_paths: Sequence[str]) -> bool:
    return any("*" in p for p in bypass_paths)


def scoped_groups(
    *,
    hosts: Sequence[str] | None,
    methods: Sequence[str] | None,
    paths: Sequence[str] | None,
    bypass_paths: Sequence[str],
    headers: Sequence[tuple[str, str]],
) -> dict[RuleKind, list[RuleFields]]:
    """The guard, browser and maintenance rules of a partial scope as PlannedRule fields:
    ``headers`` are the browser rule's (``Accept``) conditions, each beside hosts x methods x
    paths. For the scope's methods, a ``..`` path is answered by the guard rules when a bypass
    path has ``*`` (they must come before the bypass rules, as without a scope); with
    ``paths``, the other dot segments (:func:`dot_patterns_after_paths`) by maintenance rules
    after the path rules (after the allow and token rules too, so allow-listed clients still
    reach the app for every request)."""
    host_list, method_list, path_list = tuple(hosts or ()), tuple(methods or ()), tuple(paths or ())
    guard = _dot_rules(host_list, method_list, TRAVERSAL_PATTERNS) if _guarded(bypass_paths) else []
    browser = [
        {**_fields(box), "header_name": name, "header_values": (value,)}
        for name, value in headers
        for box in cover(
            host_list,
            method_list,
            path_list,
            max_values=MAX_VALUES_PER_RULE - 1,
            max_wildcards=MAX_WILDCARDS_PER_RULE - wildcard_count(value),
            parameter="host_headers/paths/browser_response",
        )
    ]
    maintenance = [_fields(box) for box in cover(host_list, method_list, path_list)]
    if paths is not None:
        maintenance += _dot_rules(host_list, method_list, dot_patterns_after_paths(bypass_paths))
    return {"guard": guard, "browser": browser, "maintenance": maintenance}


def _dot_rules(
    hosts: tuple[str, ...], methods: tuple[str, ...], patterns: tuple[str, ...]
) -> list[RuleFields]:
    """The rules that answer ``patterns`` (dot segments) for ``hosts`` x ``methods``."""
    return [_fields(box) for box in cover(hosts, methods, patterns, parameter="host_headers/paths")]


def _fields(box: Box) -> RuleFields:
    hosts, methods, paths = box
    return {"hosts": hosts, "methods": methods, "paths": paths, "header_name": ""}


def scope_overflow(
    band: PriorityBand,
    count: int,
    *,
    hosts: Sequence[str] | None,
    methods: Sequence[str] | None,
    paths: Sequence[str] | None,
    bypass_paths: Sequence[str],
    first: int,
) -> MaintenanceConfigError:
    """The refusal when a partial scope needs more rules of ``band``'s kind than it holds
    (``first``: the window's first priority), saying which dot-segment rules ``count``
    includes."""
    what = [
        f"every {noun}" if values is None else _count(len(values), noun)
        for values, noun in ((hosts, "host"), (methods, "method"), (paths, "path"))
    ]
    first += band.offset
    beside = {
        "guard": ", beside the 2 '..' patterns",
        "browser": ", beside the Accept header",
        "maintenance": _dot_rules_included(paths, bypass_paths),
    }[band.kind]
    fixes = []
    if hosts is not None:
        fixes.append("fewer hosts (or host_headers=None for every host)")
    if paths is not None:
        fixes.append("fewer paths (one prefix such as '/checkout/*' covers many)")
    if band.kind == "guard":
        fixes.append("exact bypass paths (no '*': their '..' rules are not needed)")
    elif methods is not None and paths is not None:
        fixes.append("methods=READ_ONLY without paths, or paths without methods")
    return MaintenanceConfigError(
        f"methods/paths: {', '.join(what[:2])} and {what[2]} need {count} {band.kind} rules "
        f"(an ALB rule holds {MAX_VALUES_PER_RULE} condition values: hosts, methods and paths "
        f"together{beside}); the {band.kind} band holds {band.size} (priorities {first}.."
        f"{first + band.size - 1}), so that the rules never move onto each other's priorities "
        f"when the scope changes. Use {'; or '.join(fixes)}."
    )


def _dot_rules_included(paths: Sequence[str] | None, bypass_paths: Sequence[str]) -> str:
    """What the maintenance rules count beside the path rules (nothing without ``paths``)."""
    if paths is None:
        return ""
    patterns = dot_patterns_after_paths(bypass_paths)
    segments = (
        "'.' and '..' segments" if set(TRAVERSAL_PATTERNS) <= set(patterns) else "'.' segments"
    )
    return f"; the rules for {segments} included"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
