"""Warnings about what else reaches the app behind an AlbMaintenance's load balancer: another
listener that forwards to the app's target groups without maintenance (a blue/green test
listener, a second port), and deployments that change the live target group outside
CloudFormation (CodeDeploy's ECS blue/green, ECS's own blue/green strategy).

They compare resolved references (JSON text) of the listener's stack: resources of one stack
are compared with each other; a load balancer spread over stacks is not followed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import Annotations, CfnResource, Stack
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from constructs import IConstruct

from ..cfn import resolved_properties
from ..warning_catalog import warning_id

__all__ = [
    "DEPLOYMENT_GROUP",
    "ECS_SERVICE",
    "TARGET_GROUP",
    "Neighbours",
    "forward_targets",
]

DEPLOYMENT_GROUP = "AWS::CodeDeploy::DeploymentGroup"
ECS_SERVICE = "AWS::ECS::Service"
TARGET_GROUP = "AWS::ElasticLoadBalancingV2::TargetGroup"


def forward_targets(actions: Any) -> frozenset[str]:
    """The target groups of resolved forward actions (camelCase), as JSON text."""
    found = set()
    for action in actions or []:
        if not isinstance(action, dict) or action.get("type") != "forward":
            continue
        groups = (action.get("forwardConfig") or {}).get("targetGroups") or []
        arns = [action.get("targetGroupArn"), *(g.get("targetGroupArn") for g in groups)]
        found |= {_text(arn) for arn in arns if arn is not None}
    return frozenset(found)


def _text(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


@dataclass(frozen=True)
class Neighbours:
    """The resources around one maintenance construct's listener, by type (from the one walk
    of the tree the listener checks make), and the app rules as (listener ARN token, rule
    reference text, target groups)."""

    owner: IConstruct
    listener: elbv2.IApplicationListener
    resources: Mapping[str, Sequence[CfnResource]]
    rules: Sequence[tuple[str, str, frozenset[str]]]
    covered_listeners: frozenset[str]
    """Listener ARN tokens that an AlbMaintenance covers (their own maintenance)."""

    def warn(self, own_targets: frozenset[str]) -> None:
        """Both warnings, for a listener created in the app (an imported one has no
        neighbours in the tree)."""
        listener = self.listener.node.default_child
        if not isinstance(listener, elbv2.CfnListener):
            return
        here = Stack.of(listener)
        ours = self.listener.listener_arn
        names = self._target_group_names(here)
        app_targets = own_targets | forward_targets(
            resolved_properties(listener).get("defaultActions")
        )
        app_targets |= {t for arn, _, targets in self.rules if arn == ours for t in targets}
        # A blue/green pair's other target group is the app's too (live after a deployment).
        app_targets |= self._warn_blue_green(here, _text(here.resolve(ours)), names)
        self._warn_other_listeners(listener, app_targets, names)

    def _target_group_names(self, here: Stack) -> dict[str, str]:
        """Target group reference text (``Ref`` and its logical id) -> construct path."""
        names = {}
        for group in self.resources[TARGET_GROUP]:
            if Stack.of(group) is here:
                path = (group.node.scope or group).node.path
                names[_text(here.resolve(group.ref))] = path
                names[str(here.resolve(group.logical_id))] = path
        return names

    def _warn_other_listeners(
        self, listener: elbv2.CfnListener, app_targets: frozenset[str], names: Mapping[str, str]
    ) -> None:
        here = Stack.of(listener)
        balancer = _text(here.resolve(listener.load_balancer_arn))
        for other in self.resources["AWS::ElasticLoadBalancingV2::Listener"]:
            assert isinstance(other, elbv2.CfnListener)
            if (
                other is listener
                or Stack.of(other) is not here
                or _text(here.resolve(other.load_balancer_arn)) != balancer
                or other.ref in self.covered_listeners
            ):
                continue
            targets = forward_targets(resolved_properties(other).get("defaultActions"))
            targets |= {t for arn, _, ts in self.rules if arn == other.ref for t in ts}
            shared = sorted(names.get(t, t) for t in targets & app_targets)
            if shared:
                Annotations.of(self.owner).add_warning_v2(
                    warning_id("otherListenerOpen"),
                    f"The listener {(other.node.scope or other).node.path} of the same load "
                    f"balancer forwards to {', '.join(shared)} and has no maintenance rules: "
                    "during maintenance the app stays open to everyone on that port (a "
                    "blue/green test listener, a second port). Add an AlbMaintenance to that "
                    "listener too, or restrict it (e.g. its security group) to the office.",
                )

    def _warn_blue_green(self, here: Stack, ours: str, names: Mapping[str, str]) -> set[str]:
        """Warn for each deployment that shifts the listener's traffic; returns the target
        groups they shift between (reference text)."""
        rules_here = {ref for arn, ref, _ in self.rules if arn == self.listener.listener_arn}
        shifted: set[str] = set()
        for group in self.resources[DEPLOYMENT_GROUP]:
            info = resolved_properties(group).get("loadBalancerInfo") or {}
            for pair in info.get("targetGroupPairInfoList") or []:
                listeners = (pair.get("prodTrafficRoute") or {}).get("listenerArns") or []
                if ours not in {_text(arn) for arn in listeners}:
                    continue
                logical_ids = [
                    str((g.get("name") or {}).get("Fn::GetAtt", [""])[0])
                    for g in pair.get("targetGroups") or []
                ]
                shifted |= {_text({"Ref": logical_id}) for logical_id in logical_ids}
                groups = [names.get(logical_id, "?") for logical_id in logical_ids]
                self._blue_green(f"the CodeDeploy deployment group {_path(group)}", groups)
        for service in self.resources[ECS_SERVICE]:
            properties = resolved_properties(service)
            strategy = (properties.get("deploymentConfiguration") or {}).get("strategy")
            if strategy != "BLUE_GREEN":
                continue
            for balancer in properties.get("loadBalancers") or []:
                advanced = balancer.get("advancedConfiguration") or {}
                rule = _text(advanced.get("productionListenerRule"))
                if rule == ours or rule in rules_here:
                    pair = [
                        _text(balancer.get("targetGroupArn")),
                        _text(advanced.get("alternateTargetGroupArn")),
                    ]
                    shifted |= set(pair)
                    groups = [names.get(text, "?") for text in pair]
                    self._blue_green(f"the ECS blue/green service {_path(service)}", groups)
        return shifted

    def _blue_green(self, deployer: str, groups: Sequence[str]) -> None:
        Annotations.of(self.owner).add_warning_v2(
            warning_id("blueGreenOutsideTemplate"),
            f"{deployer} shifts the production traffic of {self.listener.node.path} between "
            f"{' and '.join(groups)} outside CloudFormation, so the target group the template "
            "names may not be the live one; the maintenance rules forward allowed requests "
            "where the template says. Before entering maintenance, read the live target group "
            "(aws elbv2 describe-listeners / describe-rules) and, if it is not the template's, "
            "pass target_groups=[<the live group>]; start no deployment while maintenance is "
            "on. Once you operate it so, acknowledge this warning: Annotations.of(maintenance)"
            f".acknowledge_warning('{warning_id('blueGreenOutsideTemplate')}', 'why').",
        )


def _path(resource: CfnResource) -> str:
    owner = resource.node.scope if resource.node.id == "Resource" else resource
    return (owner or resource).node.path
