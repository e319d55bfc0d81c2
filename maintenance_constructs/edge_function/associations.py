"""Associating the maintenance function with a distribution's behaviors, once the app's tree
is complete (behaviors added after the construct count too), and refusing what CloudFront
would refuse: a behavior has one viewer-request function, CloudFront Function or Lambda@Edge."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jsii
from aws_cdk import IAspect, Stack
from aws_cdk import aws_cloudfront as cloudfront
from constructs import IConstruct, IValidation

from ..cfn import resolved_properties

__all__ = ["DEFAULT_BEHAVIOR", "AssociateAtSynthesis"]

DEFAULT_BEHAVIOR = "*"
"""The name of the default behavior in ``behaviors`` (its path pattern in the console)."""
VIEWER_REQUEST = "viewer-request"
_CLAIMS_ATTRIBUTE = "_maintenance_constructs_function_behaviors"


def _named(value: Any) -> str:
    """A function ARN from the template as a reader knows it: a logical id, or the ARN."""
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return str(value["Fn::GetAtt"][0])
    return value if isinstance(value, str) else str(value)


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
        path = self.distribution.node.path
        for kind, key, arn_key in (
            ("CloudFront Function", "functionAssociations", "functionArn"),
            ("Lambda@Edge function", "lambdaFunctionAssociations", "lambdaFunctionArn"),
        ):
            for association in behavior.get(key) or []:
                if association.get("eventType") == VIEWER_REQUEST:
                    self.errors.append(
                        f"behaviors: the behavior {name!r} of {path} already runs the "
                        f"{kind} {_named(association.get(arn_key))} on viewer request, and a "
                        "behavior runs one viewer-request function. Leave the behavior out "
                        "(behaviors=[...]), move that function to another event, or put "
                        "maintenance on CloudFrontMaintenance (WAF) instead."
                    )
                    return True
        return False

    def validate(self) -> list[str]:
        return list(self.errors)
