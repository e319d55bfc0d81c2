"""The resources a REGIONAL web ACL can be associated with, from their ARNs: parsed into
partition, service, region, account and resource, and compared with the AWS WAF developer
guide's list of regional resources (Application Load Balancer, API Gateway REST API stage,
AppSync GraphQL API, Cognito user pool, App Runner service, Verified Access instance, Bedrock
AgentCore gateway). Amplify apps, also on that list, take a web ACL of the CLOUDFRONT scope.

The ARN of a resource the app defines is a token until deploy time; for those the resource
itself is inspected (its type, a load balancer's type, its stack's region).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from aws_cdk import CfnResource, Reference, Stack, Token, Tokenization

from ..errors import MaintenanceConfigError

__all__ = ["Arn", "check_resource_arn", "parse_arn"]

_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
    r"(?P<account>\d*):(?P<resource>.+)"
)


@dataclass(frozen=True)
class Arn:
    """An ARN in its parts."""

    partition: str
    service: str
    region: str
    account: str
    resource: str


def parse_arn(text: str) -> Arn | None:
    """The parts of an ARN; None when ``text`` is not one."""
    match = _ARN.fullmatch(text)
    if match is None:
        return None
    return Arn(**{k: v or "" for k, v in match.groupdict().items()})


# service -> (resource pattern, what it is); the first pattern that matches decides.
_ACCEPTED: Mapping[str, tuple[tuple[str, str], ...]] = {
    "elasticloadbalancing": ((r"loadbalancer/app/[^/]+/[^/]+", "an Application Load Balancer"),),
    "apigateway": ((r"/restapis/[^/]+/stages/[^/]+", "an API Gateway REST API stage"),),
    "appsync": ((r"apis/[^/]+", "an AppSync GraphQL API"),),
    "cognito-idp": ((r"userpool/[^/]+", "a Cognito user pool"),),
    "apprunner": ((r"service/[^/]+/[^/]+", "an App Runner service"),),
    "ec2": ((r"verified-access-instance/[^/]+", "a Verified Access instance"),),
    "bedrock-agentcore": ((r"gateway/.+", "a Bedrock AgentCore gateway"),),
}
_REFUSED: tuple[tuple[str, str, str], ...] = (
    ("elasticloadbalancing", r"loadbalancer/net/.*", "a Network Load Balancer"),
    ("elasticloadbalancing", r"loadbalancer/gwy/.*", "a Gateway Load Balancer"),
    ("elasticloadbalancing", r"loadbalancer/[^/]+", "a Classic Load Balancer"),
    ("elasticloadbalancing", r"listener/.*", "a listener"),
    ("elasticloadbalancing", r"listener-rule/.*", "a listener rule"),
    ("elasticloadbalancing", r"targetgroup/.*", "a target group"),
    ("apigateway", r"/apis/.*", "an HTTP or WebSocket API (API Gateway v2)"),
    ("apigateway", r"/restapis/[^/]+", "a REST API without its stage"),
    ("ec2", r"instance/.*", "an EC2 instance"),
    ("amplify", r".*", "an Amplify app"),
    ("cloudfront", r".*", "a CloudFront resource"),
)
_ACCEPTED_TEXT = (
    "an Application Load Balancer, an API Gateway REST API stage, an AppSync GraphQL API, a "
    "Cognito user pool, an App Runner service, a Verified Access instance or a Bedrock "
    "AgentCore gateway"
)
_ADVICE: Mapping[str, str] = {
    "an HTTP or WebSocket API (API Gateway v2)": (
        "AWS WAF cannot protect HTTP APIs: a regional web ACL associates only with REST API "
        "stages. Put CloudFront in front of the API and use CloudFrontMaintenance on that "
        "distribution"
    ),
    "a REST API without its stage": (
        "a web ACL is associated with a stage: pass api.deployment_stage.stage_arn"
    ),
    "a Network Load Balancer": (
        "a web ACL protects Application Load Balancers only; put CloudFront in front of it "
        "and use CloudFrontMaintenance"
    ),
    "a listener": "pass the load balancer's ARN (alb.load_balancer_arn)",
    "a listener rule": "pass the load balancer's ARN (alb.load_balancer_arn)",
    "a target group": "pass the load balancer's ARN (alb.load_balancer_arn)",
    "a CloudFront resource": (
        "a CloudFront distribution takes a web ACL of the CLOUDFRONT scope: use "
        "CloudFrontMaintenance"
    ),
    "an Amplify app": (
        "AWS WAF associates Amplify apps with a web ACL of the CLOUDFRONT scope (in "
        "us-east-1): use CloudFrontMaintenance's web ACL for it"
    ),
}


def _refusal(arn: str, what: str) -> MaintenanceConfigError:
    advice = _ADVICE.get(what, f"pass the ARN of {_ACCEPTED_TEXT}")
    return MaintenanceConfigError(
        f"resource_arns: {arn!r} is {what}, which a regional web ACL cannot be associated "
        f"with; {advice}."
    )


def _check_literal(arn: str, region: str | None) -> None:
    parts = parse_arn(arn)
    if parts is None:
        raise MaintenanceConfigError(
            f"resource_arns: {arn!r} is not an ARN (arn:partition:service:region:account:"
            f"resource); pass the ARN of {_ACCEPTED_TEXT}, e.g. alb.load_balancer_arn or "
            "api.deployment_stage.stage_arn."
        )
    accepted = next(
        (
            what
            for pattern, what in _ACCEPTED.get(parts.service, ())
            if re.fullmatch(pattern, parts.resource)
        ),
        None,
    )
    if accepted is None:
        refused = next(
            (
                what
                for service, pattern, what in _REFUSED
                if service == parts.service and re.fullmatch(pattern, parts.resource)
            ),
            f"a resource of {parts.service}",
        )
        raise _refusal(arn, refused)
    if region and parts.region and parts.region != region:
        raise MaintenanceConfigError(
            f"resource_arns: {arn!r} is in {parts.region}, but this stack (and so its web "
            f"ACL, scope REGIONAL) is in {region}; a web ACL protects resources of its own "
            "region: put RegionalMaintenance in a stack of that region."
        )


def _check_app_resource(arn: str, target: CfnResource, stack: Stack) -> None:
    """An ARN token of a resource the app defines: its type, and its stack's region."""
    kind = target.cfn_resource_type
    if kind.startswith("AWS::ApiGatewayV2::"):
        raise _refusal(f"{target.node.path} ({kind})", "an HTTP or WebSocket API (API Gateway v2)")
    if kind == "AWS::ElasticLoadBalancingV2::LoadBalancer":
        balancer_type = Stack.of(target).resolve(getattr(target, "type", None))
        other = {"network": "a Network Load Balancer", "gateway": "a Gateway Load Balancer"}
        if balancer_type in other:
            raise _refusal(f"{target.node.path} ({kind})", other[balancer_type])
    theirs, ours = Stack.of(target).region, stack.region
    if not Token.is_unresolved(theirs) and not Token.is_unresolved(ours) and theirs != ours:
        raise MaintenanceConfigError(
            f"resource_arns: {target.node.path} is in {theirs}, but this stack (and so its web "
            f"ACL, scope REGIONAL) is in {ours}; a web ACL protects resources of its own "
            "region: put RegionalMaintenance in a stack of that region."
        )


def check_resource_arn(arn: object, stack: Stack) -> str:
    """``arn`` if a REGIONAL web ACL of ``stack`` can be associated with it; else refused with
    what it is and the front door that works."""
    if not isinstance(arn, str):
        raise MaintenanceConfigError(
            f"resource_arns: {arn!r} is not an ARN string; pass e.g. alb.load_balancer_arn or "
            "api.deployment_stage.stage_arn."
        )
    if not Token.is_unresolved(arn):
        region = None if Token.is_unresolved(stack.region) else stack.region
        _check_literal(arn, region)
        return arn
    fragments = Tokenization.reverse_string(arn)
    token = fragments.first_token if fragments.length == 1 else None
    target = token.target if isinstance(token, Reference) else None
    if isinstance(target, CfnResource):
        _check_app_resource(arn, target, stack)
    return arn
