"""Stacks and commands the tests share: an ALB test stack, an existing web ACL, an imported
listener, and the pinned CDK CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_wafv2 as wafv2

from maintenance_constructs import AlbMaintenance

ROOT = Path(__file__).resolve().parent.parent
JSII_CACHE = {
    "JSII_RUNTIME_PACKAGE_CACHE_ROOT": os.environ.get("JSII_RUNTIME_PACKAGE_CACHE_ROOT")
    or str(Path.home() / ".cache" / "aws" / "jsii" / "package-cache")
}
"""The jsii runtime's package cache, kept where the test run's own synths put it: a process
given a stand-in home folder would otherwise unpack aws-cdk-lib again (seconds per synth)."""
W = wafv2.CfnWebACL
LISTENER_ARN = (
    "arn:aws:elasticloadbalancing:eu-west-1:111111111111:"
    "listener/app/web/1234567890abcdef/1234567890abcdef"
)


class AlbEnv:
    """A fresh app with a VPC, an ALB listener (404 default) and a blue target group."""

    def __init__(
        self,
        *,
        default_forward: bool = False,
        context: dict[str, Any] | None = None,
        outdir: Path | None = None,
    ) -> None:
        self.app = cdk.App(context=context, outdir=str(outdir) if outdir else None)
        self.stack = cdk.Stack(self.app, "Web", env=cdk.Environment(region="eu-west-1"))
        vpc = ec2.Vpc(
            self.stack,
            "Vpc",
            nat_gateways=0,
            max_azs=2,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC)
            ],
        )
        alb = elbv2.ApplicationLoadBalancer(self.stack, "Alb", vpc=vpc, internet_facing=True)
        self.blue = elbv2.ApplicationTargetGroup(
            self.stack, "Blue", vpc=vpc, port=80, target_type=elbv2.TargetType.IP
        )
        default = (
            elbv2.ListenerAction.forward([self.blue])
            if default_forward
            else elbv2.ListenerAction.fixed_response(404, content_type="text/plain")
        )
        self.listener = alb.add_listener("Http", port=80, default_action=default)

    def other_rule(self, id: str, priority: int, condition: elbv2.ListenerCondition) -> None:
        self.listener.add_action(
            id,
            priority=priority,
            conditions=[condition],
            action=elbv2.ListenerAction.fixed_response(200),
        )

    def maintenance(self, id: str = "Maintenance", **overrides: Any) -> AlbMaintenance:
        arguments: dict[str, Any] = {
            "listener": self.listener,
            "host_headers": ["example.com"],
            "target_groups": [self.blue],
            "enabled": True,
        }
        arguments.update(overrides)
        if arguments.get("target_groups") == "blue":
            arguments["target_groups"] = [self.blue]
        if "action" in overrides and "target_groups" not in overrides:
            del arguments["target_groups"]
        return AlbMaintenance(self.stack, id, **arguments)


def imported_listener(
    stack: cdk.Stack, arn: str = LISTENER_ARN
) -> tuple[elbv2.IApplicationListener, elbv2.IApplicationTargetGroup]:
    """A listener and a blue target group imported by ARN (they live outside this app)."""
    listener = elbv2.ApplicationListener.from_application_listener_attributes(
        stack,
        "Listener",
        listener_arn=arn,
        security_group=ec2.SecurityGroup.from_security_group_id(stack, "Sg", "sg-12345678"),
    )
    blue = elbv2.ApplicationTargetGroup.from_target_group_attributes(
        stack, "Blue", target_group_arn=arn.replace("listener/app/web", "targetgroup/blue")
    )
    return listener, blue


def existing_acl(stack: cdk.Stack, scope: str = "CLOUDFRONT") -> wafv2.CfnWebACL:
    visibility = W.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name="edge", sampled_requests_enabled=True
    )
    return W(
        stack,
        "Acl",
        scope=scope,
        default_action=W.DefaultActionProperty(allow={}),
        visibility_config=visibility,
        rules=[
            W.RuleProperty(
                name="RateLimit",
                priority=1,
                action=W.RuleActionProperty(block={}),
                statement=W.StatementProperty(
                    rate_based_statement=W.RateBasedStatementProperty(
                        aggregate_key_type="IP", limit=2000
                    )
                ),
                visibility_config=visibility,
            )
        ],
        custom_response_bodies={
            "blocked": W.CustomResponseBodyProperty(content="blocked", content_type="TEXT_PLAIN")
        },
    )


needs_cdk_cli = pytest.mark.skipif(
    shutil.which("npx") is None or not (ROOT / "node_modules" / ".bin" / "cdk").exists(),
    reason="the pinned CDK CLI is installed by `make setup`",
)


def run_cdk(
    args: Sequence[str], *, cwd: Path, home: Path | None = None, validation: bool = False
) -> subprocess.CompletedProcess[str]:
    """The pinned CDK CLI (from any folder), finding this interpreter as `python3` (cdk.json
    runs python3); ``home`` stands in for the user's home folder (``~/.cdk.json``). CDK's own
    template validation (seconds a synth) runs only with ``validation``."""
    env = {k: v for k, v in os.environ.items() if k != "CDK_VALIDATION"}
    if not validation:
        env["CDK_VALIDATION"] = "false"
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    if home is not None:
        env.update(HOME=str(home), **JSII_CACHE)
    return subprocess.run(
        [str(ROOT / "node_modules" / ".bin" / "cdk"), "--no-notices", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
