"""RegionalMaintenance: the maintenance rule in a WAFv2 web ACL of scope REGIONAL, associated
with an ALB, an API Gateway REST API stage, an AppSync API or a Cognito user pool."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jsii
from aws_cdk import Stack
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct, IValidation

from ..alb.listener_rules import alb_peers
from ..behind_cloudfront import warn_if_behind_cloudfront
from ..bypass_token import BypassTokenParameter
from ..cfn import resources_by_type
from ..errors import MaintenanceConfigError
from ..parameters import document_shared_parameters
from ..response import MaintenanceResponse
from .base import WafMaintenance
from .regional_arns import check_resource_arn, synth_time_errors

__all__ = ["RegionalMaintenance"]

ASSOCIATION = "AWS::WAFv2::WebACLAssociation"
LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"
DISTRIBUTION = "AWS::CloudFront::Distribution"


@document_shared_parameters("waf")
class RegionalMaintenance(WafMaintenance):
    """A WAF rule that blocks everyone but the allowlist with a maintenance response, in a web
    ACL of scope REGIONAL (the stack's own region) associated with each resource.

    It gives an ALB what a listener rule cannot (``Retry-After`` and other headers, bodies up
    to 4 KB, 10,000 addresses per IP set) and brings API Gateway REST APIs, AppSync APIs and
    Cognito user pools into maintenance with the same toggle. The web ACL (default action
    allow), the IP sets, the response bodies and the associations exist in both states;
    toggling changes only the web ACL's ``Rules``.

    :param resource_arns: the ARNs to associate the web ACL with: ``alb.load_balancer_arn``,
        ``api.deployment_stage.stage_arn``, an AppSync API's ARN, a user pool's ARN. At least
        one, unless ``web_acl`` is given. A resource can have one web ACL: when the app already
        associates one, pass it as ``web_acl`` and leave the resource out (default: none).
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
    :param web_acl: an existing REGIONAL web ACL to append the rule(s) and bodies to; its
        default action, other rules and associations are left alone, and it is associated only
        with ``resource_arns``. Default: a new web ACL is created.
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
        resource_arns: Sequence[str] = (),
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
        arns = _resource_arns(resource_arns, Stack.of(scope), existing=web_acl is not None)
        super().__init__(
            scope,
            id,
            waf_scope="REGIONAL",
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
        self.associations: list[wafv2.CfnWebACLAssociation] = [
            wafv2.CfnWebACLAssociation(
                self, f"Association{index}", resource_arn=arn, web_acl_arn=self.web_acl_arn
            )
            for index, arn in enumerate(arns, start=1)
        ]
        """One association per resource, present in both states."""
        self.node.add_validation(_OneWebAclPerResource(self))


def _resource_arns(value: Any, stack: Stack, *, existing: bool) -> list[str]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not (value or existing):
        raise MaintenanceConfigError(
            f"resource_arns: received {value!r}; pass a non-empty list of ARNs, e.g. "
            "[alb.load_balancer_arn] or [api.deployment_stage.stage_arn], or the web ACL the "
            "app already associates with them as web_acl= (then no association is needed)."
        )
    arns: list[str] = []
    for arn in value:
        check_resource_arn(arn, stack)
        if arn in arns:
            raise MaintenanceConfigError(
                f"resource_arns: {arn!r} is listed twice; a resource has one association."
            )
        arns.append(arn)
    return arns


@jsii.implements(IValidation)
class _OneWebAclPerResource:
    """A resource takes one web ACL: refuse another association of the same ARN. Refuse an
    ARN that only the synthesized expression shows to be wrong (``Fn.join``, a lazy value).
    Warn when a load balancer of ``resource_arns`` is a CloudFront origin."""

    def __init__(self, owner: RegionalMaintenance) -> None:
        self.owner = owner

    def validate(self) -> list[str]:
        owner = self.owner
        arns = {a.resource_arn for a in owner.associations}
        mine = {a.node.path for a in owner.associations}
        found = resources_by_type(owner.node.root, ASSOCIATION, LOAD_BALANCER, DISTRIBUTION)
        errors = synth_time_errors([a.resource_arn for a in owner.associations], Stack.of(owner))
        for association in found[ASSOCIATION]:
            assert isinstance(association, wafv2.CfnWebACLAssociation)
            if association.resource_arn not in arns or association.node.path in mine:
                continue
            if association.web_acl_arn == owner.web_acl_arn:
                advice = "this web ACL already; drop that resource from resource_arns"
            else:
                advice = (
                    "another web ACL, and a resource takes one: pass that web ACL as web_acl= "
                    "(the maintenance rule is appended to it) and drop one of the associations"
                )
            errors.append(
                f"resource_arns: {association.node.path} associates the same resource with "
                f"{advice}."
            )
        errors += self._layers(arns)
        self._warn_behind_cloudfront(found[LOAD_BALANCER], found[DISTRIBUTION], arns)
        return errors

    def _layers(self, arns: set[str]) -> list[str]:
        """An AlbMaintenance on a listener of a load balancer this web ACL protects is a
        second maintenance layer on one front door."""
        errors = []
        for alb in alb_peers(self.owner.node.root):
            load_balancer = getattr(alb.listener, "load_balancer", None)
            if load_balancer is not None and load_balancer.load_balancer_arn in arns:
                errors.append(
                    f"resource_arns: the load balancer {load_balancer.node.path} also has "
                    f"maintenance rules on its listener from {alb.node.path}. Two maintenance "
                    "layers on one front door intersect: each blocks what the other lets "
                    "through (its allowlist, bypass token and bypass paths), so nobody gets in. "
                    "Keep one: AlbMaintenance on the listener, or RegionalMaintenance (WAF) on "
                    "the load balancer, with both allowlists."
                )
        return errors

    def _warn_behind_cloudfront(
        self, load_balancers: Sequence[Any], distributions: Sequence[Any], arns: set[str]
    ) -> None:
        for load_balancer in load_balancers:
            if load_balancer.ref in arns:
                warn_if_behind_cloudfront(
                    self.owner,
                    load_balancer,
                    load_balancer.attr_dns_name,
                    distributions,
                    "its regional web ACL",
                )
