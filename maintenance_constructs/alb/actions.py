"""What AlbMaintenance's forwarding rules point at: the listener and the action, checked, and
used without side effects on the rest of the app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_cdk import CfnOutput, Reference, Stack, Tokenization
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from constructs import Construct

from ..errors import MaintenanceConfigError
from ..shared import AUTHENTICATING_ACTIONS

__all__ = [
    "AUTHENTICATING_ACTIONS",
    "MAX_TARGET_GROUPS",
    "CrossStackValues",
    "action_types",
    "check_listener",
    "forward_action",
]


Localize = Callable[[str], str]


class CrossStackValues:
    """Values of other stacks, imported through exports that exist in both states.

    Left to CDK, a rule that refers to a listener or target group of another stack makes CDK
    export the value from that stack only while the rule exists. CloudFormation deploys the
    producer first and refuses to delete an export another stack still imports, so leaving
    maintenance would fail; CDK's once-per-app reference warning would also come and go. Here
    every such value is exported with ``Stack.export_value`` (the export CDK would create
    anyway) and imported by name, whatever the state, and the stack dependency is declared in
    both states too: the producer's template and the assembly are the same off and on.
    """

    def __init__(self, owner: Construct) -> None:
        self.owner = owner
        self.here = Stack.of(owner)

    def localize(self, value: str) -> str:
        """``value``, or an ``Fn::ImportValue`` of it when it is another stack's attribute.

        Within one family of nested stacks CDK passes values as nested-stack parameters and
        outputs, which exist only while something refers to them: an output of the
        construct's stack refers to the value in both states, so they never come and go.
        """
        if not isinstance(value, str):
            return value
        fragments = Tokenization.reverse_string(value)
        token = fragments.first_token if fragments.length == 1 else None
        if not isinstance(token, Reference):
            return value
        producer = Stack.of(token.target)
        if producer.node.path == self.here.node.path:
            return value
        if _top_level(producer).node.path == _top_level(self.here).node.path:
            self._keep_referenced(value)
            return value
        self.here.add_stack_dependency(producer, "maintenance rules refer to its listener")
        return producer.export_value(value)

    def _keep_referenced(self, value: str) -> None:
        found = self.owner.node.try_find_child(_REFERENCES)
        holder = found if isinstance(found, Construct) else Construct(self.owner, _REFERENCES)
        for output in holder.node.children:
            if isinstance(output, CfnOutput) and output.value == value:
                return
        CfnOutput(
            holder,
            f"Value{len(holder.node.children) + 1}",
            value=value,
            description="Refers to a value of another stack of this nested-stack family in "
            "both maintenance states, so that its parameter or output never changes with the "
            "toggle.",
        )


_REFERENCES = "NestedStackReferences"


def _top_level(stack: Stack) -> Stack:
    while stack.nested_stack_parent is not None:
        stack = stack.nested_stack_parent
    return stack


class _RenderedAction(elbv2.ListenerAction):
    """A listener action chain rendered exactly as the given one, but that binds nothing.

    ``ListenerAction.forward`` binds by registering the listener with each target group, and
    everything attached to a target group (ECS services, request-count scaling policies) then
    gains a ``DependsOn`` on the rule: a change outside the construct each time maintenance is
    toggled. The app's own rule already made those registrations.
    """

    def __init__(self, actions: list[Any], rule_actions: list[Any]) -> None:
        rest = _RenderedAction(actions[1:], rule_actions[1:]) if len(actions) > 1 else None
        super().__init__(actions[0], rest)
        self._add_rule_action(**_fields(rule_actions[0]))

    def bind(
        self,
        scope: Construct,
        listener: elbv2.IApplicationListener,
        associating_construct: Any = None,
    ) -> None:
        """Registers nothing (see the class docstring)."""


def _fields(struct: object) -> dict[str, Any]:
    """A jsii struct's fields by their Python names (jsii keeps them in ``_values``)."""
    values = getattr(struct, "_values", None)
    return dict(values) if isinstance(values, dict) else {}


def _rebuild(value: Any, namespace: type, localize: Localize) -> Any:
    """A rendered action as fresh structs of ``namespace`` (``CfnListener`` or
    ``CfnListenerRule``), its strings passed through ``localize``.

    What ``render_rule_actions()`` returns reaches Python tagged as the listener's structs,
    which the rule's own setter refuses; the classes of both namespaces share their names.
    """
    if isinstance(value, str):
        return localize(value)
    if isinstance(value, (list, tuple)):
        return [_rebuild(item, namespace, localize) for item in value]
    if isinstance(value, dict):
        return {key: _rebuild(item, namespace, localize) for key, item in value.items()}
    if not hasattr(value, "_values"):
        return value
    # Union proxies are named like "<ActionProperty + ActionProperty>".
    struct = getattr(namespace, type(value).__name__.strip("<>").split(" + ")[0])
    return struct(**{k: _rebuild(v, namespace, localize) for k, v in _fields(value).items()})


def forward_action(
    target_groups: Any,
    action: elbv2.ListenerAction | None,
    *,
    localize: Localize,
) -> elbv2.ListenerAction | None:
    """The action of the bypass and allow rules, from at most one of the two parameters,
    rendered without binding and with other stacks' values imported by name; None when
    neither is given (the rules then follow the app's own routing)."""
    if target_groups is not None and action is not None:
        raise MaintenanceConfigError(
            "target_groups/action: both given; pass at most one: target_groups=[blue_tg] to "
            "forward allowed clients to one place, action=<a ListenerAction> to answer them "
            "with it, or neither to route them exactly as the app's rules on the listener do."
        )
    if target_groups is None and action is None:
        return None
    if action is None:
        action = elbv2.ListenerAction.forward(_target_groups(target_groups))
    elif not isinstance(action, elbv2.ListenerAction):
        raise MaintenanceConfigError(
            f"action: received {_describe(action)}, not a ListenerAction; pass e.g. "
            "action=elbv2.ListenerAction.forward([blue]), or target_groups=[blue]."
        )
    for rendered in action.render_rule_actions():
        groups = getattr(rendered.forward_config, "target_groups", None) or []
        if len(groups) > MAX_TARGET_GROUPS:
            raise MaintenanceConfigError(
                f"action: forwards to {len(groups)} target groups; an ALB forward action takes "
                f"at most {MAX_TARGET_GROUPS}. Forward to the groups that serve the app now."
            )
    return _RenderedAction(
        _rebuild(action.render_actions(), elbv2.CfnListener, localize),
        _rebuild(action.render_rule_actions(), elbv2.CfnListenerRule, localize),
    )


MAX_TARGET_GROUPS = 5
"""Target groups one ALB forward action may take."""


def _describe(value: object) -> str:
    node = getattr(value, "node", None)
    return node.path if node is not None else f"{value!r} ({type(value).__name__})"


def _target_groups(target_groups: Any) -> list[Any]:
    if not isinstance(target_groups, (list, tuple)):
        raise MaintenanceConfigError(
            f"target_groups: received {_describe(target_groups)}, not a list; wrap it: "
            "target_groups=[target_group] (or pass action=...)."
        )
    if not target_groups:
        raise MaintenanceConfigError(
            f"target_groups: received {target_groups!r}; pass a non-empty list of target "
            "groups, or action=..."
        )
    for group in target_groups:
        if not hasattr(group, "target_group_arn") or not hasattr(group, "node"):
            raise MaintenanceConfigError(
                f"target_groups: {_describe(group)} is not an application target group; pass "
                "the ApplicationTargetGroup (created or imported) the app's rule forwards to."
            )
    if len(target_groups) > MAX_TARGET_GROUPS:
        raise MaintenanceConfigError(
            f"target_groups: {len(target_groups)} target groups; an ALB forward action takes "
            f"at most {MAX_TARGET_GROUPS}. Pass the groups that serve the app now."
        )
    return list(target_groups)


def action_types(action: elbv2.ListenerAction) -> list[str]:
    """The types of an action chain in order, e.g. ``["authenticate-oidc", "forward"]``."""
    return [str(a.type) for a in action.render_rule_actions()]


def check_listener(listener: object) -> None:
    """Refuse anything but an Application Load Balancer listener construct, created or
    imported, with the way to get one."""
    node = getattr(listener, "node", None)
    if isinstance(listener, str) or listener is None:
        received = repr(listener)
    elif isinstance(listener, elbv2.CfnListener):
        received = f"the CfnListener {node.path if node else ''}"
    else:
        received = f"{node.path if node else type(listener).__name__}"
    advice = None
    if isinstance(listener, str):
        advice = (
            "import it: elbv2.ApplicationListener.from_application_listener_attributes(self, "
            "'Listener', listener_arn=arn, security_group=...)"
        )
    elif isinstance(listener, elbv2.CfnListener):
        advice = (
            "pass an ApplicationListener; to wrap this L1, import it by its Ref: "
            "elbv2.ApplicationListener.from_application_listener_attributes(self, 'Listener', "
            "listener_arn=cfn_listener.ref, security_group=...)"
        )
    elif isinstance(listener, elbv2.NetworkListener) or not (
        node is not None  # imported listeners are jsii proxies, not Construct objects
        and hasattr(listener, "listener_arn")
        and hasattr(listener, "connections")
    ):
        advice = (
            "pass the ApplicationListener of an Application Load Balancer "
            "(alb.add_listener(...) or an imported one); a Network Load Balancer listener has "
            "no rules, so put maintenance in front of it with CloudFrontMaintenance"
        )
    if advice:
        raise MaintenanceConfigError(
            f"listener: received {received}, which is not an Application Load Balancer "
            f"listener; {advice}."
        )
