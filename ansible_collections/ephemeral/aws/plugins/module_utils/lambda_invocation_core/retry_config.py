# Copyright: Contributors to ephemeral-lambda-invocation and the ephemeral.aws collection
# Licence: see LICENSE and LICENSES/ at the collection root
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
# GENERATED from core/lambda_invocation_core/retry_config.py by scripts/sync_module_utils.py: edit core/, then re-run it.
"""A connection's retry mode and attempt counts: the caller's, else the AWS configuration's.

botocore reads ``AWS_RETRY_MODE`` / ``AWS_MAX_ATTEMPTS`` (or the profile's ``retry_mode`` /
``max_attempts``) for every client it makes, unless the client's Config names its retries.
The core's clients always name them (none for Invoke: the core decides, see
``retry_policy.py``), so those settings would be silently dropped; they are read here
instead and honoured, or refused with the reason:

- ``retry_mode``: the caller's, else the environment's or the profile's, else standard.
  A configured mode the core does not take (botocore's ``legacy``) is a ValidationError.
- ``max_attempts``: the caller's, for the core's Invoke retries (calls Lambda refused
  without running the function). Unset, the environment's or the profile's value, which
  means attempts in all for every call, as in botocore: the core's Invoke retries and
  botocore's STS/SSO retries; else 5 for Invoke and 3 (botocore's default) for STS/SSO.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from .errors import ValidationError
from .settings import DEFAULT_MAX_ATTEMPTS, MAX_ATTEMPTS_LIMIT, RETRY_MODES, ConnectionSettings

# Attempts in all for a credential call (STS, SSO): botocore's standard mode default.
CREDENTIAL_CALL_ATTEMPTS = 3
# botocore's configuration variables behind each setting: (environment variable, profile key).
_SOURCES = {
    "retry_mode": ("AWS_RETRY_MODE", "retry_mode"),
    "max_attempts": ("AWS_MAX_ATTEMPTS", "max_attempts"),
}


@dataclass(frozen=True)
class Retries:
    """How one connection retries."""

    mode: str
    # The core's attempts in all for an Invoke that Lambda refused without running it.
    invoke_attempts: int
    # botocore's attempts in all for an STS or SSO call (they cannot run a function).
    credential_attempts: int


def resolve_retries(settings: ConnectionSettings, session: Any) -> Retries:
    """The retries for ``settings``, reading what they leave unset from ``session``'s profile.

    May raise botocore's ProfileNotFound / ConfigParseError (reading the profile), which
    the caller turns into its own errors.
    """
    mode = settings.retry_mode
    if mode is None:
        mode = _configured(session, "retry_mode") or "standard"
        if mode not in RETRY_MODES:
            raise ValidationError(
                "retry_mode",
                "AWS_RETRY_MODE (or the profile's retry_mode) must be one of "
                f"{', '.join(RETRY_MODES)}, the modes the core takes: change it, or set retry_mode",
            )
    configured = _configured(session, "max_attempts")
    attempts = None if configured is None else _attempts(configured)
    invoke_attempts = settings.max_attempts if settings.max_attempts is not None else attempts
    return Retries(
        mode=mode,
        invoke_attempts=DEFAULT_MAX_ATTEMPTS if invoke_attempts is None else invoke_attempts,
        credential_attempts=CREDENTIAL_CALL_ATTEMPTS if attempts is None else attempts,
    )


def _configured(session: Any, name: str) -> str | None:
    """The environment's value, else the profile's, as botocore would read it; None when unset."""
    variable, key = _SOURCES[name]
    value = os.environ.get(variable)
    if value is None:
        value = session.get_scoped_config().get(key)
    return None if value is None else str(value).strip()


def _attempts(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_ATTEMPTS_LIMIT:
        raise ValidationError(
            "max_attempts",
            "AWS_MAX_ATTEMPTS (or the profile's max_attempts) must be a whole number between 1 and "
            f"{MAX_ATTEMPTS_LIMIT}: change it, or set max_attempts",
        )
    return value
