"""What every integration app shares: the token, the app's answer, and the two HTTP
assertions (an outside client gets the maintenance answer; the bypass token reaches the app).

The assertions run as custom resources during ``cdk deploy`` (aws-cdk.integ-tests-alpha), from a
Lambda function in the account: an outside client, since no allowlist holds its address.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_lambda as lambda_
from aws_cdk.integ_tests_alpha import ExpectedResult, IntegTest
from constructs import Construct

from maintenance_constructs import MaintenanceResponse

TOKEN = "integ-bypass-token-0123456789"
"""A literal token for a disposable test stack (real apps keep theirs in SSM)."""
APP_ANSWER = "the app"
RESPONSE = MaintenanceResponse.json({"code": "maintenance"}, retry_after=600)
OFFICE = ["203.0.113.0/24"]
"""An allowlist no Lambda function of the account can be in (a documentation range)."""
INTERVAL = cdk.Duration.seconds(30)
TOTAL = cdk.Duration.minutes(15)
"""How long an assertion retries: WAF and CloudFront changes take minutes to propagate."""


def integ_test(app: cdk.App, name: str, stack: cdk.Stack) -> IntegTest:
    """The test, its assertions in a stack of the test stack's region (an assertion reads the
    test stack's URL: a reference that must not cross regions)."""
    region = None if cdk.Token.is_unresolved(stack.region) else stack.region
    assertions = cdk.Stack(app, f"{stack.stack_name}Assertions", env=cdk.Environment(region=region))
    return IntegTest(app, name, test_cases=[stack], assertion_stack=assertions)


def app_origin(scope: Construct) -> lambda_.FunctionUrl:
    """A Lambda function URL that answers ``the app``: what allowed requests should reach."""
    function = lambda_.Function(
        scope,
        "App",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline(
            "def handler(event, context):\n"
            f"    return {{'statusCode': 200, 'body': {APP_ANSWER!r}}}\n"
        ),
    )
    return function.add_function_url(auth_type=lambda_.FunctionUrlAuthType.NONE)


def app_distribution(scope: Construct, *, web_acl_id: str | None = None) -> cloudfront.Distribution:
    """A distribution in front of :func:`app_origin`, caching nothing (every request is seen)."""
    return cloudfront.Distribution(
        scope,
        "Cdn",
        default_behavior=cloudfront.BehaviorOptions(
            origin=origins.FunctionUrlOrigin(app_origin(scope)),
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
        ),
        web_acl_id=web_acl_id,
    )


def assert_maintenance(
    integ: IntegTest, url: str, *, headers_sent: bool, extra: Mapping[str, Any] | None = None
) -> None:
    """An outside client gets the 503 JSON body (and ``Retry-After`` where the front door sends
    headers); the bypass token as a header reaches the app."""
    outside: dict[str, Any] = {"status": 503, "body": {"code": "maintenance"}, **(extra or {})}
    if headers_sent:
        outside["headers"] = {"retry-after": ["600"]}
    integ.assertions.http_api_call(url).expect(
        ExpectedResult.object_like(outside)
    ).wait_for_assertions(interval=INTERVAL, total_timeout=TOTAL)
    integ.assertions.http_api_call(url, headers={"X-Maintenance-Bypass": TOKEN}).expect(
        ExpectedResult.object_like({"status": 200, "body": APP_ANSWER})
    ).wait_for_assertions(interval=INTERVAL, total_timeout=TOTAL)
