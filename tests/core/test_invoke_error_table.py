"""Every error code of Invoke in the installed botocore's Lambda model is known to the core:
whether the function ran, whether it is retried, and a hint of the core's own.

A newer botocore whose model adds an Invoke error fails
``test_every_invoke_error_of_the_model_is_known`` until the code joins
``retry_policy.INVOKE_ERRORS`` (and the README's table).
"""

from __future__ import annotations

import re
from pathlib import Path

import botocore.session
import pytest

import lambda_invocation_core as core
from lambda_invocation_core.retry_policy import (
    HINTS,
    INVOKE_ERRORS,
    NOT_RUN_RETRYABLE_CODES,
    RAN_EARLIER,
    RAN_MAYBE,
    RAN_NO,
    RETRYABLE_CODES,
    THROTTLE_CODES,
)
from tests.support.connection_settings import SettingsFactory
from tests.support.scripted_lambda import Reply, ScriptedLambda, aws_error

SECRET = "s3cr3t-MARKER-51d0"
README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _model_errors() -> dict[str, int]:
    """The installed model's Invoke errors, with the HTTP status the model gives each."""
    operation = botocore.session.get_session().get_service_model("lambda").operation_model("Invoke")
    return {shape.name: int(shape.metadata["error"]["httpStatusCode"]) for shape in operation.error_shapes}


MODEL_ERRORS = _model_errors()

# The Invoke errors added to the model since 2025 (issue 31), as the core treats them:
# (did the function run, retried). All are refused before the handler runs (AWS describes
# each as Lambda failing to set up, mount, provision, or accept the request), except the
# already-started durable execution, which was started by an earlier request.
NEW_IN_2025 = {
    "DurableExecutionAlreadyStartedException": (RAN_EARLIER, False),
    "NoPublishedVersionException": (RAN_NO, False),
    "ModeNotSupportedException": (RAN_NO, False),
    "SerializedRequestEntityTooLargeException": (RAN_NO, False),
    "S3FilesMountFailureException": (RAN_NO, False),
    "S3FilesMountConnectivityException": (RAN_NO, False),
    "S3FilesMountTimeoutException": (RAN_NO, False),
    "CodeArtifactUserPendingException": (RAN_NO, True),  # the one transient state: retried
    "CodeArtifactUserFailedException": (RAN_NO, False),
    "CodeArtifactUserDeletedException": (RAN_NO, False),
    "SnapStartRegenerationFailureException": (RAN_NO, False),
    "ServiceQuotaExceededException": (RAN_NO, False),
}


def test_every_invoke_error_of_the_model_is_known() -> None:
    unknown = sorted(set(MODEL_ERRORS) - set(INVOKE_ERRORS))
    assert unknown == [], f"Invoke errors of botocore's model the core does not know: {unknown}"


def test_the_errors_added_since_2025_are_treated_as_decided() -> None:
    assert set(NEW_IN_2025) <= set(MODEL_ERRORS)
    assert {
        code: (INVOKE_ERRORS[code].ran, INVOKE_ERRORS[code].retried) for code in NEW_IN_2025
    } == NEW_IN_2025


def test_only_not_run_codes_are_retried_and_the_retried_set_is_unchanged() -> None:
    for code, policy in INVOKE_ERRORS.items():
        assert policy.ran in (RAN_NO, RAN_MAYBE, RAN_EARLIER), code
        if policy.retried:
            assert policy.ran == RAN_NO, code
    assert {"TooManyRequestsException"} == THROTTLE_CODES
    assert {
        "ResourceConflictException",
        "ResourceNotReadyException",
        "EC2ThrottledException",
        "ENINotReadyException",
        "SnapStartNotReadyException",
        "CodeArtifactUserPendingException",
    } == NOT_RUN_RETRYABLE_CODES
    assert RETRYABLE_CODES == THROTTLE_CODES | NOT_RUN_RETRYABLE_CODES
    assert core.RETRYABLE_CODES == RETRYABLE_CODES


def test_every_hint_is_the_cores_own_words() -> None:
    assert {code: policy.hint for code, policy in INVOKE_ERRORS.items()} == HINTS
    for code, hint in HINTS.items():
        assert hint and "\n" not in hint and len(hint) < 300, code
        assert code not in hint, code  # the message names the code already


def test_the_new_codes_are_in_the_readmes_error_table() -> None:
    for code in NEW_IN_2025:
        assert re.search(rf"`{code}`", README), code
    assert "`DurableExecutionAlreadyStartedError`" in README


@pytest.mark.parametrize("code", sorted(MODEL_ERRORS))
def test_each_model_error_comes_out_typed_with_its_hint_and_retried_only_when_it_did_not_run(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda, code: str
) -> None:
    status = MODEL_ERRORS[code]
    policy = INVOKE_ERRORS[code]
    # Lambda's message may echo the request: it is never repeated.
    scripted_lambda.queue(*[aws_error(code, status, message=f"echo {SECRET}")] * 2, Reply())
    with pytest.raises(core.AwsError) as caught:
        core.invoke("f", {"p": SECRET}, connection=make_settings(scripted_lambda.url, max_attempts=2))
    error = caught.value
    assert (error.code, error.http_status, error.request_id) == (code, status, "req-42")
    assert policy.hint in error.hint
    assert SECRET not in str(error)
    assert isinstance(error, core.RetriesExhaustedError) is policy.retried
    assert isinstance(error, core.DurableExecutionAlreadyStartedError) is (
        code == "DurableExecutionAlreadyStartedException"
    )
    assert len(scripted_lambda.requests) == (2 if policy.retried else 1)
