"""Associating the maintenance function with a distribution's behaviors, once the app's tree
is complete (behaviors added after the construct count too), and refusing what CloudFront
would refuse: a behavior has one viewer-request function, CloudFront Function or Lambda@Edge."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jsii
from aws_cdk import CfnElement, IAspect, Stack
from aws_cdk import aws_cloudfront as cloudfront
from constructs import IConstruct, IValidation

from ..cfn import resolved_properties

__all__ = ["DEFAULT_BEHAVIOR", "AssociateAtSynthesis"]

DEFAULT_BEHAVIOR = "*"
"""The name of the default behavior in ``behaviors`` (its path pattern in the console)."""
VIEWER_REQUEST = "viewer-request"
VIEWER_EVENTS = (VIEWER_REQUEST, "viewer-response")
"""The events on which a CloudFront Function and Lambda@Edge cannot share a behavior."""
_CLAIMS_ATTRIBUTE = "_maintenance_constructs_function_behaviors"


def _named(stack: Stack, value: Any) -> str:
    """A function ARN from the template as a reader knows it: the construct path of the
    resource it refers to (a ``Ref`` or ``Fn::GetAtt``), or the ARN itself."""
    logical_id = None
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        logical_id = str(value["Fn::GetAtt"][0])
    elif isinstance(value, dict) and "Ref" in value:
        logical_id = str(value["Ref"])
    if logical_id is None:
        return value if isinstance(value, str) else str(value)
    for node in stack.node.find_all():
        if isinstance(node, CfnElement) and stack.resolve(node.logical_id) == logical_id:
            path = node.node.path
            return path[: -len("/Resource")] if path.endswith("/Resource") else path
    return logical_id


@jsii.implements(IAspect, IValidation)
class AssociateAtSynthesis:
    """Adds the function as viewer request to the chosen behaviors of the distribution, in
    both states; reports behaviors that already have a viewer-request function."""

    def __init__(
        self,
        owner: IConstruct,
        distribution: cloudfront.CfnDistribution,
        function: cloudfront.Function,
        behaviors: Sequence[str] | None,
    ) -> None:
        self.owner = owner
        self.distribution = distribution
        self.function = function
        self.behaviors = behaviors
        self.errors: list[str] = []
        self.done = False

    def visit(self, node: IConstruct) -> None:
        if self.done or node.node.path != self.owner.node.path:
            return
        self.done = True
        config = resolved_properties(self.distribution).get("distributionConfig") or {}
        found = {DEFAULT_BEHAVIOR: ("DefaultCacheBehavior", config.get("defaultCacheBehavior"))}
        for index, behavior in enumerate(config.get("cacheBehaviors") or []):
            found[str(behavior.get("pathPattern"))] = (f"CacheBehaviors.{index}", behavior)
        chosen = list(found) if self.behaviors is None else list(self.behaviors)
        unknown = [name for name in chosen if name not in found]
        if unknown:
            self.errors.append(
                f"behaviors: {unknown!r} are not behaviors of {self.distribution.node.path}; "
                f"its behaviors are {list(found)!r} ('*' is the default behavior)."
            )
            return
        if self._claimed_by_another(chosen):
            return
        arn = Stack.of(self.distribution).resolve(self.function.function_arn)
        for name in chosen:
            where, behavior = found[name]
            if self._refused(name, behavior or {}):
                continue
            kept = [
                a
                for a in (behavior or {}).get("functionAssociations") or []
                if a.get("eventType") != VIEWER_REQUEST
            ]
            associations = [
                {"EventType": a.get("eventType"), "FunctionARN": a.get("functionArn")}
                for a in [*kept, {"eventType": VIEWER_REQUEST, "functionArn": arn}]
            ]
            self.distribution.add_property_override(
                f"DistributionConfig.{where}.FunctionAssociations", associations
            )

    def _claimed_by_another(self, chosen: list[str]) -> bool:
        """Two maintenance functions on one behavior: the second association would replace the
        first (one viewer-request function per behavior). Refused, naming the first."""
        root = self.owner.node.root
        every: dict[str, dict[str, str]] = getattr(root, _CLAIMS_ATTRIBUTE, {})
        setattr(root, _CLAIMS_ATTRIBUTE, every)
        claims = every.setdefault(self.distribution.node.path, {})
        taken = {name: claims[name] for name in chosen if name in claims}
        if taken:
            self.errors.append(
                f"behaviors: {sorted(taken)!r} of {self.distribution.node.path} already run "
                f"the maintenance function of {sorted(set(taken.values()))[0]}; a behavior runs "
                "one viewer-request function. Give each CloudFrontFunctionMaintenance its own "
                "behaviors (behaviors=[...]), or use one construct for the distribution."
            )
            return True
        claims.update({name: self.owner.node.path for name in chosen})
        return False

    def _refused(self, name: str, behavior: dict[str, Any]) -> bool:
        """A viewer-request function of the app's own (one per behavior), or Lambda@Edge on
        any viewer event (AWS does not combine the two kinds there)."""
        path = self.distribution.node.path
        stack = Stack.of(self.distribution)
        for kind, key, arn_key, events in (
            ("CloudFront Function", "functionAssociations", "functionArn", (VIEWER_REQUEST,)),
            (
                "Lambda@Edge function",
                "lambdaFunctionAssociations",
                "lambdaFunctionArn",
                VIEWER_EVENTS,
            ),
        ):
            for association in behavior.get(key) or []:
                event = association.get("eventType")
                if event in events:
                    self.errors.append(
                        _taken(name, path, kind, event, _named(stack, association.get(arn_key)))
                    )
                    return True
        return False

    def validate(self) -> list[str]:
        return list(self.errors)


def _taken(name: str, path: str, kind: str, event: str, function: str) -> str:
    if kind == "CloudFront Function":
        fix = "move that function to another event"
        why = "a behavior runs one viewer-request function"
    else:
        fix = "move the Lambda@Edge function to an origin event"
        why = "AWS does not combine CloudFront Functions and Lambda@Edge on viewer events"
    return (
        f"behaviors: the behavior {name!r} of {path} already runs the {kind} {function} on "
        f"{event}, and {why}. Leave the behavior out (behaviors=[...]), {fix}, or put "
        "maintenance on CloudFrontMaintenance (WAF) instead."
    )
