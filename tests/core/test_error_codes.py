"""Every error of the core has a stable code (AWS's where AWS answered), declared once."""

from __future__ import annotations

import sys

import boto3
import botocore
import pytest

import lambda_invocation_core as core
from lambda_invocation_core import errors
from lambda_invocation_core.model_support import sdk_versions
from lambda_invocation_core.result import result_from_response


def _error_classes() -> list[type[core.LambdaInvocationError]]:
    return [
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, core.LambdaInvocationError)
    ]


def test_every_class_of_its_own_has_a_distinct_code_and_aws_errors_share_awss() -> None:
    own = [cls for cls in _error_classes() if not issubclass(cls, core.AwsError)]
    assert len({cls.code for cls in own}) == len(own)
    assert {code: cls for code, cls in errors.ERROR_CODES.items()} == {
        **{cls.code: cls for cls in own},
        "UnknownError": core.AwsError,
    }


def test_aws_errors_carry_awss_code_status_and_request_id_and_the_core_hint() -> None:
    error = core.ThrottledError("TooManyRequestsException", 429, "req-1", "throttled.", 3)
    assert (error.code, error.http_status, error.request_id) == ("TooManyRequestsException", 429, "req-1")
    assert error.hint == "throttled. Gave up after 3 attempts."
    assert error.hint in str(error)


def test_errors_where_aws_did_not_answer_have_no_status() -> None:
    error = core.InvocationTimeoutError("no response within the read timeout")
    assert (error.code, error.http_status, error.request_id) == ("InvocationTimeout", None, None)
    assert error.hint == str(error)
    assert core.ValidationError("payload", "is required").code == "ValidationError"


def test_a_function_error_carries_the_answers_status_and_request_id() -> None:
    response = {
        "StatusCode": 200,
        "FunctionError": "Unhandled",
        "Payload": b'{"errorType": "KeyError"}',
        "ResponseMetadata": {"RequestId": "req-9", "HTTPStatusCode": 200},
    }
    with pytest.raises(core.FunctionError) as info:
        result_from_response(response, "f", fail_on_function_error=True)
    assert (info.value.code, info.value.http_status, info.value.request_id) == ("FunctionError", 200, "req-9")


def test_sdk_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    assert sdk_versions() == (boto3.__version__, botocore.__version__)
    monkeypatch.setitem(sys.modules, "boto3", None)
    assert sdk_versions() == (None, botocore.__version__)
