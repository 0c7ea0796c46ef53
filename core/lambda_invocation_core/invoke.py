"""The RequestResponse call, its result, and the retry policy.

Retry policy (the README has it as a table): a request is sent again only when Lambda
answered that it did not run the function, namely a throttle (TooManyRequestsException)
or one of ``NOT_RUN_RETRYABLE_CODES``. A read timeout, a connection dropped after the
request was sent, or any 5xx other than those is never retried: the function may have
run, and Lambda delivers at least once already.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import random
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Callable

from .account_policy import enforce_account_policy
from .client import ConnectionSettings, get_connection
from .errors import AwsError, FunctionError, RetriesExhaustedError, ThrottledError
from .transport_errors import error_fields, invoke_error
from .validation import InvocationRequest, build_request

# Lambda refused these before running the function, so sending again cannot duplicate
# an execution. From the Invoke error list in the Lambda API reference.
THROTTLE_CODES = frozenset({"TooManyRequestsException"})
NOT_RUN_RETRYABLE_CODES = frozenset(
    {
        "ResourceConflictException",  # function Pending or being updated
        "ResourceNotReadyException",  # inactive function re-establishing its VPC connection
        "EC2ThrottledException",  # EC2 throttled Lambda while setting up the function
        "ENINotReadyException",  # the VPC network interface is not ready yet
        "SnapStartNotReadyException",  # SnapStart still initializing
        "CodeArtifactUserPendingException",  # code artifact user still being provisioned
    }
)
RETRYABLE_CODES = THROTTLE_CODES | NOT_RUN_RETRYABLE_CODES

BACKOFF_BASE_SECONDS = 0.25
BACKOFF_CAP_SECONDS = 8.0

_KMS_HINT = (
    "Lambda could not decrypt the function's environment variables. This usually means the "
    "function's IAM role was recreated after the function: switch the function to another role "
    "and back, or recreate the function."
)
_HINTS = {
    "ResourceNotFoundException": (
        "the function or qualifier does not exist in this region and account; check "
        "function_name, qualifier and region"
    ),
    "AccessDeniedException": (
        "the caller is not allowed to invoke this function; it needs lambda:InvokeFunction on "
        "the function (and its qualifier)"
    ),
    "AccessDenied": "the caller's credentials were refused",
    "KMSAccessDeniedException": _KMS_HINT,
    "KMSDisabledException": "the KMS key for the function's environment variables is disabled.",
    "KMSNotFoundException": "the KMS key for the function's environment variables was not found.",
    "KMSInvalidStateException": "the KMS key for the function's environment variables is not usable.",
    "TooManyRequestsException": (
        "Lambda throttled the call (reserved or account concurrency, or request rate)."
    ),
    "RequestTooLargeException": "the request exceeded Lambda's 6 MB synchronous payload limit",
    "InvalidRequestContentException": "Lambda could not parse the request body or a header",
    "InvalidParameterValueException": "Lambda rejected a parameter value",
    "UnrecognizedClientException": "the access key is not valid",
    "InvalidSignatureException": "the request signature was refused; check the secret key",
    "ExpiredTokenException": "the session token has expired",
    "ResourceConflictException": "the function is not ready (Pending or being updated).",
    "ServiceException": "Lambda had an internal error; the function may or may not have run",
}


@dataclass(frozen=True)
class InvocationResult:
    """What a synchronous invocation returned: the Terraform ephemeral resource's outputs.

    ``result`` and ``log_result`` may hold secrets and are hidden from ``repr()``.
    """

    result: str = field(repr=False)
    executed_version: str | None
    function_error: str | None
    log_result: str | None = field(repr=False)
    status_code: int

    @property
    def log_text(self) -> str | None:
        """The decoded tail of the execution log (None unless log_type was Tail)."""
        if self.log_result is None:
            return None
        return base64.b64decode(self.log_result).decode("utf-8", errors="replace")

    @property
    def result_is_json(self) -> bool:
        return _parse_json(self.result)[0]

    @property
    def result_json(self) -> Any:
        """The result parsed as JSON, or None when it is not JSON (not an error)."""
        return _parse_json(self.result)[1]

    @property
    def error_type(self) -> str | None:
        """The errorType of a function error, restricted to a safe identifier shape."""
        if self.function_error is None:
            return None
        return _safe_error_type(self.result_json)

    def as_dict(self, derived: bool = False) -> dict[str, Any]:
        """The five outputs as a dict; with ``derived``, also ``log_text`` and ``result_json``."""
        values: dict[str, Any] = {
            "result": self.result,
            "executed_version": self.executed_version,
            "function_error": self.function_error,
            "log_result": self.log_result,
            "status_code": self.status_code,
        }
        if derived:
            values["log_text"] = self.log_text
            values["result_json"] = self.result_json
        return values


def _parse_json(text: str) -> tuple[bool, Any]:
    try:
        return True, json.loads(text)
    except ValueError:
        return False, None


_ERROR_TYPE_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.:$-]{0,127}")


def _safe_error_type(document: Any) -> str | None:
    # errorType is an exception class name; anything else could be data, so it is
    # not repeated in a message.
    if isinstance(document, dict):
        value = document.get("errorType")
        if isinstance(value, str) and _ERROR_TYPE_RE.fullmatch(value):
            return value
    return None


def invoke(
    function_name: object,
    payload: object,
    *,
    qualifier: object = None,
    client_context: object = None,
    log_type: object = None,
    tenant_id: object = None,
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
    """
    request = build_request(
        function_name,
        payload,
        qualifier=qualifier,
        client_context=client_context,
        log_type=log_type,
        tenant_id=tenant_id,
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
    client = cached.client
    from botocore.exceptions import ClientError

    enforce_account_policy(request.function_name, connection, cached.caller_account)
    kwargs = request.to_boto3_kwargs()
    kwargs["InvocationType"] = "DryRun" if dry_run else "RequestResponse"
    attempt = 0
    while True:
        attempt += 1
        try:
            response = _call(client, kwargs, connection)
            break
        except ClientError as exc:
            code, status, request_id = error_fields(exc.response)
            if code not in RETRYABLE_CODES:
                raise _aws_error(code, status, request_id, request) from None
            if attempt >= connection.max_attempts:
                exhausted = ThrottledError if code in THROTTLE_CODES else RetriesExhaustedError
                raise exhausted(
                    code, status, request_id, _HINTS.get(code, "Lambda did not run the function."), attempt
                ) from None
        sleep(_backoff(attempt))
    return _to_result(response, request, fail_on_function_error)


def _backoff(attempt: int) -> float:
    # Full jitter spreads out many callers throttled at the same moment.
    return random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (attempt - 1)))


# botocore and urllib3 log request bodies, signed headers (X-Amz-Client-Context) and
# response bodies at DEBUG. Those records are dropped while this thread is inside an
# Invoke call, so turning on debug logging (Pulumi, Ansible -vvvv, a user's basicConfig)
# cannot print a payload, client context or result. Other AWS calls still log as usual.
_TRANSPORT_LOGGERS = (
    "botocore.endpoint",
    "botocore.parsers",
    "botocore.auth",
    "botocore.awsrequest",
    "botocore.httpsession",
    "botocore.client",
    "botocore.hooks",
    "botocore.retryhandler",
    "urllib3.connectionpool",
)
_inside_invoke = threading.local()


class _InvokeDebugFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG or not getattr(_inside_invoke, "active", False)


_DEBUG_FILTER = _InvokeDebugFilter()
for _logger_name in _TRANSPORT_LOGGERS:
    logging.getLogger(_logger_name).addFilter(_DEBUG_FILTER)


@contextlib.contextmanager
def _transport_debug_logs_dropped() -> Iterator[None]:
    _inside_invoke.active = True
    try:
        yield
    finally:
        _inside_invoke.active = False


def _call(client: Any, kwargs: dict[str, Any], connection: ConnectionSettings) -> Any:
    """One Invoke request, with botocore's exceptions translated; never repeated here."""
    from botocore.exceptions import BotoCoreError

    try:
        with _transport_debug_logs_dropped():
            response = client.invoke(**kwargs)
            # The body is streamed: a timeout or dropped connection can still happen here.
            response["Payload"] = response["Payload"].read()
        return response
    except BotoCoreError as exc:
        raise invoke_error(exc, client.meta.endpoint_url, connection) from None


def _aws_error(code: str, status: int | None, request_id: str | None, request: InvocationRequest) -> AwsError:
    hint = _HINTS.get(code)
    if code == "ResourceNotFoundException":
        hint = (
            f"function {request.function_name} with qualifier {request.effective_qualifier} was not "
            f"found; {_HINTS[code]}"
        )
    elif hint is None:
        hint = "see the AWS Lambda Invoke API reference for this error code"
    return AwsError(code, status, request_id, hint)


def _to_result(response: Any, request: InvocationRequest, fail_on_function_error: bool) -> InvocationResult:
    body = response.get("Payload") or b""
    result = InvocationResult(
        result=body.decode("utf-8", errors="replace"),
        executed_version=response.get("ExecutedVersion"),
        function_error=response.get("FunctionError") or None,
        log_result=response.get("LogResult") or None,
        status_code=int(response.get("StatusCode", 0)),
    )
    if result.function_error is not None and fail_on_function_error:
        raise FunctionError(
            request.function_name,
            result.executed_version,
            result.function_error,
            result.error_type,
            result,
        )
    return result
