"""The integration apps (tests/integ/) synthesize offline in every test run, so they never rot:
each puts its front door into maintenance and carries the two HTTP assertions."""

from __future__ import annotations

import importlib
import json

import aws_cdk as cdk
import pytest

APPS = ["integ_alb", "integ_cloudfront", "integ_regional", "integ_function"]


@pytest.mark.parametrize("name", APPS)
def test_the_app_synthesizes_with_its_assertions(name: str, tmp_path: object) -> None:
    module = importlib.import_module(f"tests.integ.{name}")
    app = cdk.App(outdir=str(tmp_path))
    module.build(app)
    assembly = app.synth()
    resources = {stack.stack_name: stack.template.get("Resources", {}) for stack in assembly.stacks}
    calls = [
        r
        for template in resources.values()
        for r in template.values()
        if str(r["Type"]).startswith("Custom::DeployAssert@HttpCall")
    ]
    assert len(calls) == 2, sorted({r["Type"] for t in resources.values() for r in t.values()})
    # The expectations and the token header travel in the assertion stack (its waiter).
    assertions = json.dumps(
        next(t for n, t in resources.items() if n.endswith("Assertions"))
    ).replace(" ", "")
    assert "X-Maintenance-Bypass" in assertions and '\\"status\\":503' in assertions
    test_case = next(
        t
        for n, t in resources.items()
        if n.startswith("MaintenanceInteg") and not n.endswith("Assertions")
    )
    kinds = {r["Type"] for r in test_case.values()}
    door = {
        "integ_alb": "AWS::ElasticLoadBalancingV2::ListenerRule",
        "integ_cloudfront": "AWS::WAFv2::WebACL",
        "integ_regional": "AWS::WAFv2::WebACLAssociation",
        "integ_function": "AWS::CloudFront::Function",
    }[name]
    assert door in kinds
