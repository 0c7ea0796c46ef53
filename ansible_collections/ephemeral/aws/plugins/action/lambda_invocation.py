# Copyright: Contributors to the ephemeral.aws collection
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0) or, at your option,
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
"""Action plugin for ephemeral.aws.lambda_invocation: runs the module with its result hidden.

Where it runs
-------------

When the task runs on the controller itself, the module's own code runs in this process
instead of as a module, with the module's argument spec; everywhere else the module runs on
the target as usual. "On the controller itself" means all of:

* the connection is ``local`` (``connection: local``, or ``delegate_to`` a host whose
  connection is local) and there is no ``become``;
* the Python that would run the module is this process's: ``ansible_python_interpreter``
  (of the delegated host, with ``delegate_to``) is unset / ``auto*``, or names this
  interpreter (the same virtual environment, or the same executable outside one);
* boto3 is importable here;
* the variable ``ephemeral_aws_in_process`` is not false (a switch to force the module).

When the first two hold and the module runs all the same (switched off, or no boto3 here), an
unset / ``auto*`` interpreter setting is replaced with this Python for the module, so that both
paths run the same Python (interpreter discovery could find another one, which may lack boto3
or, as a pyenv shim, refuse to run: "Module result deserialization failed").

In-process, everything else is as on the module path: the task's arguments (which already
hold ``module_defaults``) are validated against the module's argument spec with
ansible-core's ``ArgumentSpecValidator`` (types, aliases, environment fallbacks, choices),
with the same error messages; the task's ``environment:`` is applied; check mode sends a
DryRun; ``execute()`` of the module does the rest. The worker process that runs a task runs
nothing else meanwhile, and the items of a ``loop:`` run one after another in it, so the
core's process-wide client cache serves a whole loop with one client. The task's
``environment:`` is applied by setting ``os.environ`` in this worker for the validation and
the call (botocore reads variables such as ``AWS_CONFIG_FILE`` and ``HTTPS_PROXY`` then), and
restored afterwards. That environment is computed by ``ActionBase._compute_environment_string``,
the method ansible-core itself calls to build a module's environment (it has no public
equivalent; its behaviour is pinned by the unit tests and by the playbook
tests/ansible/playbooks/environment.yml on each tested ansible-core). Alias warnings are derived
from ``OPTIONS`` in AnsibleModule's words (``alias_warnings``), not read from the validator's
private ``_warnings``. The core keys its cached clients by the environment they were built
under, and a forked worker starts with none of its parent's, so a changed ``environment:``
gets a new client and no connection is shared with another process.

Hiding the result
-----------------

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
made for callbacks. The module hands the function's outputs over encoded so that the
module-side masking of ``no_log`` values cannot alter them (module_utils/result_transport.py);
they are decoded here.

``async`` is refused before anything runs, with ``poll: 0`` and with ``poll > 0``: the
``async_status`` module that polls an async job (run by ansible-core for ``poll > 0``, by a
later task for ``poll: 0``) returns the job's result as its own, which would print it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import sys

from ansible import constants as C
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash
from ansible_collections.ephemeral.aws.plugins.module_utils.common import (
    MODULE_FAILURE,
    OPTIONS,
    UNEXPECTED_ERROR,
    failure_fields,
    with_choices_cased,
)
from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core.errors import (
    ValidationError,
)
from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core.warm import warm
from ansible_collections.ephemeral.aws.plugins.module_utils.result_transport import OUTPUTS_KEY, decode

display = Display()

# Once per process, when this plugin is first imported: ansible-core's strategies import it in
# the controller's main process before they fork the worker that runs a task, so every worker
# inherits botocore imported and a Lambda client's data loaded (see the core's warm.py), and
# the module's code that the in-process path runs (the collection loader compiles it from
# source at each import). Without botocore it is one failed import lookup.
if warm():
    from ansible_collections.ephemeral.aws.plugins.modules import lambda_invocation as _module  # noqa: F401

MODULE = "ephemeral.aws.lambda_invocation"
ASYNC_REFUSED = (
    MODULE + " does not support async (the task has async: {async_val}, poll: {poll}); the function "
    "was not invoked. async_status would print the result that this module hides: run the task "
    "without async, and raise read_timeout for a long-running function."
)
# Set to false (as a host, group, play or task variable) to always run the module.
IN_PROCESS_VARIABLE = "ephemeral_aws_in_process"
IN_PROCESS_NOTE = MODULE + ": running in the controller's process (local connection, same Python)"
UNEXPECTED = (
    MODULE + " failed unexpectedly in the controller's process ({kind}); the function may have run. "
    "Set ephemeral_aws_in_process=false to run the module instead."
)
ALIAS_CONFLICT = (
    MODULE + ": options {first} and {second} are both set, with different values (they are "
    "aliases of one option); the function was not invoked. Set only one of them."
)
# AnsibleModule's words (ModuleArgumentSpecValidator) for one option set under two names.
ALIAS_WARNING = "Both option {option} and its alias {alias} are set."
UNDECODABLE = MODULE + ": the module's outputs could not be decoded ({reason})"
# error.message of a failure that is not the module's own (its code is MODULE_FAILURE).
MODULE_FAILURE_HINT = (
    "the module returned no result of this collection (see msg: it may not have run, or the "
    "interpreter failed); the function may have run"
)
UNEXPECTED_HINT = "an unexpected error in the controller's process; the function may have run"
# ansible-core settings under which running the module would write its arguments (payload,
# client context, credentials given as options) where the hiding does not reach; the task
# still runs in the controller's process, which neither applies to.
EXPOSING_SETTINGS = (
    ("DEFAULT_DEBUG", "ANSIBLE_DEBUG", "to the debug output"),
    ("DEFAULT_KEEP_REMOTE_FILES", "ANSIBLE_KEEP_REMOTE_FILES", "into the module file left on the target"),
)
EXPOSING_REFUSED = (
    MODULE + ": {setting} is on, which would write the module's arguments (payload, client context, "
    "credentials given as options) {where}; the function was not invoked. Turn {setting} off, or run "
    'the task on the controller in Ansible\'s process (see the collection README, "Where hiding stops").'
)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    # See ASYNC_REFUSED; ActionBase.run() would refuse too, with a less helpful message.
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        if self._task.async_val:
            # Before anything runs; nothing secret is in this result, so it is left visible.
            return _refused(ASYNC_REFUSED.format(async_val=self._task.async_val, poll=self._task.poll))
        conflict = alias_conflict(self._task.args)
        if conflict:
            # Before anything runs, like async; the message names options, no value, so it is
            # left visible.
            return _refused(conflict)
        task_vars = task_vars or {}
        exposing = [entry for entry in EXPOSING_SETTINGS if getattr(C, entry[0], False)]
        if exposing and not (self._on_the_controller(task_vars) and self._in_process_allowed(task_vars)):
            # Before anything runs; the message names a setting, no value, so it is left visible.
            setting, where = exposing[0][1:]
            return _refused(EXPOSING_REFUSED.format(setting=setting, where=where))
        # Before the argument spec's choices check, on both paths.
        self._task.args = with_choices_cased(self._task.args)
        self._task.no_log = True
        result = super().run(tmp, task_vars)
        del tmp  # tmp no longer has any effect
        on_controller = self._on_the_controller(task_vars)
        if on_controller and self._in_process_allowed(task_vars):
            display.vvv(IN_PROCESS_NOTE, host=self._play_context.remote_addr)
            result.update(self._run_in_process())
        else:
            # On the controller, the module runs with the Python that "on the controller" means
            # (an unset or auto interpreter is this one), as the in-process path would.
            module_vars = self._with_this_python(task_vars) if on_controller else task_vars
            try:
                result = merge_hash(
                    result,
                    self._execute_module(
                        module_name=MODULE, module_args=self._task.args, task_vars=module_vars
                    ),
                )
            finally:
                self._remove_tmp_path(self._connection._shell.tmpdir)
            result = _with_outputs_decoded(result)
            if result.get("failed") and "error" not in result:
                # Not the module's own failure: its boto3 and botocore are not known here.
                result.update(failure_fields(MODULE_FAILURE, MODULE_FAILURE_HINT, versions=(None, None)))
        result["_ansible_no_log"] = True
        return result

    # Deciding where the module's code runs.

    def _host_vars(self, task_vars):
        """The variables of the host the module runs for (the delegated host's, with delegate_to)."""
        if self._task.delegate_to:
            return (task_vars.get("ansible_delegated_vars") or {}).get(self._task.delegate_to) or {}
        return task_vars

    def _interpreter(self, task_vars):
        return self._templar.template(
            C.config.get_config_value("INTERPRETER_PYTHON", variables=self._host_vars(task_vars))
        )

    def _on_the_controller(self, task_vars):
        """A local connection without become, with this process's Python as the interpreter."""
        if getattr(self._connection, "transport", None) != "local":
            return False
        if self._play_context.become or getattr(self._connection, "become", None) is not None:
            return False
        return is_this_python(self._interpreter(task_vars))

    def _in_process_allowed(self, task_vars):
        """On the controller: not switched off, and boto3 importable here."""
        if not _as_bool(self._templar.template(self._host_vars(task_vars).get(IN_PROCESS_VARIABLE, True))):
            return False
        return (
            importlib.util.find_spec("boto3") is not None and importlib.util.find_spec("botocore") is not None
        )

    def _with_this_python(self, task_vars):
        """``task_vars`` with this process's Python as the module's interpreter where the setting
        is unset or ``auto*`` (which interpreter discovery would resolve to another Python)."""
        if not is_auto(self._interpreter(task_vars)):
            return task_vars
        module_vars = dict(task_vars)
        if self._task.delegate_to:
            delegated = dict(module_vars.get("ansible_delegated_vars") or {})
            delegated[self._task.delegate_to] = dict(
                delegated.get(self._task.delegate_to) or {}, ansible_python_interpreter=sys.executable
            )
            module_vars["ansible_delegated_vars"] = delegated
        else:
            module_vars["ansible_python_interpreter"] = sys.executable
        return module_vars

    # The in-process path.

    def _run_in_process(self):
        # Imported here: the module imports the core, and the core botocore only when it builds
        # a client; none of it is needed when the module runs on the target.
        from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
        from ansible.module_utils.errors import UnsupportedError
        from ansible_collections.ephemeral.aws.plugins.modules import lambda_invocation as module

        environment = {}
        self._compute_environment_string(environment)
        args = _as_the_module_receives(self._task.args)
        with _applied_environment(environment):
            validation = ArgumentSpecValidator(module.argument_spec()).validate(args)
            for warning in alias_warnings(args):
                display.warning(warning)
            if validation.errors.errors:
                msg = validation.errors.msg
                if isinstance(validation.errors[0], UnsupportedError):
                    msg = f"Unsupported parameters for ({MODULE}) module: {msg}"
                return dict(
                    failed=True,
                    changed=False,
                    msg=msg,
                    **failure_fields(ValidationError.code, module.ARGUMENT_SPEC_HINT),
                )
            try:
                outcome = module.execute(validation.validated_parameters, bool(self._task.check_mode))
            except Exception as exc:  # pylint: disable=broad-exception-caught
                # Only the kind: a third-party message could quote a payload or a credential.
                return dict(
                    failed=True,
                    changed=False,
                    msg=UNEXPECTED.format(kind=type(exc).__name__),
                    **failure_fields(UNEXPECTED_ERROR, UNEXPECTED_HINT),
                )
        if not outcome.pop("failed", False):
            return outcome
        return dict(outcome, failed=True)


def _refused(msg):
    """A failure before anything ran (a task keyword or options the module refuses)."""
    return dict(failed=True, changed=False, msg=msg, **failure_fields(ValidationError.code, msg))


def alias_conflict(args):
    """A message naming two names of one option that ``args`` set to different values, or None.

    Ansible only warns then and takes one of them; the names come from ``OPTIONS``. Neither
    value is in the message.
    """
    for option in OPTIONS:
        names = [name for name in (option.name, *option.aliases) if name in args]
        for index, first in enumerate(names):
            for second in names[index + 1 :]:
                if args[first] != args[second]:
                    return ALIAS_CONFLICT.format(first=first, second=second)
    return None


def alias_warnings(args):
    """The warnings AnsibleModule gives for one option set under several of its names (to one
    value: alias_conflict() refuses different values), in its words and order."""
    warnings = []
    for option in OPTIONS:
        present = option.name in args
        for alias in option.aliases:
            if alias in args:
                if present:
                    warnings.append(ALIAS_WARNING.format(option=option.name, alias=alias))
                present = True
    return warnings


def is_this_python(interpreter):
    """Whether ``interpreter`` (an interpreter setting) is this process's Python.

    Unset and ``auto*`` count as this Python. Two paths are the same Python when they are in
    the same virtual environment, or outside one resolve to the same executable (a virtual
    environment's ``python`` is a link to its base interpreter, so resolving links alone
    would confuse two environments made from one Python).
    """
    if is_auto(interpreter):
        return True
    return _environment_of(str(interpreter)) == _environment_of(sys.executable)


def is_auto(interpreter):
    """Whether an interpreter setting leaves the choice to Ansible (unset or ``auto*``)."""
    return not interpreter or str(interpreter).startswith("auto")


def _environment_of(path):
    path = os.path.abspath(os.path.expanduser(path))
    bin_dir = os.path.dirname(path)
    if os.path.isfile(os.path.join(bin_dir, os.pardir, "pyvenv.cfg")):
        return ("venv", os.path.realpath(os.path.dirname(bin_dir)))
    return ("python", os.path.realpath(path))


def _as_bool(value):
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "no", "off", "0", "n", "f", "")
    return bool(value)


def _as_the_module_receives(args):
    """The task's arguments as plain JSON data, serialized as for a module (vaulted values
    decrypted, tagged strings made plain)."""
    try:
        from ansible.module_utils.common.json import Direction, get_module_decoder, get_module_encoder
    except ImportError:  # ansible-core < 2.19
        from ansible.module_utils.common.json import AnsibleJSONEncoder

        return json.loads(json.dumps(args, cls=AnsibleJSONEncoder, vault_to_text=True))
    encoder = get_module_encoder("legacy", Direction.CONTROLLER_TO_MODULE)
    decoder = get_module_decoder("legacy", Direction.CONTROLLER_TO_MODULE)
    return json.loads(json.dumps(args, cls=encoder), cls=decoder)


@contextlib.contextmanager
def _applied_environment(environment):
    """Apply the task's ``environment:`` to os.environ in this worker, restoring it after.

    A worker process runs one task at a time, so no other code sees the change.
    """
    wanted = dict((str(key), str(value)) for key, value in environment.items())
    saved = dict((key, os.environ.get(key)) for key in wanted)
    os.environ.update(wanted)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _with_outputs_decoded(result):
    """The module's result with the function's outputs decoded back into their keys."""
    encoded = result.pop(OUTPUTS_KEY, None)
    if encoded is None:
        return result
    from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core.invoke import (
        InvocationResult,
    )

    try:
        outputs = InvocationResult(**decode(encoded)).as_dict(derived=True)
    except (ValueError, TypeError) as exc:
        return dict(
            result,
            failed=True,
            msg=UNDECODABLE.format(reason=type(exc).__name__),
            **failure_fields(MODULE_FAILURE, MODULE_FAILURE_HINT, versions=(None, None)),
        )
    result.update(outputs)
    return result
