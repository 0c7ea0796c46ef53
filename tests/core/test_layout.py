"""The core's split by concern keeps every public name importable from where it was."""

from __future__ import annotations

import importlib

import pytest

import lambda_invocation_core as core

# Public names of the modules before the split (core/lambda_invocation_core at fe0b7d7).
NAMES_BEFORE_THE_SPLIT = {
    "client": [
        "DEFAULT_READ_TIMEOUT",
        "DEFAULT_CONNECT_TIMEOUT",
        "DEFAULT_MAX_ATTEMPTS",
        "USER_AGENT_EXTRA",
        "ConnectionSettings",
        "DEFAULT_ROLE_SESSION_NAME",
        "import_boto3",
        "get_client",
        "clear_client_cache",
    ],
    "invoke": [
        "THROTTLE_CODES",
        "NOT_RUN_RETRYABLE_CODES",
        "RETRYABLE_CODES",
        "BACKOFF_BASE_SECONDS",
        "BACKOFF_CAP_SECONDS",
        "InvocationResult",
        "invoke",
        "send",
    ],
    "errors": [
        "LambdaInvocationError",
        "ValidationError",
        "MissingDependencyError",
        "AwsError",
        "ThrottledError",
        "InvocationUncertainError",
        "InvocationTimeoutError",
        "ConnectionLostError",
        "EndpointUnreachableError",
        "CredentialsError",
        "FunctionError",
    ],
}


@pytest.mark.parametrize(
    ("module", "name"), [(module, name) for module, names in NAMES_BEFORE_THE_SPLIT.items() for name in names]
)
def test_old_public_names_stay_importable(module: str, name: str) -> None:
    assert hasattr(importlib.import_module(f"lambda_invocation_core.{module}"), name)


def test_every_package_export_exists() -> None:
    missing = [name for name in core.__all__ if not hasattr(core, name)]
    assert missing == []


def test_throttled_error_is_the_429_case_of_retries_exhausted() -> None:
    assert issubclass(core.ThrottledError, core.RetriesExhaustedError)
    assert issubclass(core.RetriesExhaustedError, core.AwsError)
