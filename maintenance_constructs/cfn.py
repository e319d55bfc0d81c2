"""Reading synthesized L1 properties cheaply during validation."""

from __future__ import annotations

from typing import Any

import jsii
from aws_cdk import CfnResource, Stack
from constructs import IConstruct

__all__ = ["resolved_properties", "resources_by_type"]


def resolved_properties(resource: CfnResource) -> dict[str, Any]:
    """The resource's properties, resolved in its stack, in the L1's camelCase keys.

    ``CfnResource.cfnProperties`` is a protected, untyped member: reading it hands the whole
    object to the CDK side for resolution in one call, where the typed getters (``.rules``,
    ``.distribution_config``) would rebuild every nested struct in Python, slowly, and fail on
    half-resolved ones.
    """
    resolved = Stack.of(resource).resolve(jsii.get(resource, "cfnProperties"))
    return resolved if isinstance(resolved, dict) else {}


def resources_by_type(root: IConstruct, *cfn_types: str) -> dict[str, list[CfnResource]]:
    """The L1 resources of each of ``cfn_types`` in the tree, in one walk (each construct of
    the tree costs a round trip to the CDK runtime, so checks share the walk)."""
    found: dict[str, list[CfnResource]] = {cfn_type: [] for cfn_type in cfn_types}
    for construct in root.node.find_all():
        if isinstance(construct, CfnResource) and construct.cfn_resource_type in found:
            found[construct.cfn_resource_type].append(construct)
    return found
