"""`switch` over every door of an app: each distinct store written once, side by side, one line
per store, a failed store reported while the others are switched; `switch status` over every
door; the synchronized `--at` flip. botocore's Stubber for the stores, no network.

The app (four doors, three stores: two brands share one) is synthesized once for the module;
the other tests reuse its doors."""

from __future__ import annotations

import datetime
import json
import textwrap
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from maintenance_constructs.edge_function.store_value import parse_store_value
from maintenance_constructs.tools.cli import aws, main, switch_command
from maintenance_constructs.tools.cli.main import parser
from maintenance_constructs.tools.switch import Door, describe_value, switch_value

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
WHEN = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)
NOW = WHEN.timestamp()
LATER = "2099-01-01T00:00Z"
LATER_EPOCH = 4070908800


def _arn(name: str) -> str:
    return f"arn:aws:cloudfront::123456789012:key-value-store/{name}-0000-1111-2222-333344445555"


STORES = {"Brands": _arn("brands"), "Prod": _arn("prod"), "Staging": _arn("staging")}
"""The store each stack's doors use (the two brands share theirs)."""

APP = textwrap.dedent(
    """
    import aws_cdk as cdk
    from aws_cdk import aws_cloudfront as cloudfront, aws_cloudfront_origins as origins
    from maintenance_constructs import READ_ONLY, CloudFrontFunctionMaintenance

    app = cdk.App()
    env = cdk.Environment(account="123456789012", region="us-east-1")

    def cdn(stack, name):
        return cloudfront.Distribution(stack, name, default_behavior=cloudfront.BehaviorOptions(
            origin=origins.HttpOrigin("origin.example.com")))

    brands = cdk.Stack(app, "Brands", env=env)
    shared = cloudfront.KeyValueStore(brands, "Switch")
    for name in ("Red", "Blue"):
        CloudFrontFunctionMaintenance(brands, name, distribution=cdn(brands, name + "Cdn"),
                                      store=shared)
    for name, scope in (("Prod", {}), ("Staging", {"methods": READ_ONLY})):
        stack = cdk.Stack(app, name, env=env)
        CloudFrontFunctionMaintenance(stack, "Maintenance", distribution=cdn(stack, "Cdn"),
                                      **scope)
    app.synth()
    """
)


@pytest.fixture(scope="module")
def doors(tmp_path_factory: pytest.TempPathFactory) -> list[Door]:
    """The app's doors, from one real synthesis (deploy-time: maintenance on for Prod)."""
    folder = tmp_path_factory.mktemp("fleet")
    (folder / "app.py").write_text(APP)
    cdk_json = {"app": "python3 app.py", "context": {"maintenance": "Prod"}}
    (folder / "cdk.json").write_text(json.dumps(cdk_json))
    args = parser().parse_args(["switch", "status", "--cdk-json", str(folder / "cdk.json")])
    return switch_command._doors(args)


class Stacks:
    """CloudFormation as the deployed app answers: each stack's outputs hold its store's ARN."""

    def __init__(self, doors: list[Door], missing: str = "") -> None:
        self.outputs: dict[str, list[dict[str, str]]] = {}
        self.calls: list[str] = []
        for door in doors:
            if door.location.stack != missing:
                output = {"OutputKey": door.location.output}
                output["OutputValue"] = STORES[door.location.stack]
                self.outputs.setdefault(door.location.stack, []).append(output)

    def describe_stacks(self, StackName: str) -> dict[str, Any]:
        self.calls.append(StackName)
        return {"Stacks": [{"StackName": StackName, "Outputs": self.outputs.get(StackName, [])}]}


class ByArn:
    """A store client made per store by the command: each call goes to the stubbed client of
    the store it names, so the stores may be worked on in any order, side by side."""

    def __init__(self, stubbers: dict[str, Stubber]) -> None:
        self.stubbers = stubbers

    def __getattr__(self, operation: str) -> Any:
        return lambda **call: getattr(self.stubbers[call["KvsARN"]].client, operation)(**call)


def _store(arn: str, etag: str = "E1") -> dict[str, Any]:
    return {"ItemCount": 1, "TotalSizeInBytes": 10, "KvsARN": arn, "Created": WHEN, "ETag": etag}


def _expect_write(stubber: Stubber, arn: str, value: str) -> None:
    stubber.add_response("describe_key_value_store", _store(arn), {"KvsARN": arn})
    stubber.add_response(
        "put_key",
        {"ItemCount": 1, "TotalSizeInBytes": 10, "ETag": "E2"},
        {"KvsARN": arn, "Key": "maintenance", "Value": value, "IfMatch": "E1"},
    )


@pytest.fixture
def aws_stubs(
    monkeypatch: pytest.MonkeyPatch, doors: list[Door]
) -> Iterator[tuple[dict[str, Stubber], list[Stacks]]]:
    """One stubbed store client per store (made in the ARNs' order, as the command makes
    them), and the stacks; the command's doors are the module's."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setattr(switch_command, "_doors", lambda args: doors)
    stubbers = {}
    for arn in sorted(STORES.values()):
        client = boto3.client("cloudfront-keyvaluestore", region_name="us-east-1")
        stubbers[arn] = Stubber(client)
        stubbers[arn].activate()
    stacks = [Stacks(doors)]

    def make_client(service: str, region: str | None) -> Any:
        return stacks[0] if service == "cloudformation" else ByArn(stubbers)

    monkeypatch.setattr(aws, "make_client", make_client)
    yield stubbers, stacks
    for stubber in stubbers.values():
        stubber.assert_no_pending_responses()
        stubber.deactivate()


def test_the_app_has_four_doors_on_three_stores(doors: list[Door]) -> None:
    assert [(d.path, d.location.stack, d.enabled) for d in doors] == [
        ("Brands/Blue", "Brands", False),
        ("Brands/Red", "Brands", False),
        ("Prod/Maintenance", "Prod", True),
        ("Staging/Maintenance", "Staging", False),
    ]
    assert len({d.location.output for d in doors if d.location.stack == "Brands"}) == 2


def test_every_store_is_written_once_and_each_gets_a_line(
    aws_stubs: tuple[dict[str, Stubber], list[Stacks]], capsys: pytest.CaptureFixture[str]
) -> None:
    stubbers, stacks = aws_stubs
    for arn, stubber in stubbers.items():
        _expect_write(stubber, arn, "on")
    assert main(["switch", "on"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:3] == [
        f"{STORES['Brands']} (Brands/Blue, Brands/Red): maintenance key set to 'on': OK",
        f"{STORES['Prod']} (Prod/Maintenance): maintenance key set to 'on': OK",
        f"{STORES['Staging']} (Staging/Maintenance): maintenance key set to 'on': OK",
    ]
    assert sorted(stacks[0].calls) == ["Brands", "Prod", "Staging"]  # each stack read once
    assert SECRET not in out and "AKIA" not in out


def test_a_failed_store_is_one_line_and_the_others_are_still_switched(
    aws_stubs: tuple[dict[str, Stubber], list[Stacks]], capsys: pytest.CaptureFixture[str]
) -> None:
    stubbers, _ = aws_stubs
    for arn, stubber in stubbers.items():
        if arn == STORES["Prod"]:
            stubber.add_client_error(
                "describe_key_value_store", "AccessDeniedException", "not authorized", 403
            )
        else:
            _expect_write(stubber, arn, "off")
    assert main(["switch", "off"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == (
        f"{STORES['Prod']} (Prod/Maintenance): maintenance key set to 'off': FAILED: "
        "AccessDeniedException: not authorized"
    )
    assert [line.endswith(": OK") for line in lines[:3]] == [True, False, True]
    assert lines[-1] == "1 of 3 stores failed; the others are switched."


def test_doors_sharing_a_store_share_one_write(
    aws_stubs: tuple[dict[str, Stubber], list[Stacks]], capsys: pytest.CaptureFixture[str]
) -> None:
    stubbers, _ = aws_stubs
    _expect_write(stubbers[STORES["Brands"]], STORES["Brands"], "on")
    assert main(["switch", "on", "--path", "Brands/Red", "--path", "Brands/Blue"]) == 0
    [line] = [line for line in capsys.readouterr().out.splitlines() if line.endswith("OK")]
    assert line.startswith(f"{STORES['Brands']} (Brands/Blue, Brands/Red): ")


def test_only_selects_by_construct_ids_as_set_does(
    aws_stubs: tuple[dict[str, Stubber], list[Stacks]], capsys: pytest.CaptureFixture[str]
) -> None:
    stubbers, _ = aws_stubs
    _expect_write(stubbers[STORES["Brands"]], STORES["Brands"], "on")
    assert main(["switch", "on", "--only", "Brands"]) == 0
    out = capsys.readouterr().out
    assert "(Brands/Blue, Brands/Red): maintenance key set to 'on': OK" in out
    assert "Prod" not in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--path", "Nope"], "--path: 'Nope' is not a CloudFrontFunctionMaintenance of the app"),
        (["--only", "true"], "--only: 'true' is not a selector list"),
        (["--only", "Dev"], "--only: 'Dev' selects none of the app's"),
        (["--store-arn", _arn("x"), "--path", "Prod"], "--store-arn: given with --path 'Prod'"),
    ],
)
def test_a_selection_that_names_nothing_is_one_line(
    aws_stubs: tuple[dict[str, Stubber], list[Stacks]],
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    assert main(["switch", "on", *argv]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.count("\n") == 1 and message in out.err


def test_a_door_whose_stack_has_no_output_fails_alone(
    aws_stubs: tuple[dict[str, Stubber], list[Stacks]],
    doors: list[Door],
    capsys: pytest.CaptureFixture[str],
) -> None:
    stubbers, stacks = aws_stubs
    stacks[0] = Stacks(doors, missing="Staging")  # Staging not deployed yet
    for name in ("Brands", "Prod"):
        _expect_write(stubbers[STORES[name]], STORES[name], "on")
    assert main(["switch", "on"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Staging/Maintenance: store not found: FAILED: the stack Staging")
    assert sum(line.endswith(": OK") for line in lines) == 2


def test_at_writes_a_timed_flip_to_every_store(
    aws_stubs: tuple[dict[str, Stubber], list[Stacks]], capsys: pytest.CaptureFixture[str]
) -> None:
    stubbers, _ = aws_stubs
    for arn, stubber in stubbers.items():
        _expect_write(stubber, arn, f"on {LATER_EPOCH}")
    assert main(["switch", "on", "--at", LATER]) == 0
    out = capsys.readouterr().out
    assert out.count(f"set to 'on {LATER_EPOCH}': OK") == 3
    assert "Every edge flips at 2099-01-01T00:00:00Z" in out


def test_at_values_follow_the_function_s_grammar() -> None:
    assert switch_value("on", [], now=NOW, at=LATER) == f"on {LATER_EPOCH}"
    assert switch_value("off", [], now=NOW, at="+60") == f"off {int(NOW) + 60}"
    assert parse_store_value(f"off {int(NOW) + 60}").kind == "off-at"
    assert "then off at every edge" in describe_value(f"off {int(NOW) + 60}", NOW)
    assert switch_value("on", [], now=NOW) == "on"  # without --at, nothing changes


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["on", "--at", "2020-01-01T00:00Z"], "--at: '2020-01-01T00:00Z' has already passed"),
        (["off", "--at", "+0"], "--at: '+0' is not a lead time in whole seconds"),
        (["on", "--at", "+soon"], "--at: '+soon' is not a lead time"),
        (["on", "--at", "2099-01-01T00:00"], "--at: '2099-01-01T00:00' has no time zone"),
        (["on", "--at", "5200-01-01T00:00Z"], "--at: '5200-01-01T00:00Z' is outside what"),
        (["clear", "--at", "+60"], "--at: '+60' is for switch on or switch off only"),
        (["status", "--at", "+60"], "switch status: takes no times"),
    ],
)
def test_a_bad_at_is_refused_before_any_aws_call(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    def no_client(service: str, region: str | None) -> Any:
        raise AssertionError(f"no {service} client should be made")

    monkeypatch.setattr(aws, "make_client", no_client)
    monkeypatch.setattr(switch_command, "_doors", no_client)
    assert main(["switch", *argv, "--store-arn", _arn("x")]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.count("\n") == 1 and message in out.err, out.err


def _expect_read(stubber: Stubber, arn: str, value: str | None) -> None:
    if value is None:
        stubber.add_client_error("get_key", "ResourceNotFoundException", "Resource not found", 404)
        stubber.add_response("describe_key_value_store", _store(arn), {"KvsARN": arn})
        return
    got = {"Key": "maintenance", "Value": value, "ItemCount": 1, "TotalSizeInBytes": 20}
    stubber.add_response("get_key", got, {"KvsARN": arn, "Key": "maintenance"})


def test_status_shows_every_door(
    aws_stubs: tuple[dict[str, Stubber], list[Stacks]], capsys: pytest.CaptureFixture[str]
) -> None:
    stubbers, _ = aws_stubs
    _expect_read(stubbers[STORES["Brands"]], STORES["Brands"], "off")
    _expect_read(stubbers[STORES["Prod"]], STORES["Prod"], None)
    _expect_read(stubbers[STORES["Staging"]], STORES["Staging"], f"on {LATER_EPOCH}")
    assert main(["switch", "status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    brands = f"now off; deploy-time off; store {STORES['Brands']}: 'off': maintenance off"
    assert [line.split(": ", 1)[0] for line in lines] == [
        "Brands/Blue",
        "Brands/Red",
        "Prod/Maintenance",
        "Staging/Maintenance",
    ]
    assert lines[0].startswith(f"Brands/Blue: {brands}")
    assert lines[2].startswith("Prod/Maintenance: now ON (deploy-time state); deploy-time ON; ")
    assert "no key: the deploy-time state" in lines[2]
    assert "now off unless in a scheduled window" in lines[3] and "(not yet;" in lines[3]
    # A door that turns away only some requests says which, on its line alone.
    assert "; while on: writes turned away; reads reach the app; store" in lines[3]
    assert sum("while on" in line for line in lines) == 1


def test_status_that_could_not_read_one_store_says_so_and_exits_2(
    aws_stubs: tuple[dict[str, Stubber], list[Stacks]], capsys: pytest.CaptureFixture[str]
) -> None:
    stubbers, _ = aws_stubs
    _expect_read(stubbers[STORES["Brands"]], STORES["Brands"], "on")
    stubbers[STORES["Prod"]].add_client_error(
        "get_key", "AccessDeniedException", "not authorized", 403
    )
    _expect_read(stubbers[STORES["Staging"]], STORES["Staging"], None)
    assert main(["switch", "status"]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert lines[2] == (
        f"Prod/Maintenance: now unknown; deploy-time ON; store {STORES['Prod']}: could not "
        "read the key 'maintenance': AccessDeniedException: not authorized"
    )
    assert "no key" not in lines[2] and lines[0].startswith("Brands/Blue: now ON;")


def test_status_of_a_door_not_deployed_yet_says_so_and_exits_2(
    aws_stubs: tuple[dict[str, Stubber], list[Stacks]],
    doors: list[Door],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, stacks = aws_stubs
    stacks[0] = Stacks(doors, missing="Prod")
    assert main(["switch", "status", "--path", "Prod"]) == 2
    assert capsys.readouterr().out.startswith(
        "Prod/Maintenance: now unknown; deploy-time ON; store not found: the stack Prod has no "
        "output "
    )
