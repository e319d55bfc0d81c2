#!/usr/bin/env python3
"""Example app: four front doors, each with its maintenance construct.

* ``MaintenanceAlbExample`` (ALB as the interface): VPC without NAT gateways, internet-facing
  ALB, a listener whose default action answers 404, blue/green target groups, the app rule at
  priority 100 for ``example.com`` and ``AlbMaintenance`` at priority 10 (its rules keep to the
  priorities 10..99); and an admin listener on port 8080, reached by the load balancer's DNS
  name, whose ``AlbMaintenance`` has no host names and covers every request.
* ``MaintenanceCloudFrontExample`` (CloudFront as the interface, us-east-1): a distribution in
  front of its own HTTP origin, with ``CloudFrontMaintenance`` in its web ACL.
* ``MaintenanceRegionalExample`` (a regional front door): an API Gateway REST API whose stage
  is associated with the REGIONAL web ACL of ``RegionalMaintenance``.
* ``MaintenanceFunctionExample`` (CloudFront, switched in seconds, us-east-1): a distribution
  whose behaviors run the viewer-request function of ``CloudFrontFunctionMaintenance``, with a
  scheduled window; ``maintenance-constructs switch on|off`` flips it without a deploy.

Toggle with ``npx cdk synth -c maintenance=true``. The allowlist comes from the context key
``office_cidrs`` (a JSON list in cdk.json, or a comma-separated string with -c); by default the
documentation ranges 203.0.113.0/24 and 2001:db8::/48.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from constructs import Construct

from maintenance_constructs import (
    READ_ONLY,
    AlbMaintenance,
    BypassTokenParameter,
    CloudFrontFunctionMaintenance,
    CloudFrontMaintenance,
    MaintenanceResponse,
    MaintenanceWindow,
    RegionalMaintenance,
)

OFFICE_CIDRS_CONTEXT_KEY = "office_cidrs"
DEFAULT_OFFICE_CIDRS = ("203.0.113.0/24", "2001:db8::/48")
APP_HOST = "example.com"
MAINTENANCE_BODY = {
    "code": "service_unavailable",
    "hint": "現在メンテナンス中です。",  # "under maintenance"
}
EDGE_MAINTENANCE_BODY = {
    "code": "service_unavailable",
    "hint": "現在システムのメンテナンス中です。",  # "the system is under maintenance"
}


MAINTENANCE_PAGE = MaintenanceResponse.page(
    title="メンテナンス中",
    message="現在メンテナンス中です。",  # "under maintenance"
    lang="ja",
    status_url="https://status.example.com",
)


BYPASS_TOKEN = BypassTokenParameter("/maintenance/bypass-token")
"""The operator bypass token, kept in an SSM String parameter (out of the code). The stacks
read it only while maintenance is on, so deploying without maintenance needs no parameter;
create it before the first deploy with maintenance on (synthesis needs no access to it)."""


EXAMPLE_DISTRIBUTION_FINDINGS = {
    "AwsSolutions-CFR1": "Example distribution for a worldwide audience: no geo restriction.",
    "AwsSolutions-CFR3": "Example distribution; access logs need a log bucket the example does "
    "not own.",
    "AwsSolutions-CFR4": "Example uses the default CloudFront certificate, which fixes the viewer "
    "TLS policy; a custom domain and certificate set TLSv1.2_2021.",
}
"""cdk-nag findings on the example distributions, acknowledged with why."""


def office_cidrs(scope: Construct) -> list[str]:
    """The allowlist from context: a JSON list, or a comma-separated string from ``-c``."""
    value = scope.node.try_get_context(OFFICE_CIDRS_CONTEXT_KEY)
    if value is None:
        return list(DEFAULT_OFFICE_CIDRS)
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return list(value)


def acknowledge(scope: Construct, reasons: Mapping[str, str]) -> None:
    """Acknowledge cdk-nag (AwsSolutions) findings on the example's own resources, with why."""
    cdk.Validations.of(scope).acknowledge(
        *(
            cdk.Acknowledgment(id=f"AwsSolutions::{rule}", reason=why)
            for rule, why in reasons.items()
        )
    )


class AlbExampleStack(cdk.Stack):
    """ALB as the interface: clients reach the load balancer directly.

    ``include_maintenance=False`` builds the same stack without ``AlbMaintenance`` (used to prove
    that the construct, while off, adds nothing). ``availability_zones`` is for environments with
    an account, where CDK would otherwise look the zones up.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        env: cdk.Environment | None = None,
        include_maintenance: bool = True,
        availability_zones: Sequence[str] | None = None,
    ) -> None:
        super().__init__(scope, id, env=env)
        # Explicit zones keep synthesis offline when env has an account (no AZ lookup).
        vpc = ec2.Vpc(
            self,
            "Vpc",
            nat_gateways=0,
            max_azs=None if availability_zones else 2,
            availability_zones=list(availability_zones) if availability_zones else None,
        )
        alb = elbv2.ApplicationLoadBalancer(self, "Alb", vpc=vpc, internet_facing=True)
        acknowledge(
            vpc,
            {
                "AwsSolutions-VPC7": "Example VPC without workloads; flow logs are the "
                "application team's choice and unrelated to maintenance rules.",
            },
        )
        acknowledge(
            alb,
            {
                "AwsSolutions-ELB2": "Example ALB; access logs need a log bucket the example "
                "does not own.",
                "AwsSolutions-EC23": "An internet-facing ALB must accept 0.0.0.0/0 and ::/0 on "
                "its listener port; the allowlist is enforced by the maintenance rules.",
            },
        )
        listener = alb.add_listener(
            "Http",
            port=80,
            default_action=elbv2.ListenerAction.fixed_response(404, content_type="text/plain"),
        )
        # Blue/green target groups, as for an ECS service deployed with CodeDeploy.
        blue, green = (self._service_group(name, vpc) for name in ("Blue", "Green"))
        listener.add_target_groups(
            "App",
            priority=110,
            conditions=[elbv2.ListenerCondition.host_headers([APP_HOST])],
            target_groups=[blue],
        )
        self.green = green
        # The API is a service of its own, routed by path (added after the maintenance
        # construct below: the maintenance rules copy it all the same).
        api_group = self._service_group("Api", vpc)
        # An admin console on port 8080, reached by the load balancer's DNS name (no host
        # names): its listener forwards by default, as ecs_patterns services do.
        admin_group = self._service_group("Admin", vpc, port=8080)
        admin = alb.add_listener(
            "Admin",
            port=8080,
            protocol=elbv2.ApplicationProtocol.HTTP,
            default_action=elbv2.ListenerAction.forward([admin_group]),
        )
        self.maintenance: AlbMaintenance | None = None
        self.admin_maintenance: AlbMaintenance | None = None
        if include_maintenance:
            self.maintenance = self._maintenance(listener)
        # The API, routed by path ahead of the site's host rule: added after the maintenance
        # construct, and its rules copy it all the same.
        listener.add_target_groups(
            "Api",
            priority=100,
            conditions=[
                elbv2.ListenerCondition.host_headers([APP_HOST]),
                elbv2.ListenerCondition.path_patterns(["/api/*"]),
            ],
            target_groups=[api_group],
        )
        if include_maintenance:
            # Without host_headers the rules cover every request on the listener, whatever
            # the host: the office still reaches the console, everyone else gets the 503.
            self.admin_maintenance = AlbMaintenance(
                self,
                "AdminMaintenance",
                listener=admin,
                allowed_cidrs=office_cidrs(self),
                target_groups=[admin_group],
            )

    def _service_group(
        self, name: str, vpc: ec2.IVpc, port: int = 80
    ) -> elbv2.ApplicationTargetGroup:
        """The target group of a service (IP targets, as ECS tasks), health-checked on
        /health."""
        return elbv2.ApplicationTargetGroup(
            self,
            name,
            vpc=vpc,
            port=port,
            target_type=elbv2.TargetType.IP,
            health_check=elbv2.HealthCheck(path="/health"),
        )

    def _maintenance(self, listener: elbv2.ApplicationListener) -> AlbMaintenance:
        return AlbMaintenance(
            self,
            "Maintenance",
            listener=listener,
            host_headers=[APP_HOST],
            allowed_cidrs=office_cidrs(self),
            # No target_groups: allowed requests are routed exactly as the app's rules route
            # them (/api/* to the API, the rest of the host to blue, anything else the 404).
            priority=10,
            response=MaintenanceResponse.json(MAINTENANCE_BODY),
            # Browsers get a page people would ship, small enough for an ALB fixed response.
            browser_response=MAINTENANCE_PAGE,
            bypass_paths=["/health"],
            # People fixing things get in from anywhere with the token (header or cookie).
            bypass_token=BYPASS_TOKEN,
        )


class CloudFrontExampleStack(cdk.Stack):
    """CloudFront as the interface: the WAF web ACL sees the viewer's address.

    ``include_maintenance=False`` builds the distribution without a web ACL.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        env: cdk.Environment | None = None,
        include_maintenance: bool = True,
    ) -> None:
        super().__init__(scope, id, env=env)
        self.maintenance = (
            CloudFrontMaintenance(
                self,
                "Maintenance",
                allowed_cidrs=office_cidrs(self),
                response=MaintenanceResponse.json(EDGE_MAINTENANCE_BODY, retry_after=600),
                bypass_paths=["/health"],
                # Testers open /__maintenance/<token> once: a 302 sets the bypass cookie.
                bypass_token=BYPASS_TOKEN,
                priority=10,
            )
            if include_maintenance
            else None
        )
        distribution = cloudfront.Distribution(
            self,
            "Cdn",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.HttpOrigin(
                    "origin.example.com",
                    protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
                ),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            ),
            web_acl_id=self.maintenance.web_acl_arn if self.maintenance else None,
        )
        self.url_output = cdk.CfnOutput(
            self,
            "Url",
            value=f"https://{distribution.domain_name}/",
            description="The front door: `maintenance-constructs check <Url>` probes it",
        )
        """The distribution's URL, in both states (a pipeline's check step reads it)."""
        acknowledge(
            distribution,
            EXAMPLE_DISTRIBUTION_FINDINGS,
        )


SPA_REWRITE = """function handler(event) {
    var request = event.request;
    if (request.uri.endsWith('/')) {
        request.uri += 'index.html';
    } else if (!request.uri.includes('.')) {
        request.uri += '/index.html';
    }
    return request;
}
"""
"""The docs site's single-page-app rewrite (cloudfront-js-1.0, as aws-samples write it)."""


class FunctionExampleStack(cdk.Stack):
    """CloudFront switched at run time: a viewer-request CloudFront Function and its
    KeyValueStore on every behavior of the distribution.

    ``include_maintenance=False`` builds the distribution without the function.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        env: cdk.Environment | None = None,
        include_maintenance: bool = True,
    ) -> None:
        super().__init__(scope, id, env=env)
        origin = origins.HttpOrigin(
            "origin.example.com", protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY
        )
        distribution = cloudfront.Distribution(
            self,
            "Cdn",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origin,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            ),
        )
        distribution.add_behavior(
            "/api/*",
            origin,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
        )
        # The docs site is a single-page app with its own viewer-request rewrite: the construct
        # keeps it, running it after the maintenance code for every request that passes.
        distribution.add_behavior(
            "/docs/*",
            origin,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            function_associations=[
                cloudfront.FunctionAssociation(
                    function=cloudfront.Function(
                        self, "DocsRewrite", code=cloudfront.FunctionCode.from_inline(SPA_REWRITE)
                    ),
                    event_type=cloudfront.FunctionEventType.VIEWER_REQUEST,
                )
            ],
        )
        self.maintenance = (
            CloudFrontFunctionMaintenance(
                self,
                "Maintenance",
                distribution=distribution,
                allowed_cidrs=office_cidrs(self),
                response=MaintenanceResponse.json(EDGE_MAINTENANCE_BODY, retry_after=600),
                browser_response=MAINTENANCE_PAGE,
                bypass_paths=["/health"],
                bypass_token=BYPASS_TOKEN,
                windows=[PLANNED_WINDOW],
            )
            if include_maintenance
            else None
        )
        acknowledge(
            distribution,
            {
                **EXAMPLE_DISTRIBUTION_FINDINGS,
                "AwsSolutions-CFR2": "This front door answers maintenance with a CloudFront "
                "Function instead of a WAF web ACL.",
            },
        )


class RegionalExampleStack(cdk.Stack):
    """A regional front door: an API Gateway REST API whose stage carries a REGIONAL web ACL.

    ``include_maintenance=False`` builds the API without a web ACL.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        env: cdk.Environment | None = None,
        include_maintenance: bool = True,
    ) -> None:
        super().__init__(scope, id, env=env)
        api = apigw.RestApi(
            self,
            "Api",
            deploy_options=apigw.StageOptions(stage_name="prod"),
            cloud_watch_role=False,
        )
        answer = apigw.MockIntegration(
            integration_responses=[apigw.IntegrationResponse(status_code="200")],
            request_templates={"application/json": '{"statusCode": 200}'},
        )
        responses = [apigw.MethodResponse(status_code="200")]
        api.root.add_method("GET", answer, method_responses=responses)
        api.root.add_resource("health").add_method("GET", answer, method_responses=responses)
        acknowledge(
            api,
            {
                "AwsSolutions-APIG1": "Example API; access logs need a log group the example "
                "does not own.",
                "AwsSolutions-APIG2": "Mock integration without a request body to validate.",
                "AwsSolutions-APIG4": "Public example API; authorization is the application's "
                "choice and unrelated to maintenance.",
                "AwsSolutions-APIG6": "Example stage; execution logging is the application's "
                "choice.",
                "AwsSolutions-COG4": "Public example API without a Cognito authorizer.",
            },
        )
        self.maintenance = (
            RegionalMaintenance(
                self,
                "Maintenance",
                resource_arns=[api.deployment_stage.stage_arn],
                allowed_cidrs=office_cidrs(self),
                # Read-only maintenance (a database migration): reads keep working, writes get
                # the 503, and the body says that only writes are unavailable.
                methods=READ_ONLY,
                response=MaintenanceResponse.json(
                    {**MAINTENANCE_BODY, "scope": "writes"}, retry_after=600
                ),
                # The execute-api URL carries the stage name in the path.
                bypass_paths=["/prod/health"],
            )
            if include_maintenance
            else None
        )


STACK_NAMES: Sequence[str] = (
    "MaintenanceAlbExample",
    "MaintenanceCloudFrontExample",
    "MaintenanceRegionalExample",
    "MaintenanceFunctionExample",
)
PLANNED_WINDOW = MaintenanceWindow(
    start=datetime(2027, 1, 9, 17, 0, tzinfo=timezone.utc),  # 02:00-04:00 in Tokyo
    end=datetime(2027, 1, 9, 19, 0, tzinfo=timezone.utc),
)
"""A planned window, written into the function's code: reviewable in the diff."""


def build_app(
    context: Mapping[str, Any] | None = None,
    *,
    outdir: str | None = None,
    include_maintenance: bool = True,
) -> cdk.App:
    """The example app; ``context`` is what ``-c`` would give (tests pass it directly)."""
    app = cdk.App(context=dict(context or {}), outdir=outdir)
    AlbExampleStack(
        app,
        STACK_NAMES[0],
        env=cdk.Environment(region="ap-northeast-1"),
        include_maintenance=include_maintenance,
    )
    CloudFrontExampleStack(
        app,
        STACK_NAMES[1],
        env=cdk.Environment(region="us-east-1"),
        include_maintenance=include_maintenance,
    )
    RegionalExampleStack(
        app,
        STACK_NAMES[2],
        env=cdk.Environment(region="ap-northeast-1"),
        include_maintenance=include_maintenance,
    )
    FunctionExampleStack(
        app,
        STACK_NAMES[3],
        env=cdk.Environment(region="us-east-1"),
        include_maintenance=include_maintenance,
    )
    return app


if __name__ == "__main__":
    build_app().synth()
