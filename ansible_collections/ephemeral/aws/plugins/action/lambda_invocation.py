# Copyright: Contributors to the ephemeral.aws collection
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0) or, at your option,
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
"""Action plugin for ephemeral.aws.lambda_invocation: runs the module with its result hidden.

Two mechanisms, because ansible-core releases differ in which one reaches the callbacks:

* ``self._task.no_log = True`` before the module runs. The module then gets
  ``_ansible_no_log`` and neither logs its options to the target's syslog/journal nor puts
  them in the result's ``invocation``; and on ansible-core before 2.19 the worker sends the
  task's fields (no_log included) back to the controller, which censors the result for every
  callback (ansible-core 2.17.0 to 2.17.5 rely on this: they overwrite the result's own
  ``_ansible_no_log`` with the value the task had before the action ran).
* ``_ansible_no_log: True`` in the result this plugin returns, honoured for action results by
  ansible-core >= 2.16.13 / 2.17.6 and by the 2.19+ result model.

``register`` receives the uncensored result either way: censoring happens only on the copy
made for callbacks.

``async`` is refused before anything runs, with ``poll: 0`` and with ``poll > 0``: the
``async_status`` module that polls an async job (run by ansible-core for ``poll > 0``, by a
later task for ``poll: 0``) returns the job's result as its own, which would print it.
"""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

MODULE = "ephemeral.aws.lambda_invocation"
ASYNC_REFUSED = (
    MODULE + " does not support async (the task has async: {async_val}, poll: {poll}); the function "
    "was not invoked. async_status would print the result that this module hides: run the task "
    "without async, and raise read_timeout for a long-running function."
)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    # See ASYNC_REFUSED; ActionBase.run() would refuse too, with a less helpful message.
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        if self._task.async_val:
            # Before anything runs; nothing secret is in this result, so it is left visible.
            raise AnsibleActionFail(
                ASYNC_REFUSED.format(async_val=self._task.async_val, poll=self._task.poll)
            )
        self._task.no_log = True
        result = super().run(tmp, task_vars)
        del tmp  # tmp no longer has any effect
        try:
            result = merge_hash(
                result,
                self._execute_module(module_name=MODULE, module_args=self._task.args, task_vars=task_vars),
            )
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        result["_ansible_no_log"] = True
        return result
