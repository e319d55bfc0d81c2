"""The resources a REGIONAL web ACL can be associated with, from their ARNs: parsed into
partition, service, region, account and resource, and compared with the AWS WAF developer
guide's list of regional resources (Application Load Balancer, API Gateway REST API stage,
AppSync GraphQL API, Cognito user pool, App Runner service, Verified Access instance, Bedrock
AgentCore gateway). Amplify apps, also on that list, take a web ACL of the CLOUDFRONT scope.

An ARN is read as literal text with holes: the deploy-time values in it (``Stack.format_arn``
puts the partition, often the region and account, there; ``api.api_id`` is one too). What the
literal text decides is decided (the service, a resource part that starts ``/apis/``); what a
hole could change is left alone. The ARN of a resource the app defines is one hole until deploy
time; for those the resource itself is inspected (its type, a load balancer's type, its stack's
region). An ARN that is one opaque token at construction (``Fn.join``, a lazy value) is read
again when the app synthesizes, from the CloudFormation expression it resolves to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import CfnResource, Reference, Stack, Token

from ..errors import MaintenanceConfigError
from .arn_text import HOLE, expression_shape, pieces, shown_and_shape

__all__ = ["Arn", "check_resource_arn", "parse_arn", "synth_time_errors"]

_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
    r"(?P<account>\d*):(?P<resource>.+)"
)
_SHAPE = re.compile(
    rf"arn:(?P<partition>aws[a-z-]*|{HOLE}):(?P<service>[a-z0-9-]+):"
    rf"(?P<region>[a-z0-9-]*|{HOLE}):(?P<account>\d*|{HOLE}):(?P<resource>.+)",
    re.DOTALL,
)
"""An ARN with holes (see :mod:`.arn_text`) in the partition, region or account."""


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
EXECUTE_API = (
    "an execute-api ARN (what arn_for_execute_api() returns: the methods a caller may invoke, "
    "for IAM and Lambda permissions)"
)
HTTP_API = "an HTTP or WebSocket API (API Gateway v2)"
_REFUSED: tuple[tuple[str, str, str], ...] = (
    ("elasticloadbalancing", r"loadbalancer/net/.*", "a Network Load Balancer"),
    ("elasticloadbalancing", r"loadbalancer/gwy/.*", "a Gateway Load Balancer"),
    ("elasticloadbalancing", r"loadbalancer/[^/]+", "a Classic Load Balancer"),
    ("elasticloadbalancing", r"listener/.*", "a listener"),
    ("elasticloadbalancing", r"listener-rule/.*", "a listener rule"),
    ("elasticloadbalancing", r"targetgroup/.*", "a target group"),
    ("apigateway", r"/apis/.*", HTTP_API),
    ("apigateway", r"/restapis/[^/]+", "a REST API without its stage"),
    ("execute-api", r".*", EXECUTE_API),
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
    HTTP_API: (
        "AWS WAF cannot protect HTTP APIs: a regional web ACL associates only with REST API "
        "stages. Put CloudFront in front of the API and use CloudFrontMaintenance on that "
        "distribution"
    ),
    EXECUTE_API: (
        "for a REST API pass its stage, api.deployment_stage.stage_arn "
        "(arn:aws:apigateway:<region>::/restapis/<id>/stages/<stage>); an HTTP or WebSocket "
        "API cannot take a web ACL at all: put CloudFront in front of it and use "
        "CloudFrontMaintenance on that distribution"
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


def _decisive_prefix(pattern: str) -> str | None:
    """The literal start that decides a refused pattern of the form ``literal.*`` (None for
    a pattern that only the whole resource decides, e.g. ``loadbalancer/[^/]+``)."""
    head = pattern.removesuffix(".*")
    if head == pattern or any(c in head for c in ".^$*+?{}[]\\|()"):
        return None
    return head


def _refusal(arn: str, what: str, *, advice_for: str = "") -> MaintenanceConfigError:
    advice = _ADVICE.get(advice_for or what, f"pass the ARN of {_ACCEPTED_TEXT}")
    return MaintenanceConfigError(
        f"resource_arns: {arn!r} is {what}, which a regional web ACL cannot be associated "
        f"with; {advice}."
    )


def _not_an_arn(shown: str) -> MaintenanceConfigError:
    return MaintenanceConfigError(
        f"resource_arns: {shown!r} is not an ARN (arn:partition:service:region:account:"
        f"resource); pass the ARN of {_ACCEPTED_TEXT}, e.g. alb.load_balancer_arn or "
        "api.deployment_stage.stage_arn."
    )


def _whitespace_error(shown: str, text: str) -> MaintenanceConfigError | None:
    """An ARN has no whitespace; around it, it is what a file or a shell left there."""
    if text != text.strip():
        return MaintenanceConfigError(
            f"resource_arns: {shown!r} has whitespace around it (what read_text() or a shell "
            "command leaves), which no ARN has, so the association would fail at deploy; "
            "strip it, e.g. arn.strip()."
        )
    if re.search(r"\s", text):
        return _not_an_arn(shown)
    return None


def _refused_what(shape: str) -> str | None:
    """What a parsed ARN shape is when a regional web ACL cannot be associated with it, as
    far as its literal text decides; None when it is accepted or its holes could make it so."""
    match = _SHAPE.fullmatch(shape)
    assert match is not None
    service, resource = match["service"], match["resource"]
    if HOLE in resource:
        # Only the literal start is known: refused when it decides a refused pattern, or when
        # the service has no resource a web ACL takes.
        known = resource.split(HOLE, 1)[0]
        for refused_service, pattern, what in _REFUSED:
            prefix = _decisive_prefix(pattern)
            if refused_service == service and prefix is not None and known.startswith(prefix):
                return what
        return None if service in _ACCEPTED else f"a resource of {service}"
    if any(re.fullmatch(p, resource) for p, _ in _ACCEPTED.get(service, ())):
        return None
    return next(
        (
            what
            for refused_service, pattern, what in _REFUSED
            if refused_service == service and re.fullmatch(pattern, resource)
        ),
        f"a resource of {service}",
    )


def _shape_error(
    shown: str, shape: str, region: str | None, *, v2_api: str = ""
) -> MaintenanceConfigError | None:
    """What is wrong with an ARN, from its shape (literal text, ``HOLE`` for each deploy-time
    value); None when nothing is, or when the holes could make it right. ``v2_api`` names the
    HTTP or WebSocket API the ARN's holes refer to ("the HTTP API Api/Http")."""
    error = _whitespace_error(shown, shape)
    if error is not None:
        return error
    match = _SHAPE.fullmatch(shape)
    if match is None:
        # One token for the whole ARN, or for several of its fields, may be anything.
        return None if HOLE in shape else _not_an_arn(shown)
    what = _refused_what(shape)
    if what == EXECUTE_API and v2_api:
        return _refusal(shown, f"the execute-api ARN of {v2_api}", advice_for=HTTP_API)
    if what is not None:
        return _refusal(shown, what)
    arn_region = match["region"]
    if region and arn_region and HOLE not in arn_region and arn_region != region:
        return MaintenanceConfigError(
            f"resource_arns: {shown!r} is in {arn_region}, but this stack (and so its web "
            f"ACL, scope REGIONAL) is in {region}; a web ACL protects resources of its own "
            "region: put RegionalMaintenance in a stack of that region."
        )
    return None


def _check_app_resource(arn: str, target: CfnResource, stack: Stack) -> None:
    """An ARN token of a resource the app defines: its type, and its stack's region."""
    kind = target.cfn_resource_type
    if kind.startswith("AWS::ApiGatewayV2::"):
        raise _refusal(f"{target.node.path} ({kind})", HTTP_API)
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


def _referenced_v2_api(found: Sequence[tuple[str, Any]]) -> str:
    """An HTTP or WebSocket API that a token of the ARN refers to ("the HTTP API Api/Http"),
    or ''."""
    for _, token in found:
        target = token.target if isinstance(token, Reference) else None
        if isinstance(target, CfnResource) and target.cfn_resource_type.startswith(
            "AWS::ApiGatewayV2::"
        ):
            protocol = Stack.of(target).resolve(getattr(target, "protocol_type", None))
            kind = "WebSocket API" if protocol == "WEBSOCKET" else "HTTP API"
            scope = target.node.scope
            named = scope if target.node.id == "Resource" and scope is not None else target
            return f"the {kind} {named.node.path}"
    return ""


def check_resource_arn(arn: object, stack: Stack) -> str:
    """``arn`` if a REGIONAL web ACL of ``stack`` can be associated with it; else refused with
    what it is and the front door that works. An ARN with deploy-time values in it is refused
    when its literal text decides (see the module's doc)."""
    if not isinstance(arn, str):
        raise MaintenanceConfigError(
            f"resource_arns: {arn!r} is not an ARN string; pass e.g. alb.load_balancer_arn or "
            "api.deployment_stage.stage_arn."
        )
    region = None if Token.is_unresolved(stack.region) else stack.region
    found, shown, shape = shown_and_shape(arn, stack)
    error = _shape_error(shown, shape, region, v2_api=_referenced_v2_api(found))
    if error is not None:
        raise error
    if len(found) == 1 and isinstance(found[0][1], Reference):
        target = found[0][1].target
        if isinstance(target, CfnResource):
            _check_app_resource(arn, target, stack)
    return arn


def synth_time_errors(arns: Sequence[str], stack: Stack) -> list[str]:
    """What the app's tree decides about ARNs that were one opaque token at construction
    (``Fn.join(...)``, a lazy value): their CloudFormation expressions, read as shapes."""
    errors = []
    region = None if Token.is_unresolved(stack.region) else stack.region
    for arn in arns:
        found = pieces(arn)
        if len(found) != 1 or found[0][1] is None or isinstance(found[0][1], Reference):
            continue  # literal text, text with holes, or an app resource: decided already
        shape, shown = expression_shape(stack.resolve(arn))
        error = _shape_error(shown, shape, region)
        if error is not None:
            errors.append(str(error))
    return errors
