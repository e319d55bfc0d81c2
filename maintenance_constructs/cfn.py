"""Reading synthesized L1 properties cheaply during validation."""

from __future__ import annotations

from typing import Any

import jsii
from aws_cdk import CfnElement, CfnResource, Stack
from constructs import IConstruct

__all__ = [
    "cloudformation_case",
    "construct_path",
    "referenced_element",
    "resolved_properties",
    "resources_by_type",
]

# Keys whose values are the user's own map (their keys are data, not property names).
_MAPS = {"authenticationRequestExtraParams", "AuthenticationRequestExtraParams"}
# Keys CloudFormation does not spell as the L1's camelCase with a capital first letter.
_SPELLED = {
    "ipSetReferenceStatement": "IPSetReferenceStatement",
    "ipSetForwardedIpConfig": "IPSetForwardedIPConfig",
    "forwardedIpConfig": "ForwardedIPConfig",
}


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


def cloudformation_case(value: Any) -> Any:
    """Resolved L1 properties (camelCase keys) in CloudFormation's PascalCase; intrinsic
    functions and user maps (``AuthenticationRequestExtraParams``) are kept as they are."""
    if isinstance(value, list):
        return [cloudformation_case(item) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        if key == "Ref" or key.startswith("Fn::"):
            result[key] = item
        elif key in _MAPS:
            result[key[0].upper() + key[1:]] = item
        else:
            result[_SPELLED.get(key, key[0].upper() + key[1:])] = cloudformation_case(item)
    return result


def referenced_element(stack: Stack, value: Any) -> CfnElement | None:
    """The element of ``stack`` a resolved ``Ref`` or ``Fn::GetAtt`` refers to, if any."""
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        logical_id = value["Fn::GetAtt"][0]
    elif isinstance(value, dict) and "Ref" in value:
        logical_id = value["Ref"]
    else:
        return None
    for node in stack.node.find_all():
        if isinstance(node, CfnElement) and stack.resolve(node.logical_id) == logical_id:
            return node
    return None


def construct_path(element: IConstruct) -> str:
    """An L1's path as a reader knows it: its L2's, when it is the L2's ``Resource``."""
    path = element.node.path
    return path[: -len("/Resource")] if path.endswith("/Resource") else path
