"""How host/value pairs are packed into the fewest ALB listener rules, within the per-rule
limits on condition values and wildcards. Pure arithmetic, no CDK."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from ..values import wildcard_count

__all__ = ["MAX_VALUES_PER_RULE", "MAX_WILDCARDS_PER_RULE", "block_count", "pack", "pairs"]

MAX_VALUES_PER_RULE = 5
"""Condition values per rule (hosts, CIDRs, paths and header values together); not adjustable."""
MAX_WILDCARDS_PER_RULE = 5
"""Wildcard characters (``*`` and ``?``) per rule."""

Block = tuple[tuple[int, ...], tuple[int, ...]]  # host indices, other indices

# The one covering that guillotine cuts miss below 13 x 40: 5 hosts x 7 values in 6 rules
# (a "pinwheel", found by exhaustive search; a guillotine split needs 7). Composed with cuts it
# closes every gap to the lower bound there (see benchmarks/minimum.py and docs/benchmarks.md).
_PINWHEEL_5X7: tuple[Block, ...] = (
    ((0, 1), (0, 1, 2)),
    ((0, 2), (0, 3, 4)),
    ((0, 1, 2), (5, 6)),
    ((1, 3, 4), (3, 4)),
    ((2, 3, 4), (1, 2)),
    ((3, 4), (0, 5, 6)),
)


def _shift(blocks: tuple[Block, ...], hosts: int, others: int) -> tuple[Block, ...]:
    return tuple(
        (tuple(h + hosts for h in hs), tuple(o + others for o in os_)) for hs, os_ in blocks
    )


# Optimal guillotine cuts only ever split off a narrow piece (tiles are at most 7 wide), so
# trying cuts up to this width keeps planning fast for long allowlists without losing rules.
_WIDEST_CUT = 24


@cache
def _plan(hosts: int, others: int, budget: int) -> tuple[int, str, int]:
    """(rule count, how, cut) of the best covering: "leaf" (one block), "pinwheel" (the 5 x 7
    tile, either way round), or a guillotine cut of hosts ("h") or of others ("o")."""
    if hosts == 0 or others == 0:
        return (0, "leaf", 0)
    if hosts + others <= budget:
        return (1, "leaf", 0)
    options = []
    if budget == MAX_VALUES_PER_RULE and {hosts, others} == {5, 7}:
        options.append((len(_PINWHEEL_5X7), "pinwheel", 0))
    for cut in range(1, min(hosts // 2, _WIDEST_CUT) + 1):
        count = _plan(cut, others, budget)[0] + _plan(hosts - cut, others, budget)[0]
        options.append((count, "h", cut))
    for cut in range(1, min(others // 2, _WIDEST_CUT) + 1):
        count = _plan(hosts, cut, budget)[0] + _plan(hosts, others - cut, budget)[0]
        options.append((count, "o", cut))
    return min(options)


def _cover(hosts: int, others: int, budget: int) -> tuple[Block, ...]:
    """Fewest blocks (host subset x other subset, sizes adding up to at most ``budget``) that
    cover every host/other pair: guillotine cuts, plus the 5 x 7 pinwheel as a tile."""
    count, how, cut = _plan(hosts, others, budget)
    if count == 0:
        return ()
    if how == "leaf":
        return ((tuple(range(hosts)), tuple(range(others))),)
    if how == "pinwheel":
        if (hosts, others) == (5, 7):
            return _PINWHEEL_5X7
        return tuple((os_, hs) for hs, os_ in _PINWHEEL_5X7)
    if how == "h":
        rest = _shift(_cover(hosts - cut, others, budget), cut, 0)
        return _cover(cut, others, budget) + rest
    rest = _shift(_cover(hosts, others - cut, budget), 0, cut)
    return _cover(hosts, cut, budget) + rest


def block_count(hosts: int, others: int, budget: int = MAX_VALUES_PER_RULE) -> int:
    """How many rules the planner uses to pair ``hosts`` hosts with ``others`` CIDRs or paths."""
    return _plan(hosts, others, budget)[0]


def pack(values: Sequence[str], *, max_values: int, max_wildcards: int) -> list[list[str]]:
    """Split values into groups within both limits (first fit, most wildcards first)."""
    groups: list[list[str]] = []
    for value in sorted(values, key=wildcard_count, reverse=True):
        for group in groups:
            if len(group) < max_values and (
                sum(map(wildcard_count, group)) + wildcard_count(value) <= max_wildcards
            ):
                group.append(value)
                break
        else:
            groups.append([value])
    order = {v: i for i, v in enumerate(values)}
    return sorted((sorted(g, key=order.__getitem__) for g in groups), key=lambda g: order[g[0]])


def pairs(
    hosts: Sequence[str],
    others: Sequence[str],
    spare_wildcards: int,
    budget: int = MAX_VALUES_PER_RULE,
) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Rules as (hosts, others) that pair every host with every other value, each rule with
    at most ``budget`` values and ``spare_wildcards`` wildcards. No hosts: the others alone,
    packed (a rule without a host condition covers every host)."""
    if not hosts:
        groups = pack(others, max_values=budget, max_wildcards=spare_wildcards)
        return [((), tuple(group)) for group in groups]
    result = []
    for host_indices, other_indices in _cover(len(hosts), len(others), budget):
        block_hosts = [hosts[i] for i in host_indices]
        block_others = [others[i] for i in other_indices]
        other_wildcards = sum(map(wildcard_count, block_others))
        if sum(map(wildcard_count, block_hosts)) + other_wildcards <= spare_wildcards:
            result.append((tuple(block_hosts), tuple(block_others)))
            continue
        # Rare: wildcard-heavy values. Split the others so that each group fits beside the
        # most wildcarded host, then the hosts beside each group (a value that cannot fit at
        # all stays alone, and the plan's last check refuses it with the count).
        widest_host = max(map(wildcard_count, block_hosts))
        other_groups = (
            pack(
                block_others,
                max_values=len(block_others),
                max_wildcards=spare_wildcards - widest_host,
            )
            if other_wildcards + widest_host > spare_wildcards
            else [block_others]
        )
        for others_group in other_groups:
            group_wildcards = sum(map(wildcard_count, others_group))
            for group in pack(
                block_hosts,
                max_values=len(block_hosts),
                max_wildcards=spare_wildcards - group_wildcards,
            ):
                result.append((tuple(group), tuple(others_group)))
    return result
