"""allowed_account_ids / forbidden_account_ids: which account an Invoke may target.

Checked before the Invoke request is sent. The target account is the one in the
function name when that is a full or partial ARN; for a bare name (or name:qualifier)
it is the caller's own account, which the connection asks STS once and caches; with
``request_account_id`` false (pulumi-aws's skipRequestingAccountId) it is never asked,
and a bare name is refused.
"""

from __future__ import annotations

from typing import Any, Callable

from . import credential_calls
from .errors import AccountNotAllowedError, AwsError, ValidationError
from .log_redaction import invoke_logs_dropped
from .settings import ACCOUNT_ID_RE, ConnectionSettings
from .validation import function_account


def enforce_account_policy(
    function_name: str, settings: ConnectionSettings, caller_account: Callable[[], str]
) -> None:
    """Raise AccountNotAllowedError when the settings refuse the target account."""
    allowed, forbidden = settings.allowed_account_ids, settings.forbidden_account_ids
    if not allowed and not forbidden:
        return
    account = function_account(function_name)
    if account is None:
        if not settings.request_account_id:
            raise ValidationError(
                "function_name",
                "must be a function ARN (it carries the account) when allowed_account_ids or "
                "forbidden_account_ids is set and request_account_id is false: the caller's "
                "account is not asked",
            )
        account = caller_account()
    if allowed and account not in allowed:
        raise AccountNotAllowedError(account, "is not in allowed_account_ids")
    if forbidden and account in forbidden:
        raise AccountNotAllowedError(account, "is in forbidden_account_ids")


def fetch_caller_account(sts_client: Any, settings: ConnectionSettings) -> str:
    """The caller's account id from STS GetCallerIdentity; failures name the call that failed.

    Signing it may fetch credentials first (a profile's role: STS AssumeRole), whose
    answer botocore would log at DEBUG: those records are dropped, as for Invoke.
    """
    with invoke_logs_dropped():
        credential_calls.reset()
        try:
            identity = sts_client.get_caller_identity()
        except Exception as exc:  # whatever STS or botocore raised: named, never quoted
            raise credential_calls.credential_error(exc, settings) from None
    account = identity.get("Account") if isinstance(identity, dict) else None
    if not isinstance(account, str) or not ACCOUNT_ID_RE.fullmatch(account):
        raise AwsError(
            "InvalidResponse",
            None,
            None,
            "STS returned no account id",
            operation="GetCallerIdentity",
            service="STS",
        )
    return account
