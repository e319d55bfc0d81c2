"""RegionalMaintenance, deployed on: an API Gateway REST API stage that answers ``the app``."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk.integ_tests_alpha import IntegTest

from maintenance_constructs import RegionalMaintenance
from tests.integ.shared import APP_ANSWER, OFFICE, RESPONSE, TOKEN, assert_maintenance, integ_test


def build(app: cdk.App) -> IntegTest:
    stack = cdk.Stack(app, "MaintenanceIntegRegional")
    api = apigw.RestApi(stack, "Api")
    api.root.add_method(
        "GET",
        apigw.MockIntegration(
            request_templates={"application/json": '{"statusCode": 200}'},
            integration_responses=[
                apigw.IntegrationResponse(
                    status_code="200", response_templates={"application/json": APP_ANSWER}
                )
            ],
        ),
        method_responses=[apigw.MethodResponse(status_code="200")],
    )
    RegionalMaintenance(
        stack,
        "Maintenance",
        resource_arns=[api.deployment_stage.stage_arn],
        allowed_cidrs=OFFICE,
        response=RESPONSE,
        bypass_token=TOKEN,
        enabled=True,
    )
    integ = integ_test(app, "RegionalMaintenanceInteg", stack)
    assert_maintenance(integ, api.url, headers_sent=True)
    return integ


if __name__ == "__main__":
    application = cdk.App()
    build(application)
    application.synth()
