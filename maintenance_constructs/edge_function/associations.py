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

from ..cfn import construct_path, referenced_element, resolved_properties
from ..errors import MaintenanceConfigError
from .combined import CombinedFunctions, app_function

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
    element = referenced_element(stack, value)
    if element is not None:
        return construct_path(element)
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
        combined: CombinedFunctions,
    ) -> None:
        self.owner = owner
        self.distribution = distribution
        self.function = function
        self.behaviors = behaviors
        self.combined = combined
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
        plain = Stack.of(self.distribution).resolve(self.function.function_arn)
        runs_plain = False
        for name in chosen:
            where, behavior = found[name]
            arn = self._arn(name, behavior or {})
            if arn is None:
                continue
            runs_plain = runs_plain or arn == plain
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
        if not runs_plain and not self.errors:
            self._unhook_plain()

    def _unhook_plain(self) -> None:
        """Every behavior runs a combined function: the plain one stays (its code is the
        maintenance code the combined ones are made from) but reads no store, so it does not
        count against the functions a store may serve."""
        resource = self.function.node.default_child
        assert isinstance(resource, cloudfront.CfnFunction)
        resource.add_property_deletion_override("FunctionConfig.KeyValueStoreAssociations")

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

    def _arn(self, name: str, behavior: dict[str, Any]) -> Any:
        """The ARN of the function the behavior gets on viewer request: the maintenance
        function, or, where the app's own CloudFront Function runs there, one that runs
        maintenance and then the app's code. None (with an error) where Lambda@Edge runs on a
        viewer event (AWS does not combine the two kinds) or the two cannot be combined."""
        path = self.distribution.node.path
        stack = Stack.of(self.distribution)
        for association in behavior.get("lambdaFunctionAssociations") or []:
            event = association.get("eventType")
            if event in VIEWER_EVENTS:
                function = _named(stack, association.get("lambdaFunctionArn"))
                self.errors.append(_lambda_taken(name, path, event, function))
                return None
        for association in behavior.get("functionAssociations") or []:
            if association.get("eventType") == VIEWER_REQUEST:
                return self._combined_arn(name, path, association.get("functionArn"))
        return stack.resolve(self.function.function_arn)

    def _combined_arn(self, name: str, path: str, arn: Any) -> Any:
        app = app_function(Stack.of(self.distribution), arn)
        if app is None:
            self.errors.append(
                f"behaviors: the behavior {name!r} of {path} runs the CloudFront Function "
                f"{_named(Stack.of(self.distribution), arn)} on viewer-request, whose code "
                "this construct cannot read (an imported function, or one of another stack), "
                "so it cannot run it after the maintenance code. Define that function in this "
                "stack, leave the behavior out (behaviors=[...]), or put maintenance on "
                "CloudFrontMaintenance (WAF) instead."
            )
            return None
        try:
            return self.combined.arn_for(app)
        except MaintenanceConfigError as error:
            self.errors.append(str(error))
            return None

    def validate(self) -> list[str]:
        return list(self.errors)


def _lambda_taken(name: str, path: str, event: str, function: str) -> str:
    return (
        f"behaviors: the behavior {name!r} of {path} already runs the Lambda@Edge function "
        f"{function} on {event}, and AWS does not combine CloudFront Functions and Lambda@Edge "
        "on viewer events. Leave the behavior out (behaviors=[...]), move the Lambda@Edge "
        "function to an origin event, or put maintenance on CloudFrontMaintenance (WAF) "
        "instead."
    )
