"""`maintenance-constructs switch`: the store key written with the ETag/IfMatch protocol,
tested with botocore's Stubber (no network, no AWS account)."""

from __future__ import annotations

import datetime
import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import MissingDependencyException
from botocore.stub import Stubber

from maintenance_constructs import MaintenanceConfigError
from maintenance_constructs.tools.cli import aws, main, switch_command
from maintenance_constructs.tools.switch import (
    StoreLocation,
    Switch,
    describe_value,
    store_arn_from_stack,
    switch_value,
)

ARN = "arn:aws:cloudfront::123456789012:key-value-store/0f1e2d3c-aaaa-bbbb-cccc-111122223333"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
WHEN = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)
NOW = WHEN.timestamp()  # the windows below are in January 2027, whatever the machine's clock


def _store(etag: str) -> dict[str, Any]:
    return {"ItemCount": 1, "TotalSizeInBytes": 10, "KvsARN": ARN, "Created": WHEN, "ETag": etag}


def _written(etag: str) -> dict[str, Any]:
    return {"ItemCount": 1, "TotalSizeInBytes": 10, "ETag": etag}


@pytest.fixture
def kvs(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    client = boto3.client("cloudfront-keyvaluestore", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def _expect_write(stubber: Stubber, value: str, etag: str = "E1") -> None:
    stubber.add_response("describe_key_value_store", _store(etag), {"KvsARN": ARN})
    stubber.add_response(
        "put_key",
        _written(etag + "+1"),
        {"KvsARN": ARN, "Key": "maintenance", "Value": value, "IfMatch": etag},
    )


@pytest.mark.parametrize(
    ("action", "times", "value"),
    [
        ("on", [], "on"),
        ("off", [], "off"),
        ("window", ["2027-01-09T02:00Z", "2027-01-09T03:00+01:00"], "window 1799460000 1799460000"),
    ],
)
def test_values_written(action: str, times: list[str], value: str) -> None:
    if action == "window":  # 03:00+01:00 is 02:00Z: not after the start
        with pytest.raises(MaintenanceConfigError, match=r"END: .* is not after START"):
            switch_value(action, times, now=NOW)
        times = ["2027-01-09T02:00Z", "2027-01-09T04:00Z"]
        value = "window 1799460000 1799467200"
    assert switch_value(action, times, now=NOW) == value
    assert switch_value("clear", [], now=NOW) is None


@pytest.mark.parametrize(
    ("times", "message"),
    [
        (["2027-01-09T02:00", "2027-01-09T04:00Z"], "START: '2027-01-09T02:00' has no time zone"),
        (["tonight", "2027-01-09T04:00Z"], "START: 'tonight' is not an ISO 8601 time"),
        (["2027-01-09T02:00Z"], "switch window: needs START END"),
    ],
)
def test_bad_windows_are_one_line(times: list[str], message: str) -> None:
    with pytest.raises(MaintenanceConfigError, match=message):
        switch_value("window", times, now=NOW)


def test_a_window_that_has_ended_is_refused_in_one_line() -> None:
    """END at or before now: the function would never be on, so nothing is written."""
    times = ["2026-11-30T22:00Z", "2026-12-01T00:00Z"]  # ends exactly at NOW
    with pytest.raises(MaintenanceConfigError) as error:
        switch_value("window", times, now=NOW)
    assert str(error.value) == (
        "END: '2026-12-01T00:00Z' has already passed (now is 2026-12-01T00:00Z), so the window "
        "would never be on; give an END in the future (switch on starts maintenance with no end)."
    )
    # A window that has started but not ended is fine: on from now until END.
    assert switch_value("window", ["2026-11-30T22:00Z", "2026-12-01T00:01Z"], now=NOW)


def test_the_command_refuses_an_ended_window_before_any_aws_call(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_client(service: str, region: str | None) -> Any:
        raise AssertionError(f"no {service} client should be made")

    monkeypatch.setattr(aws, "make_client", no_client)
    times = ["2020-01-01T00:00Z", "2020-01-01T02:00+01:00"]
    assert main(["switch", "window", *times, "--store-arn", ARN]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.count("\n") == 1
    assert "END: '2020-01-01T02:00+01:00' has already passed" in out.err


@pytest.mark.parametrize("action", ["on", "off", "window"])
def test_each_action_writes_the_key_with_the_current_etag(kvs: Stubber, action: str) -> None:
    times = ["2027-01-09T02:00Z", "2027-01-09T04:00Z"] if action == "window" else []
    value = switch_value(action, times, now=NOW)
    assert value is not None
    _expect_write(kvs, value)
    assert Switch(kvs.client, ARN).write(value) == f"set to {value!r}"


def test_a_stale_etag_is_read_again_and_retried_once(kvs: Stubber) -> None:
    kvs.add_response("describe_key_value_store", _store("E1"), {"KvsARN": ARN})
    kvs.add_client_error("put_key", "ConflictException", "stale ETag", 409)
    _expect_write(kvs, "on", etag="E2")
    assert Switch(kvs.client, ARN).write("on") == "set to 'on'"


def test_two_stale_etags_give_up_with_one_line(kvs: Stubber) -> None:
    for etag in ("E1", "E2"):
        kvs.add_response("describe_key_value_store", _store(etag), {"KvsARN": ARN})
        kvs.add_client_error("put_key", "ConflictException", "stale ETag", 409)
    with pytest.raises(MaintenanceConfigError, match="changed twice while writing"):
        Switch(kvs.client, ARN).write("off")


def test_clear_deletes_the_key_and_an_absent_key_is_already_clear(kvs: Stubber) -> None:
    kvs.add_response("describe_key_value_store", _store("E1"), {"KvsARN": ARN})
    expected = {"KvsARN": ARN, "Key": "maintenance", "IfMatch": "E1"}
    kvs.add_response("delete_key", _written("E2"), expected)
    assert Switch(kvs.client, ARN).write(None) == "cleared"
    kvs.add_response("describe_key_value_store", _store("E2"), {"KvsARN": ARN})
    kvs.add_client_error("delete_key", "ResourceNotFoundException", "no such key", 404)
    assert Switch(kvs.client, ARN).write(None) == "already clear"


def test_status_reads_the_key_back(kvs: Stubber) -> None:
    got = {"Key": "maintenance", "Value": "on", "ItemCount": 1, "TotalSizeInBytes": 13}
    kvs.add_response("get_key", got, {"KvsARN": ARN, "Key": "maintenance"})
    # GetKey's ResourceNotFoundException is "no key" only once the store is known to exist.
    kvs.add_client_error("get_key", "ResourceNotFoundException", "Resource not found", 404)
    kvs.add_response("describe_key_value_store", _store("E1"), {"KvsARN": ARN})
    switch = Switch(kvs.client, ARN)
    assert switch.read() == "on"
    assert switch.read() is None
    assert "deploy-time state" in describe_value(None, 0)
    assert "(now)" in describe_value("window 100 200", 150)
    assert "(not now)" in describe_value("window 100 200", 250)


def test_a_missing_store_is_one_line(kvs: Stubber) -> None:
    kvs.add_client_error(
        "describe_key_value_store", "ResourceNotFoundException", "Resource not found", 404
    )
    with pytest.raises(MaintenanceConfigError) as error:
        Switch(kvs.client, ARN).write("on")
    assert str(error.value) == (
        f"switch: the KeyValueStore {ARN}: ResourceNotFoundException: Resource not found."
    )


def test_missing_credentials_are_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A real client without credentials: signing fails before anything is sent (and the
    endpoint is a closed local port, should it not)."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    session = boto3.session.Session()  # not the default session, whose credentials are cached
    client = session.client("cloudfront-keyvaluestore", region_name="us-east-1")
    with pytest.raises(MaintenanceConfigError, match="no AWS credentials found"):
        Switch(client, ARN).write("on")


def test_a_missing_crt_is_one_line() -> None:
    class WithoutCrt:
        def describe_key_value_store(self, **_: Any) -> Any:
            raise MissingDependencyException(msg="botocore[crt] is required")

    with pytest.raises(
        MaintenanceConfigError, match=r"pip install 'maintenance-constructs\[switch\]'"
    ):
        Switch(WithoutCrt(), ARN).write("on")


def test_the_command_prints_what_it_did_and_never_the_credentials(
    kvs: Stubber, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(aws, "make_client", lambda service, region: kvs.client)
    _expect_write(kvs, "on")
    assert main(["switch", "on", "--store-arn", ARN]) == 0
    out = capsys.readouterr()
    assert f"{ARN}: maintenance key set to 'on'" in out.out
    assert SECRET not in out.out + out.err and "AKIA" not in out.out + out.err
    assert main(["switch", "window", "2027-01-09T02:00", "x", "--store-arn", ARN]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "has no time zone" in err


@pytest.mark.parametrize(
    ("get_key", "describe", "reason"),
    [
        ("AccessDeniedException", None, "AccessDeniedException: not authorized"),
        ("ThrottlingException", None, "ThrottlingException: Rate exceeded"),
        ("ValidationException", None, "ValidationException: bad request"),
        ("InternalServerException", None, "InternalServerException: try again"),
        # GetKey's 404 for the store itself: the describe says the store is not there.
        ("ResourceNotFoundException", "ResourceNotFoundException", "Resource not found"),
        ("ResourceNotFoundException", "AccessDeniedException", "AccessDeniedException"),
    ],
)
def test_status_that_could_not_read_is_one_line_and_not_no_key(
    kvs: Stubber,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    get_key: str,
    describe: str | None,
    reason: str,
) -> None:
    monkeypatch.setattr(aws, "make_client", lambda service, region: kvs.client)
    message = reason.partition(": ")[2] or "Resource not found"
    kvs.add_client_error("get_key", get_key, message, 400)
    if describe is not None:
        kvs.add_client_error("describe_key_value_store", describe, message, 400)
    assert main(["switch", "status", "--store-arn", ARN]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.count("\n") == 1, out
    assert out.err.startswith(
        f"maintenance-constructs: error: switch: could not read the key 'maintenance' of the "
        f"KeyValueStore {ARN}: "
    )
    assert reason in out.err and "no key" not in out.err


def test_status_says_no_key_only_when_the_store_exists(
    kvs: Stubber, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(aws, "make_client", lambda service, region: kvs.client)
    kvs.add_client_error("get_key", "ResourceNotFoundException", "Resource not found", 404)
    kvs.add_response("describe_key_value_store", _store("E1"), {"KvsARN": ARN})
    assert main(["switch", "status", "--store-arn", ARN]) == 0
    assert capsys.readouterr().out == (
        f"{ARN}: no key: the deploy-time state and the scheduled windows decide\n"
    )


def _no_aws_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    names = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE")
    for name in (*names, "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # no session cached with credentials


def test_status_without_credentials_is_could_not_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real client: signing fails before anything is sent."""
    _no_aws_configuration(monkeypatch, tmp_path)
    assert main(["switch", "status", "--store-arn", ARN]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.count("\n") == 1
    assert "could not read the key 'maintenance'" in out.err
    assert "no AWS credentials found" in out.err


def test_metadata_without_a_region_is_an_environment_agnostic_stack() -> None:
    """The CDK leaves a None out of metadata: an environment-agnostic stack's entry has no
    "region" key at all (this was `KeyError: 'region'`)."""
    location = StoreLocation.from_metadata({"stack": "Edge", "output": "MaintenanceStoreArn1"})
    assert location == StoreLocation("Edge", "MaintenanceStoreArn1", None)


def test_an_environment_agnostic_stack_is_looked_up_where_cdk_deploy_put_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """AWS_REGION first (as the CDK CLI), then boto3's own (AWS_DEFAULT_REGION, profile); no
    region anywhere is one line naming the stack and the fix."""
    _no_aws_configuration(monkeypatch, tmp_path)
    agnostic = StoreLocation("Edge", "MaintenanceStoreArn1", None)
    with pytest.raises(MaintenanceConfigError) as error:
        switch_command._stack_client(agnostic)
    assert str(error.value) == (
        "--path: the stack Edge is environment-agnostic (no region at synth), so it is in the "
        "region your AWS configuration deploys to, and none is set; set AWS_REGION (or "
        "AWS_DEFAULT_REGION, or region in your AWS profile), or pass --store-arn."
    )
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert switch_command._stack_client(agnostic).meta.region_name == "eu-west-1"
    monkeypatch.setenv("AWS_REGION", "ap-northeast-1")
    assert switch_command._stack_client(agnostic).meta.region_name == "ap-northeast-1"
    pinned = StoreLocation("Edge", "MaintenanceStoreArn1", "us-east-1")
    assert switch_command._stack_client(pinned).meta.region_name == "us-east-1"


def test_a_stack_missing_from_the_configured_region_names_that_region() -> None:
    cloudformation = boto3.client("cloudformation", region_name="eu-west-1")
    with Stubber(cloudformation) as stacks:
        stacks.add_client_error(
            "describe_stacks", "ValidationError", "Stack with id Edge does not exist", 400
        )
        with pytest.raises(MaintenanceConfigError) as error:
            store_arn_from_stack(cloudformation, StoreLocation("Edge", "Out", None))
    assert str(error.value) == (
        "--path: could not read the stack Edge in eu-west-1 (your AWS configuration's region: "
        "the stack is environment-agnostic; set AWS_REGION to the region it is deployed in): "
        "ValidationError: Stack with id Edge does not exist. Deploy it first, or pass "
        "--store-arn."
    )


# Two stacks: one with an environment, one environment-agnostic (the `cdk init` default).
APP = textwrap.dedent(
    """
    import aws_cdk as cdk
    from aws_cdk import aws_cloudfront as cloudfront, aws_cloudfront_origins as origins
    from maintenance_constructs import CloudFrontFunctionMaintenance

    app = cdk.App()
    pinned = cdk.Stack(app, "Edge", env=cdk.Environment(account="123456789012", region="us-east-1"))
    for stack in (pinned, cdk.Stack(app, "Agnostic")):
        cdn = cloudfront.Distribution(stack, "Cdn", default_behavior=cloudfront.BehaviorOptions(
            origin=origins.HttpOrigin("origin.example.com")))
        CloudFrontFunctionMaintenance(stack, "Maintenance", distribution=cdn)
    app.synth()
    """
)


def test_the_store_is_found_by_construct_path_through_the_stack_output(
    kvs: Stubber,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """In an app with an environment-agnostic stack: its store is looked up in the region of
    the AWS configuration (None to boto3), and the error for an unknown path lists both."""
    monkeypatch.delenv("AWS_REGION", raising=False)
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "cdk.json").write_text(json.dumps({"app": "python3 app.py"}))
    cdk_json = ["--cdk-json", str(tmp_path / "cdk.json")]
    cloudformation = boto3.client("cloudformation", region_name="us-east-1")
    regions: list[str | None] = []

    def make_client(service: str, region: str | None) -> Any:
        regions.append(region)
        return {"cloudformation": cloudformation, "cloudfront-keyvaluestore": kvs.client}[service]

    with Stubber(cloudformation) as stacks:
        outputs = [{"OutputKey": "MaintenanceStoreArn6293DD1D", "OutputValue": ARN}]
        stack = {
            "StackName": "Agnostic",
            "CreationTime": WHEN,
            "StackStatus": "UPDATE_COMPLETE",
            "Outputs": outputs,
        }
        stacks.add_response("describe_stacks", {"Stacks": [stack]}, {"StackName": "Agnostic"})
        monkeypatch.setattr(aws, "make_client", make_client)
        kvs.add_response(
            "get_key",
            {"Key": "maintenance", "Value": "off", "ItemCount": 1, "TotalSizeInBytes": 14},
            {"KvsARN": ARN, "Key": "maintenance"},
        )
        code = main(["switch", "status", "--path", "Agnostic/Maintenance", *cdk_json])
        assert code == 0, capsys.readouterr().err
        assert f"{ARN}: 'off': maintenance off" in capsys.readouterr().out
        assert regions == [None, None]  # CloudFormation: the configuration's region; KVS: global
        assert main(["switch", "status", "--path", "Edge/Nope", *cdk_json]) == 2
        err = capsys.readouterr().err
        assert "found: Agnostic/Maintenance, Edge/Maintenance" in err and err.count("\n") == 1


def test_a_store_deleted_between_describe_and_put_is_one_line(kvs: Stubber) -> None:
    kvs.add_response("describe_key_value_store", _store("E1"), {"KvsARN": ARN})
    kvs.add_client_error("put_key", "ResourceNotFoundException", "Resource not found", 404)
    with pytest.raises(MaintenanceConfigError, match="ResourceNotFoundException: Resource not"):
        Switch(kvs.client, ARN).write("on")


@pytest.mark.parametrize(
    ("times", "named"),
    [
        (["1969-01-01T00:00Z", "2031-01-01T00:00Z"], "START"),
        (["2027-01-01T00:00Z", "5200-01-01T00:00Z"], "END"),
    ],
)
def test_a_window_the_function_would_ignore_is_refused(times: list[str], named: str) -> None:
    """Only values the function reads as a window are written (1 to 11 digits, no sign)."""
    with pytest.raises(MaintenanceConfigError, match=f"^{named}: .* outside what the function"):
        switch_value("window", times, now=1_800_000_000)
