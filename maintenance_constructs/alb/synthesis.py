"""Planning AlbMaintenance's rules when the app synthesizes: the window placed before the
app's rules (no ``priority`` given) and the rules copied from the app's routing (no
``target_groups``/``action``), once every rule of the app is in the tree."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jsii
from aws_cdk import IAspect
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from constructs import Construct, IConstruct, IValidation

from ..cfn import resources_by_type
from ..errors import MaintenanceConfigError
from .actions import CrossStackValues
from .app_routing import RouteCopy, app_routes
from .listener_rules import (
    LISTENER_RULE,
    app_rule_priorities,
    listener_peers,
    outside_peers,
)
from .rule_resources import create_rules
from .view import AlbView, replan
from .window import PRIORITY_WINDOW, AppRulePriority, no_room, place_window

__all__ = ["PlanAtSynthesis"]


@jsii.implements(IAspect, IValidation)
class PlanAtSynthesis:
    """Places the window (no ``priority`` given) and plans the rules following the app's
    routing (no ``target_groups``/``action``), then, while on, creates them: aspects run when
    the app synthesizes, before validation, so rules added after the construct count too.
    What the app's rules make impossible is reported by the validation, with the construct's
    path."""

    def __init__(
        self, scope: Construct, owner: AlbView, forward: elbv2.ListenerAction | None
    ) -> None:
        self.scope = scope  # the construct itself: where copies and imports are created
        self.owner = owner
        self.forward = forward
        self.done = False
        self.errors: list[str] = []

    def visit(self, node: IConstruct) -> None:
        owner = self.owner
        if self.done or node.node.path != owner.node.path:
            return
        self.done = True
        found = resources_by_type(owner.node.root, LISTENER_RULE)[LISTENER_RULE]
        outside = outside_peers(owner.node.root, [rule.node.path for rule in found])
        rules = [rule for rule, theirs in zip(found, outside, strict=True) if theirs]
        try:
            placed = _place_windows(owner, rules)
            copies: list[RouteCopy] = []
            if self.forward is None:
                localize = CrossStackValues(self.scope).localize
                window_end = owner.priority_window.stop
                copies = app_routes(self.scope, owner.listener, rules, window_end, localize)
            self._plan(copies, placed)
        except MaintenanceConfigError as error:
            self.errors.append(str(error))
            return
        if owner.enabled:
            owner.rules = create_rules(self.scope, owner, self.forward, copies)

    def _plan(self, copies: Sequence[RouteCopy], placed: Sequence[AppRulePriority]) -> None:
        routes = [copy.route for copy in copies] if self.forward is None else None
        try:
            replan(self.owner, routes)
        except MaintenanceConfigError:
            window = len(self.owner.priority_window)
            if not self.owner.automatic_priority or window >= PRIORITY_WINDOW:
                raise
            # The rules do not fit the room the app's rules leave: say how to make room.
            raise MaintenanceConfigError(no_room(placed, free=window, needed=window + 1)) from None

    def validate(self) -> list[str]:
        return list(self.errors)


def _place_windows(owner: AlbView, rules: Sequence[Any]) -> list[AppRulePriority]:
    """Place the window of every construct without ``priority`` on the owner's listener, in
    the order they were created (the first to visit places them all, so the order of the
    visits does not matter); returns the app rules as the owner's placement saw them."""
    peers = listener_peers(owner)
    taken = [peer.priority_window for peer in peers if not peer.automatic_priority]
    seen: list[AppRulePriority] = []
    for peer in peers:
        placed = app_rule_priorities(peer.listener, rules, peer.host_headers)
        if peer is owner:
            seen = placed
        if peer.automatic_priority and not peer.window_placed:
            try:
                peer.priority_window = place_window(placed, taken, needed=len(peer.plan))
            except MaintenanceConfigError:
                if peer is owner:
                    raise
                continue  # reported by that construct's own validation
            peer.window_placed = True
            taken.append(peer.priority_window)
    return seen
