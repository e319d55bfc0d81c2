"""The true minimum number of ALB rules that pair hosts with CIDRs (or paths) under the quota.

Used by the benchmark (rule economy) and by the planner's tests: an exhaustive branch-and-bound
search for small grids, and a lower bound that holds for every grid.
"""

from __future__ import annotations

import itertools
import time
from functools import cache

from maintenance_constructs.alb.plan import MAX_VALUES_PER_RULE

__all__ = ["exhaustive_minimum", "lower_bound"]


def lower_bound(hosts: int, others: int, budget: int = MAX_VALUES_PER_RULE) -> int:
    """A rule with a hosts and b others (a + b <= budget) covers a*b pairs, at most
    max(a*(budget-a)) over the a and b this grid allows; every pair must be covered."""
    if hosts == 0 or others == 0:
        return 0
    best = max(a * min(others, budget - a) for a in range(1, min(hosts, budget - 1) + 1))
    return -(-hosts * others // best)


def exhaustive_minimum(
    hosts: int, others: int, *, upper: int, budget: int = MAX_VALUES_PER_RULE, seconds: float = 5.0
) -> int | None:
    """The exact minimum by branch and bound (the cell with fewest options first), or None when
    it cannot finish within ``seconds``. ``upper`` is a known solution size (the planner's)."""
    if hosts == 0 or others == 0:
        return 0
    cells = frozenset(itertools.product(range(hosts), range(others)))
    blocks = [
        frozenset(itertools.product(h, o))
        for a in range(1, hosts + 1)
        for b in range(1, others + 1)
        if a + b <= budget
        for h in itertools.combinations(range(hosts), a)
        for o in itertools.combinations(range(others), b)
    ]
    # Keep only maximal blocks: a covering never needs a block contained in another.
    maximal = [b for b in blocks if not any(b < other for other in blocks if len(other) > len(b))]
    area = max(len(b) for b in maximal)
    deadline = time.monotonic() + seconds

    @cache
    def solve(uncovered: frozenset[tuple[int, int]], limit: int) -> int:
        # Smallest number of blocks covering `uncovered`, if below `limit`; else >= limit.
        if not uncovered:
            return 0
        if -(-len(uncovered) // area) >= limit:
            return limit
        if time.monotonic() > deadline:
            raise TimeoutError
        cell = min(uncovered)
        best = limit
        for block in maximal:
            if cell in block:
                best = min(best, 1 + solve(uncovered - block, best - 1))
        return best

    try:
        return solve(cells, upper + 1)
    except TimeoutError:
        return None
