"""CloudFrontFunctionMaintenance in a stack: what exists in both states, what the toggle
changes (only the function's code), and the associations with the distribution's behaviors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk.assertions import Match, Template

from maintenance_constructs import CloudFrontFunctionMaintenance, MaintenanceWindow
from maintenance_constructs.shared import STORE_METADATA_TYPE
from maintenance_constructs.tools.model import ClientKind

WINDOW = MaintenanceWindow(
    start=datetime(2027, 1, 9, 2, tzinfo=timezone.utc),
    end=datetime(2027, 1, 9, 4, tzinfo=timezone.utc),
)


def _build(state: str, *, cfn: bool = False) -> tuple[Template, CloudFrontFunctionMaintenance]:
    app = cdk.App(context={"maintenance": state})
    stack = cdk.Stack(app, "Edge", env=cdk.Environment(account="123456789012", region="us-east-1"))
    origin = origins.HttpOrigin("origin.example.com")
    rewrite = cloudfront.Function(
        stack,
        "AddHeaders",
        code=cloudfront.FunctionCode.from_inline("function handler(e) { return e.response; }"),
    )
    distribution = cloudfront.Distribution(
        stack,
        "Cdn",
        default_behavior=cloudfront.BehaviorOptions(
            origin=origin,
            function_associations=[
                cloudfront.FunctionAssociation(
                    function=rewrite, event_type=cloudfront.FunctionEventType.VIEWER_RESPONSE
                )
            ],
        ),
    )
    construct = CloudFrontFunctionMaintenance(
        stack,
        "Maintenance",
        distribution=distribution,
        allowed_cidrs=["203.0.113.0/24"],
        windows=[WINDOW],
    )
    # Behaviors added after the construct get the function too.
    distribution.add_behavior("/api/*", origin)
    return Template.from_stack(stack), construct


@pytest.fixture(scope="module")
def templates() -> dict[str, Template]:
    return {state: _build(state)[0] for state in ("false", "true")}


def _code(template: Template) -> str:
    [function] = [
        r
        for r in template.to_json()["Resources"].values()
        if r["Type"] == "AWS::CloudFront::Function"
        and "maintenance" in r["Properties"]["FunctionConfig"]["Comment"]
    ]
    parts = function["Properties"]["FunctionCode"]["Fn::Join"][1]
    return "".join(p if isinstance(p, str) else "<store id>" for p in parts)


@pytest.mark.parametrize("state", ["false", "true"])
def test_store_function_associations_and_output_exist_in_both_states(
    templates: dict[str, Template], state: str
) -> None:
    template = templates[state]
    template.resource_count_is("AWS::CloudFront::KeyValueStore", 1)
    template.has_resource_properties(
        "AWS::CloudFront::Function",
        {
            "FunctionConfig": Match.object_like(
                {"Runtime": "cloudfront-js-2.0", "KeyValueStoreAssociations": Match.any_value()}
            ),
            "AutoPublish": True,
        },
    )
    viewer_request = Match.object_like({"EventType": "viewer-request"})
    template.has_resource_properties(
        "AWS::CloudFront::Distribution",
        {
            "DistributionConfig": Match.object_like(
                {
                    "DefaultCacheBehavior": Match.object_like(
                        {
                            "FunctionAssociations": [
                                Match.object_like({"EventType": "viewer-response"}),
                                viewer_request,
                            ]
                        }
                    ),
                    "CacheBehaviors": [
                        Match.object_like(
                            {"PathPattern": "/api/*", "FunctionAssociations": [viewer_request]}
                        )
                    ],
                }
            )
        },
    )
    template.has_output("*", {"Value": {"Fn::GetAtt": [Match.any_value(), "Arn"]}})


def test_the_toggle_changes_only_the_deploy_time_state_in_the_code(
    templates: dict[str, Template],
) -> None:
    off, on = (templates[s].to_json() for s in ("false", "true"))
    changed = [
        logical_id
        for logical_id in off["Resources"].keys() | on["Resources"].keys()
        if off["Resources"].get(logical_id) != on["Resources"].get(logical_id)
    ]
    assert len(changed) == 1 and changed[0].startswith("MaintenanceFunction")
    assert off.get("Outputs") == on.get("Outputs")
    code_off, code_on = _code(templates["false"]), _code(templates["true"])
    assert code_off.replace('"enabled":false', '"enabled":true') == code_on
    window = [int(WINDOW.start.timestamp()), int(WINDOW.end.timestamp())]
    assert f'"windows":[{json.dumps(window).replace(" ", "")}]' in code_on


def test_a_cfn_distribution_works_too() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Edge", env=cdk.Environment(region="us-east-1"))
    distribution = cloudfront.CfnDistribution(
        stack,
        "Cdn",
        distribution_config=cloudfront.CfnDistribution.DistributionConfigProperty(
            enabled=True,
            default_cache_behavior=cloudfront.CfnDistribution.DefaultCacheBehaviorProperty(
                target_origin_id="o", viewer_protocol_policy="redirect-to-https"
            ),
            origins=[
                cloudfront.CfnDistribution.OriginProperty(
                    id="o",
                    domain_name="origin.example.com",
                    custom_origin_config=cloudfront.CfnDistribution.CustomOriginConfigProperty(
                        origin_protocol_policy="https-only"
                    ),
                )
            ],
        ),
    )
    CloudFrontFunctionMaintenance(stack, "Maintenance", distribution=distribution)
    Template.from_stack(stack).has_resource_properties(
        "AWS::CloudFront::Distribution",
        {
            "DistributionConfig": Match.object_like(
                {
                    "DefaultCacheBehavior": Match.object_like(
                        {
                            "FunctionAssociations": [
                                Match.object_like({"EventType": "viewer-request"})
                            ]
                        }
                    )
                }
            )
        },
    )


def test_named_behaviors_only() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Edge", env=cdk.Environment(region="us-east-1"))
    origin = origins.HttpOrigin("origin.example.com")
    distribution = cloudfront.Distribution(
        stack, "Cdn", default_behavior=cloudfront.BehaviorOptions(origin=origin)
    )
    distribution.add_behavior("/api/*", origin)
    CloudFrontFunctionMaintenance(
        stack, "Maintenance", distribution=distribution, behaviors=["/api/*"]
    )
    config = Template.from_stack(stack).to_json()["Resources"]
    [cdn] = [r for r in config.values() if r["Type"] == "AWS::CloudFront::Distribution"]
    assert (
        "FunctionAssociations"
        not in cdn["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    )
    assert cdn["Properties"]["DistributionConfig"]["CacheBehaviors"][0]["FunctionAssociations"]


def test_metadata_names_the_output_for_switch() -> None:
    _, construct = _build("false")
    [entry] = [m for m in construct.node.metadata if m.type == STORE_METADATA_TYPE]
    assert entry.data["stack"] == "Edge" and entry.data["region"] == "us-east-1"
    assert entry.data["output"].startswith("MaintenanceStoreArn")


def test_400_ipv4_cidrs_fit_as_the_docs_say() -> None:
    def build(count: int) -> Callable[[], Any]:
        def run() -> Any:
            stack = cdk.Stack(cdk.App(), "Edge", env=cdk.Environment(region="us-east-1"))
            distribution = cloudfront.Distribution(
                stack,
                "Cdn",
                default_behavior=cloudfront.BehaviorOptions(
                    origin=origins.HttpOrigin("origin.example.com")
                ),
            )
            cidrs = [f"10.{i // 100}.{i % 100 * 2}.0/24" for i in range(count)]
            return CloudFrontFunctionMaintenance(
                stack, "M", distribution=distribution, allowed_cidrs=cidrs
            )

        return run

    assert build(400)().code_bytes <= 10240
    with pytest.raises(ValueError, match=r"^allowed_cidrs: ") as refused:
        build(600)()
    fit = int(re.search(r"About (\d+) of the 600 allowlist entries", str(refused.value))[1])
    assert 400 <= fit < 600, "at least 400 /24s fit with the default response"


PREVIEW_APP = """
import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront, aws_cloudfront_origins as origins
from maintenance_constructs import CloudFrontFunctionMaintenance

app = cdk.App()
stack = cdk.Stack(app, "Edge", env=cdk.Environment(account="123456789012", region="us-east-1"))
cdn = cloudfront.Distribution(stack, "Cdn", default_behavior=cloudfront.BehaviorOptions(
    origin=origins.HttpOrigin("origin.example.com")))
CloudFrontFunctionMaintenance(stack, "Maintenance", distribution=cdn,
    allowed_cidrs=["203.0.113.0/24"], bypass_paths=["/health"],
    bypass_token="literal-token-0123456789")
app.synth()
"""


def test_the_preview_runs_the_function_and_names_the_toggle_in_words(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(PREVIEW_APP)
    (tmp_path / "cdk.json").write_text(json.dumps({"app": "python3 app.py"}))
    result = subprocess.run(
        [sys.executable, "-m", "maintenance_constructs.tools.cli", "preview", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "literal-token-0123456789" not in result.stdout
    data = json.loads(result.stdout)
    [change] = data["changes"]
    assert change["maintenance"] is True
    assert change["description"] == (
        "function code Edge/Maintenance/Function: deploy-time state off -> on; the store key, "
        "when set, still decides at run time"
    )
    [door] = data["front_doors"]
    assert door["kind"] == "CloudFront Function"
    answers = {(r["client"], r["request"]["path"], r["request"]["accept"]): r for r in door["rows"]}
    outside = answers[("outside IPv4", "/", "application/json")]
    assert outside["off"]["action"] == "allow" and outside["on"]["status"] == 503
    assert answers[("outside IPv4", "/health", "application/json")]["on"]["action"] == "allow"
    assert answers[("allow-listed IPv4", "/", ClientKind.BROWSER)]["on"]["action"] == "allow"
    token_rows = [r for r in door["rows"] if r["client"] == "with bypass token"]
    assert len(token_rows) == 2 and all(r["on"]["action"] == "allow" for r in token_rows)


def test_two_constructs_on_separate_behaviors_each_get_theirs() -> None:
    stack = cdk.Stack(cdk.App(), "Edge", env=cdk.Environment(region="us-east-1"))
    origin = origins.HttpOrigin("origin.example.com")
    distribution = cloudfront.Distribution(
        stack, "Cdn", default_behavior=cloudfront.BehaviorOptions(origin=origin)
    )
    distribution.add_behavior("/api/*", origin)
    site = CloudFrontFunctionMaintenance(stack, "Site", distribution=distribution, behaviors=["*"])
    api = CloudFrontFunctionMaintenance(
        stack, "Api", distribution=distribution, behaviors=["/api/*"]
    )
    template = Template.from_stack(stack).to_json()
    [cdn] = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::CloudFront::Distribution"
    ]
    config = cdn["Properties"]["DistributionConfig"]

    def function_of(behavior: dict[str, Any]) -> str:
        [association] = behavior["FunctionAssociations"]
        return str(association["FunctionARN"]["Fn::GetAtt"][0])

    resolve = stack.resolve
    assert function_of(config["DefaultCacheBehavior"]) == resolve(
        site.function.node.default_child.logical_id  # type: ignore[union-attr]
    )
    assert function_of(config["CacheBehaviors"][0]) == resolve(
        api.function.node.default_child.logical_id  # type: ignore[union-attr]
    )
