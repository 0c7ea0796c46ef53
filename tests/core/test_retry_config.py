"""AWS_RETRY_MODE / AWS_MAX_ATTEMPTS and the profile's retry_mode / max_attempts are honoured or refused.

botocore reads them for every client unless the client's Config names its retries, which the
core's always do; retry_config.py reads them instead (never dropped silently).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import lambda_invocation_core as core
from lambda_invocation_core.client import get_connection
from tests.support.assume_role import assume_role_reply
from tests.support.role_profile import profile_settings, role_profile
from tests.support.scripted_lambda import Reply, ScriptedLambda, aws_error


def settings(url: str, tmp_path: Path, profile_lines: str = "", **overrides: Any) -> core.ConnectionSettings:
    config = tmp_path / "config"
    config.write_text(f"[default]\n{profile_lines}")
    values: dict[str, Any] = {
        "region": "us-east-1",
        "access_key": "AKIDEXAMPLE",
        "secret_key": "retry-secret-key",
        "endpoint_url": url,
        "read_timeout": 5.0,
        "connect_timeout": 2.0,
        "shared_config_file": str(config),
        "shared_credentials_file": str(tmp_path / "credentials.absent"),
    }
    values.update(overrides)
    return core.ConnectionSettings(**values)


def invocations(server: ScriptedLambda) -> int:
    return sum("/invocations" in request.path for request in server.requests)


def throttled_invocations(server: ScriptedLambda, given: core.ConnectionSettings) -> int:
    """How many times the core sends an Invoke that Lambda keeps throttling."""
    for _ in range(8):
        server.queue(aws_error("TooManyRequestsException", 429))
    with pytest.raises(core.ThrottledError):
        core.invoke("f", {}, connection=given)
    return invocations(server)


@pytest.mark.parametrize(
    ("environment", "profile_lines", "explicit", "expected"),
    [
        ("2", "", None, 2),  # AWS_MAX_ATTEMPTS
        (None, "max_attempts = 3\n", None, 3),  # the profile's
        ("2", "max_attempts = 3\n", None, 2),  # the environment first, as in botocore
        ("2", "", 3, 3),  # the caller's setting first
    ],
)
def test_configured_max_attempts_bound_the_invoke_retries(
    scripted_lambda: ScriptedLambda,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    environment: str | None,
    profile_lines: str,
    explicit: int | None,
    expected: int,
) -> None:
    if environment is not None:
        monkeypatch.setenv("AWS_MAX_ATTEMPTS", environment)
    given = settings(scripted_lambda.url, tmp_path, profile_lines, max_attempts=explicit)
    assert throttled_invocations(scripted_lambda, given) == expected


def test_without_any_configured_max_attempts_the_core_makes_five(
    scripted_lambda: ScriptedLambda, tmp_path: Path
) -> None:
    assert throttled_invocations(scripted_lambda, settings(scripted_lambda.url, tmp_path)) == 5


@pytest.mark.parametrize(
    ("environment", "profile_lines", "explicit", "expected"),
    [
        ("adaptive", "", None, "adaptive"),  # AWS_RETRY_MODE
        (None, "retry_mode = adaptive\n", None, "adaptive"),  # the profile's
        ("standard", "retry_mode = adaptive\n", None, "standard"),  # the environment first
        ("adaptive", "", "standard", "standard"),  # the caller's setting first
        (None, "", None, "standard"),  # nothing configured
    ],
)
def test_configured_retry_mode_reaches_the_clients(
    scripted_lambda: ScriptedLambda,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    environment: str | None,
    profile_lines: str,
    explicit: str | None,
    expected: str,
) -> None:
    if environment is not None:
        monkeypatch.setenv("AWS_RETRY_MODE", environment)
    connection = get_connection(settings(scripted_lambda.url, tmp_path, profile_lines, retry_mode=explicit))
    lambda_config: Any = connection.client.meta.config
    sts_config: Any = connection.sts_client().meta.config
    # botocore's retries stay off for Invoke in any mode: the core decides.
    assert lambda_config.retries == {"mode": expected, "total_max_attempts": 1}
    assert sts_config.retries == {"mode": expected, "total_max_attempts": 3}


@pytest.mark.parametrize(
    ("variable", "value", "profile_lines", "field"),
    [
        ("AWS_RETRY_MODE", "legacy", "", "retry_mode"),
        ("AWS_RETRY_MODE", "Adaptive", "", "retry_mode"),
        (None, None, "retry_mode = legacy\n", "retry_mode"),
        ("AWS_MAX_ATTEMPTS", "0", "", "max_attempts"),
        ("AWS_MAX_ATTEMPTS", "21", "", "max_attempts"),
        ("AWS_MAX_ATTEMPTS", "three", "", "max_attempts"),
        (None, None, "max_attempts = 2.5\n", "max_attempts"),
    ],
)
def test_configured_values_the_core_cannot_take_are_refused_before_any_request(
    scripted_lambda: ScriptedLambda,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    variable: str | None,
    value: str | None,
    profile_lines: str,
    field: str,
) -> None:
    if variable is not None and value is not None:
        monkeypatch.setenv(variable, value)
    with pytest.raises(core.ValidationError) as refused:
        core.invoke("f", {}, connection=settings(scripted_lambda.url, tmp_path, profile_lines))
    assert refused.value.field == field
    source = (
        "AWS_RETRY_MODE (or the profile's retry_mode)"
        if field == "retry_mode"
        else ("AWS_MAX_ATTEMPTS (or the profile's max_attempts)")
    )
    assert refused.value.rule.startswith(source) and f"or set {field}" in refused.value.rule
    assert scripted_lambda.requests == []
    # The caller's own setting is used instead of the configured one, which is then not read.
    explicit = {"retry_mode": "standard"} if field == "retry_mode" else {"max_attempts": 1}
    scripted_lambda.queue(Reply(body=b'{"ok":1}'))
    given = settings(scripted_lambda.url, tmp_path, profile_lines, **explicit)
    if field == "max_attempts":
        # The configured value is still botocore's for STS and SSO, so it is still refused.
        with pytest.raises(core.ValidationError):
            core.invoke("f", {}, connection=given)
        assert scripted_lambda.requests == []
    else:
        assert core.invoke("f", {}, connection=given).result_json == {"ok": 1}


@pytest.mark.parametrize(("environment", "expected"), [(None, 3), ("2", 2), ("4", 4)])
def test_a_profile_roles_sts_makes_the_configured_attempts(
    scripted_lambda: ScriptedLambda,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    environment: str | None,
    expected: int,
) -> None:
    if environment is not None:
        monkeypatch.setenv("AWS_MAX_ATTEMPTS", environment)
    for _ in range(5):
        scripted_lambda.queue(assume_role_reply(delay=2.0))
    given = profile_settings(
        scripted_lambda.url, role_profile(tmp_path), sts_endpoint_url=scripted_lambda.url, read_timeout=1.0
    )
    with pytest.raises(core.EndpointUnreachableError):
        core.invoke("f", {}, connection=given)
    assert [request.path for request in scripted_lambda.requests] == ["/"] * expected
