"""The bypass token of the function door in every deploy-time state: the store or a window can
turn the function on at any moment, so the only token that ever passes is the real one, and
no template holds a value anyone can read in this repository or the docs."""

from __future__ import annotations

import base64
import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk.assertions import Template
from function_runner import ENGINES

from maintenance_constructs import BypassTokenParameter, CloudFrontFunctionMaintenance
from maintenance_constructs.edge_function.code_writer import literal_token
from maintenance_constructs.tools.evaluate.function_engines import run_function, viewer_request

REAL = "real-token-from-ssm-0123456789"
LITERAL = "literal-token-0123456789abc"
PLACEHOLDER = "bypass-token-from-ssm-while-off"
"""The fixed string earlier versions planned with while off: it must never pass."""


def _template(state: str, token: object) -> Template:
    app = cdk.App(context={"maintenance": state})
    stack = cdk.Stack(app, "Edge", env=cdk.Environment(region="us-east-1"))
    cdn = cloudfront.Distribution(
        stack,
        "Cdn",
        default_behavior=cloudfront.BehaviorOptions(origin=origins.HttpOrigin("o.example.com")),
    )
    CloudFrontFunctionMaintenance(stack, "Maintenance", distribution=cdn, bypass_token=token)
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def templates() -> dict[tuple[str, str], Template]:
    tokens: dict[str, object] = {
        "ssm": BypassTokenParameter("/maintenance/bypass-token"),
        "literal": LITERAL,
    }
    return {
        (kind, state): _template(state, token)
        for kind, token in tokens.items()
        for state in ("false", "true")
    }


def _code(template: Template, parameter_value: str | None = None) -> str:
    """The function's code as CloudFormation would write it, the SSM parameter's value given."""
    [function] = template.find_resources("AWS::CloudFront::Function").values()
    separator, parts = function["Properties"]["FunctionCode"]["Fn::Join"]

    def text(part: Any) -> str:
        if isinstance(part, str):
            return part
        if "Fn::Base64" in part:
            return base64.b64encode(str(parameter_value).encode()).decode()
        return "store-id"

    return str(separator).join(text(part) for part in parts)


@pytest.mark.parametrize("state", ["false", "true"])
def test_the_ssm_parameter_is_read_in_both_states(
    templates: dict[tuple[str, str], Template], state: str
) -> None:
    template = templates[("ssm", state)]
    template.has_parameter(
        "*",
        {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/maintenance/bypass-token"},
    )
    function = json.dumps(template.find_resources("AWS::CloudFront::Function"))
    assert '"Fn::Base64": {"Ref": "MaintenanceBypassTokenParameter' in function
    assert PLACEHOLDER not in json.dumps(template.to_json())


def test_the_toggle_changes_only_the_deploy_time_state(
    templates: dict[tuple[str, str], Template],
) -> None:
    for kind in ("ssm", "literal"):
        off, on = templates[(kind, "false")].to_json(), templates[(kind, "true")].to_json()
        assert off.get("Parameters") == on.get("Parameters"), kind
        changed = [k for k in on["Resources"] if on["Resources"][k] != off["Resources"].get(k)]
        assert len(changed) == 1 and changed[0].startswith("MaintenanceFunction"), changed
        assert _code(templates[(kind, "false")], REAL).replace('"enabled":false', "") == _code(
            templates[(kind, "true")], REAL
        ).replace('"enabled":true', "")


def test_a_literal_token_is_only_a_hash_in_the_template(
    templates: dict[tuple[str, str], Template],
) -> None:
    for state in ("false", "true"):
        text = json.dumps(templates[("literal", state)].to_json())
        assert LITERAL not in text
        assert literal_token(LITERAL)["sha256"] in text
        parameters = templates[("literal", state)].to_json().get("Parameters", {})
        assert not [name for name in parameters if "BypassToken" in name], parameters


def _probes(token: str) -> list[dict[str, Any]]:
    return [
        viewer_request(ip="198.51.100.7", stored="on", headers={"X-Maintenance-Bypass": token}),
        viewer_request(ip="198.51.100.7", stored="on", cookies={"maintenance_bypass": token}),
        viewer_request(ip="198.51.100.7", stored="on", uri="/__maintenance/" + token),
    ]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("kind", ["ssm", "literal"])
def test_switched_on_at_run_time_only_the_real_token_passes(
    templates: dict[tuple[str, str], Template], engine: str, kind: str
) -> None:
    """Deployed off (the committed state), then `switch on`: the real token passes by header,
    cookie and link; the old placeholder and the hash do not."""
    real = REAL if kind == "ssm" else LITERAL
    code = _code(templates[(kind, "false")], REAL)
    cases = _probes(real) + _probes(PLACEHOLDER) + _probes(literal_token(real)["sha256"])
    got = run_function(code, cases, engine=engine)
    kinds = [a.get("statusCode", "pass") for a in got]
    assert kinds == ["pass", "pass", 302] + [503] * 6
