"""The offline tools on small inputs: three-valued WAF answers, request parsing, sample
clients, the whole-assembly diff, and the failures that must end in one clear line."""

from __future__ import annotations

import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_sns as sns
from helpers import PATH_METADATA

from maintenance_constructs import CloudFrontMaintenance, MaintenanceConfigError
from maintenance_constructs.tools import cli
from maintenance_constructs.tools.app import cdk_json
from maintenance_constructs.tools.app.assembly import ConstructState, StackTemplate
from maintenance_constructs.tools.app.context import merged_context
from maintenance_constructs.tools.doors.samples import parse_request, sample_clients
from maintenance_constructs.tools.evaluate.web_acl_evaluator import evaluate_web_acl
from maintenance_constructs.tools.model import Request
from maintenance_constructs.tools.preview.diff import diff_assemblies
from maintenance_constructs.tools.preview.report import preview_assemblies

OFFICE = "203.0.113.9"
GEO_BLOCK = {
    "Name": "GeoBlock",
    "Priority": 1,
    "Action": {"Block": {}},
    "Statement": {"NotStatement": {"Statement": {"GeoMatchStatement": {"CountryCodes": ["JP"]}}}},
}
MAINTENANCE = {
    "Name": "Maintenance",
    "Priority": 10,
    "Action": {"Block": {"CustomResponse": {"ResponseCode": 503}}},
    "Statement": {
        "NotStatement": {
            "Statement": {"IPSetReferenceStatement": {"Arn": {"Fn::GetAtt": ["Office", "Arn"]}}}
        }
    },
}
ACL = {"DefaultAction": {"Allow": {}}, "Rules": [GEO_BLOCK, MAINTENANCE]}
SETS = {"Office": ["203.0.113.0/24"]}


@pytest.mark.parametrize(
    ("ip", "country", "expected"),
    [
        (OFFICE, None, "allowed (to the origin); or 403 if GeoBlock matches (depends on GeoMatch)"),
        ("192.0.2.1", None, "503; or 403 if GeoBlock matches (depends on GeoMatch)"),
        (OFFICE, "JP", "allowed (to the origin)"),
        (OFFICE, "BR", "403"),
        ("192.0.2.1", "jp", "503"),
    ],
)
def test_geo_rule_is_unknown_until_the_country_is_given(
    ip: str, country: str | None, expected: str
) -> None:
    """An existing geo rule never turns the office into "blocked in both states"."""
    answer = evaluate_web_acl(ACL, SETS, Request("example.com", ip, country=country))
    assert answer.describe() == expected


@pytest.mark.parametrize(
    ("statement", "value"),
    [
        (
            {
                "AndStatement": {
                    "Statements": [
                        {"RateBasedStatement": {}},
                        {
                            "NotStatement": {
                                "Statement": {
                                    "IPSetReferenceStatement": {
                                        "Arn": {"Fn::GetAtt": ["Office", "Arn"]}
                                    }
                                }
                            }
                        },
                    ]
                }
            },
            False,
        ),
        (
            {
                "OrStatement": {
                    "Statements": [
                        {"RateBasedStatement": {}},
                        {"IPSetReferenceStatement": {"Arn": {"Fn::GetAtt": ["Office", "Arn"]}}},
                    ]
                }
            },
            True,
        ),
        (
            {
                "OrStatement": {
                    "Statements": [{"RateBasedStatement": {}}, {"LabelMatchStatement": {}}]
                }
            },
            None,
        ),
        ({"NotStatement": {"Statement": {"RegexPatternSetReferenceStatement": {}}}}, None),
    ],
)
def test_unknown_propagates_through_and_or_not(
    statement: dict[str, Any], value: bool | None
) -> None:
    rule = {"Name": "R", "Priority": 1, "Action": {"Block": {}}, "Statement": statement}
    answer = evaluate_web_acl(
        {"DefaultAction": {"Allow": {}}, "Rules": [rule]}, SETS, Request("h", OFFICE)
    )
    decided = {True: "block", False: "allow"}
    if value is None:
        assert answer.action == "allow" and answer.alternatives
    else:
        assert (answer.action, answer.alternatives) == (decided[value], ())


def test_request_spec_takes_country_method_and_headers() -> None:
    request = parse_request(
        "host=shop.example.com,ip=192.0.2.1,path=/a,method=post,country=br,"
        "header:X-Maintenance-Bypass=secret"
    )
    assert (request.method, request.country) == ("POST", "BR")
    assert request.header("x-maintenance-bypass") == "secret"
    with pytest.raises(ValueError, match="country='Brazil' is not a two-letter country code"):
        parse_request("ip=192.0.2.1,country=Brazil")


@pytest.mark.parametrize(
    ("cidrs", "outside"),
    [
        (["203.0.113.0/24"], "192.0.2.1"),
        (["128.0.0.0/1"], "0.0.0.1"),  # every documentation address is inside: the first gap
        (["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/2"], None),  # the whole family
    ],
)
def test_sample_clients_are_really_outside(cidrs: list[str], outside: str | None) -> None:
    samples = dict((label, ip) for ip, label in sample_clients(cidrs))
    assert samples.get("outside IPv4") == outside
    assert samples["outside IPv6"] == "2001:db8:ffff::1"


def _stack(name: str, **sections: Any) -> StackTemplate:
    return StackTemplate(name=name, template={"Resources": {}, **sections})


RULE_PATH = {"aws:cdk:path": "Web/Maintenance/AllowRule1/Resource"}


def test_diff_reports_stacks_exports_and_depends_on_with_reasons() -> None:
    rule = {
        "Type": "AWS::ElasticLoadBalancingV2::ListenerRule",
        "Metadata": RULE_PATH,
        "Properties": {"Priority": 25, "Conditions": [], "Actions": []},
    }
    service = {
        "Type": "AWS::ECS::Service",
        "Properties": {},
        "Metadata": {"aws:cdk:path": "Web/Svc/Service"},
    }
    export = {"Value": "x", "Export": {"Name": "Net:ExportsOutputRefListener"}}
    off = [_stack("Web", Resources={"Svc": service}), _stack("Net")]
    on = [
        _stack("Web", Resources={"Rule": rule, "Svc": {**service, "DependsOn": ["Rule"]}}),
        _stack("Net", Outputs={"ExportsOutputRefListener": export}),
        _stack("Extra"),
    ]
    changes = diff_assemblies(off, on, [ConstructState("Web/Maintenance", True, False)])
    found = {(c.stack, c.logical_id, c.change, c.maintenance): c.reason for c in changes}
    assert found == {
        ("Extra", "Extra", "added", False): "a whole stack that exists in one state only",
        ("Net", "ExportsOutputRefListener", "added", False): (
            "an export that exists in one state only: CloudFormation refuses to delete an export "
            "another stack still imports, so the toggle could fail to deploy"
        ),
        ("Web", "Rule", "added", True): "",
        ("Web", "Svc", "changed", False): (
            "its DependsOn gained a maintenance rule (Web/Maintenance/AllowRule1)"
        ),
    }


def test_diff_of_a_web_acl_counts_only_the_constructs_rules() -> None:
    def acl(*rules: dict[str, Any]) -> StackTemplate:
        resource = {"Type": "AWS::WAFv2::WebACL", "Properties": {"Rules": list(rules)}}
        return _stack("Edge", Resources={"Acl": resource})

    other = {**GEO_BLOCK, "Statement": {"GeoMatchStatement": {"CountryCodes": ["FR"]}}}
    states = [ConstructState("Edge/Maintenance", True, False, waf_rules=("Maintenance",))]
    changes = diff_assemblies([acl(GEO_BLOCK)], [acl(other, MAINTENANCE)], states)
    verdicts = {c.paths: (c.change, c.maintenance) for c in changes}
    assert verdicts == {
        ("Properties.Rules[GeoBlock]",): ("changed", False),
        ("Properties.Rules[Maintenance]",): ("added", True),
    }


def _app(outdir: Path, state: str) -> None:
    app = cdk.App(context={**PATH_METADATA, "maintenance": state}, outdir=str(outdir))
    stack = cdk.Stack(app, "Edge", env=cdk.Environment(region="us-east-1"))
    maintenance = CloudFrontMaintenance(stack, "Maintenance", allowed_cidrs=["203.0.113.0/24"])
    if maintenance.enabled:
        cdk.Annotations.of(stack).add_warning_v2("test:onOnly", "only while on")
    cdk.Annotations.of(stack).add_warning_v2("test:always", "in both states")
    sns.Topic(stack, "Topic")
    app.synth()


def test_preview_groups_warnings_with_their_states(tmp_path: Path) -> None:
    for state in ("false", "true"):
        _app(tmp_path / state, state)
    preview = preview_assemblies(tmp_path / "false", tmp_path / "true")
    states = {w.text.split(" [ack")[0]: w.states for w in preview.warnings}
    assert states == {"in both states": ("off", "on"), "only while on": ("on",)}


def test_priority_parameter_gives_one_clear_error(tmp_path: Path) -> None:
    from aws_cdk import aws_elasticloadbalancingv2 as elbv2
    from builders import AlbEnv

    for state in ("false", "true"):
        env = AlbEnv(context={**PATH_METADATA, "maintenance": state}, outdir=tmp_path / state)
        env.maintenance(enabled=None, priority=10)
        priority = cdk.CfnParameter(env.stack, "AppPriority", type="Number", default=100)
        elbv2.CfnListenerRule(
            env.stack,
            "AppRule",
            listener_arn=env.listener.listener_arn,
            priority=priority.value_as_number,
            conditions=[
                elbv2.CfnListenerRule.RuleConditionProperty(field="path-pattern", values=["/a"])
            ],
            actions=[elbv2.CfnListenerRule.ActionProperty(type="forward", target_group_arn="x")],
        )
        env.app.synth()
    with pytest.raises(MaintenanceConfigError) as error:
        preview_assemblies(tmp_path / "false", tmp_path / "true")
    message = str(error.value)
    assert message.startswith("preview: the listener rule Web/AppRule has priority {'Ref': ")
    assert "\n" not in message and "cannot be put in order offline" in message


def test_invalid_cdk_context_json(tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text('{"app": "python3 app.py"}')
    (tmp_path / "cdk.context.json").write_text('{"a": 1,}')
    with pytest.raises(
        MaintenanceConfigError, match=r"cdk.context.json: .* is not valid JSON: line 1"
    ):
        merged_context(tmp_path / "cdk.json", {})


@pytest.mark.parametrize(
    ("app", "fragment"),
    [
        ("true", "the app wrote no cloud assembly (no manifest.json in"),
        (
            "echo 'Error: the VPC lookup failed' >&2; exit 7",
            "failed to synthesize (exit code 7); the end of its error output:\n  Error: the VPC",
        ),
    ],
)
def test_apps_that_write_nothing_or_fail(tmp_path: Path, app: str, fragment: str) -> None:
    result = _cli(tmp_path, "preview", "--app", app, "--cdk-json", str(tmp_path / "none.json"))
    assert result[0] == 2 and fragment in result[1] and "Traceback" not in result[1]


def _cli(cwd: Path, *args: str) -> tuple[int, str]:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "maintenance_constructs.tools.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stderr


def test_set_keeps_crlf_and_inserts_a_missing_context_in_place(tmp_path: Path) -> None:
    path = tmp_path / "cdk.json"
    path.write_bytes(b'{\r\n    "app": "python3 app.py",\r\n    "watch": {}\r\n}\r\n')
    cdk_json.write_toggle(path, True)
    assert path.read_bytes() == (
        b'{\r\n    "app": "python3 app.py",\r\n    "watch": {},\r\n'
        b'    "context": {\r\n        "maintenance": true\r\n    }\r\n}\r\n'
    )
    cdk_json.write_toggle(path, False)
    assert b'"maintenance": false\r\n' in path.read_bytes() and b"\n\n" not in path.read_bytes()


def test_set_from_20_concurrent_runs_leaves_valid_json(tmp_path: Path) -> None:
    path = tmp_path / "cdk.json"
    path.write_text(
        '{\n  "app": "python3 app.py",\n  "context": {\n    "maintenance": false\n  }\n}\n'
    )
    values = [index % 2 == 0 for index in range(20)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda value: cdk_json.write_toggle(path, value), values))
    data = json.loads(path.read_text())
    assert data["app"] == "python3 app.py" and data["context"]["maintenance"] in (True, False)
    assert [p.name for p in tmp_path.iterdir()] == ["cdk.json"]  # no temporary or lock file left


def test_set_on_a_file_that_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cdk.json"
    path.write_text('{"context": {"maintenance": false}}')

    def refuse(*args: Any) -> None:
        raise PermissionError(1, "Operation not permitted", str(path))

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(
        MaintenanceConfigError, match=r"cannot be written \(Operation not permitted"
    ):
        cdk_json.write_toggle(path, True)
    assert json.loads(path.read_text()) == {"context": {"maintenance": False}}
    assert [p.name for p in tmp_path.iterdir()] == ["cdk.json"]


def test_help_has_no_markup() -> None:
    text = cli.parser().format_help()
    assert "``" not in text and ":param" not in text


def test_request_values_may_hold_commas() -> None:
    request = parse_request(
        "host=example.com,ip=192.0.2.1,accept=text/html,application/xhtml+xml,method=post"
    )
    assert request.accept == "text/html,application/xhtml+xml"
    assert request.method == "POST"


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("ip=192.0.2.1,path=health", "does not start with '/'"),
        ("ip=192.0.2.1,method=", "is not a method"),
        ("ip=192.0.2.1,ip=192.0.2.2", "ip= is given twice"),
        ("ip=192.0.2.1,header:X-A=1,header:x-a=2", "header:x-a is given twice"),
    ],
)
def test_malformed_requests_are_refused_in_one_line(spec: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=re.escape(fragment)):
        parse_request(spec)
