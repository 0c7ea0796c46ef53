"""Validated, never-duplicated synchronous AWS Lambda invocation.

Installed as ``lambda_invocation_core``; the Ansible collection carries a generated copy
in ``plugins/module_utils/lambda_invocation_core``. Knows nothing of Pulumi or Ansible.
"""

from __future__ import annotations

from .client import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_READ_TIMEOUT,
    ConnectionSettings,
    clear_client_cache,
    get_client,
)
from .errors import (
    AccountNotAllowedError,
    AwsError,
    BotocoreTooOldError,
    ConnectionLostError,
    CredentialsError,
    DurableExecutionAlreadyStartedError,
    EndpointUnreachableError,
    FunctionError,
    IdempotencyInProgressError,
    InvocationTimeoutError,
    InvocationUncertainError,
    LambdaInvocationError,
    MissingDependencyError,
    RetriesExhaustedError,
    SdkError,
    ThrottledError,
    ValidationError,
)
from .invoke import NOT_RUN_RETRYABLE_CODES, RETRYABLE_CODES, InvocationResult, invoke, send
from .role_settings import AssumeRole, WebIdentity
from .validation import (
    DEFAULT_IDEMPOTENCY_KEY_FIELD,
    LOG_TYPES,
    MAX_CLIENT_CONTEXT_CHARS,
    MAX_PAYLOAD_BYTES,
    InvocationRequest,
    build_request,
    encode_client_context,
    encode_payload,
)

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_IDEMPOTENCY_KEY_FIELD",
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_READ_TIMEOUT",
    "LOG_TYPES",
    "MAX_CLIENT_CONTEXT_CHARS",
    "MAX_PAYLOAD_BYTES",
    "NOT_RUN_RETRYABLE_CODES",
    "RETRYABLE_CODES",
    "AccountNotAllowedError",
    "AssumeRole",
    "AwsError",
    "BotocoreTooOldError",
    "ConnectionLostError",
    "ConnectionSettings",
    "CredentialsError",
    "DurableExecutionAlreadyStartedError",
    "EndpointUnreachableError",
    "FunctionError",
    "IdempotencyInProgressError",
    "InvocationRequest",
    "InvocationResult",
    "InvocationTimeoutError",
    "InvocationUncertainError",
    "LambdaInvocationError",
    "MissingDependencyError",
    "RetriesExhaustedError",
    "SdkError",
    "ThrottledError",
    "ValidationError",
    "WebIdentity",
    "build_request",
    "clear_client_cache",
    "encode_client_context",
    "encode_payload",
    "get_client",
    "invoke",
    "send",
]
