"""The RequestResponse call: validate, check the account, send, retry only what did not run.

The pieces live in modules named for their concern: ``result`` (InvocationResult),
``retry_policy`` (retryable codes, backoff, hints), ``transport_errors`` (botocore's
exceptions as typed errors), ``log_redaction`` (debug logs of an Invoke dropped),
``account_policy`` and ``model_support``. Their public names stay importable from here.
The one exception to "never twice" (a request with an idempotency key) is decided in
``send`` with ``retry_policy``'s help.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from . import credential_calls
from .account_policy import enforce_account_policy
from .client import ConnectionSettings, get_connection
from .errors import IdempotencyInProgressError, InvocationUncertainError, LambdaInvocationError
from .log_redaction import invoke_logs_dropped
from .model_support import require_model_support
from .result import InvocationResult, raise_if_failed, request_id_of, result_from_response
from .retry_policy import (
    BACKOFF_BASE_SECONDS,
    BACKOFF_CAP_SECONDS,
    NOT_RETRIED,
    NOT_RUN_RETRYABLE_CODES,
    RETRYABLE_CODES,
    THROTTLE_CODES,
    aws_error,
    backoff,
    earlier_attempt_running,
    exhausted_error,
    keyed_retries_note,
)
from .transport_errors import error_fields, invoke_error
from .validation import InvocationRequest, build_request

__all__ = [
    "BACKOFF_BASE_SECONDS",
    "BACKOFF_CAP_SECONDS",
    "NOT_RUN_RETRYABLE_CODES",
    "RETRYABLE_CODES",
    "THROTTLE_CODES",
    "InvocationResult",
    "invoke",
    "send",
]


def invoke(
    function_name: object,
    payload: object,
    *,
    qualifier: object = None,
    client_context: object = None,
    log_type: object = None,
    tenant_id: object = None,
    idempotency_key: object = None,
    idempotency_key_field: object = None,
    durable_execution_name: object = None,
    fail_on_function_error: bool = False,
    dry_run: bool = False,
    connection: ConnectionSettings | None = None,
) -> InvocationResult:
    """Validate the inputs, invoke the function once (RequestResponse) and return its outputs.

    With ``dry_run`` the request is sent as InvocationType=DryRun: Lambda checks that the
    function exists and that the caller may invoke it, without running it.
    Raises ValidationError before sending anything when an input is bad, AwsError (or a
    subclass) when AWS refuses the call, InvocationUncertainError when the request may
    have reached the function but no answer came back, and FunctionError when the function
    failed and ``fail_on_function_error`` is set.

    With ``idempotency_key`` (1-256 printable characters) the payload must be a JSON object;
    the key is added at its top-level field ``idempotency_key_field`` (default
    ``idempotency_key``), and a "may have run" failure or the function error
    IdempotencyAlreadyInProgressError is sent again under the same backoff and attempt limit
    as a throttle. IdempotencyInProgressError when the earlier attempt was still running at
    the last attempt. Without a key nothing that may have run is ever sent again.

    ``durable_execution_name`` (for a durable function; checked against the installed
    botocore's Lambda model, BotocoreTooOldError when it lacks the member) is sent as the
    X-Amz-Durable-Execution-Name header; the result's ``durable_execution_arn`` is the
    execution's ARN. DurableExecutionAlreadyStartedError when an execution with that name was
    already started by an earlier request.
    """
    request = build_request(
        function_name,
        payload,
        qualifier=qualifier,
        client_context=client_context,
        log_type=log_type,
        tenant_id=tenant_id,
        idempotency_key=idempotency_key,
        idempotency_key_field=idempotency_key_field,
        durable_execution_name=durable_execution_name,
    )
    return send(
        request,
        connection or ConnectionSettings(),
        fail_on_function_error=fail_on_function_error,
        dry_run=dry_run,
    )


def send(
    request: InvocationRequest,
    connection: ConnectionSettings,
    *,
    fail_on_function_error: bool = False,
    dry_run: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> InvocationResult:
    """Send an already validated request; see :func:`invoke`."""
    cached = get_connection(connection)  # imports boto3, or says which package to install
    from botocore.exceptions import ClientError

    kwargs = request.to_boto3_kwargs()
    kwargs["InvocationType"] = "DryRun" if dry_run else "RequestResponse"
    require_model_support(cached.client, kwargs)
    enforce_account_policy(request.function_name, connection, cached.caller_account)
    key_field = request.idempotency_key_field  # None: nothing that may have run is sent again
    attempt = 0
    while True:
        attempt += 1
        last = attempt >= cached.max_attempts
        retry_note = keyed_retries_note(key_field, attempt) if key_field and last else NOT_RETRIED
        try:
            response = _call(cached.client, kwargs, connection, retry_note)
        except ClientError as exc:
            code, status, request_id = error_fields(exc.response)
            if code not in RETRYABLE_CODES:
                raise aws_error(
                    code, status, request_id, request.function_name, request.effective_qualifier
                ) from None
            if last:
                raise exhausted_error(code, status, request_id, attempt) from None
        except InvocationUncertainError:
            if key_field is None or last:
                raise
        else:
            if key_field is None:
                return result_from_response(response, request.function_name, fail_on_function_error)
            result = result_from_response(response, request.function_name, False)
            if not earlier_attempt_running(result):
                return raise_if_failed(
                    result, request.function_name, fail_on_function_error, request_id_of(response)
                )
            if last:
                raise IdempotencyInProgressError(request.function_name, key_field, attempt)
        sleep(backoff(attempt))


def _call(client: Any, kwargs: dict[str, Any], connection: ConnectionSettings, retry_note: str) -> Any:
    """One Invoke request, with botocore's exceptions translated; never repeated here."""
    from botocore.exceptions import ClientError

    # Credentials are fetched while the request is signed (STS, SSO): inside the block, so
    # their answers stay out of the debug logs too, and each failure is named for its call.
    with invoke_logs_dropped():
        credential_calls.reset()
        try:
            response = client.invoke(**kwargs)
        except LambdaInvocationError:
            raise  # a credential call's failure, already translated
        except Exception as exc:  # every botocore failure, and those outside BotoCoreError
            credential_failure = credential_calls.failed_call_error(exc, connection)
            if credential_failure is not None:  # STS or SSO failed: no Invoke was sent
                raise credential_failure from None
            if isinstance(exc, ClientError):
                raise  # Lambda's answer: send() decides
            raise invoke_error(exc, client.meta.endpoint_url, connection, retry_note=retry_note) from None
        try:
            # The body is streamed: a timeout or a dropped connection can still happen
            # here, and urllib3 lets some failures (a TLS error mid-body) through unwrapped.
            response["Payload"] = response["Payload"].read()
        except Exception as exc:  # every failure here means "may have run"
            raise invoke_error(
                exc, client.meta.endpoint_url, connection, reading_body=True, retry_note=retry_note
            ) from None
    return response
