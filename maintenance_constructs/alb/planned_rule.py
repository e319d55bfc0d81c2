"""One planned listener rule: its role, priority and condition values, and what it spends of
an ALB rule's limits. A value object of the planner, read by its checks and the construct."""

from __future__ import annotations

from dataclasses import dataclass

from ..values import wildcard_count
from .cover import MAX_VALUES_PER_RULE, MAX_WILDCARDS_PER_RULE
from .window import RuleKind

__all__ = ["MAX_VALUES_PER_RULE", "MAX_WILDCARDS_PER_RULE", "PlannedRule"]


@dataclass(frozen=True)
class PlannedRule:
    """One listener rule: its role, priority and the values of each condition."""

    kind: RuleKind
    priority: int
    hosts: tuple[str, ...]
    number: int = 1
    source_ips: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    """The ``http-request-method`` values (a partial scope's methods); empty: every method."""
    header_name: str = ""
    header_values: tuple[str, ...] = ()
    route: int | None = None
    """Which of the app's routes (:class:`~maintenance_constructs.alb.routes.AppRoute`) the
    rule copies: its other conditions and its actions. None: the construct's own action."""
    extra_values: int = 0
    """Condition values of the copied route's other conditions (headers, methods, queries)."""
    extra_wildcards: int = 0
    """Wildcards of the copied route's other conditions."""

    @property
    def accept(self) -> tuple[str, ...]:
        """The ``Accept`` patterns of the browser rule."""
        return self.header_values if self.header_name == "Accept" else ()

    @property
    def construct_id(self) -> str:
        """The rule's construct id, e.g. ``AllowRule2``: the same kind and number always sit
        on the same priority, so an edit never moves one rule onto another's priority."""
        return f"{self.kind.capitalize()}Rule{self.number}"

    @property
    def forwards(self) -> bool:
        """Whether the rule forwards to the app (bypass, allow and token rules) rather than
        answering."""
        return self.kind in ("bypass", "allow", "token")

    @property
    def value_count(self) -> int:
        """Condition values the rule spends of :data:`MAX_VALUES_PER_RULE`."""
        values = (self.hosts, self.source_ips, self.paths, self.methods, self.header_values)
        return sum(len(v) for v in values) + self.extra_values

    @property
    def wildcards(self) -> int:
        """Wildcards the rule spends of :data:`MAX_WILDCARDS_PER_RULE`."""
        values = (*self.hosts, *self.paths, *self.header_values)
        return sum(wildcard_count(v) for v in values) + self.extra_wildcards
