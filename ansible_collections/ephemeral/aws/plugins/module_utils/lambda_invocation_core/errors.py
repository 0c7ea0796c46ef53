# Copyright: Contributors to ephemeral-lambda-invocation and the ephemeral.aws collection
# Licence: see LICENSE and LICENSES/ at the collection root
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
# GENERATED from core/lambda_invocation_core/errors.py by scripts/sync_module_utils.py: edit core/, then re-run it.
"""Error model of the core.

Every message is built from field names, rules, function names, error codes and
numbers only. Payloads, results, log tails, client contexts and credentials may be
secrets, so no error here ever carries them (the AWS service's own error message
is dropped too: Lambda echoes fragments of a bad request body in it).

Every error has a ``code``: AWS's error code where AWS answered (``AwsError``), otherwise
a stable code of the core's own, declared once as the ``code`` class attribute of each
class below (``ERROR_CODES`` lists them). ``http_status`` and ``request_id`` are set where
AWS answered, and ``hint`` is the core's own one-line explanation (never AWS's message).
"""

from __future__ import annotations


class LambdaInvocationError(Exception):
    """Base class of every error raised by the core."""

    code: str = "InvocationFailed"
    # Set where AWS answered (AwsError and its subclasses, FunctionError).
    http_status: int | None = None
    request_id: str | None = None

    @property
    def hint(self) -> str:
        """The core's own explanation of the failure (no value, no AWS message)."""
        return str(self)


class ValidationError(LambdaInvocationError, ValueError):
    """An input broke a rule; raised before any request is sent."""

    code = "ValidationError"

    def __init__(self, field: str, rule: str) -> None:
        self.field = field
        self.rule = rule
        super().__init__(f"{field}: {rule}")


class MissingDependencyError(LambdaInvocationError, ImportError):
    """A required Python package (boto3) is not installed."""

    code = "MissingDependency"


class AwsError(LambdaInvocationError):
    """AWS refused the Invoke request, or a credential call (``service`` STS or SSO).

    Carries the AWS error code, the HTTP status and the request id so that a user can
    quote them to AWS support, plus a one-line hint for the common codes.
    """

    code = "UnknownError"  # the class default; every instance carries AWS's own code

    def __init__(
        self,
        code: str,
        http_status: int | None,
        request_id: str | None,
        hint: str,
        operation: str = "Invoke",
        service: str | None = None,
    ) -> None:
        self.code = code
        self.http_status = http_status
        self.request_id = request_id
        self._hint = hint
        self.operation = operation
        # None for Lambda; "STS" or "SSO" for a credential call (then no Invoke was sent).
        self.service = service
        details = ", ".join(
            part
            for part in (
                f"HTTP {http_status}" if http_status else "",
                f"request id {request_id}" if request_id else "",
            )
            if part
        )
        suffix = f" ({details})" if details else ""
        prefix = f"{service} " if service else ""
        super().__init__(f"{prefix}{operation} failed with {code}{suffix}: {hint}")

    @property
    def hint(self) -> str:
        return self._hint


class RetriesExhaustedError(AwsError):
    """Lambda kept answering that it did not run the function until the last attempt.

    Raised for the retryable "did not run" codes (throttles, function not ready yet, ENI
    or SnapStart not ready, ...); ``code`` is the last answer's code.
    """

    def __init__(
        self,
        code: str,
        http_status: int | None,
        request_id: str | None,
        hint: str,
        attempts: int,
    ) -> None:
        self.attempts = attempts
        super().__init__(code, http_status, request_id, f"{hint} Gave up after {attempts} attempts.")


class ThrottledError(RetriesExhaustedError):
    """Retries ran out and the last answer was a throttle (TooManyRequestsException, HTTP 429).

    This name used to be raised for every exhausted retry; that is now
    RetriesExhaustedError, its base class. Kept until 1.0.
    """


class DurableExecutionAlreadyStartedError(AwsError):
    """Lambda answered DurableExecutionAlreadyStartedException (HTTP 409).

    A durable execution with the request's ``durable_execution_name`` was already started
    for the function, by an earlier request: this request started nothing. Its own class so
    that a caller (and a later "send again with the same name" policy) can tell it apart
    from every other refusal. Names the field, never the name itself.
    """

    field = "durable_execution_name"

    def __init__(self, http_status: int | None, request_id: str | None, hint: str) -> None:
        super().__init__("DurableExecutionAlreadyStartedException", http_status, request_id, hint)


class AccountNotAllowedError(LambdaInvocationError):
    """The target account is refused by allowed_account_ids or forbidden_account_ids.

    Raised before the Invoke request is sent.
    """

    code = "AccountNotAllowed"

    def __init__(self, account_id: str, rule: str) -> None:
        self.account_id = account_id
        self.rule = rule
        super().__init__(f"account {account_id} {rule}; the function was not invoked")


class InvocationUncertainError(LambdaInvocationError):
    """The request may have reached the function, but no answer came back.

    Never retried: the function may have run (or may still be running), and sending the
    request again could run it twice.
    """

    code = "InvocationUncertain"


class InvocationTimeoutError(InvocationUncertainError, TimeoutError):
    """No response within the read timeout; the function may still be running."""

    code = "InvocationTimeout"


class ConnectionLostError(InvocationUncertainError, ConnectionError):
    """The connection closed after the request was sent; the function may have run."""

    code = "ConnectionLost"


class IdempotencyInProgressError(InvocationUncertainError):
    """An earlier attempt with the same idempotency key may still be running.

    The function answered ``IdempotencyAlreadyInProgressError`` (Powertools' idempotency
    utility) until the last attempt. Names the payload field that carries the key, never
    the key.
    """

    code = "IdempotencyInProgress"

    def __init__(self, function_name: str, key_field: str, attempts: int) -> None:
        self.function_name = function_name
        self.field = key_field
        self.attempts = attempts
        super().__init__(
            f"Lambda function {function_name}: an earlier attempt with the same idempotency key "
            f"(payload field '{key_field}') may still be running; the function answered "
            f"IdempotencyAlreadyInProgressError to all {attempts} attempts. Run again with the same "
            "key once it has finished (at most the function's timeout) to get its result, or raise "
            "max_attempts to wait longer"
        )


class EndpointUnreachableError(LambdaInvocationError, ConnectionError):
    """The endpoint could not be reached (refused, DNS, TLS); the request was not delivered."""

    code = "EndpointUnreachable"


class CredentialsError(LambdaInvocationError):
    """No usable AWS credentials, or an unknown profile."""

    code = "CredentialsError"


class BotocoreTooOldError(ValidationError):
    """The installed botocore's Lambda model lacks a parameter the request uses."""

    code = "BotocoreTooOld"

    def __init__(self, field: str, minimum_boto3: str, installed: str) -> None:
        self.minimum_boto3 = minimum_boto3
        self.installed = installed
        super().__init__(field, f"needs boto3 >= {minimum_boto3}; installed: {installed}")


class SdkError(LambdaInvocationError):
    """botocore failed in a way the core has no more specific error for; names its class.

    botocore's own message is not repeated: it can quote request values.
    """

    code = "SdkError"

    def __init__(self, message: str, sdk_error: str) -> None:
        self.sdk_error = sdk_error
        super().__init__(message)


class FunctionError(LambdaInvocationError):
    """The function ran and failed, and the caller asked for failures to raise.

    Names the function, the executed version and the errorType only: the errorMessage,
    stack trace and payload stay in the (secret) result, reachable as ``.result``.
    """

    code = "FunctionError"

    def __init__(
        self,
        function_name: str,
        executed_version: str | None,
        function_error: str,
        error_type: str | None,
        result: object = None,
        http_status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        self.http_status = http_status
        self.request_id = request_id
        self.function_name = function_name
        self.executed_version = executed_version
        self.function_error = function_error
        self.error_type = error_type
        # The InvocationResult; kept off the message and off repr() on purpose.
        self.result = result
        super().__init__(
            f"Lambda function {function_name} (version {executed_version or 'unknown'}) failed: "
            f"{function_error} function error of type {error_type or 'unknown'}; "
            "the error details are in the secret result"
        )


def _codes() -> dict[str, type[LambdaInvocationError]]:
    codes: dict[str, type[LambdaInvocationError]] = {}
    pending: list[type[LambdaInvocationError]] = [LambdaInvocationError]
    while pending:
        cls = pending.pop(0)
        codes.setdefault(cls.code, cls)
        pending.extend(cls.__subclasses__())
    return codes


# Every code of the core's own -> its class (AwsError's "UnknownError" is what it carries
# when AWS's answer had no code). Derived from the classes above; documentation is tested
# against it.
ERROR_CODES = _codes()
