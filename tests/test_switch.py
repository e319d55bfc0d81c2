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
from maintenance_constructs.tools import switch_command
from maintenance_constructs.tools.cli import main
from maintenance_constructs.tools.switch import Switch, describe_value, switch_value

ARN = "arn:aws:cloudfront::123456789012:key-value-store/0f1e2d3c-aaaa-bbbb-cccc-111122223333"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
WHEN = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)


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
            switch_value(action, times)
        times = ["2027-01-09T02:00Z", "2027-01-09T04:00Z"]
        value = "window 1799460000 1799467200"
    assert switch_value(action, times) == value
    assert switch_value("clear", []) is None


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
        switch_value("window", times)


@pytest.mark.parametrize("action", ["on", "off", "window"])
def test_each_action_writes_the_key_with_the_current_etag(kvs: Stubber, action: str) -> None:
    times = ["2027-01-09T02:00Z", "2027-01-09T04:00Z"] if action == "window" else []
    value = switch_value(action, times)
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
    kvs.add_client_error("get_key", "ResourceNotFoundException", "no such key", 404)
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
    monkeypatch.setattr(switch_command, "make_client", lambda service, region: kvs.client)
    _expect_write(kvs, "on")
    assert main(["switch", "on", "--store-arn", ARN]) == 0
    out = capsys.readouterr()
    assert f"{ARN}: maintenance key set to 'on'" in out.out
    assert SECRET not in out.out + out.err and "AKIA" not in out.out + out.err
    assert main(["switch", "window", "2027-01-09T02:00", "x", "--store-arn", ARN]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "has no time zone" in err


APP = textwrap.dedent(
    """
    import aws_cdk as cdk
    from aws_cdk import aws_cloudfront as cloudfront, aws_cloudfront_origins as origins
    from maintenance_constructs import CloudFrontFunctionMaintenance

    app = cdk.App()
    stack = cdk.Stack(app, "Edge", env=cdk.Environment(account="123456789012", region="us-east-1"))
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
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "cdk.json").write_text(json.dumps({"app": "python3 app.py"}))
    cloudformation = boto3.client("cloudformation", region_name="us-east-1")
    with Stubber(cloudformation) as stacks:
        outputs = [{"OutputKey": "MaintenanceStoreArn6293DD1D", "OutputValue": ARN}]
        stack = {
            "StackName": "Edge",
            "CreationTime": WHEN,
            "StackStatus": "UPDATE_COMPLETE",
            "Outputs": outputs,
        }
        stacks.add_response("describe_stacks", {"Stacks": [stack]}, {"StackName": "Edge"})
        clients = {"cloudformation": cloudformation, "cloudfront-keyvaluestore": kvs.client}
        monkeypatch.setattr(switch_command, "make_client", lambda s, region: clients[s])
        kvs.add_response(
            "get_key",
            {"Key": "maintenance", "Value": "off", "ItemCount": 1, "TotalSizeInBytes": 14},
            {"KvsARN": ARN, "Key": "maintenance"},
        )
        code = main(
            [
                "switch",
                "status",
                "--path",
                "Edge/Maintenance",
                "--cdk-json",
                str(tmp_path / "cdk.json"),
            ]
        )
        assert code == 0, capsys.readouterr().err
        assert f"{ARN}: 'off': maintenance off" in capsys.readouterr().out
        assert (
            main(
                [
                    "switch",
                    "status",
                    "--path",
                    "Edge/Nope",
                    "--cdk-json",
                    str(tmp_path / "cdk.json"),
                ]
            )
            == 2
        )
        assert "found: Edge/Maintenance" in capsys.readouterr().err


def test_a_store_deleted_between_describe_and_put_is_one_line(kvs: Stubber) -> None:
    kvs.add_response("describe_key_value_store", _store("E1"), {"KvsARN": ARN})
    kvs.add_client_error("put_key", "ResourceNotFoundException", "Resource not found", 404)
    with pytest.raises(MaintenanceConfigError, match="ResourceNotFoundException: Resource not"):
        Switch(kvs.client, ARN).write("on")
