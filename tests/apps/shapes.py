"""Small CDK apps in the shapes people really have, each with AlbMaintenance added as a user
would add it. ``tests/test_real_apps.py`` synthesizes each off and on and compares.

Run one as an app (for the CDK CLI or ``maintenance-constructs preview``):

    python3 tests/apps/shapes.py ecs-service
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_ecs_patterns as ecs_patterns
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_elasticloadbalancingv2_actions as elbv2_actions
from aws_cdk import aws_elasticloadbalancingv2_targets as elbv2_targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from constructs import Construct

sys.path[:0] = [str(Path(__file__).resolve().parent.parent.parent)]

from maintenance_constructs import AlbMaintenance, MaintenanceResponse  # noqa: E402

REGION = "eu-west-1"
ENV = cdk.Environment(region=REGION)
OFFICE = ["203.0.113.0/24", "2001:db8::/48"]
CERTIFICATE = "arn:aws:acm:eu-west-1:111111111111:certificate/11111111-2222-3333-4444-555555555555"
IMPORTED_LISTENER = (
    "arn:aws:elasticloadbalancing:eu-west-1:111111111111:"
    "listener/app/web/1234567890abcdef/1234567890abcdef"
)
IMPORTED_TARGET_GROUP = (
    "arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/blue/1234567890abcdef"
)


def _office(scope: Construct) -> list[str]:
    """The allowlist: the office, plus ``extra_office_cidrs`` from context (the tests edit
    the allowlist while maintenance is on with it)."""
    extra = scope.node.try_get_context("extra_office_cidrs") or []
    return [*OFFICE, *extra]


def public_vpc(stack: cdk.Stack) -> ec2.Vpc:
    """A VPC of public subnets in two zones, no NAT gateways (nothing to pay for)."""
    return ec2.Vpc(
        stack,
        "Vpc",
        nat_gateways=0,
        max_azs=2,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC)
        ],
    )


def _http_404(alb: elbv2.ApplicationLoadBalancer) -> elbv2.ApplicationListener:
    """HTTP on port 80; requests for unknown hosts (raw IP, the ALB's DNS name) get a 404."""
    return alb.add_listener(
        "Http",
        port=80,
        default_action=elbv2.ListenerAction.fixed_response(404, content_type="text/plain"),
    )


def _container(task: ecs.FargateTaskDefinition) -> None:
    task.add_container(
        "Web",
        image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:stable"),
        port_mappings=[ecs.PortMapping(container_port=80)],
    )


def ecs_service(app: cdk.App) -> None:
    """An ecs_patterns Fargate service: the listener forwards by default (no host names), and
    the service scales on the target group's request count."""
    stack = cdk.Stack(app, "EcsApp", env=ENV)
    service = ecs_patterns.ApplicationLoadBalancedFargateService(
        stack,
        "Service",
        vpc=public_vpc(stack),
        assign_public_ip=True,
        task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(
            image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:stable")
        ),
    )
    service.target_group.configure_health_check(path="/health")
    scaling = service.service.auto_scale_task_count(max_capacity=4)
    scaling.scale_on_request_count(
        "Requests", requests_per_target=500, target_group=service.target_group
    )
    AlbMaintenance(
        stack,
        "Maintenance",
        listener=service.listener,
        allowed_cidrs=_office(app),
        target_groups=[service.target_group],
        bypass_paths=["/health"],
    )


def asg_https(app: cdk.App) -> None:
    """An Auto Scaling group behind an HTTPS listener (HTTP redirects to it), scaling on
    request count; the app rule for its host at 100."""
    stack = cdk.Stack(app, "AsgApp", env=ENV)
    vpc = public_vpc(stack)
    asg = autoscaling.AutoScalingGroup(
        stack,
        "Asg",
        vpc=vpc,
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
        instance_type=ec2.InstanceType("t3.micro"),
        machine_image=ec2.MachineImage.generic_linux({REGION: "ami-0123456789abcdef0"}),
        max_capacity=4,
    )
    alb = elbv2.ApplicationLoadBalancer(stack, "Alb", vpc=vpc, internet_facing=True)
    https = alb.add_listener(
        "Https",
        port=443,
        certificates=[elbv2.ListenerCertificate.from_arn(CERTIFICATE)],
        default_action=elbv2.ListenerAction.fixed_response(404, content_type="text/plain"),
    )
    alb.add_redirect()  # HTTP 80 -> HTTPS 443, for every host
    target_group = https.add_targets(
        "App",
        port=80,
        targets=[asg],
        priority=100,
        conditions=[elbv2.ListenerCondition.host_headers(["shop.example.com"])],
        health_check=elbv2.HealthCheck(path="/health"),
    )
    asg.scale_on_request_count("Requests", target_requests_per_minute=600)
    AlbMaintenance(
        stack,
        "Maintenance",
        listener=https,
        host_headers=["shop.example.com"],
        allowed_cidrs=_office(app),
        target_groups=[target_group],
        browser_response=MaintenanceResponse.html("<h1>Back soon</h1>"),
        bypass_paths=["/health"],
    )


def imported(app: cdk.App) -> None:
    """A listener and a target group that live outside this app, imported by ARN; the app's
    own rule for the host sits at 100."""
    stack = cdk.Stack(app, "ImportedApp", env=ENV)
    listener = elbv2.ApplicationListener.from_application_listener_attributes(
        stack,
        "Listener",
        listener_arn=IMPORTED_LISTENER,
        security_group=ec2.SecurityGroup.from_security_group_id(stack, "Sg", "sg-12345678"),
    )
    blue = elbv2.ApplicationTargetGroup.from_target_group_attributes(
        stack, "Blue", target_group_arn=IMPORTED_TARGET_GROUP
    )
    elbv2.ApplicationListenerRule(
        stack,
        "AppRule",
        listener=listener,
        priority=100,
        conditions=[elbv2.ListenerCondition.host_headers(["example.com"])],
        action=elbv2.ListenerAction.forward([blue]),
    )
    AlbMaintenance(
        stack,
        "Maintenance",
        listener=listener,
        host_headers=["example.com"],
        allowed_cidrs=_office(app),
        target_groups=[blue],
    )


def cross_stack(app: cdk.App) -> None:
    """The network stack owns the load balancer, listener, target group and app rule; an
    operations stack owns the maintenance of that listener."""
    network = cdk.Stack(app, "Network", env=ENV)
    listener, blue = _network(network)
    operations = cdk.Stack(app, "Operations", env=ENV)
    # An operations stack holds more than maintenance (a stack with no resources at all is
    # deleted by `cdk deploy`, and created again when maintenance goes on).
    sns.Topic(operations, "OnCall")
    AlbMaintenance(
        operations,
        "Maintenance",
        listener=listener,
        host_headers=["example.com"],
        allowed_cidrs=_office(app),
        target_groups=[blue],
    )


def shared_alb(app: cdk.App) -> None:
    """One load balancer, three maintenance constructs: two sites on one listener (each its
    own window) and an admin listener served on the load balancer's DNS name; an ECS service
    attached to a target group of a custom ALB."""
    stack = cdk.Stack(app, "SharedAlb", env=ENV)
    vpc = public_vpc(stack)
    alb = elbv2.ApplicationLoadBalancer(stack, "Alb", vpc=vpc, internet_facing=True)
    web = _http_404(alb)
    groups = {
        name: elbv2.ApplicationTargetGroup(
            stack, name, vpc=vpc, port=80, target_type=elbv2.TargetType.IP
        )
        for name in ("Www", "Api", "Admin")
    }
    cluster = ecs.Cluster(stack, "Cluster", vpc=vpc)
    task = ecs.FargateTaskDefinition(stack, "Task")
    _container(task)
    service = ecs.FargateService(
        stack, "Service", cluster=cluster, task_definition=task, assign_public_ip=True
    )
    service.attach_to_application_target_group(groups["Www"])
    web.add_target_groups(
        "Www",
        priority=200,
        conditions=[elbv2.ListenerCondition.host_headers(["www.example.com"])],
        target_groups=[groups["Www"]],
    )
    web.add_target_groups(
        "Api",
        priority=210,
        conditions=[elbv2.ListenerCondition.host_headers(["api.example.com"])],
        target_groups=[groups["Api"]],
    )
    admin = alb.add_listener(
        "Admin", port=8080, default_action=elbv2.ListenerAction.forward([groups["Admin"]])
    )
    for construct_id, listener, hosts, group, priority in (
        ("WwwMaintenance", web, ["www.example.com"], "Www", 10),
        ("ApiMaintenance", web, ["api.example.com"], "Api", 100),
        ("AdminMaintenance", admin, None, "Admin", 10),
    ):
        AlbMaintenance(
            stack,
            construct_id,
            listener=listener,
            host_headers=hosts,
            allowed_cidrs=_office(app),
            target_groups=[groups[group]],
            priority=priority,
        )


def path_routed(app: cdk.App) -> None:
    """A listener that routes by path (as many samples do): ``/api/*`` to an API service as a
    weighted canary (90/10, sticky), ``/hello`` to a Lambda function, added after the
    maintenance construct; everything else gets the default 404. The maintenance follows the
    app's routing: no target_groups."""
    stack = cdk.Stack(app, "PathApp", env=ENV)
    vpc = public_vpc(stack)
    alb = elbv2.ApplicationLoadBalancer(stack, "Alb", vpc=vpc, internet_facing=True)
    listener = _http_404(alb)
    stable, canary = (
        elbv2.ApplicationTargetGroup(stack, name, vpc=vpc, port=80, target_type=elbv2.TargetType.IP)
        for name in ("ApiStable", "ApiCanary")
    )
    host = elbv2.ListenerCondition.host_headers(["example.com"])
    listener.add_action(
        "Api",
        priority=100,
        conditions=[host, elbv2.ListenerCondition.path_patterns(["/api/*"])],
        action=elbv2.ListenerAction.weighted_forward(
            [
                elbv2.WeightedTargetGroup(target_group=stable, weight=90),
                elbv2.WeightedTargetGroup(target_group=canary, weight=10),
            ],
            stickiness_duration=cdk.Duration.minutes(5),
        ),
    )
    AlbMaintenance(
        stack,
        "Maintenance",
        listener=listener,
        host_headers=["example.com"],
        allowed_cidrs=_office(app),
        bypass_paths=["/api/health"],
        bypass_token="path-routed-test-token-0123456789",
    )
    hello = lambda_.Function(
        stack,
        "Hello",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return {}\n"),
    )
    listener.add_targets(
        "Hello",
        priority=110,
        conditions=[host, elbv2.ListenerCondition.path_patterns(["/hello"])],
        targets=[elbv2_targets.LambdaTarget(hello)],
    )


def sign_in(app: cdk.App) -> None:
    """Cognito sign-in in front of the app on an HTTPS listener: allow-listed clients and the
    health check must still pass through the sign-in, as they do with maintenance off."""
    stack = cdk.Stack(app, "SignInApp", env=ENV)
    vpc = public_vpc(stack)
    alb = elbv2.ApplicationLoadBalancer(stack, "Alb", vpc=vpc, internet_facing=True)
    https = alb.add_listener(
        "Https",
        port=443,
        certificates=[elbv2.ListenerCertificate.from_arn(CERTIFICATE)],
        default_action=elbv2.ListenerAction.fixed_response(404, content_type="text/plain"),
    )
    users = cognito.UserPool(stack, "Users", removal_policy=cdk.RemovalPolicy.DESTROY)
    client = users.add_client(
        "Alb",
        generate_secret=True,
        o_auth=cognito.OAuthSettings(callback_urls=["https://app.example.com/oauth2/idpresponse"]),
    )
    domain = users.add_domain(
        "Domain", cognito_domain=cognito.CognitoDomainOptions(domain_prefix="app-example")
    )
    group = elbv2.ApplicationTargetGroup(
        stack, "App", vpc=vpc, port=80, target_type=elbv2.TargetType.IP
    )
    https.add_action(
        "SignedIn",
        priority=100,
        conditions=[elbv2.ListenerCondition.host_headers(["app.example.com"])],
        action=elbv2_actions.AuthenticateCognitoAction(
            user_pool=users,
            user_pool_client=client,
            user_pool_domain=domain,
            next=elbv2.ListenerAction.forward([group]),
        ),
    )
    AlbMaintenance(
        stack,
        "Maintenance",
        listener=https,
        host_headers=["app.example.com"],
        allowed_cidrs=_office(app),
        bypass_paths=["/health"],
    )


def multi_target(app: cdk.App) -> None:
    """``ApplicationMultipleTargetGroupsFargateService``: the listener forwards to the web
    container by default and routes ``/api/*`` to a second container port; the maintenance
    covers every request (no host names) and follows that routing."""
    stack = cdk.Stack(app, "MultiApp", env=ENV)
    service = ecs_patterns.ApplicationMultipleTargetGroupsFargateService(
        stack,
        "Service",
        vpc=public_vpc(stack),
        assign_public_ip=True,
        task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageProps(
            image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:stable"),
            container_ports=[80, 8080],
        ),
        target_groups=[
            ecs_patterns.ApplicationTargetProps(container_port=80),
            ecs_patterns.ApplicationTargetProps(
                container_port=8080, path_pattern="/api/*", priority=100
            ),
        ],
    )
    AlbMaintenance(
        stack,
        "Maintenance",
        listener=service.listener,
        allowed_cidrs=_office(app),
        bypass_paths=["/health"],
    )


def blue_green(app: cdk.App) -> None:
    """An ECS service deployed by CodeDeploy (blue/green): the production listener forwards to
    blue by default, a test listener on 8080 to green; CodeDeploy swaps them outside the
    template. The maintenance covers the production listener only (both warnings expected)."""
    stack = cdk.Stack(app, "BlueGreenApp", env=ENV)
    vpc = public_vpc(stack)
    alb = elbv2.ApplicationLoadBalancer(stack, "Alb", vpc=vpc, internet_facing=True)
    blue, green = (
        elbv2.ApplicationTargetGroup(stack, name, vpc=vpc, port=80, target_type=elbv2.TargetType.IP)
        for name in ("Blue", "Green")
    )
    production = alb.add_listener(
        "Production", port=80, default_action=elbv2.ListenerAction.forward([blue])
    )
    test = alb.add_listener("Test", port=8080, default_action=elbv2.ListenerAction.forward([green]))
    cluster = ecs.Cluster(stack, "Cluster", vpc=vpc)
    task = ecs.FargateTaskDefinition(stack, "Task")
    _container(task)
    service = ecs.FargateService(
        stack,
        "Service",
        cluster=cluster,
        task_definition=task,
        assign_public_ip=True,
        deployment_controller=ecs.DeploymentController(
            type=ecs.DeploymentControllerType.CODE_DEPLOY
        ),
    )
    service.attach_to_application_target_group(blue)
    codedeploy.EcsDeploymentGroup(
        stack,
        "Deployments",
        service=service,
        blue_green_deployment_config=codedeploy.EcsBlueGreenDeploymentConfig(
            blue_target_group=blue,
            green_target_group=green,
            listener=production,
            test_listener=test,
        ),
    )
    AlbMaintenance(
        stack,
        "Maintenance",
        listener=production,
        allowed_cidrs=_office(app),
        bypass_paths=["/health"],
    )


def _network(scope: cdk.Stack) -> tuple[elbv2.ApplicationListener, elbv2.ApplicationTargetGroup]:
    """A VPC, an ALB with a 404 listener, a blue target group and the app rule at 100."""
    vpc = public_vpc(scope)
    alb = elbv2.ApplicationLoadBalancer(scope, "Alb", vpc=vpc, internet_facing=True)
    listener = _http_404(alb)
    blue = elbv2.ApplicationTargetGroup(
        scope, "Blue", vpc=vpc, port=80, target_type=elbv2.TargetType.IP
    )
    listener.add_target_groups(
        "App",
        priority=100,
        conditions=[elbv2.ListenerCondition.host_headers(["example.com"])],
        target_groups=[blue],
    )
    return listener, blue


def nested_construct(app: cdk.App) -> None:
    """The load balancer in the parent stack, the maintenance in a nested operations stack
    (values reach it as nested-stack parameters)."""
    parent = cdk.Stack(app, "Platform", env=ENV)
    listener, _ = _network(parent)
    operations = cdk.NestedStack(parent, "Operations")
    sns.Topic(operations, "OnCall")
    AlbMaintenance(
        operations,
        "Maintenance",
        listener=listener,
        host_headers=["example.com"],
        allowed_cidrs=_office(app),
        bypass_paths=["/health"],
    )


def nested_listener(app: cdk.App) -> None:
    """The load balancer in a nested network stack, the maintenance in the parent (values reach
    it as nested-stack outputs)."""
    parent = cdk.Stack(app, "Platform", env=ENV)
    listener, _ = _network(cdk.NestedStack(parent, "Network"))
    AlbMaintenance(
        parent,
        "Maintenance",
        listener=listener,
        host_headers=["example.com"],
        allowed_cidrs=_office(app),
        bypass_paths=["/health"],
    )


SHAPES: Mapping[str, Callable[[cdk.App], None]] = {
    "ecs-service": ecs_service,
    "asg-https": asg_https,
    "imported": imported,
    "cross-stack": cross_stack,
    "shared-alb": shared_alb,
    "path-routed": path_routed,
    "sign-in": sign_in,
    "multi-target": multi_target,
    "blue-green": blue_green,
    "nested-construct": nested_construct,
    "nested-listener": nested_listener,
}


def build(
    shape: str, context: Mapping[str, object] | None = None, outdir: str | None = None
) -> cdk.App:
    """The app of one shape; ``context`` as ``-c`` would give it (the CLI passes its own)."""
    app = cdk.App(context=dict(context) if context is not None else None, outdir=outdir)
    SHAPES[shape](app)
    return app


if __name__ == "__main__":
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    build(sys.argv[1]).synth()
