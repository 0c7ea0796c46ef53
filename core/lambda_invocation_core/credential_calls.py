"""Which credential call (STS, SSO) failed: every failure is attributed to its operation.

Credentials are fetched lazily, while botocore signs the Invoke request: a profile's
role (``role_arn`` + ``source_profile``), a web identity, SSO, and the core's own role
chain all call STS or SSO from inside ``client.invoke()``. Every client other than
Lambda's records, per thread, the call it is making (``before-call``) and clears it when
an answer came (``after-call``); a failure while a call is pending is that call's, and
an AWS error carries its operation name. So an unreachable STS is never reported as an
unreachable Lambda, nor STS's AccessDenied as Invoke's.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import LambdaInvocationError
from .transport_errors import credential_setup_error, sts_error

if TYPE_CHECKING:  # pragma: no cover
    from .settings import ConnectionSettings

# How each credential service is named in errors.
SERVICE_LABELS = {"sts": "STS", "sso": "SSO", "sso-oidc": "SSO OIDC", "signin": "Sign-In"}


@dataclass(frozen=True)
class CredentialCall:
    label: str  # STS, SSO, ...
    operation: str  # AssumeRole, GetRoleCredentials, ...
    endpoint: str | None


class _Calls(threading.local):
    pending: CredentialCall | None = None
    last: CredentialCall | None = None


_calls = _Calls()


def track(client: Any, service_name: str) -> None:
    """Make ``client`` record its calls (a credential client: STS, SSO, ...)."""
    label = SERVICE_LABELS.get(service_name, service_name.upper())
    endpoint = client.meta.endpoint_url

    def started(model: Any, **_: Any) -> None:
        _calls.pending = _calls.last = CredentialCall(label, model.name, endpoint)

    def answered(**_: Any) -> None:
        _calls.pending = None

    client.meta.events.register("before-call", started)
    client.meta.events.register("after-call", answered)


def reset() -> None:
    """Forget this thread's calls (before an Invoke attempt)."""
    _calls.pending = _calls.last = None


def failed_call_error(exc: Exception, settings: ConnectionSettings) -> LambdaInvocationError | None:
    """The error for ``exc`` when a credential call raised it, else None (Lambda's own failure)."""
    from botocore.exceptions import ClientError

    if isinstance(exc, LambdaInvocationError):
        return exc
    if isinstance(exc, ClientError):
        operation = getattr(exc, "operation_name", None) or "Invoke"
        if operation == "Invoke":
            return None
        last = _calls.last
        label, endpoint = (
            (last.label, last.endpoint) if last and last.operation == operation else ("STS", None)
        )
        return sts_error(exc, operation, endpoint, settings, label)
    pending = _calls.pending
    if pending is None:
        return None
    return sts_error(exc, pending.operation, pending.endpoint, settings, pending.label)


def credential_error(exc: Exception, settings: ConnectionSettings) -> LambdaInvocationError:
    """The error for ``exc`` raised while fetching credentials (a call, or before any)."""
    return failed_call_error(exc, settings) or credential_setup_error(exc)
