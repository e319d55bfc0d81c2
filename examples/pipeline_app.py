#!/usr/bin/env python3
"""CDK Pipelines example: one Stage class (app stack + edge stack) deployed as Staging and Prod.

Put one stage into maintenance by committing a selector to ``examples/cdk.json``
(``"maintenance": "Prod"``) or, for one synth, ``npx cdk synth -c maintenance=Prod`` from
``examples/``. It synthesizes offline: the source is a CodeConnections connection with a
placeholder ARN, the accounts are placeholders, and ``cdk.context.json`` holds the
availability zones CDK would otherwise look up for the placeholder account (without them the
CLI runs the app a second time after the lookup fails).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import pipelines
from constructs import Construct

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the example stacks in app.py

from app import AlbExampleStack, CloudFrontExampleStack

ACCOUNT = "111111111111"  # placeholder: your deployment account
APP_REGION = "ap-northeast-1"
CONNECTION_ARN = (
    f"arn:aws:codeconnections:{APP_REGION}:{ACCOUNT}:connection/"
    "00000000-0000-0000-0000-000000000000"
)
STAGES = ("Staging", "Prod")


class WebStage(cdk.Stage):
    """The application (ALB as the interface) and its edge (CloudFront in us-east-1)."""

    def __init__(self, scope: Construct, id: str, *, account: str = ACCOUNT) -> None:
        super().__init__(scope, id)
        AlbExampleStack(
            self,
            "Web",
            env=cdk.Environment(account=account, region=APP_REGION),
            availability_zones=[f"{APP_REGION}a", f"{APP_REGION}c"],
        )
        self.edge = CloudFrontExampleStack(
            self, "Edge", env=cdk.Environment(account=account, region="us-east-1")
        )
        """The edge stack: its ``url_output`` is what the post-deploy check probes."""


class PipelineStack(cdk.Stack):
    """A self-mutating pipeline that deploys Staging, then Prod.

    ``stages_under_pipeline`` puts the stages under this stack (``WebStage(self, ...)``, as
    many apps do) rather than beside it; selectors and the preview work the same either way.
    """

    def __init__(self, scope: Construct, id: str, *, stages_under_pipeline: bool = False) -> None:
        super().__init__(scope, id, env=cdk.Environment(account=ACCOUNT, region=APP_REGION))
        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            cross_account_keys=False,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.connection(
                    "example/web", "main", connection_arn=CONNECTION_ARN
                ),
                commands=[
                    "python3 -m pip install -e .",
                    "npm ci",
                    "cd examples && npx cdk synth",
                ],
                primary_output_directory="examples/cdk.out",
            ),
        )
        for stage_id in STAGES:
            stage = WebStage(self if stages_under_pipeline else scope, stage_id)
            pipeline.add_stage(stage, post=[check_step(stage)])


def check_step(stage: WebStage) -> pipelines.ShellStep:
    """After the stage deploys, probe its edge until it answers as the committed context says
    (maintenance on or off for this stage), for up to 10 minutes: WAF changes take "from a few
    seconds to a number of minutes" to propagate. The token comes from SSM, never the log."""
    door = f"{stage.stage_name}/Edge/Maintenance"
    return pipelines.ShellStep(
        "CheckMaintenance",
        env_from_cfn_outputs={"URL": stage.edge.url_output},
        install_commands=["python3 -m pip install -e '.[switch]'", "npm ci"],
        commands=[
            "cd examples",
            f'maintenance-constructs check "$URL" --door {door} --wait 600 '
            "--token-ssm /maintenance/bypass-token",
        ],
    )


def build_pipeline_app(
    context: Mapping[str, Any] | None = None,
    *,
    outdir: str | None = None,
    stages_under_pipeline: bool = False,
) -> cdk.App:
    """The pipeline app; ``context`` is what ``-c`` and cdk.json would give."""
    app = cdk.App(context=dict(context or {}), outdir=outdir)
    PipelineStack(app, "MaintenancePipeline", stages_under_pipeline=stages_under_pipeline)
    return app


if __name__ == "__main__":
    build_pipeline_app().synth()
