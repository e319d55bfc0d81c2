"""The listener rules as the AlbMaintenance checks and planner see them (views of the app's
rules and of the planned ones), and the registry of every AlbMaintenance of an app."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aws_cdk import CfnResource, Stack
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from constructs import IConstruct

from ..cfn import resolved_properties
from ..errors import MaintenanceConfigError
from ..values import host_patterns_overlap
from .neighbours import forward_targets
from .window import AppRulePriority

if TYPE_CHECKING:
    from .view import AlbView

__all__ = [
    "DISTRIBUTION",
    "LISTENER",
    "LISTENER_RULE",
    "ListenerRuleView",
    "action_types_of",
    "alb_peers",
    "app_rule_priorities",
    "host_overlap",
    "listener_peers",
    "listener_rules",
    "outside_peers",
    "planned_views",
    "register_peer",
]

LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
LISTENER_RULE = "AWS::ElasticLoadBalancingV2::ListenerRule"
DISTRIBUTION = "AWS::CloudFront::Distribution"


@dataclass(frozen=True)
class ListenerRuleView:
    """What matters of a listener rule: where it is, the listener it sits on (as a token
    string), its priority, its hosts (``None`` when it has no host-header condition, so it
    matches every host) and its action types in order."""

    path: str
    listener_arn: str
    priority: int | None
    hosts: tuple[str, ...] | None
    actions: tuple[str, ...] = ()
    targets: frozenset[str] = frozenset()
    """The target groups its forward actions send to, as resolved JSON text."""
    reference: str = ""
    """The rule's own reference (``Ref``), as resolved JSON text."""


def _hosts_of(conditions: Any) -> tuple[str, ...] | None:
    if not isinstance(conditions, list):
        return None
    for condition in conditions:
        if not isinstance(condition, dict) or condition.get("field") != "host-header":
            continue
        config = condition.get("hostHeaderConfig") or {}
        values = config.get("values") or condition.get("values") or []
        return tuple(str(v) for v in values)
    return None


def action_types_of(actions: Any) -> tuple[str, ...]:
    return tuple(str(a.get("type")) for a in actions or [] if isinstance(a, dict))


def listener_rules(rules: Sequence[CfnResource]) -> list[ListenerRuleView]:
    """Views of listener rule resources (``AWS::ElasticLoadBalancingV2::ListenerRule``)."""
    views = []
    for construct in rules:
        assert isinstance(construct, elbv2.CfnListenerRule)
        properties = resolved_properties(construct)
        priority = properties.get("priority")
        owner = construct.node.scope if construct.node.id == "Resource" else construct
        views.append(
            ListenerRuleView(
                path=(owner or construct).node.path,
                listener_arn=str(construct.listener_arn),
                priority=priority if isinstance(priority, int) else None,
                hosts=_hosts_of(properties.get("conditions")),
                actions=action_types_of(properties.get("actions")),
                targets=forward_targets(properties.get("actions")),
                reference=json.dumps(Stack.of(construct).resolve(construct.ref), sort_keys=True),
            )
        )
    return views


_PEERS_ATTRIBUTE = "_maintenance_constructs_alb_peers"


def register_peer(construct: AlbView) -> None:
    """Make ``construct``'s planned rules known to the checks of every AlbMaintenance."""
    root = construct.node.root
    peers: list[AlbView] | None = getattr(root, _PEERS_ATTRIBUTE, None)
    if peers is None:
        peers = []
        setattr(root, _PEERS_ATTRIBUTE, peers)
    peers.append(construct)


def _peers(root: IConstruct) -> list[AlbView]:
    return list(getattr(root, _PEERS_ATTRIBUTE, []))


def alb_peers(root: IConstruct) -> list[AlbView]:
    """Every AlbMaintenance of the app, in the order they were created."""
    return _peers(root)


def listener_peers(construct: AlbView) -> list[AlbView]:
    """Every AlbMaintenance on ``construct``'s listener, in the order they were created."""
    arn = construct.listener.listener_arn
    return [peer for peer in _peers(construct.node.root) if peer.listener.listener_arn == arn]


def app_rule_priorities(
    listener: elbv2.IApplicationListener,
    rules: Sequence[CfnResource],
    hosts: Sequence[str] | None,
) -> list[AppRulePriority]:
    """The app's rules on ``listener`` as window placement sees them: each one's priority,
    and whether it can match requests for ``hosts`` (None: every request)."""
    views = [v for v in listener_rules(rules) if v.listener_arn == listener.listener_arn]
    for view in views:
        if view.priority is None:
            raise MaintenanceConfigError(
                f"priority: the app rule {view.path} has a priority known only at deploy "
                "time, so the maintenance rules cannot be placed before it; give it a literal "
                "priority, or pass priority= (the first of the priorities they reserve)."
            )
    return [
        AppRulePriority(view.path, view.priority, bool(host_overlap(view.hosts, hosts)))
        for view in views
        if view.priority is not None
    ]


def outside_peers(root: IConstruct, paths: Sequence[str]) -> list[bool]:
    """For each construct path, whether it lies outside every AlbMaintenance of the app (an
    app's own rule, not one of ours)."""
    ours = tuple(peer.node.path + "/" for peer in _peers(root))
    return [not (path + "/").startswith(ours) for path in paths]


def planned_views(construct: AlbView) -> list[ListenerRuleView]:
    """A construct's planned rules as views, whether or not they exist in this synthesis."""
    return [
        ListenerRuleView(
            path=f"{construct.node.path}/{rule.construct_id}",
            listener_arn=construct.listener.listener_arn,
            priority=rule.priority,
            hosts=rule.hosts or None,
            actions=("forward",) if rule.forwards else ("fixed-response",),
        )
        for rule in construct.plan
    ]


def host_overlap(hosts: tuple[str, ...] | None, ours: Sequence[str] | None) -> str:
    if ours is None:
        return "every request (the maintenance rules have no host condition)"
    if hosts is None:
        return "every host (it has no host-header condition)"
    hits = sorted({o for o in ours for h in hosts if host_patterns_overlap(h, o)})
    return ("hosts " + ", ".join(hits)) if hits else ""
