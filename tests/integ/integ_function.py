"""CloudFrontFunctionMaintenance, deployed on: a distribution in front of a Lambda function URL,
the function's deploy-time state on."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk.integ_tests_alpha import IntegTest

from maintenance_constructs import CloudFrontFunctionMaintenance
from tests.integ.shared import (
    OFFICE,
    RESPONSE,
    TOKEN,
    app_distribution,
    assert_maintenance,
    integ_test,
)


def build(app: cdk.App) -> IntegTest:
    stack = cdk.Stack(app, "MaintenanceIntegFunction", env=cdk.Environment(region="us-east-1"))
    distribution = app_distribution(stack)
    CloudFrontFunctionMaintenance(
        stack,
        "Maintenance",
        distribution=distribution,
        allowed_cidrs=OFFICE,
        response=RESPONSE,
        bypass_token=TOKEN,
        enabled=True,
    )
    integ = integ_test(app, "CloudFrontFunctionMaintenanceInteg", stack)
    assert_maintenance(integ, f"https://{distribution.domain_name}/", headers_sent=True)
    return integ


if __name__ == "__main__":
    application = cdk.App()
    build(application)
    application.synth()
