"""allowed_account_ids / forbidden_account_ids: which account an Invoke may target.

Checked before the Invoke request is sent. The target account is the one in the
function name when that is a full or partial ARN; for a bare name (or name:qualifier)
it is the caller's own account, which the connection asks STS once and caches.
"""

from __future__ import annotations

from typing import Callable

from .client import ConnectionSettings
from .errors import AccountNotAllowedError
from .validation import function_account


def enforce_account_policy(
    function_name: str, settings: ConnectionSettings, caller_account: Callable[[], str]
) -> None:
    """Raise AccountNotAllowedError when the settings refuse the target account."""
    allowed, forbidden = settings.allowed_account_ids, settings.forbidden_account_ids
    if not allowed and not forbidden:
        return
    account = function_account(function_name) or caller_account()
    if allowed and account not in allowed:
        raise AccountNotAllowedError(account, "is not in allowed_account_ids")
    if forbidden and account in forbidden:
        raise AccountNotAllowedError(account, "is in forbidden_account_ids")
