"""AlbMaintenance, deployed on: an internet-facing ALB whose app rule answers ``the app``."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk.integ_tests_alpha import IntegTest

from maintenance_constructs import AlbMaintenance
from tests.integ.shared import APP_ANSWER, OFFICE, RESPONSE, TOKEN, assert_maintenance, integ_test


def build(app: cdk.App) -> IntegTest:
    stack = cdk.Stack(app, "MaintenanceIntegAlb")
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    alb = elbv2.ApplicationLoadBalancer(stack, "Alb", vpc=vpc, internet_facing=True)
    listener = alb.add_listener(
        "Http", port=80, default_action=elbv2.ListenerAction.fixed_response(404)
    )
    elbv2.ApplicationListenerRule(
        stack,
        "App",
        listener=listener,
        priority=100,
        conditions=[elbv2.ListenerCondition.path_patterns(["/*"])],
        action=elbv2.ListenerAction.fixed_response(
            200, content_type="text/plain", message_body=APP_ANSWER
        ),
    )
    AlbMaintenance(
        stack,
        "Maintenance",
        listener=listener,
        allowed_cidrs=OFFICE,
        response=RESPONSE,
        bypass_token=TOKEN,
        enabled=True,
    )
    integ = integ_test(app, "AlbMaintenanceInteg", stack)
    # An ALB fixed response carries no headers: no Retry-After to expect.
    assert_maintenance(integ, f"http://{alb.load_balancer_dns_name}/", headers_sent=False)
    return integ


if __name__ == "__main__":
    application = cdk.App()
    build(application)
    application.synth()
