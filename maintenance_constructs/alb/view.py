"""What the ALB planner at synthesis, the whole-tree checks and the peer registry read of an
AlbMaintenance: a small typed view, so that they never import the construct itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from constructs import IConstruct

from ..response import MaintenanceResponse
from .plan import PlannedRule, plan_rules
from .routes import AppRoute

__all__ = ["AlbView", "PlanInputs", "replan"]


@dataclass(frozen=True)
class PlanInputs:
    """The normalised lists and switches the plan is made from."""

    cidrs: list[str]
    bypass_paths: list[str]
    browser: bool
    bypass_token: str | None
    methods: tuple[str, ...] | None = None
    """The scope's methods (None: every method)."""
    paths: tuple[str, ...] | None = None
    """The scope's paths (None: every path)."""


class AlbView(IConstruct, Protocol):
    """An AlbMaintenance as its planner and checks see it (a construct: warnings go on it)."""

    listener: elbv2.IApplicationListener
    rule_listener_arn: str
    host_headers: list[str] | None
    enabled: bool
    response: MaintenanceResponse
    browser_response: MaintenanceResponse | None
    plan_inputs: PlanInputs
    automatic_priority: bool
    window_placed: bool
    priority_window: range
    plan: list[PlannedRule]
    rules: list[elbv2.ApplicationListenerRule]


def replan(view: AlbView, routes: Sequence[AppRoute] | None) -> None:
    """Plan ``view``'s rules again in its current window: for one action when ``routes`` is
    None, else following the app's routes."""
    inputs = view.plan_inputs
    view.plan = plan_rules(
        hosts=view.host_headers,
        cidrs=inputs.cidrs,
        bypass_paths=inputs.bypass_paths,
        browser=inputs.browser,
        first_priority=view.priority_window.start,
        bypass_token=inputs.bypass_token,
        routes=routes,
        window_size=len(view.priority_window),
        methods=inputs.methods,
        paths=inputs.paths,
    )
