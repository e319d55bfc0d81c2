"""The wheel, installed into a fresh virtual environment without the source tree, works.

This catches package data and dependencies that only the editable install hides. The declared
floors of aws-cdk-lib and constructs are installed explicitly, so the ranges in pyproject.toml
are honest.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

MINIMAL_APP = """
import json, sys
import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront, aws_cloudfront_origins as origins
from aws_cdk import aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2
import maintenance_constructs
from maintenance_constructs import AlbMaintenance, CloudFrontMaintenance, MaintenanceResponse

app = cdk.App(context={"maintenance": "true"})
web = cdk.Stack(app, "Web", env=cdk.Environment(region="eu-west-1"))
vpc = ec2.Vpc(web, "Vpc", nat_gateways=0)
alb = elbv2.ApplicationLoadBalancer(web, "Alb", vpc=vpc, internet_facing=True)
listener = alb.add_listener(
    "Http", port=80,
    default_action=elbv2.ListenerAction.fixed_response(404, content_type="text/plain"),
)
tg = elbv2.ApplicationTargetGroup(web, "Tg", vpc=vpc, port=80, target_type=elbv2.TargetType.IP)
AlbMaintenance(web, "Maintenance", listener=listener, host_headers=["example.com"],
               allowed_cidrs=["203.0.113.0/24"], target_groups=[tg])
edge = cdk.Stack(app, "Edge", env=cdk.Environment(region="us-east-1"))
m = CloudFrontMaintenance(edge, "Maintenance", allowed_cidrs=["203.0.113.0/24"],
                          response=MaintenanceResponse.json(retry_after=60))
cloudfront.Distribution(edge, "Cdn", web_acl_id=m.web_acl_arn,
    default_behavior=cloudfront.BehaviorOptions(origin=origins.HttpOrigin("origin.example.com")))
assembly = app.synth()
rules = sum(r["Type"] == "AWS::ElasticLoadBalancingV2::ListenerRule"
            for r in assembly.get_stack_by_name("Web").template["Resources"].values())
acl = [r for r in assembly.get_stack_by_name("Edge").template["Resources"].values()
       if r["Type"] == "AWS::WAFv2::WebACL"][0]
module = maintenance_constructs.__file__
acl_rules = len(acl["Properties"]["Rules"])
from importlib.metadata import version
versions = {name: version(name) for name in ("aws-cdk-lib", "constructs")}
print(json.dumps({"module": module, "rules": rules, "acl_rules": acl_rules, "versions": versions}))
"""


def _floor(requirement: str) -> str:
    text = (ROOT / "pyproject.toml").read_text()
    match = re.search(rf'"{requirement}>=([0-9.]+)', text)
    assert match, f"{requirement} has no declared floor"
    return match.group(1)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sdist, then the wheel built from the sdist (so the sdist is proven complete too)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return out


def test_twine_check_passes_on_wheel_and_sdist(dist: Path) -> None:
    files = sorted(str(p) for p in dist.iterdir())
    assert sorted(Path(f).suffix for f in files) == [".gz", ".whl"]
    result = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *files],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    (wheel,) = dist.glob("maintenance_constructs-*.whl")
    uv = Path(sys.executable).parent / "uv"  # the dev extra's installer: seconds instead of ~20
    venv.create(work / "venv", with_pip=not uv.exists())
    python = work / "venv" / "bin" / "python"
    # The declared floors, installed explicitly: the range in pyproject.toml is what is tested.
    floors = [f"{name}=={_floor(name)}" for name in ("aws-cdk-lib", "constructs")]
    packages = [str(wheel), *floors]
    command = (
        [str(uv), "pip", "install", "-q", "--python", str(python), *packages]
        if uv.exists()
        else [str(python), "-m", "pip", "install", "-q", "--no-compile", *packages]
    )
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return python


def test_wheel_carries_py_typed_and_license(installed: Path) -> None:
    site = next(installed.parent.parent.glob("lib/python*/site-packages"))
    assert (site / "maintenance_constructs" / "py.typed").exists()
    (info,) = site.glob("maintenance_constructs-*.dist-info")
    assert (info / "licenses" / "LICENSE").exists()
    assert not (site / "tests").exists() and not (site / "app.py").exists()


def test_installed_wheel_synthesizes_both_constructs(installed: Path, tmp_path: Path) -> None:
    script = tmp_path / "minimal_app.py"
    script.write_text(MINIMAL_APP)
    result = subprocess.run(
        [str(installed), "-I", str(script)],  # -I: no source tree, no user site, no PYTHON*
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "CDK_VALIDATION": "false",
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
            "HOME": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["module"].startswith(str(installed.parent.parent))
    assert (report["rules"], report["acl_rules"]) == (2, 1)
    assert report["versions"] == {name: _floor(name) for name in ("aws-cdk-lib", "constructs")}
    assert installed.parent.joinpath("maintenance-constructs").exists()


def test_console_script_runs_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text('{"app": "true", "context": {"maintenance": "Prod"}}\n')
    result = subprocess.run(
        [str(installed.parent / "maintenance-constructs"), "status", "--no-app"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "interpreted as: selectors: Prod" in result.stdout
