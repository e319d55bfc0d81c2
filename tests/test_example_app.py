"""The example app: both front doors, toggled off and on, offline."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from builders import needs_cdk_cli, run_cdk
from helpers import diff_templates

from app import STACK_NAMES

ROOT = Path(__file__).resolve().parent.parent
Build = Callable[[Mapping[str, Any]], dict[str, dict[str, Any]]]
ALB_STACK, EDGE_STACK, REGIONAL_STACK, FUNCTION_STACK = STACK_NAMES


def _types(template: dict[str, Any], resource_type: str) -> dict[str, Any]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == resource_type}


def test_off_has_no_maintenance_rules(example_templates: Build) -> None:
    off = example_templates({"maintenance": False})
    rules = _types(off[ALB_STACK], "AWS::ElasticLoadBalancingV2::ListenerRule")
    assert sorted(r["Properties"]["Priority"] for r in rules.values()) == [100, 110]
    (acl,) = _types(off[EDGE_STACK], "AWS::WAFv2::WebACL").values()
    assert acl["Properties"]["Rules"] == []


def test_on_adds_the_seed_rules(example_templates: Build) -> None:
    on = example_templates({"maintenance": "true"})
    rules = _types(on[ALB_STACK], "AWS::ElasticLoadBalancingV2::ListenerRule")
    # The rules follow the app's routing: a bypass copy of the host rule (15); allow copies
    # of the API rule and the host rule (25, 26); bypass token header and cookie copies of
    # both (75..78); browser 85 (the page); maintenance 90; the app rules at 100 (API) and
    # 110 (host). The host rule answers every request for the host, so the default action
    # is never reached there and gets no copy. The admin listener's construct (every host,
    # one target group) has its own window on its own listener.
    priorities = sorted(r["Properties"]["Priority"] for r in rules.values())
    assert priorities == [15, 25, 25, 26, 75, 76, 77, 78, 85, 90, 90, 100, 110]
    (acl,) = _types(on[EDGE_STACK], "AWS::WAFv2::WebACL").values()
    link, rule = acl["Properties"]["Rules"]  # the bypass link (302 + cookie), the 503
    assert link["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 302
    assert rule["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 503


def test_selector_for_one_stack(example_templates: Build) -> None:
    off, alb_only = example_templates({}), example_templates({"maintenance": ALB_STACK})
    assert diff_templates(off[EDGE_STACK], alb_only[EDGE_STACK]).empty
    assert diff_templates(off[ALB_STACK], alb_only[ALB_STACK]).added


def test_office_cidrs_from_cli_string(example_templates: Build) -> None:
    on = example_templates({"maintenance": "true", "office_cidrs": "198.51.100.0/24, 192.0.2.7"})
    allow = [
        r
        for r in _types(on[ALB_STACK], "AWS::ElasticLoadBalancingV2::ListenerRule").values()
        if r["Properties"]["Priority"] == 25 and "host-header" in json.dumps(r["Properties"])
    ]
    (source_ip,) = [c for c in allow[0]["Properties"]["Conditions"] if c["Field"] == "source-ip"]
    assert source_ip["SourceIpConfig"]["Values"] == [
        "192.0.2.7/32",
        "198.51.100.0/24",
    ]


@needs_cdk_cli
def test_cli_synth_with_cdk_template_validation(tmp_path: Path) -> None:
    """`cdk synth -c maintenance=true` (a string) through the pinned CLI and cdk.json, with
    CDK's own template validation on and its findings made errors (one synth for both: each
    costs seconds)."""
    strict = "@aws-cdk/core:validateAgainstDefaultRules=true"
    result = run_cdk(
        ["synth", "-q", "-c", "maintenance=true", "-c", strict, "-o", str(tmp_path)],
        cwd=ROOT,
        validation=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Template validation found issues" not in result.stderr
    # The validation ran (CDK writes its report only then) and found nothing, not even a
    # warning (clean plugins are left out of the report).
    report = json.loads((tmp_path / "validation-report.json").read_text())
    assert report["pluginReports"] == []
    assert "Maintenance mode is ON for MaintenanceAlbExample/Maintenance" in result.stderr
    assert {p.name for p in tmp_path.glob("*.template.json")} == {
        f"{s}.template.json" for s in STACK_NAMES
    }
    template = json.loads((tmp_path / f"{ALB_STACK}.template.json").read_text())
    assert len(_types(template, "AWS::ElasticLoadBalancingV2::ListenerRule")) == 13


def test_regional_stack_associates_its_web_acl_in_both_states(example_templates: Build) -> None:
    for state, rules in (("false", 0), ("true", 1)):
        template = example_templates({"maintenance": state})[REGIONAL_STACK]
        (acl,) = _types(template, "AWS::WAFv2::WebACL").values()
        assert acl["Properties"]["Scope"] == "REGIONAL"
        assert len(acl["Properties"]["Rules"]) == rules
        (association,) = _types(template, "AWS::WAFv2::WebACLAssociation").values()
        arn = json.dumps(association["Properties"]["ResourceArn"])
        assert "restapis" in arn and "/stages/" in arn


def test_browser_page_fits_the_alb(example_templates: Build) -> None:
    on = example_templates({"maintenance": "true"})[ALB_STACK]
    (browser,) = [
        r["Properties"]
        for r in _types(on, "AWS::ElasticLoadBalancingV2::ListenerRule").values()
        if r["Properties"]["Priority"] == 85
    ]
    config = browser["Actions"][0]["FixedResponseConfig"]
    assert config["ContentType"] == "text/html" and config["StatusCode"] == "503"
    body = config["MessageBody"]
    assert body.startswith("<!doctype html>") and len(body.encode()) <= 1024
