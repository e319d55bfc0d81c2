"""Whole-tree checks for AlbMaintenance, run by ``node.add_validation`` at synth time.

They look at every listener rule in the app, as CloudFormation will see it, and at the rules
every AlbMaintenance of the app plans, so rules added after the construct are checked too and
every check gives the same verdict whether maintenance is on or off.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import jsii
from aws_cdk import Annotations, CfnResource, Stack
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from constructs import IValidation

from ..behind_cloudfront import warn_if_behind_cloudfront
from ..cfn import resolved_properties, resources_by_type
from ..warning_catalog import warning_id
from .actions import AUTHENTICATING_ACTIONS, action_types
from .listener_rules import (
    DISTRIBUTION,
    LISTENER,
    LISTENER_RULE,
    ListenerRuleView,
    action_types_of,
    alb_peers,
    host_overlap,
    listener_rules,
    outside_peers,
    planned_views,
)
from .neighbours import (
    DEPLOYMENT_GROUP,
    ECS_SERVICE,
    TARGET_GROUP,
    Neighbours,
    forward_targets,
)
from .plan import MAX_RULES_PER_LOAD_BALANCER, PRIORITY_WINDOW

if TYPE_CHECKING:
    from .view import AlbView

__all__ = ["ListenerChecks"]


@jsii.implements(IValidation)
class ListenerChecks:
    """Refuses rules inside the window, windows that overlap, earlier rules that would catch
    our hosts first and plans over the rules-per-load-balancer quota; warns when the listener
    forwards by default, when an app rule authenticates and when the load balancer is behind
    CloudFront. Planned rules count in both states."""

    def __init__(self, owner: AlbView, forward: elbv2.ListenerAction | None) -> None:
        self.owner = owner
        self.forward = forward

    def validate(self) -> list[str]:
        owner = self.owner
        found = resources_by_type(
            owner.node.root,
            LISTENER_RULE,
            LISTENER,
            DISTRIBUTION,
            TARGET_GROUP,
            DEPLOYMENT_GROUP,
            ECS_SERVICE,
        )
        peers = alb_peers(owner.node.root)
        views = listener_rules(found[LISTENER_RULE])
        outside = outside_peers(owner.node.root, [view.path for view in views])
        app_rules = [view for view, theirs in zip(views, outside, strict=True) if theirs]
        ours = owner.listener.listener_arn
        on_listener = [v for v in app_rules if v.listener_arn == ours]
        placed = owner.window_placed  # else the placement said why, and what to renumber
        before = on_listener + [
            view
            for peer in peers
            if peer is not owner and peer.listener.listener_arn == ours
            for view in planned_views(peer)
        ]
        errors = [
            *(self._window_clashes(on_listener) if placed else []),
            *self._peer_clashes(peers[: peers.index(owner)]),
            *(self._earlier_matches(before) if placed else []),
            *self._quota(found[LISTENER], app_rules, peers),
        ]
        default = self._default_actions()
        self._warn_forwarding_default(default)
        self._warn_authentication_skipped(on_listener, default)
        own_targets = self._warn_routing_differs(on_listener)
        self._warn_behind_cloudfront(found[DISTRIBUTION])
        Neighbours(
            owner=owner,
            listener=owner.listener,
            resources=found,
            rules=[(v.listener_arn, v.reference, v.targets) for v in app_rules],
            covered_listeners=frozenset(peer.listener.listener_arn for peer in peers),
        ).warn(own_targets)
        return errors

    def _warn_routing_differs(self, rules: Sequence[ListenerRuleView]) -> frozenset[str]:
        """With one forward for every allowed request, name the app rules that send the
        requests they match elsewhere: allow-listed clients land on the wrong service.
        Returns the target groups of that forward (none when following the app's routing)."""
        owner = self.owner
        if self.forward is None or Stack.of(owner.listener).node.path != Stack.of(owner).node.path:
            return frozenset()  # following the app's routing; or another stack's values
        ours = forward_targets(Stack.of(owner).resolve(self.forward.render_rule_actions()))
        elsewhere = [
            view.path
            for view in rules
            if view.targets
            and view.targets != ours
            and host_overlap(view.hosts, owner.host_headers)
        ]
        if elsewhere:
            Annotations.of(owner).add_warning_v2(
                warning_id("allowRoutingDiffers"),
                f"{', '.join(elsewhere)} forward the requests they match to other target groups "
                "than target_groups/action, but during maintenance the bypass, allow and token "
                "rules forward every request to target_groups/action: allow-listed clients and "
                "bypass paths reach the wrong service for those paths. Omit target_groups and "
                "action, so that the maintenance rules route allowed requests exactly as the "
                "app's rules do.",
            )
        return ours

    def _window_clashes(self, rules: Sequence[ListenerRuleView]) -> list[str]:
        window = self.owner.priority_window
        return [
            f"priority: the listener rule {view.path} has priority {view.priority}, inside the "
            f"{_span(window)} that the maintenance rules reserve ({PRIORITY_WINDOW} priorities "
            f"from priority={window.start}, so that their priorities never move). Give that "
            f"rule a priority outside {_span(window)}, or pass a priority whose window is free "
            "(ALB rejects duplicates at deploy time)."
            for view in rules
            if view.priority in window
        ]

    def _peer_clashes(self, earlier: Sequence[AlbView]) -> list[str]:
        """Clashes with the constructs created before this one (each clash reported once)."""
        window = self.owner.priority_window
        return [
            f"priority: {window.start} reserves {_span(window)}, overlapping "
            f"{_span(peer.priority_window)} that {peer.node.path} reserves on the same "
            f"listener. Give each AlbMaintenance of a listener its own window of "
            f"{PRIORITY_WINDOW} priorities, or omit priority on both: they are then placed "
            "one after the other, before the app's rules."
            for peer in earlier
            if peer.listener.listener_arn == self.owner.listener.listener_arn
            and set(peer.priority_window) & set(window)
        ]

    def _earlier_matches(self, rules: Sequence[ListenerRuleView]) -> list[str]:
        first = self.owner.priority_window.start
        our_hosts = self.owner.host_headers
        errors = []
        for view in rules:
            if view.priority is None or view.priority >= first:
                continue
            clash = host_overlap(view.hosts, our_hosts)
            if clash:
                last = self.owner.priority_window.stop - 1
                below = (
                    f"pass priority={view.priority - PRIORITY_WINDOW} or lower"
                    if view.priority > PRIORITY_WINDOW
                    else f"omit priority (there is no room for {PRIORITY_WINDOW} "
                    f"priorities below {view.priority}; the rules then take the free "
                    "priorities before it, or the error says which rules to renumber)"
                )
                errors.append(
                    f"priority: the listener rule {view.path} has priority {view.priority}, "
                    f"before the maintenance rules ({first}..), and matches {clash}; it would "
                    f"keep serving those requests during maintenance. Either {below}, or move "
                    f"that rule after {last}."
                )
        return errors

    def _quota(
        self,
        listeners: Sequence[CfnResource],
        app_rules: Sequence[ListenerRuleView],
        peers: Sequence[AlbView],
    ) -> list[str]:
        on_same_alb = _same_load_balancer(listeners, self.owner.listener.listener_arn)
        app = sum(1 for v in app_rules if on_same_alb(v.listener_arn))
        on_alb = [p for p in peers if on_same_alb(p.listener.listener_arn)]
        planned = {p.node.path: len(p.plan) for p in on_alb}
        total = app + sum(planned.values())
        if total <= MAX_RULES_PER_LOAD_BALANCER or on_alb[-1] is not self.owner:
            return []  # reported once, by the last construct on the load balancer
        constructs = ", ".join(f"{path} {count}" for path, count in planned.items())
        return [
            f"allowed_cidrs/host_headers/bypass_paths: the load balancer of "
            f"{self.owner.listener.node.path} would hold {total} listener rules with "
            f"maintenance on ({app} of the app, planned by maintenance constructs: "
            f"{constructs}), over the {MAX_RULES_PER_LOAD_BALANCER} rules a load balancer "
            "allows (default quota, counted in both states). Shorten the allowlists (merge "
            "ranges), raise the quota with AWS Service Quotas, or put maintenance on "
            "CloudFront with CloudFrontMaintenance."
        ]

    def _warn_behind_cloudfront(self, distributions: Sequence[CfnResource]) -> None:
        load_balancer = getattr(self.owner.listener, "load_balancer", None)
        if load_balancer is None:  # an imported listener: its load balancer is not in the app
            return
        warn_if_behind_cloudfront(
            self.owner,
            load_balancer,
            load_balancer.load_balancer_dns_name,
            distributions,
            "the ALB",
        )

    def _default_actions(self) -> tuple[str, ...]:
        resource = self.owner.listener.node.default_child
        if not isinstance(resource, elbv2.CfnListener):
            return ()
        return action_types_of(resolved_properties(resource).get("defaultActions"))

    def _warn_forwarding_default(self, default: tuple[str, ...]) -> None:
        if self.owner.host_headers is None:  # the rules catch every request first
            return
        if not {"forward", *AUTHENTICATING_ACTIONS} & set(default):
            return
        Annotations.of(self.owner).add_warning_v2(
            warning_id("listenerDefaultForwards"),
            f"The listener {self.owner.listener.node.path} forwards requests that match no rule "
            "to targets: requests for other hosts (the load balancer's DNS name, its IP "
            "address) reach the app past the maintenance rules. add_targets() or "
            "add_target_groups() without a priority makes that forward the default action. "
            "Omit host_headers so the maintenance rules cover every request, or give the "
            "listener a fixed 404 default action (default_action=elbv2.ListenerAction."
            "fixed_response(404, content_type='text/plain')) and the app a rule with a "
            "priority. If the default is deliberate, acknowledge this warning: "
            "Annotations.of(maintenance).acknowledge_warning("
            f"'{warning_id('listenerDefaultForwards')}', 'why').",
        )

    def _warn_authentication_skipped(
        self, rules: Sequence[ListenerRuleView], default: tuple[str, ...]
    ) -> None:
        if self.forward is None:  # the copies of the app's rules keep their sign-in
            return
        if set(action_types(self.forward)) & set(AUTHENTICATING_ACTIONS):
            return
        authenticating = [
            f"{view.path} ({view.actions[0]})"
            for view in rules
            if view.actions[:1] and view.actions[0] in AUTHENTICATING_ACTIONS
            if host_overlap(view.hosts, self.owner.host_headers)
        ]
        if self.owner.host_headers is None and default[:1] and default[0] in AUTHENTICATING_ACTIONS:
            authenticating.append(f"{self.owner.listener.node.path} default action ({default[0]})")
        if authenticating:
            Annotations.of(self.owner).add_warning_v2(
                warning_id("authenticationSkipped"),
                f"{', '.join(authenticating)} authenticates requests before forwarding them, "
                "but the maintenance bypass and allow rules forward directly: during "
                "maintenance, allow-listed clients and bypass paths reach the app without "
                "logging in. Pass action= with the same chain as that rule, e.g. action=elbv2."
                "ListenerAction.authenticate_oidc(..., next=elbv2.ListenerAction.forward("
                "[target_group])).",
            )


def _same_load_balancer(
    listeners: Sequence[CfnResource], listener_arn: str
) -> Callable[[str], bool]:
    """Whether a listener (by ARN token) is on the same load balancer as ``listener_arn``; an
    imported listener's load balancer is unknown, so only the listener itself counts."""
    load_balancer_of = {
        listener.ref: listener.load_balancer_arn
        for listener in listeners
        if isinstance(listener, elbv2.CfnListener)
    }
    ours = load_balancer_of.get(listener_arn)
    if ours is None:
        return lambda arn: arn == listener_arn
    return lambda arn: arn == listener_arn or load_balancer_of.get(arn) == ours


def _span(window: range) -> str:
    return f"priorities {window.start}..{window.stop - 1}"
