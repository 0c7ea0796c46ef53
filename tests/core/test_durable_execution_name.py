"""durable_execution_name: checked against the installed botocore's Lambda model before
anything is sent, sent as the X-Amz-Durable-Execution-Name header, and the execution's ARN
returned. Real botocore over loopback to the scripted endpoint.

The rule is read from the model, not written down in the core: a test edits a copy of the
installed model (put first on botocore's data path, AWS_DATA_PATH) and sees the edited rule
applied. An older botocore is simulated the same way, with the member removed.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import botocore
import botocore.session
import pytest

import lambda_invocation_core as core
from lambda_invocation_core.model_support import member_rule
from tests.support.connection_settings import SettingsFactory
from tests.support.scripted_lambda import Reply, ScriptedLambda, aws_error

NAME_MARKER = "name-MARKER-4e2a"  # a valid name; never in a message
ARN = "arn:aws:lambda:us-east-1:123456789012:function:f:7/durable-execution/run-1/0f1e2d3c"


def edited_model(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """A data path whose Lambda model is the installed one after ``edit``."""
    source = max((Path(botocore.__file__).parent / "data" / "lambda").iterdir())
    plain = source / "service-2.json"
    if plain.exists():
        model = json.loads(plain.read_text(encoding="utf-8"))
    else:  # botocore ships some models compressed
        model = json.loads(gzip.decompress((source / "service-2.json.gz").read_bytes()))
    edit(model)
    target = tmp_path / "lambda" / source.name
    target.mkdir(parents=True)
    (target / "service-2.json").write_text(json.dumps(model), encoding="utf-8")
    return tmp_path


def installed_rule() -> dict[str, Any]:
    shape = (
        botocore.session.get_session()
        .get_service_model("lambda")
        .operation_model("Invoke")
        .input_shape.members["DurableExecutionName"]  # type: ignore[union-attr]
    )
    return dict(shape.metadata)


# --- validation, before any request ---------------------------------------------------


def test_the_rule_applied_is_the_installed_models() -> None:
    rule = member_rule("DurableExecutionName")
    expected = installed_rule()
    assert (rule.min_length, rule.max_length, rule.pattern) == (
        expected.get("min"),
        expected.get("max"),
        expected.get("pattern"),
    )


@pytest.mark.parametrize("name", ["a", "a" * 64, "run-1_B", "-_-", "0123456789", NAME_MARKER])
def test_valid_names_are_sent_as_given(name: str) -> None:
    request = core.build_request("f", {}, durable_execution_name=name)
    assert request.durable_execution_name == name
    assert request.to_boto3_kwargs()["DurableExecutionName"] == name


def test_no_name_sends_no_member() -> None:
    request = core.build_request("f", {}, durable_execution_name=None)
    assert request.durable_execution_name is None
    assert "DurableExecutionName" not in request.to_boto3_kwargs()


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        (NAME_MARKER + "x" * 64, f"must be 1 to 64 characters (got {len(NAME_MARKER) + 64})"),
        # Not "no name": an empty name would start a new execution on every call.
        ("", "must be 1 to 64 characters (got 0)"),
        (NAME_MARKER + ".v2", "must match the Lambda model's pattern [a-zA-Z0-9-_]+ as a whole"),
        (NAME_MARKER + " 2", "must match the Lambda model's pattern [a-zA-Z0-9-_]+ as a whole"),
        (NAME_MARKER + "é", "must match the Lambda model's pattern [a-zA-Z0-9-_]+ as a whole"),
        (NAME_MARKER + "\n", "must match the Lambda model's pattern [a-zA-Z0-9-_]+ as a whole"),
        (NAME_MARKER + ":1", "must match the Lambda model's pattern [a-zA-Z0-9-_]+ as a whole"),
    ],
)
def test_bad_names_are_refused_naming_the_field_never_the_value(name: str, rule: str) -> None:
    with pytest.raises(core.ValidationError) as caught:
        core.build_request("f", {}, durable_execution_name=name)
    error = caught.value
    assert (error.field, error.rule) == ("durable_execution_name", rule)
    assert NAME_MARKER not in str(error) and NAME_MARKER not in repr(error)


@pytest.mark.parametrize("name", [42, b"run-1", ["run-1"]])
def test_a_name_must_be_a_string(name: object) -> None:
    with pytest.raises(core.ValidationError, match="durable_execution_name: must be a string, not "):
        core.build_request("f", {}, durable_execution_name=name)


def test_a_newer_models_rule_is_the_one_applied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def stricter(model: dict[str, Any]) -> None:
        model["shapes"]["DurableExecutionName"].update({"min": 3, "max": 8, "pattern": "[a-z]+"})

    monkeypatch.setenv("AWS_DATA_PATH", str(edited_model(tmp_path, stricter)))
    assert core.build_request("f", {}, durable_execution_name="abc").durable_execution_name == "abc"
    with pytest.raises(
        core.ValidationError, match=r"durable_execution_name: must be 3 to 8 characters \(got 9\)"
    ):
        core.build_request("f", {}, durable_execution_name="abcdefghi")
    with pytest.raises(core.ValidationError, match=r"must match the Lambda model's pattern \[a-z\]\+"):
        core.build_request("f", {}, durable_execution_name="run-1")


def test_invalid_name_sends_nothing(make_settings: SettingsFactory, scripted_lambda: ScriptedLambda) -> None:
    with pytest.raises(core.ValidationError):
        core.invoke("f", {}, durable_execution_name="a" * 65, connection=make_settings(scripted_lambda.url))
    assert scripted_lambda.requests == []


# --- an older botocore ------------------------------------------------------------------


def _without_member(model: dict[str, Any]) -> None:
    del model["shapes"]["InvocationRequest"]["members"]["DurableExecutionName"]


def _too_old_text() -> str:
    return (
        "durable_execution_name: needs boto3 >= 1.42.1; installed: "
        f"boto3 {boto3.__version__} (botocore {botocore.__version__})"
    )


def test_an_older_model_refuses_the_name_before_sending(
    make_settings: SettingsFactory,
    scripted_lambda: ScriptedLambda,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_DATA_PATH", str(edited_model(tmp_path, _without_member)))
    with pytest.raises(core.BotocoreTooOldError) as caught:
        core.invoke(
            "f", {}, durable_execution_name=NAME_MARKER, connection=make_settings(scripted_lambda.url)
        )
    error = caught.value
    assert isinstance(error, core.ValidationError)
    assert (error.field, error.minimum_boto3) == ("durable_execution_name", "1.42.1")
    assert str(error) == _too_old_text()
    assert scripted_lambda.requests == []
    # Without the name the same installation still invokes.
    core.invoke("f", {}, connection=make_settings(scripted_lambda.url))
    assert len(scripted_lambda.requests) == 1


def test_a_request_built_earlier_is_refused_by_the_clients_older_model(
    make_settings: SettingsFactory,
    scripted_lambda: ScriptedLambda,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """send() checks the client's own model too (a request may come from another process)."""
    request = core.build_request("f", {}, durable_execution_name=NAME_MARKER)
    monkeypatch.setenv("AWS_DATA_PATH", str(edited_model(tmp_path, _without_member)))
    with pytest.raises(core.BotocoreTooOldError) as caught:
        core.send(request, make_settings(scripted_lambda.url))
    assert str(caught.value) == _too_old_text()
    assert scripted_lambda.requests == []


# --- on the wire ----------------------------------------------------------------------


def test_the_name_is_sent_as_the_header_and_the_arn_returned(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    scripted_lambda.queue(
        Reply(
            body=b'{"done":true}', headers={"X-Amz-Durable-Execution-Arn": ARN, "X-Amz-Executed-Version": "7"}
        )
    )
    result = core.invoke(
        "f:7", {"a": 1}, durable_execution_name="run-1", connection=make_settings(scripted_lambda.url)
    )
    (seen,) = scripted_lambda.requests
    assert seen.headers["x-amz-durable-execution-name"] == "run-1"
    assert seen.body == b'{"a":1}'  # the name travels in the header only
    assert result.durable_execution_arn == ARN
    assert result.result_json == {"done": True}


def test_without_a_name_no_header_and_no_arn(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    result = core.invoke("f", {}, connection=make_settings(scripted_lambda.url))
    (seen,) = scripted_lambda.requests
    assert "x-amz-durable-execution-name" not in seen.headers
    assert result.durable_execution_arn is None


def test_the_outputs_of_as_dict_are_unchanged() -> None:
    """The adapters' outputs come from as_dict(); the ARN joins them with their option, later."""
    result = core.InvocationResult("{}", "7", None, None, 200, durable_execution_arn=ARN)
    assert list(result.as_dict()) == [
        "result",
        "executed_version",
        "function_error",
        "log_result",
        "status_code",
    ]


def test_already_started_is_its_own_error_naming_the_field_and_not_retried(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    scripted_lambda.queue(
        aws_error("DurableExecutionAlreadyStartedException", 409, message=f"execution {NAME_MARKER} exists"),
        Reply(),
    )
    with pytest.raises(core.DurableExecutionAlreadyStartedError) as caught:
        core.invoke(
            "f:7",
            {},
            durable_execution_name=NAME_MARKER,
            connection=make_settings(scripted_lambda.url, max_attempts=3),
        )
    error = caught.value
    assert isinstance(error, core.AwsError)
    assert not isinstance(error, core.RetriesExhaustedError)
    assert (error.code, error.http_status, error.request_id) == (
        "DurableExecutionAlreadyStartedException",
        409,
        "req-42",
    )
    assert error.field == "durable_execution_name"
    assert "durable_execution_name" in str(error)
    assert NAME_MARKER not in str(error) and NAME_MARKER not in repr(error)
    assert len(scripted_lambda.requests) == 1
