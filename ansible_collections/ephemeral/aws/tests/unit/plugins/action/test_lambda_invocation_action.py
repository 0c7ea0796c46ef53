# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
"""Unit tests of the action plugin: the result is censored for callbacks, never altered."""

from __future__ import annotations

from unittest import mock

import pytest
from ansible.errors import AnsibleActionFail
from ansible_collections.ephemeral.aws.plugins.action.lambda_invocation import ActionModule
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
        pytest.raises(AnsibleActionFail) as info,
    ):
        action.run(task_vars={})
    message = str(info.value)
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
