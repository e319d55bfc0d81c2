"""Notes under a front door's table: what its rows cannot show (an ALB behind CloudFront) and
the web ACL's estimated capacity."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...load_balancer_address import ALB_ADDRESS
from ...waf.wcu import MAX_WEB_ACL_WCU, rules_capacity

__all__ = ["behind_cloudfront", "capacity_note"]

DISTRIBUTION = "AWS::CloudFront::Distribution"
LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"
_CANNOT_HAPPEN = (
    "it sees CloudFront's addresses, never the viewer's, so the allow-listed rows cannot "
    "happen (use CloudFrontMaintenance on the distribution)"
)


def _origins(distribution: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    config = (distribution.get("Properties") or {}).get("DistributionConfig") or {}
    return [o for o in config.get("Origins") or [] if isinstance(o, Mapping)]


def _literal_name(resource: Mapping[str, Any] | None) -> str | None:
    """A load balancer's name when the template gives it (else AWS names it at deploy)."""
    name = ((resource or {}).get("Properties") or {}).get("Name")
    return name.lower() if isinstance(name, str) else None


def behind_cloudfront(
    resources: Mapping[str, Any], listener: Mapping[str, Any], names: Mapping[str, str]
) -> tuple[str, ...]:
    """Notes when the listener's load balancer is the origin of a CloudFront distribution of
    the app, in its stack or another (``resources`` keyed ``Stack/LogicalId``, references
    across stacks and regions followed, see :func:`~.assembly.qualified`): the load balancer
    then sees CloudFront's addresses, never the viewer's. An origin that is a literal load
    balancer address naming no load balancer of the app may be this one: said as such."""
    balancer = (listener.get("Properties") or {}).get("LoadBalancerArn")
    if not isinstance(balancer, Mapping) or not isinstance(balancer.get("Ref"), str):
        return ()
    key = balancer["Ref"]
    dns = {"Fn::GetAtt": [key, "DNSName"]}
    mine = _literal_name(resources.get(key))
    named = {
        name
        for resource in resources.values()
        if resource.get("Type") == LOAD_BALANCER
        for name in [_literal_name(resource)]
        if name
    }
    notes = []
    for distribution_key, resource in resources.items():
        if resource.get("Type") != DISTRIBUTION:
            continue
        name = names.get(distribution_key, distribution_key)
        stack = distribution_key.rsplit("/", 1)[0]
        where = f" (in the stack {stack})" if stack != key.rsplit("/", 1)[0] else ""
        domains = [origin.get("DomainName") for origin in _origins(resource)]
        if dns in domains:
            notes.append(
                f"the load balancer is the origin of the CloudFront distribution {name}"
                f"{where}: {_CANNOT_HAPPEN}"
            )
            continue
        for domain in domains:
            match = ALB_ADDRESS.fullmatch(domain.lower()) if isinstance(domain, str) else None
            if match is None:
                continue
            if mine is not None and match["name"] == mine:
                notes.append(
                    f"the load balancer is the origin of the CloudFront distribution {name}"
                    f"{where}, by its address {domain!r}: {_CANNOT_HAPPEN}"
                )
            elif mine is None and match["name"] not in named:
                notes.append(
                    f"the CloudFront distribution {name}{where} has the origin {domain!r}, the "
                    "address of a load balancer that names none of the app's (this one is "
                    f"named at deploy): if it is this one, {_CANNOT_HAPPEN}"
                )
    return tuple(notes)


def capacity_note(acl: Mapping[str, Any], added: Sequence[Mapping[str, Any]]) -> str:
    """The web ACL's estimated capacity with maintenance on, and the maintenance rules' share."""
    total, ours = rules_capacity(acl.get("Rules") or []), rules_capacity(added)
    unpriced = f"; not priced: {', '.join(total.unknown)}" if total.unknown else ""
    return (
        f"capacity with maintenance on: about {total.wcu} of {MAX_WEB_ACL_WCU} WCU, "
        f"{ours.wcu} for the maintenance rules (estimates from the AWS WAF developer guide's "
        f"figures{unpriced})"
    )
