# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
"""Unit tests of the action plugin: the result is censored for callbacks, never altered."""

from __future__ import annotations

import os
import sys
from unittest import mock

import pytest
from ansible_collections.ephemeral.aws.plugins.action.lambda_invocation import (
    ActionModule,
    _with_outputs_decoded,
    is_this_python,
)
from ansible_collections.ephemeral.aws.plugins.module_utils.result_transport import OUTPUTS_KEY, encode
from ansible_collections.ephemeral.aws.plugins.modules import lambda_invocation as module
from ansible_collections.ephemeral.aws.tests.unit.utils import MARKER

MODULE_RESULT = {
    "changed": True,
    "result": f'{{"token": "{MARKER}"}}',
    "result_json": {"token": MARKER},
    "executed_version": "$LATEST",
    "function_error": None,
    "log_result": "U1RBUlQ=",
    "log_text": "START",
    "status_code": 200,
}


def make_action(async_val=0, check_mode=False, no_log=False, poll=15):
    task = mock.MagicMock()
    task.async_val = async_val
    task.poll = poll
    task.check_mode = check_mode
    task.no_log = no_log
    task.args = {"function_name": "f", "payload": {"k": MARKER}}
    task.action = "ephemeral.aws.lambda_invocation"
    connection = mock.MagicMock()
    action = ActionModule(
        task=task,
        connection=connection,
        play_context=mock.MagicMock(),
        loader=mock.MagicMock(),
        templar=mock.MagicMock(),
        shared_loader_obj=mock.MagicMock(),
    )
    return action, task


def test_result_is_marked_no_log_and_kept_whole():
    action, task = make_action()
    seen = {}

    def execute_module(**kwargs):
        seen["no_log_during_module"] = task.no_log
        seen.update(kwargs)
        return dict(MODULE_RESULT)

    with (
        mock.patch.object(action, "_execute_module", side_effect=execute_module),
        mock.patch.object(action, "_remove_tmp_path") as remove_tmp,
    ):
        result = action.run(task_vars={})
    assert result["_ansible_no_log"] is True
    for key, value in MODULE_RESULT.items():
        assert result[key] == value
    # The task is no_log before the module runs: the module then skips syslog invocation
    # logging, and older ansible-core releases censor through the task's fields.
    assert seen["no_log_during_module"] is True
    assert task.no_log is True
    assert seen["module_name"] == "ephemeral.aws.lambda_invocation"
    assert seen["module_args"] is task.args
    remove_tmp.assert_called_once()


def test_failed_result_is_marked_no_log_too():
    action, _task = make_action()
    failed = dict(MODULE_RESULT, failed=True, msg="Lambda function f (version $LATEST) failed")
    with (
        mock.patch.object(action, "_execute_module", return_value=failed),
        mock.patch.object(action, "_remove_tmp_path"),
    ):
        result = action.run(task_vars={})
    assert result["_ansible_no_log"] is True
    assert result["failed"] is True
    assert result["result"] == MODULE_RESULT["result"]


def test_check_mode_is_supported():
    action, _task = make_action(check_mode=True)
    with (
        mock.patch.object(action, "_execute_module", return_value=dict(MODULE_RESULT)) as execute,
        mock.patch.object(action, "_remove_tmp_path"),
    ):
        result = action.run(task_vars={})
    execute.assert_called_once()
    assert result["_ansible_no_log"] is True


@pytest.mark.parametrize("poll", [0, 2])
def test_async_is_refused_because_async_status_would_print_the_result(poll):
    action, task = make_action(async_val=30, poll=poll)
    with (
        mock.patch.object(action, "_execute_module") as execute,
        mock.patch.object(action, "_remove_tmp_path") as remove_tmp,
    ):
        result = action.run(task_vars={})
    message = result["msg"]
    assert result["failed"] is True and result["error"] == {"code": "ValidationError", "message": message}
    assert message.startswith("ephemeral.aws.lambda_invocation does not support async")
    assert f"async: 30, poll: {poll}" in message
    assert "was not invoked" in message and "async_status" in message
    execute.assert_not_called()
    remove_tmp.assert_not_called()  # refused before anything was created on the target
    # Nothing secret in this failure: it stays visible.
    assert task.no_log is False


def test_tmp_path_removed_when_the_module_raises():
    action, _task = make_action()
    with (
        mock.patch.object(action, "_execute_module", side_effect=RuntimeError("boom")),
        mock.patch.object(action, "_remove_tmp_path") as remove_tmp,
        pytest.raises(RuntimeError),
    ):
        action.run(task_vars={})
    remove_tmp.assert_called_once()


# Where the module's code runs: in this process only for the controller's own local Python.


def make_local_action(task_vars=None, args=None, environment=None, check_mode=False):
    action, task = make_action(check_mode=check_mode)
    task.args = dict(args or {"function_name": "f", "payload": {"k": MARKER}, "region": "us-east-1"})
    task.delegate_to = None
    task.environment = environment
    action._connection.transport = "local"
    action._connection.become = None
    action._play_context.become = False
    action._templar.template.side_effect = lambda value, **_kwargs: value
    return action, task


def runs_in_process(action, task_vars):
    return action._on_the_controller(task_vars) and action._in_process_allowed(task_vars)


def in_process_decision(action, task_vars):
    return runs_in_process(action, dict({"ansible_python_interpreter": sys.executable}, **task_vars))


def test_local_connection_with_the_controllers_python_runs_in_process():
    action, _task = make_local_action()
    assert in_process_decision(action, {}) is True
    assert runs_in_process(action, {}) is True  # unset interpreter: the controller's


@pytest.mark.parametrize("setting", [None, "auto", "auto_silent", "auto_legacy"])
@pytest.mark.parametrize("delegated", [False, True])
def test_the_module_forced_on_the_controller_runs_with_the_controllers_python(setting, delegated):
    # What the in-process path counts as the controller's Python is what the module runs with.
    action, task = make_local_action()
    host_vars = {"ephemeral_aws_in_process": False}
    if setting:
        host_vars["ansible_python_interpreter"] = setting
    task_vars = dict(host_vars)
    if delegated:
        task.delegate_to = "other"
        task_vars = {"ansible_delegated_vars": {"other": host_vars}}
    with (
        mock.patch.object(action, "_execute_module", return_value={"changed": True}) as execute,
        mock.patch.object(action, "_remove_tmp_path"),
    ):
        action.run(task_vars=task_vars)
    module_vars = execute.call_args.kwargs["task_vars"]
    if delegated:
        module_vars = module_vars["ansible_delegated_vars"]["other"]
    assert module_vars["ansible_python_interpreter"] == sys.executable
    assert host_vars.get("ansible_python_interpreter") == setting  # the caller's vars are unchanged


@pytest.mark.parametrize("change", ["ssh", "become", "other_python"])
def test_elsewhere_the_module_keeps_the_hosts_interpreter_setting(change):
    action, _task = make_local_action()
    task_vars = {"ephemeral_aws_in_process": False}
    if change == "ssh":
        action._connection.transport = "ssh"
    elif change == "become":
        action._play_context.become = True
    else:
        task_vars["ansible_python_interpreter"] = "/usr/bin/python3.9"
    with (
        mock.patch.object(action, "_execute_module", return_value={"changed": True}) as execute,
        mock.patch.object(action, "_remove_tmp_path"),
    ):
        action.run(task_vars=task_vars)
    assert execute.call_args.kwargs["task_vars"] == task_vars


@pytest.mark.parametrize(
    "change",
    [
        "ssh",
        "become",
        "other_python",
        "interpreter_with_arguments",
        "switch_off",
        "no_boto3",
    ],
)
def test_every_other_case_runs_the_module(change, tmp_path):
    action, _task = make_local_action()
    task_vars = {}
    if change == "ssh":
        action._connection.transport = "ssh"
    elif change == "become":
        action._play_context.become = True
    elif change == "other_python":
        task_vars["ansible_python_interpreter"] = "/usr/bin/python3.9"
    elif change == "interpreter_with_arguments":
        task_vars["ansible_python_interpreter"] = f"/usr/bin/env {sys.executable}"
    elif change == "switch_off":
        task_vars["ephemeral_aws_in_process"] = "false"
    with mock.patch("importlib.util.find_spec", return_value=None if change == "no_boto3" else object()):
        assert in_process_decision(action, task_vars) is False


def test_delegate_to_reads_the_delegated_hosts_interpreter():
    action, task = make_local_action()
    task.delegate_to = "other"
    delegated = {"other": {"ansible_python_interpreter": "/opt/elsewhere/bin/python"}}
    assert runs_in_process(action, {"ansible_delegated_vars": delegated}) is False
    delegated["other"]["ansible_python_interpreter"] = sys.executable
    assert runs_in_process(action, {"ansible_delegated_vars": delegated}) is True


def test_another_venv_of_the_same_base_python_is_another_python(tmp_path):
    # A venv's python links to its base interpreter: resolving links alone would confuse them.
    (tmp_path / "bin").mkdir()
    (tmp_path / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tmp_path / "bin" / "python").symlink_to(os.path.realpath(sys.executable))
    assert is_this_python(str(tmp_path / "bin" / "python")) is False
    assert is_this_python(sys.executable) is True
    assert is_this_python(None) is True
    assert is_this_python("auto_silent") is True


def run_in_process(action, task):
    with (
        mock.patch.object(action, "_on_the_controller", return_value=True),
        mock.patch.object(action, "_in_process_allowed", return_value=True),
    ):
        return action.run(task_vars={})


def test_in_process_validates_with_the_modules_spec_and_task_environment(monkeypatch):
    action, task = make_local_action(
        args={"name": "f", "payload": {"k": MARKER}, "aws_region": "eu-west-1", "read_timeout": "12"},
        environment=[{"AWS_SECRET_ACCESS_KEY": "from-task-env", "AWS_ACCESS_KEY_ID": "AKIDTASK"}],
        check_mode=True,
    )
    seen = {}

    def execute(params, check_mode):
        seen.update(
            params=dict(params), check_mode=check_mode, environ=os.environ.get("AWS_SECRET_ACCESS_KEY")
        )
        return dict(changed=True, result="testing the test", status_code=204)

    monkeypatch.setattr(module, "execute", execute)
    result = run_in_process(action, task)
    assert result == {
        "changed": True,
        "result": "testing the test",
        "status_code": 204,
        "_ansible_no_log": True,
    }
    params = seen["params"]
    assert params["function_name"] == "f" and params["region"] == "eu-west-1"  # aliases
    assert params["read_timeout"] == 12.0  # type coercion
    assert params["secret_key"] == "from-task-env" and params["access_key"] == "AKIDTASK"  # env fallback
    assert params["log_type"] == "None" and params["fail_on_function_error"] is True  # defaults
    assert seen["check_mode"] is True and seen["environ"] == "from-task-env"
    assert "AWS_SECRET_ACCESS_KEY" not in os.environ  # restored


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"payload": {}}, "missing required arguments: function_name"),
        (
            {"function_name": "f", "payload": {}, "nonsense": 1},
            "Unsupported parameters for (ephemeral.aws.lambda_invocation) module: nonsense.",
        ),
        ({"function_name": "f", "payload": {}, "read_timeout": "soon"}, "read_timeout"),
    ],
)
def test_in_process_argument_errors_fail_without_invoking(monkeypatch, args, message):
    action, task = make_local_action(args=args)
    monkeypatch.setattr(module, "execute", mock.Mock(side_effect=AssertionError("must not run")))
    result = run_in_process(action, task)
    assert result["failed"] is True and result["_ansible_no_log"] is True
    assert message in result["msg"]
    assert result["error"] == {"code": "ValidationError", "message": module.ARGUMENT_SPEC_HINT}
    assert result["boto3_version"] and result["botocore_version"]


def test_in_process_unexpected_error_names_only_its_kind(monkeypatch):
    action, task = make_local_action()
    monkeypatch.setattr(module, "execute", mock.Mock(side_effect=KeyError(MARKER)))
    result = run_in_process(action, task)
    assert result["failed"] is True
    assert "KeyError" in result["msg"] and MARKER not in result["msg"]
    assert result["error"]["code"] == "UnexpectedError" and MARKER not in str(result["error"])


def test_module_outputs_are_decoded_into_the_registered_result():
    action, _task = make_action()
    raw = {
        "result": '{"msg": "testing the test"}',
        "executed_version": "$LATEST",
        "function_error": None,
        "log_result": "dGVzdA==",
        "status_code": 200,
    }
    returned = {"changed": True, OUTPUTS_KEY: encode(raw, {"test"})}
    with (
        mock.patch.object(action, "_execute_module", return_value=returned),
        mock.patch.object(action, "_remove_tmp_path"),
    ):
        result = action.run(task_vars={})
    assert OUTPUTS_KEY not in result
    assert result["result_json"] == {"msg": "testing the test"} and result["log_text"] == "test"
    assert result["status_code"] == 200 and result["_ansible_no_log"] is True


def test_altered_outputs_fail_with_a_message_naming_no_value():
    returned = {"changed": True, OUTPUTS_KEY: encode({"result": MARKER}, set())[:-1] + "********"}
    result = _with_outputs_decoded(returned)
    assert result["failed"] is True and MARKER not in result["msg"]
    assert result["error"]["code"] == "ModuleFailure"


def test_a_module_failure_without_fields_gets_them():
    # For example "Module result deserialization failed" (the interpreter did not run the module).
    action, _task = make_action()
    with (
        mock.patch.object(action, "_execute_module", return_value={"failed": True, "msg": "MODULE FAILURE"}),
        mock.patch.object(action, "_remove_tmp_path"),
    ):
        result = action.run(task_vars={})
    assert result["error"]["code"] == "ModuleFailure" and result["msg"] == "MODULE FAILURE"
    # The module's boto3 is not known on the controller.
    assert result["boto3_version"] is None and result["botocore_version"] is None
    assert "response_metadata" not in result


def test_the_modules_own_failure_fields_are_kept():
    action, _task = make_action()
    fields = {"error": {"code": "ResourceNotFoundException", "message": "hint"}, "boto3_version": "1.0"}
    with (
        mock.patch.object(action, "_execute_module", return_value=dict(failed=True, msg="m", **fields)),
        mock.patch.object(action, "_remove_tmp_path"),
    ):
        result = action.run(task_vars={})
    assert result["error"] == fields["error"] and result["boto3_version"] == "1.0"


def test_client_cache_follows_the_task_environment(monkeypatch):
    # The core keys its clients by the environment they were built under (and a forked worker
    # starts with none of its parent's): each task environment gets its own client, the same
    # environment the same client, and the worker's environment is restored after each call.
    from ansible_collections.ephemeral.aws.plugins.action import lambda_invocation as plugin
    from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core import client

    client.clear_client_cache()
    monkeypatch.delenv("AWS_CONFIG_FILE", raising=False)
    wanted = client.ConnectionSettings(
        region="us-east-1", access_key="AKIDEXAMPLE", secret_key="x", endpoint_url="http://127.0.0.1:9"
    )
    seen = []
    clients = []
    for environment in (
        {},
        {},
        {"AWS_CONFIG_FILE": "/a"},
        {"AWS_CONFIG_FILE": "/a"},
        {"AWS_CONFIG_FILE": "/b"},
        {},
    ):
        with plugin._applied_environment(environment):
            seen.append(os.environ.get("AWS_CONFIG_FILE"))
            clients.append(client.get_client(wanted))
        assert "AWS_CONFIG_FILE" not in os.environ
    assert seen == [None, None, "/a", "/a", "/b", None]
    none, none_again, a, a_again, b, none_last = clients
    assert none is none_again is none_last and a is a_again
    assert len({id(none), id(a), id(b)}) == 3


@pytest.mark.parametrize("in_process", [True, False])
@pytest.mark.parametrize(
    ("args", "first", "second"),
    [
        (
            {"name": "echo", "function_arn": "arn:aws:lambda:us-east-1:1:function:count"},
            "name",
            "function_arn",
        ),
        ({"function_name": "echo", "name": "count"}, "function_name", "name"),
        ({"function_name": "echo", "function_arn": "count"}, "function_name", "function_arn"),
        ({"function_name": "echo", "region": "us-east-1", "aws_region": "eu-west-1"}, "region", "aws_region"),
    ],
)
def test_aliases_set_to_different_values_fail_before_anything_runs(
    monkeypatch, in_process, args, first, second
):
    args = dict({"payload": {"k": MARKER}}, **args)
    action, _task = make_local_action(args=args)
    monkeypatch.setattr(module, "execute", mock.Mock(side_effect=AssertionError("must not run")))
    task_vars = {"ansible_python_interpreter": sys.executable}
    if not in_process:
        task_vars["ephemeral_aws_in_process"] = False
    with mock.patch.object(action, "_execute_module", side_effect=AssertionError("must not run")):
        result = action.run(task_vars=task_vars)
    assert result["failed"] is True
    assert f"{first} and {second}" in result["msg"]
    assert "not invoked" in result["msg"]
    assert result["error"] == {"code": "ValidationError", "message": result["msg"]}
    for value in args.values():
        if isinstance(value, str):
            assert value not in result["msg"]
    assert MARKER not in result["msg"]


@pytest.mark.parametrize(
    ("args", "warnings"),
    [
        ({"function_name": "f"}, []),
        ({"function_name": "f", "name": "f"}, ["Both option function_name and its alias name are set."]),
        (
            {"name": "f", "function_arn": "f"},
            ["Both option function_name and its alias function_arn are set."],
        ),
        ({"region": "r", "aws_region": "r"}, ["Both option region and its alias aws_region are set."]),
    ],
)
def test_alias_warnings_are_ansibles_own(args, warnings):
    """The in-process path's warnings are those AnsibleModule gives on the module path (which
    words the validator's private ``_warnings`` as ALIAS_WARNING does; read here only, to pin
    that on each tested ansible-core; the playbook alias_conflict.yml shows both paths warn)."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
    from ansible_collections.ephemeral.aws.plugins.action.lambda_invocation import (
        ALIAS_WARNING,
        alias_warnings,
    )

    validation = ArgumentSpecValidator(module.argument_spec()).validate(dict({"payload": {}}, **args))
    assert [ALIAS_WARNING.format(**warning) for warning in validation._warnings] == warnings
    assert alias_warnings(args) == warnings


def test_the_same_value_under_two_aliases_is_not_a_conflict(monkeypatch):
    action, task = make_local_action(
        args={"function_name": "f", "name": "f", "payload": {}, "region": "us-east-1"}
    )
    execute = mock.Mock(return_value={"changed": True})
    monkeypatch.setattr(module, "execute", execute)
    result = run_in_process(action, task)
    assert not result.get("failed"), result
    execute.assert_called_once()


def test_the_task_environments_merge_as_for_a_module(monkeypatch):
    # ActionBase._compute_environment_string (ansible-core's own, private): a later environment
    # (the task's, after its block's and play's) wins, key by key.
    environments = [{"AWS_URL": "http://a.example", "AWS_X": "1"}, {"AWS_X": "2"}]
    action, task = make_local_action(environment=environments)
    seen = {}
    monkeypatch.setattr(
        module,
        "execute",
        lambda params, check_mode: seen.update(url=params["endpoint_url"], x=os.environ.get("AWS_X")) or {},
    )
    run_in_process(action, task)
    assert seen == {"url": "http://a.example", "x": "2"}
    assert "AWS_X" not in os.environ
