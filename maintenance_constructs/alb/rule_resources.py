"""The planned ALB rules as listener rules: conditions, actions, and the order CloudFormation
creates and deletes them in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from constructs import Construct

from .app_routing import RouteCopy
from .plan import PlannedRule
from .view import AlbView

__all__ = ["create_rules"]


def create_rules(
    scope: Construct,
    view: AlbView,
    forward: elbv2.ListenerAction | None,
    copies: Sequence[RouteCopy],
) -> list[elbv2.ApplicationListenerRule]:
    """The planned rules of ``view`` as listener rules in ``scope`` (the construct itself):
    with ``forward`` for allowed requests, or each a copy of the app rule it follows."""
    rules = []
    for planned in view.plan:
        copy = copies[planned.route] if planned.route is not None else None
        rule = elbv2.ApplicationListenerRule(
            scope,
            planned.construct_id,
            listener=view.listener,
            priority=planned.priority,
            conditions=_conditions(planned),
            action=_action(view, planned, forward),
        )
        # Whatever aspects say (RemovalPolicies.of(app).retain()), a maintenance rule must
        # go when maintenance goes off: a retained 503 rule would stay on the listener.
        resource = rule.node.default_child
        assert isinstance(resource, elbv2.CfnListenerRule)
        resource.listener_arn = view.rule_listener_arn
        resource.add_override("DeletionPolicy", "Delete")
        resource.add_override("UpdateReplacePolicy", "Delete")
        if copy is not None:  # the app rule's own conditions and actions, as they are
            conditions = [*_condition_properties(planned), *copy.conditions]
            resource.add_property_override("Conditions", conditions)
            resource.add_property_override("Actions", list(copy.actions))
        rules.append(rule)
    # The 503 rules wait for the forwarding rules: on the way in nobody allow-listed sees
    # the 503; on the way out (deletion runs in reverse) the 503 goes first.
    forwarding = [r for r, p in zip(rules, view.plan, strict=True) if p.forwards]
    for rule, planned in zip(rules, view.plan, strict=True):
        if not planned.forwards and forwarding:
            rule.node.add_dependency(*forwarding)
    return rules


def _action(
    view: AlbView, planned: PlannedRule, forward: elbv2.ListenerAction | None
) -> elbv2.ListenerAction:
    if planned.forwards and forward is not None:
        return forward
    # The traversal guard and the maintenance rules answer with the maintenance response
    # (a copy of an app rule gets the app rule's actions in place of this one).
    answer = view.browser_response if planned.kind == "browser" else view.response
    assert answer is not None
    return elbv2.ListenerAction.fixed_response(
        answer.status_code, content_type=answer.content_type, message_body=answer.body
    )


def _condition_properties(planned: PlannedRule) -> list[dict[str, Any]]:
    """The planned rule's own conditions as CloudFormation properties."""
    fields = (
        ("host-header", "HostHeaderConfig", planned.hosts),
        ("path-pattern", "PathPatternConfig", planned.paths),
        ("http-request-method", "HttpRequestMethodConfig", planned.methods),
        ("source-ip", "SourceIpConfig", planned.source_ips),
    )
    conditions: list[dict[str, Any]] = [
        {"Field": field, config: {"Values": list(values)}}
        for field, config, values in fields
        if values
    ]
    if planned.header_name:
        config = {"HttpHeaderName": planned.header_name, "Values": list(planned.header_values)}
        conditions.append({"Field": "http-header", "HttpHeaderConfig": config})
    return conditions


def _conditions(planned: PlannedRule) -> list[elbv2.ListenerCondition]:
    conditions = []
    if planned.hosts:
        conditions.append(elbv2.ListenerCondition.host_headers(list(planned.hosts)))
    if planned.paths:
        conditions.append(elbv2.ListenerCondition.path_patterns(list(planned.paths)))
    if planned.methods:
        conditions.append(elbv2.ListenerCondition.http_request_methods(list(planned.methods)))
    if planned.source_ips:
        conditions.append(elbv2.ListenerCondition.source_ips(list(planned.source_ips)))
    if planned.header_name:
        conditions.append(
            elbv2.ListenerCondition.http_header(planned.header_name, list(planned.header_values))
        )
    return conditions
