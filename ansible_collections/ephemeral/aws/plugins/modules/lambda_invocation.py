#!/usr/bin/python
# Copyright: Contributors to the ephemeral.aws collection
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0) or, at your option,
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: lambda_invocation
short_description: Invoke an AWS Lambda function synchronously and keep its result out of the output
version_added: 0.1.0
description:
  - Invokes an AWS Lambda function once with InvocationType=RequestResponse and returns what it
    returned, as the Terraform C(aws_lambda_invocation) resource does.
  - B(The task result is hidden.) The action plugin of the same name marks the whole result
    C(no_log) for every callback at every verbosity, and for C(ANSIBLE_LOG_PATH), and keeps
    the options out of the target's syslog; O(ignore:register) still receives every value,
    so a later task can use it. To show a value, use it deliberately in a later task.
  - On ansible-core 2.19 and later a failed task's C(msg) is shown even when the result is
    hidden; the messages of this module never contain the payload, the client context, the
    result or the logs (a function error names the function, the executed version and the error
    type only).
  - Inputs are validated before any request is sent (function name forms, qualifier, payload
    size of 6,291,456 bytes, client context of at most 3,583 base64 characters, log type).
  - The request is never sent twice after it may have reached the function (read timeout,
    connection dropped, 5xx). It is retried with jittered backoff only when Lambda answered
    that it did not run the function (throttling, function not ready), or, with an
    O(idempotency_key) the function deduplicates on, after a read timeout, a dropped
    connection or a response cut off.
  - Lambda delivers at least once; a function invoked by this module should be idempotent.
  - B(async is not supported.) A task with C(async) (with any C(poll) value) fails before the
    function is invoked, with a message saying so, because C(async_status) (which C(poll)
    runs, and which a later task would run for C(poll=0)) would print the result.
    For a long-running function, run the task without C(async) and raise O(read_timeout).
author:
  - Ephemeral Lambda Invocation maintainers (@ephemeral-aws)
options:
  function_name:
    description:
      - The function to invoke, as a name (V(my-function)), a name with a qualifier
        (V(my-function:prod)), a partial ARN (V(123456789012:function:my-function)) or a full
        ARN in any partition (V(arn:aws:lambda:eu-west-1:123456789012:function:my-function[:qualifier])).
      - The aliases O(name) and O(function_arn) are for users of C(amazon.aws.lambda_execute).
    type: str
    required: true
    aliases: [name, function_arn]
  payload:
    description:
      - The event passed to the function, as a YAML/JSON structure (serialized once as compact
        JSON) or a JSON text (sent unchanged; it must parse).
      - Use V({}) for an empty event.
      - At most 6,291,456 bytes as sent.
    type: raw
    required: true
  client_context:
    description:
      - Data passed to the function as C(context.client_context), as a base64 string of at most
        3,583 characters or a mapping that is serialized as compact JSON and base64-encoded
        for you.
    type: raw
  log_type:
    description:
      - V(Tail) to return the last 4 KB of the execution log in RV(log_result) (base64) and
        RV(log_text) (decoded); V(None) for no log. Other casings of these two words are accepted.
    type: str
    choices: ['None', 'Tail']
    default: 'None'
  qualifier:
    description:
      - The version or alias to invoke (V($LATEST), a version number or an alias).
      - May also be given in O(function_name); giving a different one in both is an error.
    type: str
    aliases: [version_qualifier]
  tenant_id:
    description:
      - The tenant to invoke the function for, for a function with tenant isolation
        (Lambda's C(TenantId), sent as the C(X-Amz-Tenant-Id) header). The function sees it as
        C(context.tenant_id).
      - 1 to 256 characters; letters, digits, spaces and the characters V(._:/=+-@) are allowed.
      - Sent only when given; an empty string counts as not given.
    type: str
    version_added: 0.2.0
  idempotency_key:
    description:
      - A key the function deduplicates on (for example with the idempotency utility of
        Powertools for AWS Lambda). It is added to the O(payload), which must then be a
        mapping (a JSON object), at its top-level field O(idempotency_key_field).
      - With a key, and only with one, a request that may have reached the function (read
        timeout, connection dropped, response cut off) is sent again with the same key, and
        the function error C(IdempotencyAlreadyInProgressError) (an earlier run with the key has
        not finished) is waited for and asked again, with the same backoff and attempt limit as
        throttling. A function that deduplicates runs its body once and answers the repeats
        with the first run's result, so a playbook that lost its connection can simply be run
        again with the same key.
      - 1 to 256 printable characters. Not secret (not C(no_log)), but never part of an error
        message; the messages name O(idempotency_key_field) instead.
      - Without a key nothing that may have run is ever sent again.
    type: str
    version_added: 0.2.0
  idempotency_key_field:
    description:
      - The top-level field of the O(payload) that carries O(idempotency_key); the payload must
        not have it already. For Powertools, C(IdempotencyConfig(event_key_jmespath=...)) names
        the same field.
      - 1 to 128 letters, digits and underscores, not starting with a digit.
    type: str
    default: idempotency_key
    version_added: 0.2.0
  fail_on_function_error:
    description:
      - When V(true), the task fails when the function fails (the response has a function error).
        The failure message names the function, the executed version and the error type only;
        the other return values are still returned.
      - When V(false), the task succeeds and RV(function_error) tells what happened.
    type: bool
    default: true
extends_documentation_fragment:
  - ephemeral.aws.aws
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
    details:
      - The action plugin hides the result and runs this module on the target.
      - When the task runs on the controller (a C(local) connection without C(become), the
        controller's own Python as the interpreter, boto3 importable), the action plugin runs
        the module's code in Ansible's process instead, with the same validation, messages and
        task environment; a loop then reuses one AWS client for all its items. Set the
        variable C(ephemeral_aws_in_process=false) to always run the module.
      - On a C(local) connection without C(become), an unset or C(auto) interpreter means the
        controller's Python on both paths; the module then runs with it too, not with the one
        interpreter discovery would find.
  async:
    support: none
    details:
      - Refused before the function is invoked, with C(poll=0) and with C(poll>0), because the
        C(async_status) module, which polls an async job, would print the result.
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details:
      - Sends an InvocationType=DryRun request, which proves that the function exists and that
        the caller may invoke it, without running it. Reports RV(ignore:changed=true) and
        RV(status_code=204) with an empty RV(result).
  diff_mode:
    support: none
  platform:
    platforms: all
notes:
  - Hiding stops where ansible-core or another task writes the value (an expression on it that
    fails, cacheable facts, C(--diff), tasks without C(no_log)); under C(ANSIBLE_DEBUG) or
    C(ANSIBLE_KEEP_REMOTE_FILES) the module refuses to run as a module. See the collection
    README, section "Where hiding stops".
  - RV(ignore:changed) is V(true) whenever the function ran (also when it failed), and in check mode.
  - The task's arguments (payload, client context) are not part of the hidden result; they are
    kept out of the result, the target's syslog and the loop labels, but Ansible prints them in
    the task banner when C(display_args_to_stdout) is enabled (it is off by default).
  - The values of O(secret_key), O(session_token) and O(external_id) are C(no_log). Unlike other
    modules' results, the function's outputs in the registered result are not masked where
    they happen to contain such a value (for example C(test)); they are exactly what the
    function returned. Everything else in the result is masked as usual.
  - With O(role_arn), the temporary credentials of the assumed role exist only in the memory of
    the process that invokes (the module's, or Ansible's worker on the controller); they are not
    part of the result or of any message.
  - Options are named as in the Terraform C(aws_lambda_invocation) resource; the AWS connection
    options are named as in C(amazon.aws), but this collection does not depend on it.
  - C(module_defaults) reach this module under C(group/ephemeral.aws.aws) (or the module's own
    name). C(group/aws) and C(group/amazon.aws.aws) do not apply to it, as they are C(amazon.aws)'s
    groups, and a collection cannot add its modules to another collection's group. Defaults set
    only there (an endpoint, a region, credentials) silently do not reach this module.
seealso:
  - plugin: ephemeral.aws.lambda_invocation
    plugin_type: lookup
    description: Invoke on the controller, every time the expression is templated.
  - module: amazon.aws.lambda_execute
    description: >-
      Invoke without waiting for the function (its O(amazon.aws.lambda_execute#module:wait=false),
      InvocationType=Event), which this module does not do; its result is not hidden.
  - name: Lambda Invoke API reference
    description: What Lambda checks and returns.
    link: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
"""

EXAMPLES = r"""
- name: Invoke a function; the task output is hidden
  ephemeral.aws.lambda_invocation:
    function_name: my-function
    payload:
      action: issue-token
    region: eu-west-1
  register: invocation

- name: Use the result without printing it
  ansible.builtin.copy:
    content: "{{ invocation.result_json.token }}"
    dest: /etc/my-app/token
    mode: "0600"
  no_log: true

- name: Invoke an alias by ARN, with the execution log, tolerating a function error
  ephemeral.aws.lambda_invocation:
    function_arn: arn:aws:lambda:eu-west-1:123456789012:function:my-function:prod
    payload: '{"dry": false}'
    client_context:
      custom:
        caller: ansible
    log_type: Tail
    fail_on_function_error: false
  register: invocation

- name: Fail with a message of your own
  ansible.builtin.fail:
    msg: "my-function failed with {{ invocation.function_error }}"
  when: invocation.function_error is not none

- name: Invoke for one tenant of a function with tenant isolation
  ephemeral.aws.lambda_invocation:
    function_name: my-function
    tenant_id: customer-42
    payload: {}
  register: invocation

- name: Invoke in another account, with a role assumed for this call only
  ephemeral.aws.lambda_invocation:
    function_name: my-function
    payload: {}
    role_arn: arn:aws:iam::210987654321:role/lambda-invoker
    role_session_name: ansible-deploy
    external_id: "{{ invoker_external_id }}"
    role_duration: 900
  register: invocation

- name: Safe to run again after a lost connection (the function deduplicates on the key)
  ephemeral.aws.lambda_invocation:
    function_name: create-order
    payload:
      customer: "42"
    # The same key on every run of this playbook for this order: a run that lost its
    # connection, or that is started again, gets the first run's result.
    idempotency_key: "order-42-{{ release_id }}"
  register: order

- name: In check mode, only prove that the function exists and may be invoked
  ephemeral.aws.lambda_invocation:
    name: my-function
    version_qualifier: "3"
    payload: {}
  check_mode: true
"""

RETURN = r"""
result:
  description:
    - The response payload as text, exactly as the function returned it (for a function error,
      the JSON document with C(errorMessage), C(errorType) and C(stackTrace)).
    - Empty in check mode.
  returned: when the request reached the function
  type: str
  sample: '{"statusCode": 200, "token": "..."}'
result_json:
  description:
    - RV(result) parsed as JSON, or V(null) when it is not JSON (which is not an error).
  returned: when the request reached the function
  type: raw
  sample: {"statusCode": 200, "token": "..."}
executed_version:
  description: The version of the function that ran (V($LATEST) or a version number).
  returned: when the request reached the function
  type: str
  sample: "$LATEST"
function_error:
  description:
    - V(Unhandled) (historically also V(Handled)) when the function failed, V(null) otherwise.
  returned: when the request reached the function
  type: str
  sample: Unhandled
log_result:
  description:
    - The last 4 KB of the execution log, base64-encoded as AWS returns it.
    - V(null) unless O(log_type=Tail).
  returned: when the request reached the function
  type: str
  sample: U1RBUlQgUmVxdWVzdElkOi...
log_text:
  description:
    - RV(log_result) decoded as UTF-8 text. V(null) unless O(log_type=Tail).
  returned: when the request reached the function
  type: str
  sample: "START RequestId: ... END RequestId: ..."
status_code:
  description: The HTTP status code of the Invoke response (200; 204 in check mode).
  returned: when the request reached the function
  type: int
  sample: 200
error:
  description:
    - Why the task failed, in the shape of C(amazon.aws) modules' failures, so that
      C(failed_when) and C(until) can test RV(error.code) on both paths of the action plugin.
  returned: when the task failed
  type: dict
  version_added: 0.2.0
  contains:
    code:
      description:
        - Where AWS answered, AWS's error code (for example V(ResourceNotFoundException),
          V(AccessDeniedException), or V(TooManyRequestsException) when the retries ran out;
          V(UnknownError) when the answer had none). V(FunctionError) when the function ran and
          failed with O(fail_on_function_error=true).
        - Where AWS did not answer, one of this collection's own codes.
          V(ValidationError) (an option broke a rule, or the task's options or keywords are
          refused; nothing was sent),
          V(BotocoreTooOld) (the installed botocore lacks a parameter the request uses),
          V(MissingDependency) (boto3 or botocore is not installed),
          V(CredentialsError) (no usable credentials, or an unknown profile),
          V(AccountNotAllowed) (refused by the account rules before sending),
          V(EndpointUnreachable) (the request was not delivered),
          V(InvocationTimeout) (no answer within O(read_timeout); the function may still be running),
          V(ConnectionLost) (the connection broke after the request was sent; the function may have run),
          V(InvocationUncertain) (another failure after the request may have reached the function),
          V(IdempotencyInProgress) (with O(idempotency_key), an earlier attempt with the key was
          still running at the last attempt),
          V(SdkError) (botocore failed in another way),
          V(InvocationFailed) (any other failure of the invocation),
          V(UnexpectedError) (an unexpected exception in the controller's process; the function may have run),
          V(ModuleFailure) (the module returned no result of this collection, for example when the
          interpreter failed; see C(msg)).
      type: str
      sample: ResourceNotFoundException
    message:
      description:
        - This collection's own explanation. It never quotes AWS's error message, which can echo
          parts of the request.
      type: str
      sample: >-
        function my-function with qualifier $LATEST was not found; the function or qualifier
        does not exist in this region and account; check function_name, qualifier and region
response_metadata:
  description:
    - The HTTP status and request id of AWS's answer, as in C(amazon.aws) modules' failures.
  returned: when the task failed and AWS answered (an AWS error, or a function error)
  type: dict
  version_added: 0.2.0
  contains:
    http_status_code:
      description: The HTTP status of the answer.
      type: int
      sample: 404
    request_id:
      description: The request id to quote to AWS support (V(null) when the answer had none).
      type: str
      sample: 5ec0a3e6-0c9a-4a4f-9d8e-1c0f1c3b2a10
boto3_version:
  description:
    - The boto3 version of the Python that ran the module (V(null) when not installed, and with
      RV(error.code=ModuleFailure)).
  returned: when the task failed
  type: str
  sample: 1.42.0
  version_added: 0.2.0
botocore_version:
  description:
    - The botocore version of the Python that ran the module (V(null) when not installed, and
      with RV(error.code=ModuleFailure)).
  returned: when the task failed
  type: str
  sample: 1.42.0
  version_added: 0.2.0
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.ephemeral.aws.plugins.module_utils.common import (
    argument_spec,
    connection_settings,
    error_fields,
    failure_fields,
    invocation_arguments,
)
from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core.errors import (
    FunctionError,
    LambdaInvocationError,
    MissingDependencyError,
    ValidationError,
)
from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core.invoke import send
from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core.validation import (
    build_request,
)
from ansible_collections.ephemeral.aws.plugins.module_utils.result_transport import OUTPUTS_KEY, encode

# botocore is imported by the core when it creates the client, not here: it is the largest
# part of the module's start-up, and nothing needs it before the inputs are validated. The
# core builds the client from botocore alone; boto3 (which brings botocore) stays the
# documented requirement. The core's MissingDependencyError (an ImportError) becomes
# missing_required_lib("boto3").


MISSING_BOTO3 = "boto3 and botocore must be installed for the Python that runs the module"
ARGUMENT_SPEC_HINT = "the task's options do not match the module's options (see msg); nothing was sent"

# The core's raw outputs (InvocationResult.as_dict()); the action plugin derives the others.
OUTPUT_KEYS = ("result", "executed_version", "function_error", "log_result", "status_code")


def execute(params, check_mode, derived=True):
    """Invoke as the options say; return the module result (with ``failed`` when it failed).

    Every failure message comes from the core and holds no payload, result or credential.
    The action plugin calls this too, in its own process, when the task runs on the
    controller (see plugins/action/lambda_invocation.py). With ``derived=False`` the outputs
    are the core's five raw ones, without ``result_json`` and ``log_text``.
    """
    try:
        connection = connection_settings(params)
        request = build_request(params["function_name"], **invocation_arguments(params))
    except LambdaInvocationError as exc:
        return dict(failed=True, changed=False, msg=str(exc), **error_fields(exc))
    try:
        result = send(
            request,
            connection,
            fail_on_function_error=params["fail_on_function_error"],
            dry_run=check_mode,
        )
    except FunctionError as exc:
        # The function ran: its outputs are returned with the failure.
        return dict(
            failed=True,
            changed=True,
            msg=str(exc),
            **error_fields(exc),
            **exc.result.as_dict(derived=derived),
        )
    except ImportError:  # MissingDependencyError, or botocore missing
        return dict(
            failed=True,
            changed=False,
            msg=missing_required_lib("boto3"),
            **failure_fields(MissingDependencyError.code, MISSING_BOTO3),
        )
    except LambdaInvocationError as exc:
        return dict(failed=True, changed=False, msg=str(exc), **error_fields(exc))
    return dict(changed=True, **result.as_dict(derived=derived))


def hand_over(outcome, no_log_values):
    """Move the function's outputs into one text that Ansible's masking cannot alter.

    ``exit_json``/``fail_json`` replace every ``no_log`` value (a secret key such as
    ``test``) wherever it occurs in the result; the function's outputs must reach
    ``register`` unchanged. The action plugin decodes them (module_utils/result_transport.py).
    """
    outputs = dict((key, outcome.pop(key)) for key in OUTPUT_KEYS if key in outcome)
    if outputs:
        outcome[OUTPUTS_KEY] = encode(outputs, no_log_values)
    return outcome


class _Module(AnsibleModule):
    """AnsibleModule whose own failures (the argument spec's) carry the failure fields too."""

    def fail_json(self, msg, **kwargs):
        if "error" not in kwargs:
            kwargs.update(failure_fields(ValidationError.code, ARGUMENT_SPEC_HINT))
        super().fail_json(msg=msg, **kwargs)


def main():
    module = _Module(argument_spec=argument_spec(), supports_check_mode=True)
    outcome = hand_over(execute(module.params, module.check_mode, derived=False), module.no_log_values)
    if outcome.pop("failed", False):
        module.fail_json(**outcome)
    module.exit_json(**outcome)


if __name__ == "__main__":
    main()
