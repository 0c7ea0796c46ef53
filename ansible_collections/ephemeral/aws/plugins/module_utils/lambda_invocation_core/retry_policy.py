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
from dataclasses import dataclass

from .errors import AwsError, DurableExecutionAlreadyStartedError, RetriesExhaustedError, ThrottledError
from .result import InvocationResult

# Did the function run when Lambda answered with an error code (``InvokeErrorPolicy.ran``):
RAN_NO = "no"  # refused before the handler ran: sending again cannot duplicate an execution
RAN_MAYBE = "maybe"  # the answer does not say (an internal error, a failure while it ran)
# Not by this request: a durable execution with the same name was started by an earlier one.
RAN_EARLIER = "by an earlier request"


@dataclass(frozen=True)
class InvokeErrorPolicy:
    """What one AWS error code of Invoke means: did the function run, is it retried, the hint."""

    ran: str  # RAN_NO, RAN_MAYBE or RAN_EARLIER
    retried: bool  # only RAN_NO codes whose cause passes by itself within seconds
    hint: str  # the core's own words; never AWS's message, never a request value


def _no(hint: str, retried: bool = False) -> InvokeErrorPolicy:
    return InvokeErrorPolicy(RAN_NO, retried, hint)


_KMS_HINT = (
    "Lambda could not decrypt the function's environment variables. This usually means the "
    "function's IAM role was recreated after the function: switch the function to another role "
    "and back, or recreate the function."
)

# Every error code Invoke can answer with: those of the Invoke operation in botocore's Lambda
# model (tests/core/test_invoke_error_table.py fails when a newer model adds one), plus the
# errors every AWS API shares (credentials, signature, permission). "ran" is decided from
# AWS's description of each error in that model: setup, permission and state errors are
# raised while Lambda prepares the function, before its handler runs. Retried are only the
# "not ready yet" states that pass by themselves within the core's backoff (seconds); a
# failure that needs a change to the function, its configuration or a quota is not.
INVOKE_ERRORS: dict[str, InvokeErrorPolicy] = {
    # The request itself.
    "ResourceNotFoundException": _no(
        "the function or qualifier does not exist in this region and account; check "
        "function_name, qualifier and region"
    ),
    "InvalidParameterValueException": _no("Lambda rejected a parameter value"),
    "InvalidRequestContentException": _no("Lambda could not parse the request body or a header"),
    "RequestTooLargeException": _no("the request exceeded Lambda's 6 MB synchronous payload limit"),
    "SerializedRequestEntityTooLargeException": _no(
        "the request, as Lambda serializes it, exceeded the maximum size Lambda allows for it; "
        "send a smaller payload"
    ),
    "UnsupportedMediaTypeException": _no("Lambda refused the content type of the request body (not JSON)"),
    "ModeNotSupportedException": _no(
        "the function does not support this invocation mode: the core invokes synchronously "
        "(RequestResponse, or DryRun), which a function configured for asynchronous invocation "
        "only refuses"
    ),
    "NoPublishedVersionException": _no(
        "the function has no published version; publish one (PublishVersion), or name another "
        "qualifier than $LATEST.PUBLISHED"
    ),
    "DurableExecutionAlreadyStartedException": InvokeErrorPolicy(
        RAN_EARLIER,
        False,
        "a durable execution with this durable_execution_name was already started for the "
        "function, so this request started none; use another name for a new execution, or look "
        "up the existing execution (it may still be running, or have finished)",
    ),
    "RecursiveInvocationException": _no(
        "Lambda detected this function in a recursive loop with other AWS resources and stopped "
        "this invocation (see the function's recursive loop detection setting)"
    ),
    "ServiceQuotaExceededException": _no(
        "the request would exceed a Lambda service quota; see Lambda quotas, or request an "
        "increase in Service Quotas"
    ),
    # Throttles and states that pass by themselves: retried (retry_policy's sets below).
    "TooManyRequestsException": _no(
        "Lambda throttled the call (reserved or account concurrency, or request rate).", retried=True
    ),
    "ResourceConflictException": _no("the function is not ready (Pending or being updated).", retried=True),
    "ResourceNotReadyException": _no(
        "the function is inactive and Lambda is re-establishing its VPC connection.", retried=True
    ),
    "EC2ThrottledException": _no("Amazon EC2 throttled Lambda while it set up the function.", retried=True),
    "ENINotReadyException": _no(
        "the network interface of the function's VPC is not ready yet.", retried=True
    ),
    "SnapStartNotReadyException": _no("Lambda is still initializing the function (SnapStart).", retried=True),
    "CodeArtifactUserPendingException": _no(
        "the function's code artifact user is still being provisioned.", retried=True
    ),
    # Failed states: they need a change (or more time than a few seconds of backoff).
    "CodeArtifactUserFailedException": _no(
        "provisioning of the function's code artifact user failed; update the function's code "
        "package, or check the function's State and StateReasonCode"
    ),
    "CodeArtifactUserDeletedException": _no(
        "the function's code artifact user was deleted; wait for Lambda to provision a new one, "
        "or update the function's code package to recreate it"
    ),
    "SnapStartRegenerationFailureException": _no(
        "Lambda could not regenerate the function's SnapStart snapshot; wait for Lambda to retry, "
        "or update the function's configuration to make a new snapshot"
    ),
    "SnapStartTimeoutException": _no("Lambda could not restore the function's SnapStart snapshot in time"),
    # The afterRestore hook ran (and failed), the handler did not.
    "SnapStartException": _no(
        "the function's afterRestore runtime hook (SnapStart) failed; see its CloudWatch logs"
    ),
    "RuntimeAliasDeletedException": _no(
        "the function's runtime alias is no longer available; update the function to an available one"
    ),
    "RuntimeVersionDeletedException": _no(
        "the function's runtime version is no longer available; update the function to an "
        "available runtime version or alias"
    ),
    "InvalidRuntimeException": _no("the function's runtime or runtime version is not supported"),
    "InvalidZipFileException": _no("Lambda could not unzip the function's deployment package"),
    # Environment variables: decrypted before the function starts.
    "KMSAccessDeniedException": _no(_KMS_HINT),
    "KMSDisabledException": _no("the KMS key for the function's environment variables is disabled."),
    "KMSNotFoundException": _no("the KMS key for the function's environment variables was not found."),
    "KMSInvalidStateException": _no("the KMS key for the function's environment variables is not usable."),
    # VPC set-up.
    "EC2AccessDeniedException": _no(
        "the function's execution role lacks the EC2 permissions its VPC configuration needs"
    ),
    "EC2UnexpectedException": _no("Lambda got an unexpected Amazon EC2 error while setting up the function"),
    "ENILimitReachedException": _no(
        "Lambda could not create a network interface in the function's VPC: the limit is reached"
    ),
    "InvalidSecurityGroupIDException": _no(
        "a security group in the function's VPC configuration is not valid"
    ),
    "InvalidSubnetIDException": _no("a subnet in the function's VPC configuration is not valid"),
    "SubnetIPAddressLimitReachedException": _no(
        "a subnet in the function's VPC configuration has no free IP addresses"
    ),
    # File systems: mounted before the handler runs...
    "EFSMountConnectivityException": _no(
        "Lambda could not connect to the function's EFS file system; check its VPC, security "
        "groups and mount targets"
    ),
    "EFSMountFailureException": _no(
        "Lambda could not mount the function's EFS file system (permission or configuration)"
    ),
    "EFSMountTimeoutException": _no(
        "Lambda connected to the function's EFS file system, but the mount timed out"
    ),
    "S3FilesMountConnectivityException": _no(
        "Lambda could not connect to the function's S3 Files access point; check its VPC and security groups"
    ),
    "S3FilesMountFailureException": _no(
        "Lambda could not mount the function's S3 Files access point (permission or configuration); "
        "check the access point and the function's execution role"
    ),
    "S3FilesMountTimeoutException": _no(
        "Lambda connected to the function's S3 Files access point, but the mount timed out"
    ),
    # ...but a read or write failing is the function's own file access, while it ran.
    "EFSIOException": InvokeErrorPolicy(
        RAN_MAYBE,
        False,
        "reading from or writing to the function's file system failed; the function may have run",
    ),
    "ServiceException": InvokeErrorPolicy(
        RAN_MAYBE, False, "Lambda had an internal error; the function may or may not have run"
    ),
    # Errors every AWS API shares, refused before anything runs.
    "AccessDeniedException": _no(
        "the caller is not allowed to invoke this function; it needs lambda:InvokeFunction on "
        "the function (and its qualifier)"
    ),
    "AccessDenied": _no("the caller's credentials were refused"),
    "UnrecognizedClientException": _no("the access key is not valid"),
    "InvalidSignatureException": _no("the request signature was refused; check the secret key"),
    "ExpiredTokenException": _no("the session token has expired"),
}

# Lambda refused these before running the function, so sending again cannot duplicate
# an execution.
THROTTLE_CODES = frozenset({"TooManyRequestsException"})
NOT_RUN_RETRYABLE_CODES = frozenset(
    code for code, policy in INVOKE_ERRORS.items() if policy.retried and code not in THROTTLE_CODES
)
RETRYABLE_CODES = THROTTLE_CODES | NOT_RUN_RETRYABLE_CODES

# The hints alone, by code (the name older code imported).
HINTS = {code: policy.hint for code, policy in INVOKE_ERRORS.items()}

# The errorType of Powertools' idempotency utility while an earlier run with the same key
# has not finished (aws_lambda_powertools.utilities.idempotency.exceptions).
IN_PROGRESS_ERROR_TYPE = "IdempotencyAlreadyInProgressError"
# What an uncertain failure's message says about retrying, without and with a key.
NOT_RETRIED = "Not retried, to avoid a second invocation"

BACKOFF_BASE_SECONDS = 0.25
BACKOFF_CAP_SECONDS = 8.0


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
    elif hint is None:  # a code newer than this table
        hint = "see the AWS Lambda Invoke API reference for this error code"
    if code == "DurableExecutionAlreadyStartedException":
        return DurableExecutionAlreadyStartedError(status, request_id, hint)
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
