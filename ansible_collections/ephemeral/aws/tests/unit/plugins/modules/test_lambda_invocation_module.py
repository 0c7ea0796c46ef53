# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
"""Unit tests of the lambda_invocation module: argument handling and every error path."""

from __future__ import annotations

import json
import sys
from unittest import mock

import pytest
from ansible.module_utils import basic
from ansible_collections.ephemeral.aws.plugins.module_utils.result_transport import OUTPUTS_KEY, decode
from ansible_collections.ephemeral.aws.plugins.modules import lambda_invocation
from ansible_collections.ephemeral.aws.tests.unit.utils import COMPANIONS, MARKER, core, env_order_cases

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    import contextlib

    @contextlib.contextmanager
    def patch_module_args(args):
        with mock.patch.object(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()):
            yield


class ExitJson(Exception):
    pass


class FailJson(Exception):
    pass


def _exit_json(self, **kwargs):
    raise ExitJson(kwargs)


def _fail_json(self, **kwargs):
    kwargs["failed"] = True
    raise FailJson(kwargs)


@pytest.fixture(autouse=True)
def no_exit(monkeypatch):
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", _exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", _fail_json)


def result(payload=None, function_error=None, log=None, status=200):
    body = json.dumps(payload if payload is not None else {"token": MARKER})
    log_result = None
    if log is not None:
        import base64

        log_result = base64.b64encode(log.encode()).decode()
    return core.InvocationResult(
        result=body,
        executed_version="$LATEST",
        function_error=function_error,
        log_result=log_result,
        status_code=status,
    )


def run_module(args, check_mode=False, send=None):
    """Run main() with args; return (outcome dict, send mock)."""
    if check_mode:
        args = dict(args, _ansible_check_mode=True)
    send_mock = (
        mock.Mock(side_effect=send)
        if callable(send) or isinstance(send, Exception)
        else mock.Mock(return_value=send if send is not None else result())
    )
    with (
        patch_module_args(args),
        mock.patch.object(lambda_invocation, "send", send_mock),
        pytest.raises((ExitJson, FailJson)) as info,
    ):
        lambda_invocation.main()
    outcome = info.value.args[0]
    # The outputs travel encoded (module_utils/result_transport.py); the action plugin
    # decodes them and derives result_json and log_text, as here (its own tests cover that;
    # module tests cannot import controller code).
    assert not any(key in outcome for key in lambda_invocation.OUTPUT_KEYS)
    if OUTPUTS_KEY in outcome:
        outcome.update(core.InvocationResult(**decode(outcome.pop(OUTPUTS_KEY))).as_dict(derived=True))
    return outcome, send_mock


BASE = {"function_name": "my-function", "payload": {"key": MARKER}, "region": "us-east-1"}
ROLE = "arn:aws:iam::210987654321:role/invoker"


def test_success_returns_every_output_and_changed():
    outcome, send = run_module(dict(BASE, log_type="Tail"), send=result(log="START " + MARKER))
    assert outcome["changed"] is True
    assert not outcome.get("failed")
    assert outcome["result"] == json.dumps({"token": MARKER})
    assert outcome["result_json"] == {"token": MARKER}
    assert outcome["executed_version"] == "$LATEST"
    assert outcome["function_error"] is None
    assert outcome["log_text"] == "START " + MARKER
    assert outcome["status_code"] == 200
    request, connection = send.call_args.args
    assert request.function_name == "my-function"
    assert request.log_type == "Tail"
    assert json.loads(request.payload) == {"key": MARKER}
    assert connection.region == "us-east-1"
    assert send.call_args.kwargs == {"fail_on_function_error": True, "dry_run": False}


@pytest.mark.parametrize(
    "args",
    [
        {"name": "my-function:prod"},
        {"function_arn": "arn:aws:lambda:us-east-1:123456789012:function:my-function:prod"},
        {"function_name": "my-function", "version_qualifier": "prod"},
        {"function_name": "123456789012:function:my-function", "qualifier": "prod"},
    ],
)
def test_aliases_and_name_forms(args):
    _outcome, send = run_module(dict(args, payload={}, aws_region="eu-west-1"))
    request, connection = send.call_args.args
    assert request.effective_qualifier == "prod"
    assert connection.region == "eu-west-1"


def test_json_string_payload_is_sent_unchanged():
    _outcome, send = run_module(dict(BASE, payload='{"a": 1}'))
    assert send.call_args.args[0].payload == b'{"a": 1}'


def test_client_context_mapping_is_encoded():
    _outcome, send = run_module(dict(BASE, client_context={"custom": {"k": MARKER}}))
    import base64

    encoded = send.call_args.args[0].client_context
    assert json.loads(base64.b64decode(encoded)) == {"custom": {"k": MARKER}}


def test_tenant_id_is_passed_to_the_core():
    _outcome, send = run_module(dict(BASE, tenant_id="customer 42/eu"))
    request = send.call_args.args[0]
    assert request.tenant_id == "customer 42/eu"
    assert request.to_boto3_kwargs()["TenantId"] == "customer 42/eu"


@pytest.mark.parametrize("tenant_id", [None, ""])
def test_tenant_id_is_sent_only_when_given(tenant_id):
    args = dict(BASE) if tenant_id is None else dict(BASE, tenant_id=tenant_id)
    _outcome, send = run_module(args)
    request = send.call_args.args[0]
    assert request.tenant_id is None
    assert "TenantId" not in request.to_boto3_kwargs()


def test_role_options_reach_the_core():
    _outcome, send = run_module(
        dict(
            BASE,
            role_arn=ROLE,
            role_session_name="ansible-deploy",
            external_id="ext-" + MARKER,
            role_duration="900",
        )
    )
    connection = send.call_args.args[1]
    assert connection.role_arn == ROLE
    assert connection.role_session_name == "ansible-deploy"
    assert connection.external_id == "ext-" + MARKER
    assert connection.role_duration == 900  # converted by Ansible (type int)
    assert MARKER not in repr(connection)


def test_without_role_options_no_role_is_assumed():
    _outcome, send = run_module(BASE)
    connection = send.call_args.args[1]
    assert (
        connection.role_arn,
        connection.role_session_name,
        connection.external_id,
        connection.role_duration,
    ) == (
        None,
        None,
        None,
        None,
    )


def test_sts_refusal_fails_with_the_core_message_only():
    error = core.AwsError(
        "AccessDenied", 403, "sts-1", "check the role's trust policy", operation="AssumeRole", service="STS"
    )
    outcome, _send = run_module(dict(BASE, role_arn=ROLE, external_id="ext-" + MARKER), send=error)
    assert outcome["failed"] is True and outcome["changed"] is False
    assert (
        outcome["msg"] == "STS AssumeRole failed with AccessDenied (HTTP 403, request id sts-1): "
        "check the role's trust policy"
    )
    assert "result" not in outcome


def test_check_mode_sends_dry_run_and_reports_changed():
    outcome, send = run_module(BASE, check_mode=True, send=result(payload="", status=204))
    assert send.call_args.kwargs["dry_run"] is True
    assert outcome["changed"] is True
    assert outcome["status_code"] == 204


def test_function_error_fails_with_safe_message_and_keeps_outputs():
    failed = result(payload={"errorType": "ValueError", "errorMessage": MARKER}, function_error="Unhandled")
    error = core.FunctionError("my-function", "$LATEST", "Unhandled", "ValueError", failed)
    outcome, _send = run_module(BASE, send=error)
    assert outcome["failed"] is True
    assert outcome["changed"] is True
    assert "my-function" in outcome["msg"] and "ValueError" in outcome["msg"] and "$LATEST" in outcome["msg"]
    assert MARKER not in outcome["msg"]
    assert outcome["function_error"] == "Unhandled"
    assert MARKER in outcome["result"]
    assert outcome["error"] == {"code": "FunctionError", "message": str(error)}


def test_function_error_tolerated_when_asked():
    failed = result(payload={"errorType": "ValueError", "errorMessage": MARKER}, function_error="Unhandled")
    outcome, send = run_module(dict(BASE, fail_on_function_error=False), send=failed)
    assert not outcome.get("failed")
    assert outcome["function_error"] == "Unhandled"
    assert send.call_args.kwargs["fail_on_function_error"] is False


@pytest.mark.parametrize(
    "args, message",
    [
        ({"function_name": "bad name!"}, "function_name: must be a function name"),
        ({"function_name": "a" * 65}, "function_name: a function name without ARN must be at most 64"),
        ({"qualifier": "x" * 129}, "qualifier: must be 1 to 128 characters"),
        ({"function_name": "f:one", "qualifier": "two"}, "qualifier: conflicts"),
        ({"payload": '{"k": "' + MARKER + '"'}, "payload: must be valid JSON text"),
        ({"client_context": MARKER + "!"}, "client_context: must be standard base64"),
        (
            {"profile": "dev", "access_key": "AKIDEXAMPLE", "secret_key": "wJalrEXAMPLE"},
            "profile: cannot be combined",
        ),
        ({"access_key": "AKIDEXAMPLE"}, "access_key: and secret_key must be given together"),
        ({"read_timeout": 0}, "read_timeout: must be more than 0"),
        ({"endpoint_url": "localhost:9000"}, "endpoint_url: must start with http"),
        ({"aws_config": {"retries": {"max_attempts": 10}}}, "aws_config.retries: is not supported"),
        ({"debug_botocore_endpoint_logs": True}, "debug_botocore_endpoint_logs: is not supported"),
        ({"tenant_id": "t" * 257}, "tenant_id: must be 1 to 256 characters"),
        ({"tenant_id": "tenant#1"}, "tenant_id: may contain only"),
        (
            {"role_arn": "arn:aws:lambda:us-east-1:123456789012:function:f"},
            "role_arn: must be an IAM role ARN",
        ),
        ({"role_session_name": "ansible"}, "role_session_name: needs role_arn"),
        ({"external_id": "ext-" + MARKER}, "external_id: needs role_arn"),
        ({"role_duration": 900}, "role_duration: needs role_arn"),
        ({"role_arn": ROLE, "role_session_name": "has space"}, "role_session_name: must be 2 to 64"),
        ({"role_arn": ROLE, "external_id": "x"}, "external_id: must be 2 to 1224"),
        ({"role_arn": ROLE, "role_duration": 899}, "role_duration: must be a whole number of seconds"),
        ({"role_arn": ROLE, "role_duration": 43201}, "role_duration: must be a whole number of seconds"),
    ],
)
def test_bad_options_fail_before_any_request_with_the_core_message(args, message):
    outcome, send = run_module(dict(BASE, **args))
    assert outcome["failed"] is True
    assert outcome["msg"].startswith(message), outcome["msg"]
    assert MARKER not in outcome["msg"]
    assert outcome["error"] == {"code": "ValidationError", "message": outcome["msg"]}
    assert "response_metadata" not in outcome
    assert outcome["boto3_version"] and outcome["botocore_version"]
    send.assert_not_called()


def test_missing_required_options_are_reported_by_ansible():
    outcome, send = run_module({"function_name": "f"})
    assert outcome["failed"] is True
    assert "payload" in outcome["msg"]
    # Ansible's own argument spec failure carries the fields too, with the collection's hint.
    assert outcome["error"] == {"code": "ValidationError", "message": lambda_invocation.ARGUMENT_SPEC_HINT}
    send.assert_not_called()


def test_boto3_missing(monkeypatch):
    # The core imports botocore (which boto3 brings, and which is all it needs) when it builds
    # the client; the module does not import it. Without it, the message names boto3.
    monkeypatch.setitem(sys.modules, "botocore", None)
    core.clear_client_cache()
    outcome, send = run_module(BASE, send=core.send)
    assert outcome["failed"] is True
    assert "boto3" in outcome["msg"] and "Failed to import the required Python library" in outcome["msg"]
    send.assert_called_once()


def test_boto3_missing_reported_by_the_core():
    outcome, _send = run_module(BASE, send=core.MissingDependencyError("boto3 is required"))
    assert "Failed to import the required Python library (boto3)" in outcome["msg"]
    assert outcome["error"]["code"] == "MissingDependency"


@pytest.mark.parametrize(
    ("error", "code", "metadata"),
    [
        (
            core.AwsError("ResourceNotFoundException", 404, "req-1", "function not found"),
            "ResourceNotFoundException",
            {"http_status_code": 404, "request_id": "req-1"},
        ),
        (
            core.ThrottledError("TooManyRequestsException", 429, "req-2", "throttled.", 5),
            "TooManyRequestsException",
            {"http_status_code": 429, "request_id": "req-2"},
        ),
        (core.InvocationTimeoutError("no response within the read timeout"), "InvocationTimeout", None),
        (core.ConnectionLostError("the connection closed"), "ConnectionLost", None),
        (core.InvocationUncertainError("the answer could not be parsed"), "InvocationUncertain", None),
        (core.EndpointUnreachableError("could not connect"), "EndpointUnreachable", None),
        (core.CredentialsError("no usable AWS credentials"), "CredentialsError", None),
        (core.AccountNotAllowedError("123456789012", "is forbidden"), "AccountNotAllowed", None),
        (core.SdkError("botocore failed with X", "X"), "SdkError", None),
    ],
)
def test_aws_and_transport_errors_fail_with_the_core_message_and_amazon_aws_fields(error, code, metadata):
    outcome, _send = run_module(BASE, send=error)
    assert outcome["failed"] is True
    assert outcome["msg"] == str(error)
    assert "result" not in outcome
    assert outcome["error"]["code"] == code
    # The hint of AwsError (the core's own words), never AWS's message.
    assert outcome["error"]["message"] == (error.hint if metadata else str(error))
    assert outcome.get("response_metadata") == metadata
    import boto3
    import botocore

    versions = (outcome["boto3_version"], outcome["botocore_version"])
    assert versions == (boto3.__version__, botocore.__version__)


def test_environment_fallbacks(monkeypatch):
    monkeypatch.setenv("AWS_REGION", "ap-south-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENVEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secretFromEnvEXAMPLE")
    monkeypatch.setenv("AWS_URL", "http://127.0.0.1:9")
    _outcome, send = run_module({"function_name": "f", "payload": {}})
    connection = send.call_args.args[1]
    assert connection.region == "ap-south-1"
    assert connection.access_key == "AKIDENVEXAMPLE"
    assert connection.secret_key == "secretFromEnvEXAMPLE"
    assert connection.endpoint_url == "http://127.0.0.1:9"


def test_connection_options_reach_the_core():
    args = dict(
        BASE,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secretEXAMPLE",
        aws_session_token="tokenEXAMPLE",
        aws_endpoint_url="https://lambda.example.test",
        aws_ca_bundle="/etc/ssl/certs/ca.pem",
        aws_config={"connect_timeout": 3, "read_timeout": 30},
        read_timeout=120,
    )
    _outcome, send = run_module(args)
    connection = send.call_args.args[1]
    assert (connection.access_key, connection.secret_key, connection.session_token) == (
        "AKIDEXAMPLE",
        "secretEXAMPLE",
        "tokenEXAMPLE",
    )
    assert connection.endpoint_url == "https://lambda.example.test"
    assert connection.verify == "/etc/ssl/certs/ca.pem"
    assert connection.connect_timeout == 3
    assert connection.read_timeout == 120


def test_validate_certs_false_and_profile():
    _outcome, send = run_module(dict(BASE, validate_certs=False, aws_profile="dev"))
    connection = send.call_args.args[1]
    assert connection.verify is False
    assert connection.profile == "dev"


def test_default_read_timeout_is_the_core_default():
    _outcome, send = run_module(BASE)
    assert send.call_args.args[1].read_timeout == core.DEFAULT_READ_TIMEOUT


def test_argument_spec_declares_secrets_no_log_and_payload_not():
    spec = lambda_invocation.argument_spec()
    assert spec["secret_key"]["no_log"] is True
    assert spec["session_token"]["no_log"] is True
    assert spec["access_key"]["no_log"] is False
    assert spec["external_id"]["no_log"] is True
    assert spec["role_duration"]["type"] == "int"
    # Not secrets: no no_log, so equal strings in the result are not masked.
    for name in ("role_arn", "role_session_name", "tenant_id"):
        assert not spec[name].get("no_log"), name
    # no_log on payload would make Ansible mask equal strings inside the registered result.
    assert not spec["payload"].get("no_log")
    assert not spec["client_context"].get("no_log")
    assert spec["fail_on_function_error"]["default"] is True
    assert set(spec["function_name"]["aliases"]) == {"name", "function_arn"}
    assert spec["qualifier"]["aliases"] == ["version_qualifier"]


def test_documented_defaults_match_the_code():
    import yaml

    doc = yaml.safe_load(lambda_invocation.DOCUMENTATION)
    assert "read_timeout" not in doc["options"]  # documented in the doc fragment
    assert doc["options"]["log_type"]["default"] == "None"
    from ansible_collections.ephemeral.aws.plugins.doc_fragments.aws import ModuleDocFragment

    fragment = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)
    assert f"{core.DEFAULT_READ_TIMEOUT:g}" in " ".join(fragment["options"]["read_timeout"]["description"])
    spec = lambda_invocation.argument_spec()
    assert set(doc["options"]) | set(fragment["options"]) == set(spec)


@pytest.mark.parametrize(("option", "preferred", "other"), env_order_cases())
def test_environment_is_read_in_the_declared_order(monkeypatch, option, preferred, other):
    """Both variables set to different values: the module takes the preferred one."""
    monkeypatch.setenv(preferred, f"from-{preferred.lower()}")
    monkeypatch.setenv(other, f"from-{other.lower()}")
    args = {"function_name": "my-function", "payload": {}, **COMPANIONS.get(option, {})}
    _outcome, send = run_module(args)
    assert getattr(send.call_args.args[1], option) == f"from-{preferred.lower()}"


def test_a_log_type_that_is_no_choice_is_refused_by_ansible():
    outcome, send = run_module(dict(BASE, log_type="Verbose"))
    assert "log_type must be one of: None, Tail" in outcome["msg"]
    assert outcome["error"]["code"] == "ValidationError"
    send.assert_not_called()
