"""Warnings about what else reaches the app behind the load balancer: ECS's own blue/green
strategy on the listener's rule, and other listeners (the CodeDeploy blue/green shape with a
test listener is in tests/test_real_apps.py)."""

from __future__ import annotations

from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Annotations, Match
from builders import AlbEnv

OFFICE = ["203.0.113.0/24"]


def _warnings(env: AlbEnv, warning_id: str) -> list[str]:
    found = Annotations.from_stack(env.stack).find_warning(
        "/Web/Maintenance", Match.string_like_regexp(warning_id)
    )
    return [str(w.entry.data) for w in found]


def _ecs_blue_green(env: AlbEnv) -> None:
    """An ECS service with the BLUE_GREEN strategy on the app's listener rule."""
    vpc = env.listener.load_balancer.vpc
    green = elbv2.ApplicationTargetGroup(
        env.stack,
        "Green",
        vpc=vpc,
        port=80,  # type: ignore[arg-type]
        target_type=elbv2.TargetType.IP,
    )
    rule = elbv2.ApplicationListenerRule(
        env.stack,
        "Production",
        listener=env.listener,
        priority=100,
        conditions=[elbv2.ListenerCondition.host_headers(["example.com"])],
        action=elbv2.ListenerAction.weighted_forward(
            [
                elbv2.WeightedTargetGroup(target_group=env.blue, weight=100),
                elbv2.WeightedTargetGroup(target_group=green, weight=0),
            ]
        ),
    )
    cluster = ecs.Cluster(env.stack, "Cluster", vpc=vpc)
    task = ecs.FargateTaskDefinition(env.stack, "Task")
    task.add_container(
        "Web",
        image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:stable"),
        port_mappings=[ecs.PortMapping(container_port=80)],
    )
    service = ecs.FargateService(
        env.stack,
        "Service",
        cluster=cluster,
        task_definition=task,
        deployment_strategy=ecs.DeploymentStrategy.BLUE_GREEN,
        min_healthy_percent=100,
    )
    target = service.load_balancer_target(
        container_name="Web",
        container_port=80,
        alternate_target=ecs.AlternateTarget(
            "Alternate",
            alternate_target_group=green,
            production_listener=ecs.ListenerRuleConfiguration.application_listener_rule(rule),
            role=iam.Role(env.stack, "Role", assumed_by=iam.ServicePrincipal("ecs.amazonaws.com")),
        ),
    )
    target.attach_to_application_target_group(env.blue)


def test_ecs_blue_green_on_the_listener_rule_warns() -> None:
    env = AlbEnv(context={"maintenance": "true"})
    _ecs_blue_green(env)
    env.maintenance(allowed_cidrs=OFFICE, target_groups=None, enabled=None)
    (warning,) = _warnings(env, "blueGreenOutsideTemplate")
    assert "the ECS blue/green service Web/Service" in warning
    assert "Web/Blue and Web/Green" in warning


def test_no_blue_green_warning_without_a_deployment_that_shifts_traffic() -> None:
    env = AlbEnv()
    env.maintenance(allowed_cidrs=OFFICE)
    assert _warnings(env, "blueGreenOutsideTemplate") == []


def test_another_listener_to_the_same_target_group_warns_until_it_has_maintenance() -> None:
    def build(covered: bool) -> list[str]:
        env = AlbEnv()
        load_balancer = env.listener.load_balancer
        second = load_balancer.add_listener(
            "Second", port=8080, default_action=elbv2.ListenerAction.forward([env.blue])
        )
        env.maintenance(allowed_cidrs=OFFICE)
        if covered:
            env.maintenance("SecondMaintenance", listener=second, host_headers=None)
        return _warnings(env, "otherListenerOpen")

    (warning,) = build(covered=False)
    assert "Web/Alb/Second" in warning and "Web/Blue" in warning
    assert build(covered=True) == []


def test_another_listener_to_other_target_groups_is_fine() -> None:
    env = AlbEnv()
    env.listener.load_balancer.add_listener(
        "Static",
        port=8080,
        default_action=elbv2.ListenerAction.fixed_response(200, content_type="text/plain"),
    )
    env.maintenance(allowed_cidrs=OFFICE)
    assert _warnings(env, "otherListenerOpen") == []
