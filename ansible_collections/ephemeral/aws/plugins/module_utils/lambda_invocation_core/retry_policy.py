# Copyright: Contributors to ephemeral-lambda-invocation and the ephemeral.aws collection
# Licence: see LICENSE and LICENSES/ at the collection root
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
# GENERATED from core/lambda_invocation_core/retry_policy.py by scripts/sync_module_utils.py: edit core/, then re-run it.
"""When an Invoke is sent again, how long to wait, and what each AWS error code means.

A request is sent again only when Lambda answered that it did not run the function: a
throttle (``THROTTLE_CODES``) or one of ``NOT_RUN_RETRYABLE_CODES``. A read timeout, a
connection dropped after the request was sent, or any 5xx other than those is never
retried: the function may have run, and Lambda delivers at least once already. The
README has this as a table.

The one exception: a request that carries an idempotency key (the function deduplicates
on it, e.g. with Powertools' idempotency utility) is also sent again after a "may have
run" failure (InvocationUncertainError) and after the function error
``IdempotencyAlreadyInProgressError`` (the earlier attempt with the key is still running),
under the same backoff and attempt limit.
"""

from __future__ import annotations

import random

from .errors import AwsError, RetriesExhaustedError, ThrottledError
from .result import InvocationResult

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

# The errorType of Powertools' idempotency utility while an earlier run with the same key
# has not finished (aws_lambda_powertools.utilities.idempotency.exceptions).
IN_PROGRESS_ERROR_TYPE = "IdempotencyAlreadyInProgressError"
# What an uncertain failure's message says about retrying, without and with a key.
NOT_RETRIED = "Not retried, to avoid a second invocation"

BACKOFF_BASE_SECONDS = 0.25
BACKOFF_CAP_SECONDS = 8.0

_KMS_HINT = (
    "Lambda could not decrypt the function's environment variables. This usually means the "
    "function's IAM role was recreated after the function: switch the function to another role "
    "and back, or recreate the function."
)
HINTS = {
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


def backoff(attempt: int) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
    # Full jitter spreads out many callers throttled at the same moment.
    return random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (attempt - 1)))


def aws_error(
    code: str, status: int | None, request_id: str | None, function_name: str, qualifier: str
) -> AwsError:
    """The error for a code that is not retried."""
    hint = HINTS.get(code)
    if code == "ResourceNotFoundException":
        hint = f"function {function_name} with qualifier {qualifier} was not found; {HINTS[code]}"
    elif hint is None:
        hint = "see the AWS Lambda Invoke API reference for this error code"
    return AwsError(code, status, request_id, hint)


def exhausted_error(
    code: str, status: int | None, request_id: str | None, attempts: int
) -> RetriesExhaustedError:
    """The error once the last attempt was answered with a retryable code."""
    error_class = ThrottledError if code in THROTTLE_CODES else RetriesExhaustedError
    return error_class(
        code, status, request_id, HINTS.get(code, "Lambda did not run the function."), attempts
    )


def earlier_attempt_running(result: InvocationResult) -> bool:
    """Whether the function answered that an earlier run with the same key is still going."""
    return result.function_error is not None and result.error_type == IN_PROGRESS_ERROR_TYPE


def keyed_retries_note(key_field: str, attempts: int) -> str:
    """The retry sentence of an uncertain failure on the last attempt of a keyed request."""
    times = "once" if attempts == 1 else f"{attempts} times"
    return (
        f"Sent {times} with the same idempotency key (payload field '{key_field}'), the limit "
        "set by max_attempts; if the function deduplicates on that field, running again with "
        "the same key is safe and returns the first run's result"
    )
