"""RegionalMaintenance's resource_arns read as literal text with deploy-time holes: what the
literal text decides is refused at construction (whitespace, an HTTP API stage from
Stack.format_arn, execute-api ARNs), what a hole could make right is accepted, and an ARN that
is one opaque token until synth (Fn.join) is read again by a validation.

AWS WAF associates a regional web ACL with API Gateway REST API stages, never with HTTP or
WebSocket APIs (API Gateway v2), and an execute-api ARN names the methods a caller may invoke
(IAM and Lambda permissions), not a resource."""

from __future__ import annotations

from collections.abc import Callable

import aws_cdk as cdk
import pytest
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2

from maintenance_constructs import MaintenanceConfigError, RegionalMaintenance

STAGE = "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3/stages/prod"
Make = Callable[[cdk.Stack], str]


def _stack(region: str | None = "eu-west-1") -> cdk.Stack:
    env = cdk.Environment(region=region) if region else None
    return cdk.Stack(cdk.App(context={"maintenance": "true"}), "Api", env=env)


def _rest_api(stack: cdk.Stack) -> apigateway.RestApi:
    api = apigateway.RestApi(
        stack, "Rest", deploy_options=apigateway.StageOptions(stage_name="prod")
    )
    api.root.add_method("GET", apigateway.MockIntegration())
    return api


def _alb(stack: cdk.Stack) -> elbv2.ApplicationLoadBalancer:
    vpc = ec2.Vpc(stack, "Vpc", nat_gateways=0, max_azs=2)
    return elbv2.ApplicationLoadBalancer(stack, "Alb", vpc=vpc, internet_facing=True)


def _http_stage_arn(stack: cdk.Stack) -> str:
    return stack.format_arn(
        service="apigateway", account="", resource="/apis/a1b2c3/stages/$default"
    )


def _refused(make: Make, region: str | None = "eu-west-1") -> str:
    stack = _stack(region)
    with pytest.raises(MaintenanceConfigError) as raised:
        RegionalMaintenance(stack, "Maintenance", resource_arns=[make(stack)])
    message = str(raised.value)
    assert message.startswith("resource_arns: ") and "${Token[" not in message, message
    return message


def _synth_errors(make: Make, region: str | None = "eu-west-1") -> str:
    """The validation errors of the app ('' when it synthesizes)."""
    stack = _stack(region)
    RegionalMaintenance(stack, "Maintenance", resource_arns=[make(stack)])
    try:
        stack.node.root.synth()  # type: ignore[attr-defined]
    except RuntimeError as error:
        return str(error)
    return ""


@pytest.mark.parametrize(
    "arn", [STAGE + "\n", STAGE + " ", " " + STAGE, "\t" + STAGE, STAGE + "\r\n"]
)
def test_whitespace_around_an_arn_is_refused_with_the_fix(arn: str) -> None:
    message = _refused(lambda _: arn)
    assert repr(arn) in message and "whitespace around it" in message
    assert "arn.strip()" in message


def test_whitespace_around_a_token_is_refused_too() -> None:
    message = _refused(lambda stack: _alb(stack).load_balancer_arn + "\n")
    assert "whitespace around it" in message and "${Api/Alb/Resource.Ref}\\n" in message


def test_whitespace_inside_is_not_an_arn() -> None:
    message = _refused(lambda _: "arn:aws:apigateway:eu-west-1::/restapis/a1 b2/stages/prod")
    assert "is not an ARN" in message


@pytest.mark.parametrize("region", ["eu-west-1", None], ids=["region", "environment-agnostic"])
def test_an_http_api_stage_from_format_arn_is_refused_though_partition_is_a_token(
    region: str | None,
) -> None:
    message = _refused(_http_stage_arn, region)
    assert "'arn:${AWS::Partition}:apigateway:" in message
    assert (
        "HTTP or WebSocket API (API Gateway v2)" in message and "CloudFrontMaintenance" in message
    )
    if region is None:
        assert "${AWS::Region}" in message


def test_an_http_api_stage_with_the_apis_id_token_is_refused() -> None:
    def make(stack: cdk.Stack) -> str:
        api = apigwv2.HttpApi(stack, "Http")
        return stack.format_arn(
            service="apigateway",
            account="",
            resource="/apis",
            resource_name=f"{api.api_id}/stages/$default",
        )

    message = _refused(make)
    assert "/apis/${Api/Http/Resource.Ref}/stages/$default" in message
    assert "HTTP or WebSocket API" in message


def test_the_execute_api_arn_of_an_http_api_names_the_api() -> None:
    message = _refused(lambda stack: apigwv2.HttpApi(stack, "Http").arn_for_execute_api())
    assert "is the execute-api ARN of the HTTP API Api/Http" in message
    assert "AWS WAF cannot protect HTTP APIs" in message


def test_the_execute_api_arn_of_a_websocket_api_names_the_api() -> None:
    message = _refused(lambda stack: apigwv2.WebSocketApi(stack, "Ws").arn_for_execute_api())
    assert "is the execute-api ARN of the WebSocket API Api/Ws" in message


def test_the_execute_api_arn_of_a_rest_api_points_to_its_stage() -> None:
    message = _refused(lambda stack: _rest_api(stack).arn_for_execute_api())
    assert "is an execute-api ARN" in message
    assert "api.deployment_stage.stage_arn" in message


def test_a_literal_execute_api_arn_is_refused() -> None:
    message = _refused(lambda _: "arn:aws:execute-api:eu-west-1:111111111111:a1b2c3/prod/GET/")
    assert "is an execute-api ARN" in message


def test_a_network_load_balancer_from_format_arn_is_refused_by_its_literal_start() -> None:
    def make(stack: cdk.Stack) -> str:
        return stack.format_arn(
            service="elasticloadbalancing",
            resource="loadbalancer/net",
            resource_name=cdk.Fn.import_value("NlbName"),
        )

    message = _refused(make)
    assert "a Network Load Balancer" in message
    assert "loadbalancer/net/${Fn::ImportValue}" in message


def test_a_rest_stage_in_another_literal_region_is_refused_though_partition_is_a_token() -> None:
    def make(stack: cdk.Stack) -> str:
        return stack.format_arn(
            service="apigateway",
            account="",
            region="us-east-1",
            resource="/restapis/a1b2c3/stages/prod",
        )

    assert "is in us-east-1, but this stack" in _refused(make)


@pytest.mark.parametrize(
    "make",
    [
        lambda stack: _rest_api(stack).deployment_stage.stage_arn,
        lambda stack: _alb(stack).load_balancer_arn,
        lambda stack: cognito.UserPool(stack, "Users").user_pool_arn,
        lambda stack: cdk.Fn.import_value("SharedStageArn"),
        # The load balancer's full name ("app/<name>/<id>") is one token: it could be right.
        lambda stack: stack.format_arn(
            service="elasticloadbalancing",
            resource="loadbalancer",
            resource_name=cdk.Fn.import_value("AlbFullName"),
        ),
        lambda stack: stack.format_arn(
            service="apigateway", account="", resource="/restapis/a1b2c3/stages/prod"
        ),
        lambda stack: cdk.Fn.join(
            "",
            ["arn:", cdk.Aws.PARTITION, ":apigateway:", cdk.Aws.REGION, "::/restapis/a/stages/p"],
        ),
    ],
    ids=[
        "rest-stage",
        "alb",
        "user-pool",
        "import",
        "alb-format-arn",
        "rest-format-arn",
        "rest-fn-join",
    ],
)
@pytest.mark.parametrize("region", ["eu-west-1", None], ids=["region", "environment-agnostic"])
def test_arns_with_deploy_time_values_that_can_be_right_are_accepted(
    make: Make, region: str | None
) -> None:
    assert _synth_errors(make, region) == ""


def test_an_http_api_stage_from_fn_join_is_refused_when_the_app_synthesizes() -> None:
    def make(_: cdk.Stack) -> str:
        return cdk.Fn.join(
            "", ["arn:", cdk.Aws.PARTITION, ":apigateway:eu-west-1::/apis/a1b2c3/stages/x"]
        )

    errors = _synth_errors(make)
    assert (
        "[Api/Maintenance] resource_arns: 'arn:${AWS::Partition}:apigateway:eu-west-1::" in errors
    )
    assert "HTTP or WebSocket API" in errors


def test_whitespace_from_fn_join_is_refused_when_the_app_synthesizes() -> None:
    def make(_: cdk.Stack) -> str:
        return cdk.Fn.join(
            "", ["arn:", cdk.Aws.PARTITION, ":apigateway:eu-west-1::/restapis/a/stages/p\n"]
        )

    assert "whitespace around it" in _synth_errors(make)
