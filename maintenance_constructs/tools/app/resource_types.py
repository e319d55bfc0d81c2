"""Reading synthesized templates: resource types the tools look at, and naming resources by
their construct paths."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "FUNCTION",
    "LISTENER_RULE",
    "WEB_ACL",
    "construct_path",
    "is_maintenance_rule",
    "readable_names",
]

FUNCTION = "AWS::CloudFront::Function"
LISTENER_RULE = "AWS::ElasticLoadBalancingV2::ListenerRule"
WEB_ACL = "AWS::WAFv2::WebACL"


def construct_path(resource: Mapping[str, Any]) -> str:
    return str(resource.get("Metadata", {}).get("aws:cdk:path", ""))


def readable_names(resources: Mapping[str, Any]) -> dict[str, str]:
    """Logical id -> construct path (without ``/Resource``), for naming things in words."""
    return {
        logical_id: construct_path(r).lstrip("/").removesuffix("/Resource") or logical_id
        for logical_id, r in resources.items()
    }


def is_maintenance_rule(resource: Mapping[str, Any], constructs: Sequence[str]) -> bool:
    path = construct_path(resource)
    return resource.get("Type") == LISTENER_RULE and any(
        path.startswith(construct + "/") for construct in constructs
    )
