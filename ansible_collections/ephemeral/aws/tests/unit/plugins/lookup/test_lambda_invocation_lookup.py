# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
"""Unit tests of the lookup plugin: options, result formats and secret-free errors."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from ansible.errors import AnsibleLookupError
from ansible.plugins.loader import lookup_loader
from ansible_collections.ephemeral.aws.plugins.lookup import lambda_invocation as lookup_module
from ansible_collections.ephemeral.aws.tests.unit.utils import COMPANIONS, MARKER, core, env_order_cases


@pytest.fixture
def lookup():
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar

    loader = DataLoader()
    plugin = lookup_loader.get(
        "ephemeral.aws.lambda_invocation", loader=loader, templar=Templar(loader=loader)
    )
    assert plugin is not None
    return plugin


def result(body, function_error=None):
    return core.InvocationResult(
        result=body, executed_version="7", function_error=function_error, log_result=None, status_code=200
    )


def run(lookup, terms, variables=None, outcome=None, **kwargs):
    invoke = (
        mock.Mock(side_effect=outcome)
        if isinstance(outcome, (Exception, list))
        else mock.Mock(return_value=outcome if outcome is not None else result(json.dumps({"token": MARKER})))
    )
    with mock.patch.object(lookup_module, "invoke", invoke):
        values = lookup.run(terms, variables=variables or {}, **kwargs)
    return values, invoke


def test_text_by_default(lookup):
    values, invoke = run(lookup, ["my-function"], payload={"k": 1}, region="us-east-1")
    assert values == [json.dumps({"token": MARKER})]
    args, kwargs = invoke.call_args
    assert args == ("my-function",)
    assert kwargs["payload"] == {"k": 1}
    assert kwargs["fail_on_function_error"] is True
    assert kwargs["connection"].region == "us-east-1"


def test_json_and_full_formats(lookup):
    values, _dummy = run(lookup, ["f"], payload={}, result_format="json")
    assert values == [{"token": MARKER}]
    values, _dummy = run(lookup, ["f"], payload={}, result_format="full")
    assert values[0]["result_json"] == {"token": MARKER}
    assert values[0]["executed_version"] == "7"
    assert set(values[0]) == {
        "result",
        "result_json",
        "executed_version",
        "function_error",
        "log_result",
        "log_text",
        "status_code",
    }


def test_json_format_on_a_non_json_result_fails_without_quoting_it(lookup):
    with pytest.raises(AnsibleLookupError) as info:
        run(lookup, ["f"], payload={}, result_format="json", outcome=result("plain " + MARKER))
    assert MARKER not in str(info.value)
    assert "not JSON" in str(info.value)


def test_one_result_per_term(lookup):
    values, invoke = run(lookup, ["a", "b:prod"], payload={}, outcome=[result('"one"'), result('"two"')])
    assert values == ['"one"', '"two"']
    assert [c.args[0] for c in invoke.call_args_list] == ["a", "b:prod"]


def test_invocation_options_reach_the_core(lookup):
    _values, invoke = run(
        lookup,
        ["f"],
        payload='{"a": 1}',
        qualifier="3",
        client_context={"c": 1},
        log_type="Tail",
        tenant_id="customer-42",
        fail_on_function_error=False,
    )
    kwargs = invoke.call_args.kwargs
    assert kwargs["payload"] == '{"a": 1}'
    assert kwargs["qualifier"] == "3"
    assert kwargs["client_context"] == {"c": 1}
    assert kwargs["log_type"] == "Tail"
    assert kwargs["tenant_id"] == "customer-42"
    assert kwargs["fail_on_function_error"] is False


def test_tenant_id_defaults_to_unset(lookup):
    _values, invoke = run(lookup, ["f"], payload={})
    assert invoke.call_args.kwargs["tenant_id"] is None


def test_role_options_reach_the_core(lookup):
    _values, invoke = run(
        lookup,
        ["f"],
        payload={},
        role_arn="arn:aws:iam::210987654321:role/invoker",
        role_session_name="ansible-lookup",
        external_id="ext-" + MARKER,
        role_duration="1800",
    )
    connection = invoke.call_args.kwargs["connection"]
    assert connection.role_arn == "arn:aws:iam::210987654321:role/invoker"
    assert connection.role_session_name == "ansible-lookup"
    assert connection.external_id == "ext-" + MARKER
    assert connection.role_duration == 1800  # converted by Ansible (type int)


def test_role_validation_and_sts_errors_are_secret_free(lookup):
    with pytest.raises(AnsibleLookupError, match="external_id: needs role_arn") as info:
        lookup.run(["f"], variables={}, payload={}, external_id="ext-" + MARKER)
    assert MARKER not in str(info.value)
    with pytest.raises(AnsibleLookupError, match="role_duration: must be a whole number of seconds"):
        lookup.run(
            ["f"], variables={}, payload={}, role_arn="arn:aws:iam::210987654321:role/r", role_duration=60
        )
    error = core.AwsError(
        "AccessDenied", 403, "sts-1", "check the trust policy", operation="AssumeRole", service="STS"
    )
    with pytest.raises(AnsibleLookupError) as info:
        run(
            lookup,
            ["f"],
            payload={},
            role_arn="arn:aws:iam::210987654321:role/invoker",
            external_id="ext-" + MARKER,
            outcome=error,
        )
    assert str(info.value) == (
        "error code AccessDenied: STS AssumeRole failed with AccessDenied (HTTP 403, request id sts-1): "
        "check the trust policy"
    )
    assert info.value.error == {"code": "AccessDenied", "message": "check the trust policy"}
    assert info.value.response_metadata == {"http_status_code": 403, "request_id": "sts-1"}


def test_function_error_fails_with_the_safe_message(lookup):
    failed = result(json.dumps({"errorType": "KeyError", "errorMessage": MARKER}), "Unhandled")
    error = core.FunctionError("f", "7", "Unhandled", "KeyError", failed)
    with pytest.raises(AnsibleLookupError) as info:
        run(lookup, ["f"], payload={}, outcome=error)
    assert MARKER not in str(info.value)
    assert str(info.value) == (
        "error code FunctionError: "
        "Lambda function f (version 7) failed: function error Unhandled, error type KeyError. "
        "A failed lookup returns no result; set fail_on_function_error=false to receive the "
        "function's error document as the result"
    )
    # It does not point at a result that a failed lookup does not return.
    assert "secret result" not in str(info.value)
    assert info.value.__cause__ is None


def test_validation_errors_from_the_real_core(lookup):
    with pytest.raises(AnsibleLookupError, match="payload: must be valid JSON text") as info:
        lookup.run(["f"], variables={}, payload='{"k": "' + MARKER, region="us-east-1")
    assert MARKER not in str(info.value)
    with pytest.raises(AnsibleLookupError, match="profile: cannot be combined"):
        lookup.run(["f"], variables={}, payload={}, profile="p", access_key="AKIDEXAMPLE", secret_key="x1")
    expected = r"^error code ValidationError: function_name: must be"
    with pytest.raises(AnsibleLookupError, match=expected) as info:
        lookup.run(["not a name"], variables={}, payload={})
    assert info.value.error["code"] == "ValidationError" and info.value.response_metadata is None
    assert info.value.boto3_version and info.value.botocore_version


def test_missing_boto3(lookup):
    with pytest.raises(AnsibleLookupError, match=r"Failed to import the required Python library \(boto3\)"):
        run(lookup, ["f"], payload={}, outcome=core.MissingDependencyError("boto3 is required"))


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (core.AwsError("ResourceNotFoundException", 404, "req-1", "not found"), "ResourceNotFoundException"),
        (core.InvocationTimeoutError("no response"), "InvocationTimeout"),
        (core.EndpointUnreachableError("could not connect"), "EndpointUnreachable"),
    ],
)
def test_failures_name_their_code_and_carry_the_fields(lookup, error, code):
    with pytest.raises(AnsibleLookupError) as info:
        run(lookup, ["f"], payload={}, outcome=error)
    assert str(info.value) == f"error code {code}: {error}"
    assert info.value.error == {"code": code, "message": error.hint}
    metadata = {"http_status_code": 404, "request_id": "req-1"} if error.http_status else None
    assert info.value.response_metadata == metadata


def test_json_format_failure_has_its_own_code(lookup):
    with pytest.raises(AnsibleLookupError, match=r"^error code ResultNotJson: the result of f is not JSON"):
        run(lookup, ["f"], payload={}, result_format="json", outcome=result("not json"))


def test_env_and_vars(lookup, monkeypatch):
    monkeypatch.setenv("AWS_REGION", "eu-north-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENVEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secretEnvEXAMPLE")
    _dummy, invoke = run(lookup, ["f"], payload={})
    connection = invoke.call_args.kwargs["connection"]
    assert connection.region == "eu-north-1"
    assert connection.access_key == "AKIDENVEXAMPLE"
    # Ansible variables win over the environment; direct options win over both.
    _dummy, invoke = run(
        lookup,
        ["f"],
        variables={"aws_region": "sa-east-1", "aws_endpoint_url": "http://127.0.0.1:1"},
        payload={},
    )
    connection = invoke.call_args.kwargs["connection"]
    assert connection.region == "sa-east-1"
    assert connection.endpoint_url == "http://127.0.0.1:1"
    _dummy, invoke = run(
        lookup,
        ["f"],
        variables={"aws_region": "sa-east-1"},
        payload={},
        aws_region="us-west-2",
        validate_certs=False,
        read_timeout=5,
    )
    connection = invoke.call_args.kwargs["connection"]
    assert connection.region == "us-west-2"
    assert connection.verify is False
    assert connection.read_timeout == 5


def test_through_the_core_with_a_stubbed_client(lookup):
    """No mock of the core: a botocore Stubber answers the Invoke call."""
    import io

    from botocore.response import StreamingBody
    from botocore.stub import Stubber

    settings = dict(region="us-east-1", access_key="AKIDEXAMPLE", secret_key="stubSecretEXAMPLE")
    client = core.get_client(core.ConnectionSettings(**settings))
    body = json.dumps({"token": MARKER}).encode()
    with Stubber(client) as stubber:
        stubber.add_response(
            "invoke",
            {
                "StatusCode": 200,
                "ExecutedVersion": "$LATEST",
                "Payload": StreamingBody(io.BytesIO(body), len(body)),
            },
            {"FunctionName": "f", "Payload": b'{"k":"v"}', "InvocationType": "RequestResponse"},
        )
        values = lookup.run(["f"], variables={}, payload={"k": "v"}, result_format="json", **settings)
    assert values == [{"token": MARKER}]
    core.clear_client_cache()


def test_option_variables_match_the_documentation():
    import yaml
    from ansible_collections.ephemeral.aws.plugins.doc_fragments.aws import ModuleDocFragment

    fragment = yaml.safe_load(ModuleDocFragment.PLUGINS)
    documented = {var["name"] for option in fragment["options"].values() for var in option.get("vars", [])}
    assert documented == set(lookup_module.PLUGIN_VARIABLES)


def test_variables_are_templated(lookup):
    templar = mock.Mock()
    templar.template.side_effect = lambda value: value.replace("{{ url }}", "http://127.0.0.1:2")
    lookup._templar = templar
    _values, invoke = run(
        lookup, ["f"], variables={"aws_endpoint_url": "{{ url }}", "other": "{{ x }}"}, payload={}
    )
    assert invoke.call_args.kwargs["connection"].endpoint_url == "http://127.0.0.1:2"
    templar.template.assert_called_once_with("{{ url }}")


@pytest.mark.parametrize(("option", "preferred", "other"), env_order_cases())
def test_environment_is_read_in_the_declared_order(lookup, monkeypatch, option, preferred, other):
    """Both variables set to different values: the lookup takes the preferred one, as the module
    does (Ansible's configuration takes the last env entry of the documentation)."""
    monkeypatch.setenv(preferred, f"from-{preferred.lower()}")
    monkeypatch.setenv(other, f"from-{other.lower()}")
    _values, invoke = run(lookup, ["f"], payload={}, **COMPANIONS.get(option, {}))
    assert getattr(invoke.call_args.kwargs["connection"], option) == f"from-{preferred.lower()}"
