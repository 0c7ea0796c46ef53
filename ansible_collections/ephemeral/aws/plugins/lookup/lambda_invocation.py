# Copyright: Contributors to the ephemeral.aws collection
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0) or, at your option,
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: lambda_invocation
short_description: Invoke an AWS Lambda function on the controller and return its result
version_added: 0.1.0
description:
  - Invokes each function given as a term once, synchronously (InvocationType=RequestResponse),
    on the controller, and returns what it returned (the response payload as text by default).
  - B(A lookup runs every time its expression is templated) (the ephemeral semantics of the
    Terraform C(aws_lambda_invocation) ephemeral resource). A lookup in a task's options
    runs once per host and loop item; a lookup in a variable runs each time the variable is used.
    To invoke once and reuse the result, assign it with M(ansible.builtin.set_fact) (with
    C(no_log=true)), or use the module M(ephemeral.aws.lambda_invocation) with C(register).
  - Lookups also run in check mode. Use the module for a check-mode-safe invocation (it sends
    a DryRun request in check mode).
  - Inputs are validated before any request is sent; the request is never sent twice after it
    may have reached the function (read timeout, connection dropped, 5xx), and is retried with
    jittered backoff only when Lambda answered that it did not run the function, or, with an
    O(idempotency_key) the function deduplicates on, after a read timeout, a dropped connection
    or a response cut off.
  - Error messages and warnings of this plugin never contain the payload, the client context,
    the result or the logs. The value it returns is not hidden by Ansible, so set C(no_log=true)
    on every task that uses it.
author:
  - Ephemeral Lambda Invocation maintainers (@ephemeral-aws)
options:
  _terms:
    description:
      - The functions to invoke, each as a name, V(name:qualifier), partial ARN or full ARN.
        One result is returned per term.
    type: list
    elements: str
    required: true
  payload:
    description:
      - The event passed to the function, as a structure (serialized once as compact JSON) or
        a JSON text (sent unchanged; it must parse). Use V({}) for an empty event.
    type: raw
    required: true
  qualifier:
    description:
      - The version or alias to invoke. May also be given in the term; a different one in both
        is an error.
    type: str
    aliases: [version_qualifier]
  client_context:
    description:
      - Data passed to the function as C(context.client_context), as a base64 string of at most
        3,583 characters or a mapping that is encoded for you.
    type: raw
  log_type:
    description:
      - V(Tail) to receive the last 4 KB of the execution log (only visible with
        O(result_format=full)); V(None) for no log.
    type: str
    default: 'None'
  tenant_id:
    description:
      - The tenant to invoke the function for, for a function with tenant isolation
        (Lambda's C(TenantId)); the function sees it as C(context.tenant_id).
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
      - When V(true), a function error fails the lookup with a message naming the function,
        the executed version and the error type only.
      - When V(false), the function's error document is returned like any result.
    type: bool
    default: true
  result_format:
    description:
      - V(text) returns the response payload as a string.
      - V(json) returns it parsed as JSON, and fails (without quoting it) when it is not JSON.
      - V(full) returns a dictionary with C(result), C(result_json), C(executed_version),
        C(function_error), C(log_result), C(log_text) and C(status_code), as the module does.
    type: str
    choices: [text, json, full]
    default: text
extends_documentation_fragment:
  - ephemeral.aws.aws.plugins
seealso:
  - module: ephemeral.aws.lambda_invocation
"""

EXAMPLES = r"""
- name: Invoke once and keep the parsed result in a fact, without printing it
  ansible.builtin.set_fact:
    token: "{{ lookup('ephemeral.aws.lambda_invocation', 'issue-token', payload={'user': 'deploy'},
               result_format='json', region='eu-west-1') }}"
  no_log: true

- name: One invocation per loop item, by alias
  ansible.builtin.uri:
    url: "https://{{ item }}.example.com/register"
    method: POST
    body: "{{ lookup('ephemeral.aws.lambda_invocation', 'issue-token:prod', payload={'host': item}) }}"
  loop: [alpha, beta]
  no_log: true

- name: For one tenant, with a role assumed in another account for the call
  ansible.builtin.set_fact:
    report: "{{ lookup('ephemeral.aws.lambda_invocation', 'tenant-report', payload={},
                tenant_id='customer-42',
                role_arn='arn:aws:iam::210987654321:role/lambda-invoker', result_format='json') }}"
  no_log: true

- name: With an idempotency key (the function deduplicates on it), a lost answer is asked again
  ansible.builtin.set_fact:
    order: "{{ lookup('ephemeral.aws.lambda_invocation', 'create-order', payload={'customer': '42'},
               idempotency_key='order-42-' ~ release_id, result_format='json') }}"
  no_log: true

- name: Tolerate a function error and look at the full outputs
  ansible.builtin.set_fact:
    outcome: "{{ lookup('ephemeral.aws.lambda_invocation', 'flaky', payload={},
                 fail_on_function_error=false, result_format='full', log_type='Tail') }}"
  no_log: true
"""

RETURN = r"""
_raw:
  description:
    - One entry per term. With O(result_format=text), the response payload as text; with
      O(result_format=json), the payload parsed as JSON; with O(result_format=full), a
      dictionary of all outputs.
  type: list
  elements: raw
"""

from ansible.errors import AnsibleLookupError
from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.lookup import LookupBase
from ansible_collections.ephemeral.aws.plugins.module_utils.common import (
    PLUGIN_VARIABLES,
    connection_settings,
    invocation_arguments,
)
from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core.errors import (
    FunctionError,
    LambdaInvocationError,
)
from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core.invoke import invoke


def function_error_message(exc):
    """A function error, for a lookup: names the function, the executed version and the error
    type only, and says how to receive the error document (a failed lookup returns nothing)."""
    return (
        f"Lambda function {exc.function_name} (version {exc.executed_version or 'unknown'}) failed: "
        f"function error {exc.function_error}, error type {exc.error_type or 'unknown'}. "
        "A failed lookup returns no result; set fail_on_function_error=false to receive the "
        "function's error document as the result"
    )


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        variables = variables or {}
        # The vars entries of the ephemeral.aws.aws PLUGINS doc fragment. Ansible hands a lookup
        # the variables untemplated, so they are templated here.
        var_options = {
            name: self._templar.template(variables[name]) for name in PLUGIN_VARIABLES if name in variables
        }
        self.set_options(var_options=var_options, direct=kwargs)
        options = self.get_options()
        result_format = options["result_format"]
        try:
            connection = connection_settings(options)
        except LambdaInvocationError as exc:
            raise AnsibleLookupError(str(exc)) from None
        values = []
        for term in terms:
            try:
                result = invoke(
                    term,
                    fail_on_function_error=options["fail_on_function_error"],
                    connection=connection,
                    **invocation_arguments(options),
                )
            except ImportError:  # MissingDependencyError, or botocore missing
                raise AnsibleLookupError(missing_required_lib("boto3")) from None
            except FunctionError as exc:
                # The core's message points at the result, which a failed lookup does not return.
                raise AnsibleLookupError(function_error_message(exc)) from None
            except LambdaInvocationError as exc:
                raise AnsibleLookupError(str(exc)) from None
            if result_format == "full":
                values.append(result.as_dict(derived=True))
            elif result_format == "json":
                if not result.result_is_json:
                    raise AnsibleLookupError(
                        f"the result of {term} is not JSON; use result_format=text to receive it as text"
                    )
                values.append(result.result_json)
            else:
                values.append(result.result)
        return values
