"""CloudFrontMaintenance: a maintenance rule in a WAFv2 web ACL of scope CLOUDFRONT."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Annotations, Stack, Token
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from ..bypass_token import BypassTokenParameter
from ..errors import MaintenanceConfigError
from ..parameters import document_shared_parameters
from ..response import MaintenanceResponse
from ..warning_catalog import warning_id
from .base import WafMaintenance
from .rules import WAF_MAX_BODY_BYTES, WAF_MAX_IP_SET_ADDRESSES

__all__ = ["WAF_MAX_BODY_BYTES", "WAF_MAX_IP_SET_ADDRESSES", "CloudFrontMaintenance"]


@document_shared_parameters("waf")
class CloudFrontMaintenance(WafMaintenance):
    """A WAF rule that blocks everyone but the allowlist with a maintenance response.

    The web ACL (scope CLOUDFRONT, default action allow), the IP sets (one per address family
    that has addresses) and the custom response bodies exist whether or not maintenance is on;
    toggling changes only the maintenance rule(s) in the web ACL's ``Rules``, never the
    distribution.

    {allowed_cidrs}
    {response}
    {browser_response}
    {bypass_paths}
    {bypass_token}
    {methods}
    {paths}
    :param bypass_link_prefix: with a token, visiting ``<prefix><token>`` answers a 302 to
        ``/`` that sets the bypass cookie (Secure, HttpOnly, SameSite=Lax, 12 hours), so a
        tester opens one link on a phone. Default ``"/__maintenance/"``.
    :param web_acl: an existing CLOUDFRONT web ACL to append the rule(s) and bodies to; its
        default action and other rules are left alone. Default: a new web ACL is created.
    {priority}
    :param rule_name: the name of the rule, its metric and its response body key (the browser
        ones add ``-browser``). Default ``"Maintenance"``.
    {enabled}
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        allowed_cidrs: Sequence[str] = (),
        response: MaintenanceResponse | None = None,
        browser_response: MaintenanceResponse | None = None,
        bypass_paths: Sequence[str] = (),
        bypass_token: str | BypassTokenParameter | None = None,
        methods: Sequence[str] | None = None,
        paths: Sequence[str] | None = None,
        bypass_link_prefix: str = "/__maintenance/",
        web_acl: wafv2.CfnWebACL | None = None,
        priority: int = 10,
        rule_name: str = "Maintenance",
        enabled: bool | None = None,
    ) -> None:
        super().__init__(
            scope,
            id,
            waf_scope="CLOUDFRONT",
            allowed_cidrs=allowed_cidrs,
            response=response,
            browser_response=browser_response,
            bypass_paths=bypass_paths,
            bypass_token=bypass_token,
            methods=methods,
            paths=paths,
            bypass_link_prefix=bypass_link_prefix,
            web_acl=web_acl,
            priority=priority,
            rule_name=rule_name,
            enabled=enabled,
        )

    def _check_location(self) -> None:
        region = Stack.of(self).region
        if Token.is_unresolved(region):
            Annotations.of(self).add_warning_v2(
                warning_id("cloudFrontRegionUnknown"),
                "The stack's region is not set at synth time, but a CLOUDFRONT web ACL and its "
                "IP sets must be created in us-east-1. Give this stack "
                "env=cdk.Environment(region='us-east-1') (a separate edge stack, with "
                "cross_region_references=True if another region's stack reads the ARN).",
            )
        elif region != "us-east-1":
            raise MaintenanceConfigError(
                f"region: the stack {Stack.of(self).node.path} is in {region!r}, but a "
                "CLOUDFRONT web ACL must be created in us-east-1. Put CloudFrontMaintenance in "
                "a us-east-1 stack next to (or holding) the distribution; use "
                "cross_region_references=True to pass the ARN to a stack elsewhere."
            )
