"""Notes under a front door's table: what its rows cannot show (an ALB behind CloudFront) and
the web ACL's estimated capacity."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..waf.wcu import MAX_WEB_ACL_WCU, rules_capacity

__all__ = ["behind_cloudfront", "capacity_note"]

DISTRIBUTION = "AWS::CloudFront::Distribution"


def behind_cloudfront(
    resources: Mapping[str, Any], listener: Mapping[str, Any], names: Mapping[str, str]
) -> tuple[str, ...]:
    """A note when the listener's load balancer is the origin of a CloudFront distribution
    of the app: the load balancer then sees CloudFront's addresses, never the viewer's."""
    balancer = (listener.get("Properties") or {}).get("LoadBalancerArn")
    if not isinstance(balancer, Mapping) or "Ref" not in balancer:
        return ()
    dns = {"Fn::GetAtt": [balancer["Ref"], "DNSName"]}
    fronting = [
        names.get(key, key)
        for key, resource in resources.items()
        if resource.get("Type") == DISTRIBUTION
        and any(
            origin.get("DomainName") == dns
            for origin in ((resource.get("Properties") or {}).get("DistributionConfig") or {}).get(
                "Origins"
            )
            or []
        )
    ]
    return tuple(
        f"the load balancer is the origin of the CloudFront distribution {name}: it sees "
        "CloudFront's addresses, never the viewer's, so the allow-listed rows cannot happen "
        "(use CloudFrontMaintenance on the distribution)"
        for name in fronting
    )


def capacity_note(acl: Mapping[str, Any], added: Sequence[Mapping[str, Any]]) -> str:
    """The web ACL's estimated capacity with maintenance on, and the maintenance rules' share."""
    total, ours = rules_capacity(acl.get("Rules") or []), rules_capacity(added)
    unpriced = f"; not priced: {', '.join(total.unknown)}" if total.unknown else ""
    return (
        f"capacity with maintenance on: about {total.wcu} of {MAX_WEB_ACL_WCU} WCU, "
        f"{ours.wcu} for the maintenance rules (estimates from the AWS WAF developer guide's "
        f"figures{unpriced})"
    )
