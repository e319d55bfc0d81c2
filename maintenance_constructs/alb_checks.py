"""Whole-tree checks for AlbMaintenance, run by ``node.add_validation`` at synth time.

They look at every listener rule in the app that sits on the same listener, as CloudFormation
will see it, so rules added after the construct are checked too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jsii
from aws_cdk import Annotations, CfnResource, Stack
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from constructs import IConstruct, IValidation

from .alb_plan import PlannedRule
from .cfn import resolved_properties, resources_by_type
from .values import host_patterns_overlap

__all__ = ["ListenerChecks", "ListenerRuleView", "listener_rules"]


@dataclass(frozen=True)
class ListenerRuleView:
    """What matters of another rule on the listener: where it is, its priority and hosts
    (``None`` when it has no host-header condition, so it matches every host)."""

    path: str
    priority: int | None
    hosts: tuple[str, ...] | None


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


LISTENER_RULE = "AWS::ElasticLoadBalancingV2::ListenerRule"
DISTRIBUTION = "AWS::CloudFront::Distribution"


def listener_rules(rules: Sequence[CfnResource], listener_arn: str) -> list[ListenerRuleView]:
    """The listener rules among ``rules`` that sit on ``listener_arn``."""
    views = []
    for construct in rules:
        assert isinstance(construct, elbv2.CfnListenerRule)
        if construct.listener_arn != listener_arn:
            continue
        properties = resolved_properties(construct)
        priority = properties.get("priority")
        owner = construct.node.scope if construct.node.id == "Resource" else construct
        views.append(
            ListenerRuleView(
                path=(owner or construct).node.path,
                priority=priority if isinstance(priority, int) else None,
                hosts=_hosts_of(properties.get("conditions")),
            )
        )
    return views


@jsii.implements(IValidation)
class ListenerChecks:
    """Refuses priority clashes and earlier rules that would catch our hosts first; warns when
    the listener's default action forwards to targets."""

    def __init__(
        self,
        owner: IConstruct,
        listener: elbv2.IApplicationListener,
        plan: Sequence[PlannedRule],
    ) -> None:
        self.owner = owner
        self.listener = listener
        self.plan = plan

    def validate(self) -> list[str]:
        errors: list[str] = []
        if not self.plan:
            return errors
        ours = {rule.priority for rule in self.plan}
        first = min(ours)
        our_hosts = {host for rule in self.plan for host in rule.hosts}
        found = resources_by_type(self.owner.node.root, LISTENER_RULE, DISTRIBUTION)
        others = [
            view
            for view in listener_rules(found[LISTENER_RULE], self.listener.listener_arn)
            if not view.path.startswith(self.owner.node.path + "/")
        ]
        for view in others:
            if view.priority in ours:
                errors.append(
                    f"priority: {view.priority} is already used by the listener rule "
                    f"{view.path}; the maintenance rules take {min(ours)}..{max(ours)}. Pass a "
                    "priority range that no other rule on this listener uses (ALB rejects "
                    "duplicates at deploy time)."
                )
            elif view.priority is not None and view.priority < first:
                clash = _overlap(view.hosts, our_hosts)
                if clash:
                    errors.append(
                        f"priority: the listener rule {view.path} has priority {view.priority}, "
                        f"before the maintenance rules ({first}..), and matches {clash}; it "
                        "would keep serving those requests during maintenance. Pass a priority "
                        f"below {view.priority}, or move that rule after "
                        f"{max(ours)}."
                    )
        self._warn_forwarding_default()
        self._warn_behind_cloudfront(found[DISTRIBUTION])
        return errors

    def _warn_behind_cloudfront(self, distributions: Sequence[CfnResource]) -> None:
        load_balancer = getattr(self.listener, "load_balancer", None)
        if load_balancer is None:  # an imported listener: its load balancer is not in the app
            return
        for distribution in distributions:
            dns_name = Stack.of(distribution).resolve(load_balancer.load_balancer_dns_name)
            config = resolved_properties(distribution).get("distributionConfig") or {}
            domains = [o.get("domainName") for o in config.get("origins") or []]
            if dns_name in domains:
                Annotations.of(self.owner).add_warning_v2(
                    "maintenance-constructs:albBehindCloudFront",
                    f"The load balancer {load_balancer.node.path} is the origin of the CloudFront "
                    f"distribution {distribution.node.path}: the ALB sees CloudFront's addresses, "
                    "not the viewers', so allowed_cidrs can never match and everyone gets the "
                    "maintenance response through CloudFront. Put the allowlist on "
                    "CloudFrontMaintenance (the web ACL sees the viewer's address) instead.",
                )

    def _warn_forwarding_default(self) -> None:
        resource = self.listener.node.default_child
        if not isinstance(resource, elbv2.CfnListener):
            return
        actions = resolved_properties(resource).get("defaultActions")
        types = [a.get("type") for a in actions or [] if isinstance(a, dict)]
        if "forward" in types or "authenticate-oidc" in types or "authenticate-cognito" in types:
            Annotations.of(self.owner).add_warning_v2(
                "maintenance-constructs:listenerDefaultForwards",
                f"The listener {self.listener.node.path} forwards requests that match no rule "
                "to targets: clients using the load balancer's DNS name or IP reach the app "
                "past the maintenance rules. Give the listener a fixed 404 default action "
                "(elbv2.ListenerAction.fixed_response(404, content_type='text/plain')).",
            )


def _overlap(hosts: tuple[str, ...] | None, ours: set[str]) -> str:
    if hosts is None:
        return "every host (it has no host-header condition)"
    hits = sorted({o for o in ours for h in hosts if host_patterns_overlap(h, o)})
    return ("hosts " + ", ".join(hits)) if hits else ""
