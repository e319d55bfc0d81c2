"""Real validators over every synthesized template: cfn-lint and cdk-nag (AwsSolutions).

What they do not catch (an invalid ALB content type, a duplicate rule priority, a bad CIDR) is
covered by the constructs' own checks: see tests/test_bad_inputs.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import cdk_nag
import pytest

import app as example

Build = Callable[[Mapping[str, Any]], dict[str, dict[str, Any]]]
CFN_LINT = Path(sys.executable).parent / "cfn-lint"
STATES = ("false", "true")


def test_cfn_lint_clean_in_both_states(example_templates: Build, tmp_path: Path) -> None:
    """Both states of every example stack lint clean; in the same run, a listener rule with
    priority 0 is reported (E3034), so the lint step is not vacuous."""
    bad = {
        "Resources": {
            "Rule": {
                "Type": "AWS::ElasticLoadBalancingV2::ListenerRule",
                "Properties": {
                    "ListenerArn": "arn:aws:elasticloadbalancing:us-east-1:1:listener/app/a/b/c",
                    "Priority": 0,
                    "Conditions": [{"Field": "host-header", "Values": ["example.com"]}],
                    "Actions": [
                        {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "503"}}
                    ],
                },
            }
        }
    }
    bad_path = tmp_path / "bad.template.json"
    bad_path.write_text(json.dumps(bad))
    files = []
    for state in STATES:
        for stack, template in example_templates({"maintenance": state}).items():
            path = tmp_path / f"{stack}-{state}.template.json"
            path.write_text(json.dumps(template))
            files.append(str(path))
    # Errors, warnings and informational findings all fail the test. (The bypass token's SSM
    # parameter exists only while on, where the maintenance rules use it.)
    result = subprocess.run(
        [str(CFN_LINT), "--format", "parseable", "--", *files, str(bad_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    findings = [line for line in result.stdout.splitlines() if line.strip()]
    assert [f for f in findings if not f.startswith(str(bad_path))] == [], result.stdout
    assert any("E3034" in f for f in findings), result.stdout + result.stderr
    assert len(files) == 8  # four stacks, two states


@pytest.mark.parametrize("state", STATES)
def test_cdk_nag_aws_solutions(state: str, tmp_path: Path) -> None:
    app = example.build_app({"maintenance": state}, outdir=str(tmp_path))
    cdk.Validations.of(app).add_plugins(cdk_nag.AwsSolutionsChecks())
    app.synth()  # raises on any finding that is not acknowledged
    report = json.loads((tmp_path / "validation-report.json").read_text())
    (plugin,) = report["pluginReports"]
    assert plugin["conclusion"] == "success" and plugin["violations"] == []
    suppressed = plugin["suppressedViolations"]
    assert {s["ruleName"] for s in suppressed} == {
        "AwsSolutions-VPC7",
        "AwsSolutions-ELB2",
        "AwsSolutions-EC23",
        "AwsSolutions-CFR1",
        "AwsSolutions-CFR2",  # the function's distribution has no web ACL: by design
        "AwsSolutions-CFR3",
        "AwsSolutions-CFR4",
        "AwsSolutions-APIG1",
        "AwsSolutions-APIG2",
        "AwsSolutions-APIG4",
        "AwsSolutions-APIG6",
        "AwsSolutions-COG4",
    }
    for finding in suppressed:
        assert len(finding["reason"]) > 40, finding["ruleName"]
        for construct in finding["violatingConstructs"]:
            # Nothing this package creates is acknowledged: findings are on example resources.
            assert "/Maintenance/" not in construct["constructPath"], construct
