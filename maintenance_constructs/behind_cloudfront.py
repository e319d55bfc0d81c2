"""Whether a load balancer is the origin of a CloudFront distribution in the app: then it sees
CloudFront's addresses, never the viewers', and an allowlist on it can never match.

The origin is the load balancer when its domain name is the load balancer's ``DNSName`` (in the
distribution's stack or, through an export or a cross-region reference, in another), or a
literal address ``<name>-<id>.<region>.elb.amazonaws.com`` of the name the app gives it."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Annotations, CfnResource, Stack
from constructs import IConstruct

from .cfn import resolved_properties
from .load_balancer_address import ALB_ADDRESS
from .warning_catalog import warning_id

__all__ = ["given_name", "warn_if_behind_cloudfront"]


def given_name(load_balancer: IConstruct) -> str | None:
    """The load balancer's name when the app gives one (lowercased); None when AWS names it at
    deploy."""
    resource = load_balancer.node.default_child or load_balancer
    if not isinstance(resource, CfnResource):
        return None
    name = resolved_properties(resource).get("name")
    return name.lower() if isinstance(name, str) else None


def _is_origin(domain: object, dns_name: object, name: str | None) -> bool:
    if domain == dns_name:
        return True
    match = ALB_ADDRESS.fullmatch(domain.lower()) if isinstance(domain, str) else None
    return match is not None and name is not None and match["name"] == name


def warn_if_behind_cloudfront(
    owner: IConstruct,
    load_balancer: IConstruct,
    dns_name: str,
    distributions: Sequence[CfnResource],
    checker: str,
) -> None:
    """Warn on ``owner`` for each distribution whose origin is ``dns_name`` (or the literal
    address of the load balancer's given name); ``checker`` names what checks the address
    ("the ALB", "its regional web ACL")."""
    name = given_name(load_balancer) if distributions else None
    for distribution in distributions:
        resolved = Stack.of(distribution).resolve(dns_name)
        config = resolved_properties(distribution).get("distributionConfig") or {}
        domains = [o.get("domainName") for o in config.get("origins") or []]
        if any(_is_origin(domain, resolved, name) for domain in domains):
            Annotations.of(owner).add_warning_v2(
                warning_id("albBehindCloudFront"),
                f"The load balancer {load_balancer.node.path} is the origin of the CloudFront "
                f"distribution {distribution.node.path}: {checker} sees CloudFront's "
                "addresses, not the viewers', so allowed_cidrs can never match and everyone "
                "gets the maintenance response through CloudFront. Put the allowlist on "
                "CloudFrontMaintenance (the web ACL sees the viewer's address) instead.",
            )
