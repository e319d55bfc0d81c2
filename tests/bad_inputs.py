"""The bad-input matrix: every input the constructs and the toggle refuse, in one table.

``tests/test_bad_inputs.py`` runs each case and checks that ``docs/errors.md`` is this table
rendered with the messages users really see. Regenerate the page after changing a message:

    .venv/bin/python tests/bad_inputs.py > docs/errors.md
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, cast

os.environ.setdefault("CDK_VALIDATION", "false")

import aws_cdk as cdk
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cloudfront as cloudfront_l2
from aws_cdk import aws_cloudfront_origins as cloudfront_origins
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_wafv2 as wafv2

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from builders import AlbEnv, existing_acl, imported_listener  # noqa: E402

from maintenance_constructs import (  # noqa: E402
    READ_ONLY,
    AlbMaintenance,
    BypassTokenParameter,
    CloudFrontFunctionMaintenance,
    CloudFrontMaintenance,
    MaintenanceConfigError,
    MaintenanceResponse,
    MaintenanceWindow,
    RegionalMaintenance,
)


@dataclass(frozen=True)
class Case:
    """One refused input: where, which parameter, the value as the message shows it."""

    area: str
    parameter: str
    value: str
    run: Callable[[], Any]


def alb(**overrides: Any) -> Callable[[], Any]:
    return lambda: AlbEnv().maintenance(**overrides)


def alb_synth(
    priority: int, condition: elbv2.ListenerCondition, **overrides: Any
) -> Callable[[], Any]:
    def run() -> None:
        env = AlbEnv()
        env.other_rule("Other", priority, condition)
        env.maintenance(**{"priority": 10, **overrides})
        env.app.synth()

    return run


def alb_app_rules_from_1() -> None:
    """App rules numbered 1, 2 and 10, as real samples number them; no priority given."""
    env = AlbEnv()
    for index, priority in enumerate((1, 2, 10)):
        env.listener.add_target_groups(
            f"App{index}",
            priority=priority,
            conditions=[elbv2.ListenerCondition.path_patterns([f"/p{index}/*"])],
            target_groups=[env.blue],
        )
    env.maintenance(priority=None)
    env.app.synth()


def alb_listener(make: Callable[[cdk.Stack], Any]) -> Callable[[], Any]:
    def run() -> None:
        env = AlbEnv()
        env.maintenance(listener=make(env.stack))

    return run


PLANTED = "planted-Token-0123456789xyz"
"""A valid token that no message may show any part of (tests/test_no_token_leaks.py)."""
SECURE_REFERENCE = "{{resolve:ssm-secure:/maintenance/bypass:1}}"
SSM_REFERENCE = "{{resolve:ssm:/maintenance/bypass}}"


def _joined_token(env: AlbEnv) -> str:
    """A token that resolves to a literal at synth (with a '!', which a cookie cannot hold)."""
    return cdk.Fn.join("-", ["joined", "token", "too", "short!"])


def _secret_token(env: AlbEnv) -> str:
    return cdk.SecretValue.secrets_manager("maintenance/bypass").unsafe_unwrap()


def alb_listener_routing_imported() -> None:
    stack = cdk.Stack(cdk.App(), "Imported", env=cdk.Environment(region="eu-west-1"))
    listener, _ = imported_listener(stack)
    AlbMaintenance(stack, "Maintenance", listener=listener, allowed_cidrs=["203.0.113.0/24"])


def alb_routed(
    *conditions: elbv2.ListenerCondition, one_rule_each: bool = False, **overrides: Any
) -> Callable[[], Any]:
    """A construct that follows the app's routing, synthesized with app rules (at 100..)
    forwarding to the blue target group: one rule with every condition, or one rule each."""

    def run() -> None:
        env = AlbEnv()
        groups = [[c] for c in conditions] if one_rule_each else [list(conditions)]
        for index, group in enumerate(groups):
            env.listener.add_target_groups(
                f"App{index}", priority=100 + index, conditions=group, target_groups=[env.blue]
            )
        env.maintenance(**{"allowed_cidrs": ["203.0.113.0/24"], **overrides, "target_groups": None})
        env.app.synth()

    return run


def alb_two(second_on_own_listener: bool, **second: Any) -> Callable[[], Any]:
    """Two AlbMaintenance on one load balancer: the second on the same listener or another."""

    def run() -> None:
        env = AlbEnv()
        env.maintenance("First", priority=10, allowed_cidrs=NON_ADJACENT_400[:200])
        if second_on_own_listener:
            second["listener"] = env.listener.load_balancer.add_listener(
                "Admin",
                port=8080,
                protocol=elbv2.ApplicationProtocol.HTTP,
                default_action=elbv2.ListenerAction.fixed_response(404),
            )
        env.maintenance("Second", **second)
        env.app.synth()

    return run


LISTENER_ARN = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/app/web/1/2"
NLB_LISTENER_ARN = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/net/nlb/1/2"


def alb_groups(count: int, *, as_action: bool = False) -> Callable[[], Any]:
    """AlbMaintenance forwarding to ``count`` target groups (or an action forwarding to them)."""

    def run() -> None:
        env = AlbEnv()
        vpc = env.listener.load_balancer.vpc
        groups = [
            elbv2.ApplicationTargetGroup(env.stack, f"Group{i}", vpc=vpc, port=80)
            for i in range(count)
        ]
        if as_action:
            env.maintenance(action=elbv2.ListenerAction.forward(groups))
        else:
            env.maintenance(target_groups=groups)

    return run


def alb_with(**make: Callable[[AlbEnv], Any]) -> Callable[[], Any]:
    """AlbMaintenance with parameters built inside its stack (tokens, target groups)."""

    def run() -> None:
        env = AlbEnv()
        env.maintenance(**{name: build(env) for name, build in make.items()})

    return run


def edge_stack(region: str = "us-east-1") -> cdk.Stack:
    return cdk.Stack(cdk.App(), "Edge", env=cdk.Environment(region=region))


def cloudfront(region: str = "us-east-1", **overrides: Any) -> Callable[[], Any]:
    return lambda: CloudFrontMaintenance(edge_stack(region), "Maintenance", **overrides)


def cloudfront_existing(
    scope: str = "CLOUDFRONT", *, synth: bool = False, **overrides: Any
) -> Callable[[], Any]:
    def run() -> None:
        stack = edge_stack()
        arguments = {"enabled": True, **overrides}
        CloudFrontMaintenance(stack, "Maintenance", web_acl=existing_acl(stack, scope), **arguments)
        if synth:
            stack.node.root.synth()  # type: ignore[attr-defined]

    return run


def toggle(value: Any, *, pinned_off: str = "") -> Callable[[], Any]:
    """Staging and Prod stages, each an edge stack; ``pinned_off`` names the stage whose
    construct is created with enabled=False."""

    def run() -> None:
        app = cdk.App(context={"maintenance": value})
        for stage_id in ("Staging", "Prod"):
            stack = cdk.Stack(
                cdk.Stage(app, stage_id), "Edge", env=cdk.Environment(region="us-east-1")
            )
            enabled = False if stage_id == pinned_off else None
            CloudFrontMaintenance(stack, "Maintenance", enabled=enabled)
        app.synth()

    return run


def response(factory: Callable[[], MaintenanceResponse]) -> Callable[[], Any]:
    return lambda: AlbEnv().maintenance(response=factory())


def cloudfront_token_priority() -> None:
    stack = edge_stack()
    priority = cdk.Token.as_number(cdk.Fn.import_value("AclPriority"))
    CloudFrontMaintenance(stack, "Maintenance", priority=priority)


def cloudfront_twice(**second: Any) -> Callable[[], Any]:
    """Two CloudFrontMaintenance on one existing web ACL, maintenance off."""

    def run() -> None:
        stack = edge_stack()
        acl = existing_acl(stack)
        CloudFrontMaintenance(stack, "First", web_acl=acl, enabled=False)
        CloudFrontMaintenance(stack, "Second", web_acl=acl, **{"enabled": False, **second})
        stack.node.root.synth()  # type: ignore[attr-defined]

    return run


def alb_and_regional_on_one_alb() -> None:
    """An AlbMaintenance on the load balancer's listener and a RegionalMaintenance on the load
    balancer itself: two layers."""
    env = AlbEnv()
    env.maintenance(allowed_cidrs=["203.0.113.0/24"])
    RegionalMaintenance(
        env.stack,
        "Regional",
        resource_arns=[env.listener.load_balancer.load_balancer_arn],
        allowed_cidrs=["198.51.100.0/24"],
    )
    env.app.synth()


def regional(**overrides: Any) -> Callable[[], Any]:
    arguments: dict[str, Any] = {"resource_arns": [REST_STAGE_ARN], **overrides}
    return lambda: RegionalMaintenance(edge_stack("eu-west-1"), "Maintenance", **arguments)


def regional_app_load_balancer(kind: str) -> Callable[[], Any]:
    """A load balancer defined in the app: an NLB in the same region, or an ALB in another."""

    def run() -> None:
        app = cdk.App()
        region = "eu-west-1" if kind == "network" else "us-west-2"
        network = cdk.Stack(app, "Net", env=cdk.Environment(region=region))
        balancer = elbv2.CfnLoadBalancer(network, "Nlb", type=kind, subnets=["subnet-1"])
        stack = cdk.Stack(
            app, "Api", env=cdk.Environment(region="eu-west-1"), cross_region_references=True
        )
        RegionalMaintenance(stack, "Maintenance", resource_arns=[balancer.ref])

    return run


def regional_http_api() -> None:
    stack = cdk.Stack(cdk.App(), "Api", env=cdk.Environment(region="eu-west-1"))
    api = apigwv2.CfnApi(stack, "Http", name="http", protocol_type="HTTP")
    stage = apigwv2.CfnStage(stack, "Stage", api_id=api.ref, stage_name="$default")
    RegionalMaintenance(stack, "Maintenance", resource_arns=[stage.ref])


def regional_format_arn_http_api() -> None:
    """An HTTP API stage's ARN built with Stack.format_arn in an environment-agnostic stack:
    the partition and the region are tokens, the service and the resource are not."""
    stack = cdk.Stack(cdk.App(), "Api")
    arn = stack.format_arn(
        service="apigateway", account="", resource="/apis/a1b2c3/stages/$default"
    )
    RegionalMaintenance(stack, "Maintenance", resource_arns=[arn])


def regional_execute_api() -> None:
    """What HttpApi.arn_for_execute_api() returns: who may invoke the API, not a resource."""
    stack = cdk.Stack(cdk.App(), "Api", env=cdk.Environment(region="eu-west-1"))
    api = apigwv2.HttpApi(stack, "Http")
    RegionalMaintenance(stack, "Maintenance", resource_arns=[api.arn_for_execute_api()])


def regional_joined_http_api() -> None:
    """An HTTP API stage's ARN from Fn.join: one opaque token until the app synthesizes."""
    stack = edge_stack("eu-west-1")
    arn = cdk.Fn.join(
        "", ["arn:", cdk.Aws.PARTITION, ":apigateway:eu-west-1::/apis/a1b2c3/stages/x"]
    )
    RegionalMaintenance(stack, "Maintenance", resource_arns=[arn])
    stack.node.root.synth()  # type: ignore[attr-defined]


def regional_twice() -> None:
    """The app already associates another web ACL with the resource."""
    stack = edge_stack("eu-west-1")
    other = existing_acl(stack, "REGIONAL")
    wafv2.CfnWebACLAssociation(
        stack, "Existing", resource_arn=REST_STAGE_ARN, web_acl_arn=other.attr_arn
    )
    RegionalMaintenance(stack, "Maintenance", resource_arns=[REST_STAGE_ARN])
    stack.node.root.synth()  # type: ignore[attr-defined]


REST_STAGE_ARN = "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3/stages/prod"


def toggle_on_stage(value: str) -> Callable[[], Any]:
    """The value set on one stage (stage.node.set_context), not on the app."""

    def run() -> None:
        app = cdk.App()
        for stage_id in ("Staging", "Prod"):
            stage = cdk.Stage(app, stage_id)
            if stage_id == "Prod":
                stage.node.set_context("maintenance", value)
            stack = cdk.Stack(stage, "Edge", env=cdk.Environment(region="us-east-1"))
            CloudFrontMaintenance(stack, "Maintenance")
        app.synth()

    return run


def _token_list(env: AlbEnv) -> list[str]:
    return [cdk.Fn.import_value("OfficeCidr")]


MANY_1500 = [f"10.{i // 128}.{(i % 128) * 2}.0/24" for i in range(1500)]


NON_ADJACENT_400 = [f"10.{i // 128}.{(i % 128) * 2}.0/24" for i in range(400)]
HOSTS_10K = [f"10.{i // 256 % 256}.{i % 256}.{(i // 65536) * 2}/32" for i in range(10_001)]


def _distribution(stack: cdk.Stack, **behavior: Any) -> cloudfront_l2.Distribution:
    origin = cloudfront_origins.HttpOrigin("origin.example.com")
    return cloudfront_l2.Distribution(
        stack, "Cdn", default_behavior=cloudfront_l2.BehaviorOptions(origin=origin, **behavior)
    )


def edge_function(synth: bool = False, **overrides: Any) -> Callable[[], Any]:
    def run() -> None:
        stack = edge_stack()
        distribution = overrides.pop("distribution", None) or _distribution(stack)
        CloudFrontFunctionMaintenance(
            stack, "Maintenance", **{"distribution": distribution, **overrides}
        )
        if synth:
            cast(cdk.App, stack.node.root).synth()

    return run


REWRITE_ARN = "arn:aws:cloudfront::123456789012:function/rewrite"
APP_FUNCTIONS: dict[str, Callable[[cdk.Stack], cloudfront_l2.IFunction]] = {
    "imported": lambda stack: cloudfront_l2.Function.from_function_attributes(
        stack, "Rewrite", function_arn=REWRITE_ARN, function_name="rewrite"
    ),
    "own store": lambda stack: cloudfront_l2.Function(
        stack,
        "Redirect",
        code=cloudfront_l2.FunctionCode.from_inline(
            "async function handler(e) { return e.request; }"
        ),
        runtime=cloudfront_l2.FunctionRuntime.JS_2_0,
        key_value_store=cloudfront_l2.KeyValueStore(stack, "Redirects"),
    ),
    "too big": lambda stack: cloudfront_l2.Function(
        stack,
        "Big",
        code=cloudfront_l2.FunctionCode.from_inline(
            "var TABLE = '" + "x" * 7000 + "';\nfunction handler(e) { return e.request; }"
        ),
    ),
    "other import": lambda stack: cloudfront_l2.Function(
        stack,
        "Query",
        code=cloudfront_l2.FunctionCode.from_inline(
            "import qs from 'querystring';\nfunction handler(e) { return e.request; }"
        ),
        runtime=cloudfront_l2.FunctionRuntime.JS_2_0,
    ),
}
"""App viewer-request functions the construct cannot combine with the maintenance code."""


def edge_function_on_taken_behavior(kind: str) -> Callable[[], Any]:
    def run() -> None:
        stack = edge_stack()
        if kind in APP_FUNCTIONS:
            other = APP_FUNCTIONS[kind](stack)
            association = cloudfront_l2.FunctionAssociation(
                function=other, event_type=cloudfront_l2.FunctionEventType.VIEWER_REQUEST
            )
            distribution = _distribution(stack, function_associations=[association])
        elif kind == "lambda":
            version = lambda_.Version.from_version_arn(
                stack, "Auth", "arn:aws:lambda:us-east-1:123456789012:function:auth:1"
            )
            edge = cloudfront_l2.EdgeLambda(
                function_version=version,
                event_type=cloudfront_l2.LambdaEdgeEventType.VIEWER_REQUEST,
            )
            distribution = _distribution(stack, edge_lambdas=[edge])
        else:  # a Lambda@Edge of the app's own on viewer response, named by its path
            handler = lambda_.Function(
                stack,
                "AuthAtEdge",
                runtime=lambda_.Runtime.NODEJS_20_X,
                handler="index.handler",
                code=lambda_.Code.from_inline("exports.handler = async (e) => e;"),
            )
            edge = cloudfront_l2.EdgeLambda(
                function_version=handler.current_version,
                event_type=cloudfront_l2.LambdaEdgeEventType.VIEWER_RESPONSE,
            )
            distribution = _distribution(stack, edge_lambdas=[edge])
        CloudFrontFunctionMaintenance(stack, "Maintenance", distribution=distribution)
        cast(cdk.App, stack.node.root).synth()

    return run


def _hour(index: int) -> MaintenanceWindow:
    start = datetime(2027, 1, 1, tzinfo=timezone.utc) + timedelta(days=index)
    return MaintenanceWindow(start=start, end=start + timedelta(hours=1))


def edge_function_twice() -> None:
    stack = edge_stack()
    distribution = _distribution(stack)
    CloudFrontFunctionMaintenance(stack, "Maintenance", distribution=distribution)
    CloudFrontFunctionMaintenance(stack, "Again", distribution=distribution, behaviors=["*"])
    cast(cdk.App, stack.node.root).synth()


def edge_function_imported() -> None:
    stack = edge_stack()
    distribution = cloudfront_l2.Distribution.from_distribution_attributes(
        stack, "Imported", distribution_id="E2EXAMPLE", domain_name="d111.cloudfront.net"
    )
    CloudFrontFunctionMaintenance(stack, "Maintenance", distribution=distribution)


def _window(start: Any, end: Any) -> Callable[[], Any]:
    return lambda: MaintenanceWindow(start=start, end=end)


CASES: list[Case] = [
    # -- toggle ------------------------------------------------------------------------------
    Case("toggle", "context 'maintenance'", "2", toggle(2)),
    Case("toggle", "context 'maintenance'", "1.5", toggle(1.5)),
    Case("toggle", "context 'maintenance'", "['Prod']", toggle(["Prod"])),
    Case("toggle", "context 'maintenance'", "'true,Prod'", toggle("true,Prod")),
    Case("toggle", "context 'maintenance'", "'Prod,,Staging'", toggle("Prod,,Staging")),
    Case("toggle", "context 'maintenance'", "'Prod/'", toggle("Prod/")),
    Case("toggle", "context 'maintenance'", "'Prdo'", toggle("Prdo")),
    Case("toggle", "context 'maintenance'", "'Prod'", toggle("Prod", pinned_off="Prod")),
    Case("toggle", "context 'maintenance'", "'Stagin'", toggle("Prod,Stagin")),
    Case("toggle", "enabled", "'yes'", cloudfront(enabled="yes")),
    Case("toggle", "enabled", "1", cloudfront(enabled=1)),
    Case("toggle", "context 'maintenance'", "'Prdo'", toggle_on_stage("Prdo")),
    Case("toggle", "context 'maintenance'", "'Prod/Edg'", toggle_on_stage("Prod/Edg")),
    # -- response ----------------------------------------------------------------------------
    Case(
        "response",
        "response.body",
        "'{not json'",
        response(lambda: MaintenanceResponse.json("{not json")),
    ),
    Case("response", "response.body", "42", response(lambda: MaintenanceResponse.json(42))),  # type: ignore[arg-type]
    Case("response", "response.body", "''", response(lambda: MaintenanceResponse.text(""))),
    Case(
        "response",
        "response.body",
        "U+D83D",
        response(lambda: MaintenanceResponse.text("Back soon \ud83d")),
    ),
    Case(
        "response",
        "response.status_code",
        "99",
        response(lambda: MaintenanceResponse.text("x", status_code=99)),
    ),
    Case(
        "response",
        "response.status_code",
        "600",
        response(lambda: MaintenanceResponse.text("x", status_code=600)),
    ),
    Case(
        "response",
        "response.status_code",
        "'503'",
        response(lambda: MaintenanceResponse.text("x", status_code="503")),
    ),  # type: ignore[arg-type]
    Case(
        "response",
        "response.retry_after",
        "-1",
        response(lambda: MaintenanceResponse.text("x", retry_after=-1)),
    ),
    Case(
        "response",
        "response.content_type",
        "'text/css'",
        response(lambda: MaintenanceResponse(body="x", content_type="text/css")),
    ),
    Case(
        "response",
        "response.headers",
        "'Bad Name'",
        response(lambda: MaintenanceResponse.text("x", headers={"Bad Name": "v"})),
    ),
    Case(
        "response",
        "response.headers",
        "'Content-Type'",
        response(lambda: MaintenanceResponse.text("x", headers={"Content-Type": "a"})),
    ),
    Case(
        "response",
        "response.headers",
        "'retry-after'",
        response(
            lambda: MaintenanceResponse.text("x", retry_after=5, headers={"retry-after": "5"})
        ),
    ),
    Case(
        "response",
        "response.headers",
        "''",
        response(lambda: MaintenanceResponse.text("x", headers={"X-A": ""})),
    ),
    Case(
        "response",
        "response.body",
        "nan",
        response(lambda: MaintenanceResponse.json({"retry": float("nan")})),
    ),
    Case(
        "response",
        "response.body",
        "Infinity",
        response(lambda: MaintenanceResponse.json('{"retry": Infinity}')),
    ),
    Case(
        "response",
        "response.body",
        "{1, 2}",
        response(lambda: MaintenanceResponse.json({"ids": {1, 2}})),
    ),
    Case(
        "response",
        "response.body",
        "'down for maintenance'",
        response(
            lambda: MaintenanceResponse(
                body="down for maintenance", content_type="application/json"
            )
        ),
    ),
    Case(
        "response",
        "response.headers",
        "X-Note",
        response(lambda: MaintenanceResponse.text("x", headers={"X-Note": "a\r\nSet-Cookie: x"})),
    ),
    Case(
        "response",
        "response.headers",
        "'X-Note'",
        response(lambda: MaintenanceResponse.text("x", headers={"X-Note": 5})),
    ),  # type: ignore[dict-item]
    Case(
        "response",
        "response.title",
        "''",
        response(lambda: MaintenanceResponse.page(title="", message="x")),
    ),
    Case(
        "response",
        "response.lang",
        "'english'",
        response(lambda: MaintenanceResponse.page(title="t", message="m", lang="english")),
    ),
    Case(
        "response",
        "response.status_url",
        "'status page'",
        response(
            lambda: MaintenanceResponse.page(title="t", message="m", status_url="status page")
        ),
    ),
    Case(
        "ALB",
        "response.body",
        "2526",
        alb(response=MaintenanceResponse.page(title="Down", message="A & B " * 200)),
    ),
    # -- ALB -----------------------------------------------------------------------------------
    Case("ALB", "host_headers", "[]", alb(host_headers=[])),
    Case("ALB", "host_headers", "'example.com'", alb(host_headers="example.com")),
    Case("ALB", "host_headers", "'localhost'", alb(host_headers=["localhost"])),
    Case("ALB", "host_headers", "'example.com:8443'", alb(host_headers=["example.com:8443"])),
    Case("ALB", "host_headers", "'example.123'", alb(host_headers=["example.123"])),
    Case("ALB", "host_headers", "'aaaa", alb(host_headers=["a" * 125 + ".com"])),
    Case("ALB", "host_headers", "'*?*?*?.example.com'", alb(host_headers=["*?*?*?.example.com"])),
    Case(
        "ALB",
        "target_groups/action",
        "neither",
        alb_listener_routing_imported,
    ),
    Case(
        "ALB",
        "allowed_cidrs",
        "Web/Alb/Http/App0Rule",
        alb_routed(
            elbv2.ListenerCondition.host_headers(["example.com"]),
            elbv2.ListenerCondition.path_patterns(["/a", "/b", "/c", "/d"]),
        ),
    ),
    Case(
        "ALB",
        "host_headers",
        "'api.*'",
        alb_routed(
            elbv2.ListenerCondition.host_headers(["api.*"]),
            host_headers=["*.example.com"],
        ),
    ),
    Case(
        "ALB",
        "bypass_paths",
        "'*.png'",
        alb_routed(
            elbv2.ListenerCondition.path_patterns(["*.png"]),
            bypass_paths=["/static/*"],
        ),
    ),
    Case(
        "ALB",
        "allowed_cidrs/host_headers",
        "30 CIDRs",
        alb_routed(
            *(elbv2.ListenerCondition.path_patterns([f"/p{i}/*"]) for i in range(6)),
            one_rule_each=True,
            allowed_cidrs=[f"10.{i}.0.0/16" for i in range(0, 120, 4)],
        ),
    ),
    Case(
        "ALB",
        "target_groups/action",
        "both",
        alb(target_groups="blue", action=elbv2.ListenerAction.fixed_response(200)),
    ),
    Case("ALB", "target_groups", "[]", alb(target_groups=[])),
    Case("ALB", "allowed_cidrs", "'10.0.0.1/8'", alb(allowed_cidrs=["10.0.0.1/8"])),
    Case("ALB", "allowed_cidrs", "'0.0.0.0/0'", alb(allowed_cidrs=["0.0.0.0/0"])),
    Case("ALB", "allowed_cidrs", "'::/0'", alb(allowed_cidrs=["::/0"])),
    Case("ALB", "allowed_cidrs", "'office'", alb(allowed_cidrs=["office"])),
    Case("ALB", "allowed_cidrs", "'10.0.0.0/8'", alb(allowed_cidrs="10.0.0.0/8")),
    Case("ALB", "priority", "0", alb(priority=0)),
    Case("ALB", "priority", "50001", alb(priority=50001)),
    Case("ALB", "priority", "'10'", alb(priority="10")),
    Case("ALB", "priority", "50000", alb(priority=50000, allowed_cidrs=["203.0.113.0/24"])),
    Case("ALB", "response.body", "1026", alb(response=MaintenanceResponse.text("é" * 513))),
    Case(
        "ALB",
        "response.status_code",
        "302",
        alb(response=MaintenanceResponse.text("x", status_code=302)),
    ),
    Case(
        "ALB",
        "browser_response.body",
        "1103",
        alb(browser_response=MaintenanceResponse.html("<p>" + "x" * 1100)),
    ),
    Case("ALB", "bypass_paths", "'health'", alb(bypass_paths=["health"])),
    Case("ALB", "bypass_paths", "'/health check'", alb(bypass_paths=["/health check"])),
    Case(
        "ALB",
        "allowed_cidrs/host_headers/bypass_paths",
        "400 CIDRs",
        alb(allowed_cidrs=NON_ADJACENT_400),
    ),
    Case(
        "ALB",
        "priority",
        "11",
        alb_synth(
            11,
            elbv2.ListenerCondition.host_headers(["other.example.org"]),
            allowed_cidrs=["203.0.113.0/24"],
        ),
    ),
    Case("ALB", "priority", "5", alb_synth(5, elbv2.ListenerCondition.host_headers(["*.com"]))),
    Case("ALB", "priority", "priority 1", alb_app_rules_from_1),
    Case("ALB", "priority", "3", alb_synth(3, elbv2.ListenerCondition.path_patterns(["/api/*"]))),
    Case("ALB", "enabled", "'on'", alb(enabled="on")),
    Case("ALB", "listener", "None", alb(listener=None)),
    Case("ALB", "bypass_token", "(7 characters)", alb(bypass_token="letmein")),
    Case("ALB", "bypass_token", "(23 characters)", alb(bypass_token="office pass 2026 winter")),
    Case("ALB", "bypass_token", "(27 characters)", alb(bypass_token="abcdef*" + "x" * 20)),
    Case("ALB", "bypass_token", "type int (20 characters", alb(bypass_token=12345678901234567890)),
    Case(
        "ALB",
        "bypass_token",
        "type bytes (24 characters",
        alb(bypass_token=b"a-bytes-token-0123456789"),
    ),
    Case("ALB", "bypass_token", "line break", alb(bypass_token=PLANTED + "\n")),
    Case("ALB", "bypass_token", "(23 characters)", alb_with(bypass_token=_joined_token)),
    Case("ALB", "bypass_token", "secure string", alb(bypass_token=SECURE_REFERENCE)),
    Case(
        "ALB",
        "bypass_token",
        "(35 characters)",
        alb(bypass_token="{{resolve:ssm:/maintenance/bypass}}"),
    ),
    Case("ALB", "bypass_token", "secret", alb_with(bypass_token=_secret_token)),
    Case(
        "ALB",
        "bypass_token",
        "'/aws/bypass'",
        lambda: BypassTokenParameter("/aws/bypass"),
    ),
    Case("ALB", "bypass_token", "'bad name!'", lambda: BypassTokenParameter("bad name!")),
    Case("ALB", "host_headers", "'example.com\\n'", alb(host_headers=["example.com\n"])),
    Case("ALB", "bypass_paths", "'/health\\n'", alb(bypass_paths=["/health\n"])),
    Case(
        "ALB",
        "host_headers",
        "'?.*.*.*.example.org'",
        alb(host_headers=["?.*.*.*.example.org"], bypass_token="x" * 20),
    ),
    Case(
        "ALB",
        "allowed_cidrs",
        "['0.0.0.0/1', '128.0.0.0/1']",
        alb(allowed_cidrs=["0.0.0.0/1", "128.0.0.0/1"]),
    ),
    Case(
        "ALB",
        "allowed_cidrs",
        "['::/1', '8000::/1']",
        alb(allowed_cidrs=["::/1", "8000::/1", "10.0.0.0/8"]),
    ),
    Case("ALB", "allowed_cidrs", "'fe80::1%eth0'", alb(allowed_cidrs=["fe80::1%eth0"])),
    Case("ALB", "allowed_cidrs", "'::ffff:1.2.3.4'", alb(allowed_cidrs=["::ffff:1.2.3.4"])),
    Case("ALB", "allowed_cidrs", "'10.0.0.0/8'", alb(allowed_cidrs=["::ffff:10.0.0.0/104"])),
    Case("ALB", "allowed_cidrs", "token", alb_with(allowed_cidrs=_token_list)),
    Case("ALB", "allowed_cidrs", "1500", alb(allowed_cidrs=MANY_1500)),
    Case("ALB", "allowed_cidrs", "None", alb(allowed_cidrs=[None])),
    Case("ALB", "allowed_cidrs", "12", alb(allowed_cidrs=12)),
    Case(
        "ALB",
        "host_headers",
        "token",
        alb_with(host_headers=lambda env: [cdk.Fn.import_value("Host")]),
    ),
    Case("ALB", "host_headers", "None", alb(host_headers=[None])),
    Case(
        "ALB",
        "host_headers",
        "'*.*.example.com'",
        alb(host_headers=["*.*.example.com"], bypass_paths=["/a*/b*/c*/d*"]),
    ),
    Case(
        "ALB",
        "host_headers",
        "'*.*.*.*.example.com'",
        alb(
            host_headers=["*.*.*.*.example.com"],
            browser_response=MaintenanceResponse.html("<p>x</p>"),
        ),
    ),
    Case(
        "ALB",
        "host_headers",
        "'?.*.*.*.example.com'",
        alb(host_headers=["?.*.*.*.example.com"], bypass_paths=["/static/*"]),
    ),
    Case("ALB", "bypass_paths", "'/*'", alb(bypass_paths=["/*"])),
    Case("ALB", "bypass_paths", "'/?*'", alb(bypass_paths=["/?*"])),
    Case("ALB", "bypass_paths", "'/**'", alb(bypass_paths=["/**"], host_headers=None)),
    Case("ALB", "bypass_paths", "'*'", alb(bypass_paths=["*"])),
    Case("ALB", "bypass_paths", "'/a*b*c*d*e*f*'", alb(bypass_paths=["/a*b*c*d*e*f*"])),
    Case(
        "ALB",
        "priority",
        "token",
        alb_with(priority=lambda env: cdk.Token.as_number(cdk.Fn.import_value("P"))),
    ),
    Case("ALB", "priority", "1.5", alb(priority=1.5)),
    Case("ALB", "priority", "True", alb(priority=True)),
    Case("ALB", "target_groups", "Web/Blue", alb_with(target_groups=lambda env: env.blue)),
    Case("ALB", "target_groups", "None", alb(target_groups=[None])),
    Case("ALB", "target_groups", "6", alb_groups(6)),
    Case("ALB", "action", "'forward'", alb(action="forward")),
    Case("ALB", "action", "6", alb_groups(6, as_action=True)),
    Case("ALB", "response", "{'code': 'down'}", alb(response={"code": "down"})),
    Case("ALB", "response", "'down'", alb(response="down")),
    Case("ALB", "browser_response", "42", alb(browser_response=42)),
    Case("ALB", "listener", "'arn:aws:elasticloadbalancing:", alb(listener=LISTENER_ARN)),
    Case(
        "ALB",
        "listener",
        "Web/L1",
        alb_listener(
            lambda stack: elbv2.CfnListener(
                stack,
                "L1",
                load_balancer_arn="arn:aws:elasticloadbalancing:eu-west-1:111111111111:"
                "loadbalancer/app/web/1",
                port=80,
                protocol="HTTP",
                default_actions=[elbv2.CfnListener.ActionProperty(type="fixed-response")],
            )
        ),
    ),
    Case(
        "ALB",
        "listener",
        "Web/Nlb",
        alb_listener(
            lambda stack: elbv2.NetworkListener.from_network_listener_arn(
                stack, "Nlb", NLB_LISTENER_ARN
            )
        ),
    ),
    Case("ALB", "priority", "49912", alb(priority=49912)),
    Case("ALB", "priority", "50", alb_two(False, priority=50)),
    Case(
        "ALB",
        "allowed_cidrs/host_headers/bypass_paths",
        "102",
        alb_two(True, allowed_cidrs=NON_ADJACENT_400[200:]),
    ),
    # -- CloudFront ----------------------------------------------------------------------------
    Case("CloudFront", "region", "'eu-west-1'", cloudfront(region="eu-west-1")),
    # -- Regional ------------------------------------------------------------------------------
    Case("Regional", "resource_arns", "[]", regional(resource_arns=[])),
    Case(
        "Regional", "resource_arns", "'arn:aws:apigateway:", regional(resource_arns=REST_STAGE_ARN)
    ),
    Case(
        "Regional",
        "resource_arns",
        "'arn:aws:cloudfront::1:distribution/E1'",
        regional(resource_arns=["arn:aws:cloudfront::1:distribution/E1"]),
    ),
    Case(
        "Regional",
        "resource_arns",
        "listed twice",
        regional(resource_arns=[REST_STAGE_ARN, REST_STAGE_ARN]),
    ),
    Case("Regional", "resource_arns", "another web ACL", regional_twice),
    Case(
        "Regional",
        "resource_arns",
        "'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/net/nlb/50dc6c495c0c9188'",
        regional(
            resource_arns=[
                "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/net/nlb/50dc6c495c0c9188"
            ]
        ),
    ),
    Case(
        "Regional",
        "resource_arns",
        "'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/classic-web'",
        regional(
            resource_arns=[
                "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/classic-web"
            ]
        ),
    ),
    Case(
        "Regional",
        "resource_arns",
        "'arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/app/web/1/2'",
        regional(
            resource_arns=[
                "arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/app/web/1/2"
            ]
        ),
    ),
    Case(
        "Regional",
        "resource_arns",
        "'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/blue/1'",
        regional(
            resource_arns=["arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/blue/1"]
        ),
    ),
    Case(
        "Regional",
        "resource_arns",
        "'arn:aws:ec2:eu-west-1:111111111111:instance/i-0123456789abcdef0'",
        regional(resource_arns=["arn:aws:ec2:eu-west-1:111111111111:instance/i-0123456789abcdef0"]),
    ),
    Case(
        "Regional",
        "resource_arns",
        "'arn:aws:amplify:eu-west-1:111111111111:apps/d1a2b3c4'",
        regional(resource_arns=["arn:aws:amplify:eu-west-1:111111111111:apps/d1a2b3c4"]),
    ),
    Case(
        "Regional",
        "resource_arns",
        "'arn:aws:s3:::my-bucket'",
        regional(resource_arns=["arn:aws:s3:::my-bucket"]),
    ),
    Case(
        "Regional",
        "resource_arns",
        "'arn:aws:elasticloadbalancing:us-west-2:111111111111:loadbalancer/app/web/1'",
        regional(
            resource_arns=[
                "arn:aws:elasticloadbalancing:us-west-2:111111111111:loadbalancer/app/web/1"
            ]
        ),
    ),
    Case(
        "Regional",
        "resource_arns",
        "'arn:aws:apigateway'",
        regional(resource_arns=["arn:aws:apigateway"]),
    ),
    Case("Regional", "resource_arns", "Net/Nlb", regional_app_load_balancer("network")),
    Case("Regional", "resource_arns", "in us-west-2", regional_app_load_balancer("app")),
    Case(
        "Regional",
        "resource_arns",
        "'arn:aws:apigateway:eu-west-1::/apis/a1b2c3/stages/$default'",
        regional(resource_arns=["arn:aws:apigateway:eu-west-1::/apis/a1b2c3/stages/$default"]),
    ),
    Case("Regional", "resource_arns", "AWS::ApiGatewayV2::Stage", regional_http_api),
    Case(
        "Regional",
        "resource_arns",
        "'arn:aws:apigateway:eu-west-1::/restapis/a1b2c3'",
        regional(resource_arns=["arn:aws:apigateway:eu-west-1::/restapis/a1b2c3"]),
    ),
    Case(
        "Regional",
        "web_acl",
        "'CLOUDFRONT'",
        lambda: (
            lambda stack: RegionalMaintenance(
                stack,
                "Maintenance",
                resource_arns=[REST_STAGE_ARN],
                web_acl=existing_acl(stack, "CLOUDFRONT"),
            )
        )(edge_stack("eu-west-1")),
    ),
    Case(
        "Regional",
        "response.status_code",
        "599",
        regional(response=MaintenanceResponse.text("x", status_code=599)),
    ),
    Case("Regional", "bypass_paths", "'/'", regional(bypass_paths=["/"])),
    Case(
        "CloudFront",
        "priority",
        "2147483647",
        cloudfront(priority=2**31 - 1, browser_response=MaintenanceResponse.html("<p>x</p>")),
    ),
    Case("CloudFront", "priority", "2147483648", cloudfront(priority=2**31)),
    Case("CloudFront", "priority", "token", cloudfront_token_priority),
    Case(
        "CloudFront",
        "response.status_code",
        "599",
        cloudfront(response=MaintenanceResponse.text("x", status_code=599)),
    ),
    Case(
        "CloudFront",
        "response.status_code",
        "451",
        cloudfront(response=MaintenanceResponse.text("x", status_code=451)),
    ),
    Case(
        "CloudFront",
        "browser_response.status_code",
        "418",
        cloudfront(browser_response=MaintenanceResponse.html("x", status_code=418)),
    ),
    Case(
        "CloudFront",
        "allowed_cidrs",
        "['0.0.0.0/1', '128.0.0.0/1']",
        cloudfront(allowed_cidrs=["0.0.0.0/1", "128.0.0.0/1"]),
    ),
    Case(
        "CloudFront",
        "allowed_cidrs",
        "'::ffff:1.2.3.4'",
        cloudfront(allowed_cidrs=["::ffff:1.2.3.4"]),
    ),
    Case(
        "CloudFront", "allowed_cidrs", "'fe80::1%eth0'", cloudfront(allowed_cidrs=["fe80::1%eth0"])
    ),
    Case("CloudFront", "allowed_cidrs", "None", cloudfront(allowed_cidrs=None)),
    Case("CloudFront", "bypass_paths", "'/'", cloudfront(bypass_paths=["/"])),
    Case("CloudFront", "bypass_paths", "'/health'", cloudfront(bypass_paths="/health")),
    Case("CloudFront", "response", "{'code': 'down'}", cloudfront(response={"code": "down"})),
    Case(
        "CloudFront",
        "browser_response",
        "'<h1>Back soon</h1>'",
        cloudfront(browser_response="<h1>Back soon</h1>"),
    ),
    Case("CloudFront", "rule_name", "5", cloudfront(rule_name=5)),
    Case("CloudFront", "bypass_token", "(5 characters)", cloudfront(bypass_token="short")),
    Case("CloudFront", "bypass_token", "line break", cloudfront(bypass_token=PLANTED + "\r\n")),
    Case("CloudFront", "bypass_token", "secure string", cloudfront(bypass_token=SECURE_REFERENCE)),
    Case("CloudFront", "bypass_token", "type float", cloudfront(bypass_token=1.5)),
    Case(
        "CloudFront",
        "bypass_token",
        "'ssm:/maintenance'",
        lambda: BypassTokenParameter("ssm:/maintenance"),
    ),
    Case("Regional", "bypass_token", "secure string", regional(bypass_token=SECURE_REFERENCE)),
    Case("Regional", "bypass_token", "(9 characters)", regional(bypass_token="too-short")),
    Case(
        "Regional",
        "bypass_link_prefix",
        "'/prod/../__maintenance/'",
        regional(bypass_token=PLANTED, bypass_link_prefix="/prod/../__maintenance/"),
    ),
    Case(
        "Regional",
        "bypass_link_prefix",
        "'/prod/__maintenance'",
        regional(bypass_token=PLANTED, bypass_link_prefix="/prod/__maintenance"),
    ),
    Case(
        "ALB",
        "response.retry_after",
        "86400000",
        response(lambda: MaintenanceResponse.json(retry_after=86_400_000)),
    ),
    Case(
        "ALB",
        "bypass_paths/host_headers",
        "'/p*q*r*s*'",
        alb(host_headers=["*.*.example.com"], bypass_paths=["/p*q*r*s*"]),
    ),
    Case("ALB", "allowed_cidrs", "'203.0.113.0/24\\n'", alb(allowed_cidrs=["203.0.113.0/24\n"])),
    Case("ALB", "bypass_token", "(12 characters)", alb(bypass_token="short-token!")),
    Case(
        "ALB",
        "bypass_token",
        "type list",
        alb(bypass_token=["a-list-of-one-token-0123456789"]),
    ),
    Case(
        "CloudFront",
        "response.retry_after",
        "1733011200",
        response(lambda: MaintenanceResponse.json(retry_after=1733011200)),
    ),
    Case(
        "CloudFront",
        "response.retry_after",
        "600000000",
        response(lambda: MaintenanceResponse.page(title="t", message="m", retry_after=600000000)),
    ),
    Case(
        "CloudFront",
        "bypass_paths/allowed_cidrs",
        "5060 WCU",
        cloudfront(bypass_paths=[f"/p{i}" for i in range(230)]),
    ),
    Case(
        "CloudFront",
        "bypass_link_prefix",
        "'/a/../maintenance/'",
        cloudfront(bypass_token=PLANTED, bypass_link_prefix="/a/../maintenance/"),
    ),
    Case(
        "CloudFront",
        "bypass_link_prefix",
        "'/./'",
        cloudfront(bypass_token=PLANTED, bypass_link_prefix="/./"),
    ),
    Case(
        "CloudFront",
        "bypass_link_prefix",
        "101 characters",
        cloudfront(bypass_token=PLANTED, bypass_link_prefix="/" + "m" * 99 + "/"),
    ),
    Case(
        "CloudFront",
        "bypass_link_prefix",
        "'/maintenance/\\n'",
        cloudfront(bypass_token=PLANTED, bypass_link_prefix="/maintenance/\n"),
    ),
    Case(
        "CloudFront",
        "bypass_link_prefix",
        "'/__maintenance'",
        cloudfront(bypass_token="x" * 20, bypass_link_prefix="/__maintenance"),
    ),
    Case(
        "CloudFront",
        "bypass_link_prefix",
        "'/a b/'",
        cloudfront(bypass_token="x" * 20, bypass_link_prefix="/a b/"),
    ),
    Case(
        "Regional",
        "bypass_token",
        "(23 characters)",
        regional(bypass_token="semi;colon-token-123456"),
    ),
    Case("CloudFront", "web_acl", "Edge/First", cloudfront_twice()),
    Case(
        "CloudFront",
        "web_acl",
        "Edge/First",
        cloudfront_twice(rule_name="Other", priority=20, enabled=True),
    ),
    Case("Regional", "resource_arns", "Web/Maintenance", alb_and_regional_on_one_alb),
    Case(
        "CloudFront",
        "rule_name",
        "'RateLimit'",
        cloudfront_existing(synth=True, rule_name="RateLimit", enabled=False),
    ),
    Case(
        "CloudFront",
        "allowed_cidrs",
        "'203.0.113.9/24'",
        cloudfront(allowed_cidrs=["203.0.113.9/24"]),
    ),
    Case("CloudFront", "allowed_cidrs", "'::/0'", cloudfront(allowed_cidrs=["::/0"])),
    Case(
        "CloudFront", "allowed_cidrs", "'2001:db8::zz'", cloudfront(allowed_cidrs=["2001:db8::zz"])
    ),
    Case("CloudFront", "allowed_cidrs", "10001", cloudfront(allowed_cidrs=HOSTS_10K)),
    Case(
        "CloudFront",
        "response.body",
        "4097",
        cloudfront(response=MaintenanceResponse.text("x" * 4097)),
    ),
    Case(
        "CloudFront",
        "response.headers",
        "11",
        cloudfront(
            response=MaintenanceResponse.text(
                "x", headers={f"X-{i}": "v" for i in range(10)}, retry_after=1
            )
        ),
    ),
    Case(
        "CloudFront",
        "response.headers",
        "'X-Bad#Name'",
        cloudfront(response=MaintenanceResponse.text("x", headers={"X-Bad#Name": "v"})),
    ),
    Case("CloudFront", "rule_name", "'Maintenance mode'", cloudfront(rule_name="Maintenance mode")),
    Case("CloudFront", "rule_name", "'xxxx", cloudfront(rule_name="x" * 121)),
    Case("CloudFront", "priority", "-1", cloudfront(priority=-1)),
    Case("CloudFront", "bypass_paths", "'/static/*'", cloudfront(bypass_paths=["/static/*"])),
    Case("CloudFront", "web_acl", "'REGIONAL'", cloudfront_existing("REGIONAL")),
    Case("CloudFront", "web_acl", "'blocked'", cloudfront_existing(rule_name="blocked")),
    Case("CloudFront", "priority", "1", cloudfront_existing(synth=True, priority=1)),
    Case(
        "CloudFront",
        "rule_name",
        "'RateLimit'",
        cloudfront_existing(synth=True, rule_name="RateLimit"),
    ),
    Case(
        "CloudFront Function",
        "behaviors",
        "'/api/*'",
        edge_function(synth=True, behaviors=["/api/*"]),
    ),
    Case("CloudFront Function", "behaviors", "[]", edge_function(behaviors=[])),
    Case(
        "CloudFront Function", "behaviors", REWRITE_ARN, edge_function_on_taken_behavior("imported")
    ),
    Case(
        "CloudFront Function",
        "behaviors",
        "Edge/Redirect",
        edge_function_on_taken_behavior("own store"),
    ),
    Case(
        "CloudFront Function", "behaviors", "Edge/Big", edge_function_on_taken_behavior("too big")
    ),
    Case(
        "CloudFront Function",
        "behaviors",
        "'querystring'",
        edge_function_on_taken_behavior("other import"),
    ),
    Case(
        "CloudFront Function", "behaviors", "Lambda@Edge", edge_function_on_taken_behavior("lambda")
    ),
    Case("CloudFront Function", "distribution", "Imported", edge_function_imported),
    Case("CloudFront Function", "behaviors", "Edge/Maintenance", edge_function_twice),
    Case(
        "CloudFront Function",
        "allowed_cidrs",
        "600 allowlist entries",
        edge_function(allowed_cidrs=[f"10.{i // 100}.{i % 100 * 2}.0/24" for i in range(600)]),
    ),
    Case(
        "CloudFront Function",
        "windows",
        "200 windows",
        edge_function(windows=[_hour(i) for i in range(200)]),
    ),
    Case(
        "CloudFront Function",
        "bypass_paths",
        "200 bypass paths",
        edge_function(bypass_paths=[f"/static/asset-{i:04d}.js" for i in range(200)]),
    ),
    Case(
        "CloudFront Function",
        "browser_response",
        "browser_response body",
        edge_function(browser_response=MaintenanceResponse.html("<p>" + "x" * 4500 + "</p>")),
    ),
    Case(
        "CloudFront Function",
        "response.headers",
        "'Connection'",
        edge_function(response=MaintenanceResponse.json(headers={"Connection": "close"})),
    ),
    Case(
        "CloudFront Function",
        "browser_response.headers",
        "'X-Amz-Cf-Pop'",
        edge_function(
            browser_response=MaintenanceResponse.html("<p>x</p>", headers={"X-Amz-Cf-Pop": "A"})
        ),
    ),
    Case(
        "CloudFront Function",
        "behaviors",
        "Edge/AuthAtEdge",
        edge_function_on_taken_behavior("lambda-viewer-response"),
    ),
    Case("CloudFront Function", "windows", "'2027-01-09'", edge_function(windows="2027-01-09")),
    Case(
        "CloudFront Function",
        "windows.start",
        "2027-01-09T02:00:00",
        _window(datetime(2027, 1, 9, 2), datetime(2027, 1, 9, 4, tzinfo=timezone.utc)),
    ),
    Case(
        "CloudFront Function",
        "windows.end",
        "2027-01-09T01:00:00+00:00",
        _window(
            datetime(2027, 1, 9, 2, tzinfo=timezone.utc),
            datetime(2027, 1, 9, 1, tzinfo=timezone.utc),
        ),
    ),
    Case(
        "CloudFront Function",
        "windows.start",
        "'tonight'",
        _window("tonight", datetime(2027, 1, 9, 1, tzinfo=timezone.utc)),
    ),
    Case(
        "CloudFront Function",
        "bypass_token",
        "(7 characters)",
        edge_function(bypass_token="letmein"),
    ),
    Case(
        "CloudFront Function",
        "bypass_token",
        "line break",
        edge_function(bypass_token=PLANTED + "\r\n"),
    ),
    Case(
        "CloudFront Function",
        "bypass_link_prefix",
        "'maintenance'",
        edge_function(bypass_link_prefix="maintenance"),
    ),
    # -- Regional: whitespace, ARNs with deploy-time values, execute-api --------------------
    Case(
        "Regional",
        "resource_arns",
        "'arn:aws:apigateway:eu-west-1::/restapis/a1b2c3/stages/prod\\n'",
        regional(resource_arns=[REST_STAGE_ARN + "\n"]),
    ),
    Case(
        "Regional",
        "resource_arns",
        "' arn:aws:apigateway:eu-west-1::/restapis/a1b2c3/stages/prod'",
        regional(resource_arns=[" " + REST_STAGE_ARN]),
    ),
    Case(
        "Regional",
        "resource_arns",
        "'arn:${AWS::Partition}:apigateway:${AWS::Region}::/apis/a1b2c3/stages/$default'",
        regional_format_arn_http_api,
    ),
    Case(
        "Regional",
        "resource_arns",
        "execute-api ARN of the HTTP API Api/Http",
        regional_execute_api,
    ),
    Case(
        "Regional",
        "resource_arns",
        "'arn:aws:execute-api:eu-west-1:111111111111:a1b2c3/prod/GET/'",
        regional(resource_arns=["arn:aws:execute-api:eu-west-1:111111111111:a1b2c3/prod/GET/"]),
    ),
    Case(
        "Regional",
        "resource_arns",
        "'arn:${AWS::Partition}:apigateway:eu-west-1::/apis/a1b2c3/stages/x'",
        regional_joined_http_api,
    ),
    # methods= and paths= (read-only and partial maintenance): one definition, every door.
    Case(
        "ALB",
        "methods/paths",
        "16 hosts",
        alb(host_headers=[f"h{i}.example.com" for i in range(16)], methods=READ_ONLY),
    ),
    Case(
        "ALB",
        "methods/paths",
        "24 maintenance rules",
        alb(methods=READ_ONLY, paths=[f"/p{i}" for i in range(20)]),
    ),
    Case(
        "ALB",
        "methods/paths",
        "20 guard rules",
        alb(
            host_headers=[f"h{i}.example.com" for i in range(10)],
            methods=READ_ONLY,
            bypass_paths=["/static/*"],
        ),
    ),
    Case(
        "ALB",
        "host_headers/paths",
        "'*.*.*.example.com'",
        alb(host_headers=["*.*.*.example.com"], paths=["/a*/b*/c*"]),
    ),
    Case("ALB", "methods", "'patch'", alb(methods=["patch"])),
    Case("ALB", "methods", "['GET']", alb(methods=["GET"])),
    Case("ALB", "paths", "'/shop/../checkout/*'", alb(paths=["/shop/../checkout/*"])),
    Case("ALB", "paths", "'/checkout/*'", alb(paths=["/checkout/*"], bypass_paths=["/check*"])),
    Case(
        "CloudFront",
        "paths",
        "'/checkout/*'",
        cloudfront(paths=["/checkout/*"], bypass_paths=["/checkout"]),
    ),
    Case("CloudFront", "methods", "[]", cloudfront(methods=[])),
    Case("CloudFront", "methods", "'POST'", cloudfront(methods="POST")),
    Case("CloudFront Function", "methods", "'post'", edge_function(methods=["post"])),
    Case("Regional", "methods", "'CONNECT'", regional(methods=["CONNECT"])),
    Case("CloudFront Function", "methods", "'GET'", edge_function(methods=["GET", "GET"])),
    Case(
        "Regional",
        "methods",
        "['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']",
        regional(methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]),
    ),
    Case("Regional", "paths", "[]", regional(paths=[])),
    Case("CloudFront", "paths", "'/*'", cloudfront(paths=["/*"])),
    Case("CloudFront Function", "paths", "'checkout/*'", edge_function(paths=["checkout/*"])),
    Case("CloudFront", "paths", "'/a/*/b'", cloudfront(paths=["/a/*/b"])),
    Case("Regional", "paths", "'/a?'", regional(paths=["/a?"])),
    Case("CloudFront Function", "paths", "'/item-?'", edge_function(paths=["/item-?"])),
    Case("CloudFront", "paths", "'/shop/../checkout/*'", cloudfront(paths=["/shop/../checkout/*"])),
    Case("Regional", "paths", "'/a//b'", regional(paths=["/a//b"])),
    Case("CloudFront Function", "paths", "'/cart'", edge_function(paths=["/cart", "/cart"])),
    Case(
        "CloudFront",
        "paths",
        "5132 WCU",
        cloudfront(methods=READ_ONLY, paths=[f"/p{i}" for i in range(230)]),
    ),
    Case(
        "CloudFront Function",
        "paths",
        "400 scope paths",
        edge_function(paths=[f"/area-{i:03d}/section/*" for i in range(400)]),
    ),
]


def message_of(case: Case) -> str:
    """Run a case and return the message the user sees; fail if it is accepted."""
    try:
        case.run()
    except MaintenanceConfigError as error:
        return str(error)
    except RuntimeError as error:  # synth-time validation, reported by CDK
        text = str(error)
        if not text.startswith("ValidationFailedWithErrors"):
            raise
        return " ".join(line.strip() for line in text.splitlines()[1:] if line.strip())
    raise AssertionError(f"{case.area} {case.parameter}={case.value} was accepted")


def render(messages: list[str]) -> str:
    """docs/errors.md from the cases and their messages."""
    lines = [
        "# Errors at synth time",
        "",
        "Every input the constructs and the toggle refuse, with the message you see. Each row",
        "is a test case (`tests/bad_inputs.py`): the page is regenerated from the messages the",
        "code really raises, and the test suite fails if it drifts.",
        "",
        "Errors raised while your app builds its constructs are `MaintenanceConfigError` (a",
        "`ValueError`); checks that need the whole app (priority clashes, selectors, existing",
        "web ACL rules) run when the app synthesizes and are reported by CDK as",
        "`Validation failed with the following errors: [construct path] message`.",
        "",
        f"{len(CASES)} cases.",
        "",
        "| # | area | parameter | value | message |",
        "| --- | --- | --- | --- | --- |",
    ]
    for number, (case, message) in enumerate(zip(CASES, messages, strict=True), start=1):
        cells = [str(number), case.area, f"`{case.parameter}`", f"`{case.value}`", message]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render([message_of(case) for case in CASES]))
