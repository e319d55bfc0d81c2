"""Whether a load balancer is the origin of a CloudFront distribution in the app: then it sees
CloudFront's addresses, never the viewers', and an allowlist on it can never match."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Annotations, CfnResource, Stack
from constructs import IConstruct

from .cfn import resolved_properties
from .warning_catalog import warning_id

__all__ = ["warn_if_behind_cloudfront"]


def warn_if_behind_cloudfront(
    owner: IConstruct,
    load_balancer: IConstruct,
    dns_name: str,
    distributions: Sequence[CfnResource],
    checker: str,
) -> None:
    """Warn on ``owner`` for each distribution whose origin is ``dns_name``; ``checker`` names
    what checks the address ("the ALB", "its regional web ACL")."""
    for distribution in distributions:
        resolved = Stack.of(distribution).resolve(dns_name)
        config = resolved_properties(distribution).get("distributionConfig") or {}
        if resolved in [o.get("domainName") for o in config.get("origins") or []]:
            Annotations.of(owner).add_warning_v2(
                warning_id("albBehindCloudFront"),
                f"The load balancer {load_balancer.node.path} is the origin of the CloudFront "
                f"distribution {distribution.node.path}: {checker} sees CloudFront's "
                "addresses, not the viewers', so allowed_cidrs can never match and everyone "
                "gets the maintenance response through CloudFront. Put the allowlist on "
                "CloudFrontMaintenance (the web ACL sees the viewer's address) instead.",
            )
