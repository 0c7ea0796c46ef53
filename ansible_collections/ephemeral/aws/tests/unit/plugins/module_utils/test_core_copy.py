# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
"""Unit tests of the core as the collection ships it (plugins/module_utils/lambda_invocation_core).

The core's own tests (tests/core at the project root) cover it in depth; these check that the
generated copy works under Ansible's import path, on the Python versions ansible-test uses,
with botocore's Stubber in place of AWS.
"""

from __future__ import annotations

import base64
import io
import json

import pytest
from ansible_collections.ephemeral.aws.tests.unit.utils import MARKER, core

SETTINGS = core.ConnectionSettings(
    region="us-east-1", access_key="AKIDEXAMPLE", secret_key="stubSecretEXAMPLE"
)


@pytest.mark.parametrize(
    "name",
    [
        "f",
        "a" * 64,
        "f:$LATEST",
        "f:prod",
        "123456789012:function:f",
        "arn:aws:lambda:us-east-1:123456789012:function:f",
        "arn:aws-cn:lambda:cn-north-1:123456789012:function:f:1",
        "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f:alias",
    ],
)
def test_valid_function_names(name):
    assert core.build_request(name, {}).function_name == name


@pytest.mark.parametrize("name", ["", "a" * 65, "bad name", "f:", "arn:aws:s3:::bucket", None, 3])
def test_invalid_function_names(name):
    with pytest.raises(core.ValidationError) as info:
        core.build_request(name, {})
    assert info.value.field == "function_name"


def test_payload_limits_and_secrecy():
    limit = core.MAX_PAYLOAD_BYTES
    at_limit = '"' + "x" * (limit - 2) + '"'
    assert len(core.build_request("f", at_limit).payload) == limit
    with pytest.raises(core.ValidationError, match="the limit is 6,291,456 bytes"):
        core.build_request("f", at_limit[:-1] + 'x"')
    with pytest.raises(core.ValidationError) as info:
        core.build_request("f", '{"secret": "' + MARKER + '"')
    assert MARKER not in str(info.value)


def test_client_context_limits():
    ok = "A" * 3580 + "AAA="
    assert len(ok) == 3584
    with pytest.raises(core.ValidationError, match="client_context"):
        core.build_request("f", {}, client_context=ok)
    assert core.build_request("f", {}, client_context="A" * 3580).client_context == "A" * 3580
    with pytest.raises(core.ValidationError, match="client_context") as info:
        core.build_request("f", {}, client_context="QUJD=")  # bad padding, on every Python
    assert MARKER not in str(info.value)


def test_result_derived_values():
    log = base64.b64encode(b"START " + MARKER.encode()).decode()
    result = core.InvocationResult(
        result='{"errorType": "ValueError", "errorMessage": "x"}',
        executed_version="3",
        function_error="Unhandled",
        log_result=log,
        status_code=200,
    )
    assert result.log_text == "START " + MARKER
    assert result.error_type == "ValueError"
    assert result.result_is_json
    assert MARKER not in repr(result)
    plain = core.InvocationResult(
        result="plain", executed_version=None, function_error=None, log_result=None, status_code=200
    )
    assert plain.result_json is None and not plain.result_is_json and plain.log_text is None


@pytest.fixture
def stubbed():
    from botocore.stub import Stubber

    client = core.get_client(SETTINGS)
    with Stubber(client) as stubber:
        yield stubber
    core.clear_client_cache()


def body(data):
    from botocore.response import StreamingBody

    raw = json.dumps(data).encode()
    return StreamingBody(io.BytesIO(raw), len(raw))


def test_send_request_response(stubbed):
    stubbed.add_response(
        "invoke",
        {
            "StatusCode": 200,
            "ExecutedVersion": "$LATEST",
            "Payload": body({"ok": MARKER}),
            "LogResult": "U1RBUlQ=",
        },
        {
            "FunctionName": "f",
            "Payload": b"{}",
            "LogType": "Tail",
            "Qualifier": "1",
            "InvocationType": "RequestResponse",
        },
    )
    result = core.invoke("f", {}, qualifier="1", log_type="tail", connection=SETTINGS)
    assert result.result_json == {"ok": MARKER}
    assert result.log_text == "START"
    assert result.function_error is None
    assert result.status_code == 200


def test_dry_run(stubbed):
    stubbed.add_response(
        "invoke",
        {"StatusCode": 204, "Payload": body("")},
        {"FunctionName": "f", "Payload": b"{}", "InvocationType": "DryRun"},
    )
    assert core.invoke("f", {}, dry_run=True, connection=SETTINGS).status_code == 204


def test_function_error_raises_without_details(stubbed):
    stubbed.add_response(
        "invoke",
        {
            "StatusCode": 200,
            "ExecutedVersion": "2",
            "FunctionError": "Unhandled",
            "Payload": body({"errorType": "KeyError", "errorMessage": MARKER, "stackTrace": [MARKER]}),
        },
    )
    with pytest.raises(core.FunctionError) as info:
        core.invoke("f", {}, fail_on_function_error=True, connection=SETTINGS)
    assert MARKER not in str(info.value) and MARKER not in repr(info.value)
    assert "KeyError" in str(info.value) and "version 2" in str(info.value)
    assert MARKER in info.value.result.result


def test_throttle_retried_then_success_and_5xx_never_retried(stubbed):
    stubbed.add_client_error("invoke", "TooManyRequestsException", http_status_code=429)
    stubbed.add_response("invoke", {"StatusCode": 200, "Payload": body(1)})
    request = core.build_request("f", {})
    sleeps = []
    assert core.send(request, SETTINGS, sleep=sleeps.append).result == "1"
    assert len(sleeps) == 1
    stubbed.add_client_error("invoke", "ServiceException", http_status_code=500)
    with pytest.raises(core.AwsError) as info:
        core.send(request, SETTINGS, sleep=sleeps.append)
    assert info.value.code == "ServiceException" and info.value.http_status == 500
    stubbed.assert_no_pending_responses()


def test_not_found_hint(stubbed):
    stubbed.add_client_error("invoke", "ResourceNotFoundException", http_status_code=404)
    with pytest.raises(core.AwsError, match="function f with qualifier \\$LATEST was not found"):
        core.invoke("f", {}, connection=SETTINGS)
