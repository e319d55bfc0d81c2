"""The app's own routing on a listener, read from the construct tree at synthesis: its rules
(in priority order) and its default action, as routes the plan can copy and as the
CloudFormation conditions and actions the copies carry.

The copies sit in the maintenance construct's stack. A rule of another stack refers to its
target groups by ``Ref``; those references are turned back into the resources' tokens and
imported by name (see :class:`~maintenance_constructs.alb.actions.CrossStackValues`), so the
other stack's template is the same whether maintenance is on or off.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import CfnElement, CfnResource, Stack, Token
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from constructs import IConstruct

from ..cfn import cloudformation_case, resolved_properties
from ..errors import MaintenanceConfigError
from ..tools.evaluate.listener_evaluator import condition_values
from ..values import wildcard_count
from .routes import AppRoute

__all__ = ["RouteCopy", "app_routes"]

_OWN_FIELDS = {"host-header": "hosts", "path-pattern": "paths", "source-ip": "source_ips"}


@dataclass(frozen=True)
class RouteCopy:
    """What a copy of a route carries besides the maintenance condition: the route's other
    conditions and its actions, as CloudFormation properties of the maintenance stack."""

    route: AppRoute
    conditions: tuple[Any, ...]
    actions: tuple[Any, ...]


def _texts(values: Sequence[Any]) -> list[str]:
    """Condition values as the text the ALB counts wildcards in (query strings: key and
    value)."""
    texts = []
    for value in values:
        if isinstance(value, dict):
            texts += [str(v) for v in value.values() if isinstance(v, str)]
        elif isinstance(value, str):
            texts.append(value)
    return texts


def _route(name: str, conditions: Sequence[Any], actions: Sequence[Any]) -> RouteCopy:
    own: dict[str, tuple[str, ...]] = {}
    others = []
    for condition in conditions:
        field = condition.get("Field")
        if field in _OWN_FIELDS:
            own[_OWN_FIELDS[field]] = tuple(str(v) for v in condition_values(condition))
        else:
            others.append(condition)
    extra = [v for condition in others for v in condition_values(condition)]
    route = AppRoute(
        name=name,
        **own,
        extra_values=len(extra),
        extra_wildcards=sum(wildcard_count(t) for t in _texts(extra)),
    )
    return RouteCopy(route, tuple(others), tuple(actions))


class _Portable:
    """Turns one stack's resolved references into values the maintenance stack can use."""

    def __init__(self, here: Stack, localize: Callable[[str], str]) -> None:
        self.here = here
        self.localize = localize
        self._elements: dict[str, dict[str, CfnElement]] = {}

    def of(self, value: Any, source: Stack) -> Any:
        if source.node.path == self.here.node.path:
            return value
        return self._rewrite(value, source)

    def _element(self, source: Stack, logical_id: str) -> CfnElement:
        elements = self._elements.get(source.node.path)
        if elements is None:
            elements = {
                str(source.resolve(c.logical_id)): c
                for c in source.node.find_all()
                if isinstance(c, CfnElement) and Stack.of(c) is source
            }
            self._elements[source.node.path] = elements
        return elements[logical_id]

    def _rewrite(self, value: Any, source: Stack) -> Any:
        if isinstance(value, list):
            return [self._rewrite(item, source) for item in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"} and not str(value["Ref"]).startswith("AWS::"):
            element = self._element(source, str(value["Ref"]))
            assert isinstance(element, CfnResource)
            return self.localize(Token.as_string(element.ref))
        if set(value) == {"Fn::GetAtt"}:
            logical_id, attribute = value["Fn::GetAtt"]
            element = self._element(source, str(logical_id))
            assert isinstance(element, CfnResource)
            return self.localize(Token.as_string(element.get_att(str(attribute))))
        return {key: self._rewrite(item, source) for key, item in value.items()}


def app_routes(
    owner: IConstruct,
    listener: elbv2.IApplicationListener,
    rules: Sequence[CfnResource],
    after: int,
    localize: Callable[[str], str],
) -> list[RouteCopy]:
    """The app's rules on ``listener`` with a priority of ``after`` or more, in priority order,
    then the listener's default action: each as a route and what its copies carry."""
    portable = _Portable(Stack.of(owner), localize)
    found = []
    for rule in rules:
        assert isinstance(rule, elbv2.CfnListenerRule)
        if str(rule.listener_arn) != listener.listener_arn:
            continue
        properties = cloudformation_case(resolved_properties(rule))
        priority = properties.get("Priority")
        owner_path = (rule.node.scope if rule.node.id == "Resource" else rule) or rule
        if not isinstance(priority, int):
            raise MaintenanceConfigError(
                f"listener: the app rule {owner_path.node.path} has priority {priority!r}, "
                "known only at deploy time, so the maintenance rules cannot copy the app's "
                "routing in order; give it a literal priority, or pass target_groups= (or "
                "action=) to forward allowed requests to one place."
            )
        if priority < after:
            continue
        source = Stack.of(rule)
        found.append(
            (
                priority,
                _route(
                    owner_path.node.path,
                    portable.of(properties.get("Conditions") or [], source),
                    portable.of(properties.get("Actions") or [], source),
                ),
            )
        )
    found.sort(key=lambda item: item[0])
    default = listener.node.default_child
    assert isinstance(default, elbv2.CfnListener)
    default_actions = cloudformation_case(resolved_properties(default)).get("DefaultActions")
    actions = portable.of(default_actions or [], Stack.of(default))
    name = f"{listener.node.path} (default action)"
    return [copy for _, copy in found] + [_route(name, [], actions)]
