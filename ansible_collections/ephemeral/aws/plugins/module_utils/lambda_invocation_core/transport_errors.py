# Copyright: Contributors to ephemeral-lambda-invocation and the ephemeral.aws collection
# Licence: see LICENSE and LICENSES/ at the collection root
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
# GENERATED from core/lambda_invocation_core/transport_errors.py by scripts/sync_module_utils.py: edit core/, then re-run it.
"""Translating botocore's exceptions into the core's typed errors.

Every BotoCoreError becomes a LambdaInvocationError. Messages are built from the class
name, the endpoint or proxy URL the core configured (userinfo removed) and the settings;
never from botocore's own text, which can quote request values (ParamValidationError's
report does). What a failure means for the function decides the type:

- the request may have reached the function (read timeout, connection closed after
  sending, a response body that broke off mid-read, any other HTTP client failure):
  InvocationUncertainError and subclasses, never retried without an idempotency key
  (the message's retry sentence, ``retry_note``, says which);
- the request was not delivered (TLS, refused, DNS, proxy, connect timeout):
  EndpointUnreachableError;
- STS failures (AssumeRole, GetCallerIdentity) name STS and the operation; no Invoke
  was sent then, so none of them is "may have run".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from .errors import (
    AwsError,
    ConnectionLostError,
    CredentialsError,
    EndpointUnreachableError,
    InvocationTimeoutError,
    InvocationUncertainError,
    LambdaInvocationError,
    SdkError,
    ValidationError,
)
from .proxies import proxy_url_for
from .retry_policy import NOT_RETRIED

if TYPE_CHECKING:  # pragma: no cover
    from .settings import ConnectionSettings

# botocore classes (by name, so that the list works on every botocore release) meaning
# that no usable credentials were found or a profile or config file could not be used.
CREDENTIAL_ERRORS = frozenset(
    {
        "NoCredentialsError",
        "PartialCredentialsError",
        "CredentialRetrievalError",
        "NoAuthTokenError",
        "TokenRetrievalError",
        "UnknownCredentialError",
        "RefreshWithMFAUnsupportedError",
        "ProfileNotFound",
        "ConfigNotFound",
        "ConfigParseError",
        "InvalidConfigError",
        "InfiniteLoopConfigError",
        "MetadataRetrievalError",
        "SSOError",
        "SSOTokenLoadError",
        "UnauthorizedSSOTokenError",
        "PendingAuthorizationExpiredError",
        "LoginError",
        "LoginRefreshRequired",
        "LoginInsufficientPermissions",
        "LoginTokenLoadError",
        "LoginAuthorizationCodeError",
    }
)
# A response body that broke off while being read: the function may have run.
BODY_READ_ERRORS = frozenset({"ResponseStreamingError", "IncompleteReadError"})

_ASSUME_ROLE_HINT = (
    "STS refused to assume role_arn; check the role's trust policy, external_id, and that the "
    "base credentials may call sts:AssumeRole on it"
)
_STS_HINTS = {
    "AssumeRole": _ASSUME_ROLE_HINT,
    "AssumeRoleWithWebIdentity": "STS refused the web identity; check the role's trust policy for the "
    "token's issuer and audience, and that the token has not expired",
    "GetRoleCredentials": "SSO refused the role credentials; run aws sso login for the profile",
    "GetCallerIdentity": "STS refused to say which account the credentials belong to "
    "(needed for allowed_account_ids / forbidden_account_ids)",
}


def safe_url(url: str) -> str:
    """The URL without user name and password (a proxy URL may carry them)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def proxy_for(endpoint: str, settings: ConnectionSettings) -> str:
    """The proxy URL a request to ``endpoint`` went through, as the client chose it."""
    return safe_url(proxy_url_for(endpoint, settings) or "the proxy")


def invoke_error(
    exc: Exception,
    endpoint: str,
    settings: ConnectionSettings,
    *,
    reading_body: bool = False,
    retry_note: str = NOT_RETRIED,
) -> LambdaInvocationError:
    """The typed error for an exception raised while sending Invoke or (``reading_body``) reading its answer.

    Any exception while reading the body, from botocore or not, means the function may have run;
    ``retry_note`` is the sentence of such an error that says whether it was sent again.
    """
    names = _class_names(exc)
    endpoint = safe_url(endpoint)
    if "ReadTimeoutError" in names:
        return InvocationTimeoutError(
            f"no response from {endpoint} within the read timeout of {settings.read_timeout:g} s; "
            f"the function may still be running. {retry_note}; "
            "raise read_timeout for long-running functions"
        )
    if "ConnectionClosedError" in names:
        return ConnectionLostError(
            f"the connection to {endpoint} closed after the request was sent; the function may "
            f"have run. {retry_note}"
        )
    if reading_body or names & BODY_READ_ERRORS:
        return ConnectionLostError(
            f"the response from {endpoint} broke off while being read ({type(exc).__name__}); the "
            f"function may have run. {retry_note}"
        )
    unreachable = _unreachable(exc, names, endpoint, settings, "the request was not sent")
    if unreachable is not None:
        return unreachable
    if "ResponseParserError" in names:
        return InvocationUncertainError(
            f"the answer from {endpoint} could not be parsed ({type(exc).__name__}); the function may "
            f"have run. {retry_note}"
        )
    if "HTTPClientError" in names or "BotoCoreError" not in names:
        # botocore's HTTP client failed, or something outside botocore's own error tree.
        return InvocationUncertainError(
            f"the call to {endpoint} failed ({type(exc).__name__}); the request may have reached "
            f"the function. {retry_note}"
        )
    return _configuration_error(exc, names, "Invoke")


def sts_error(
    exc: Exception, operation: str, endpoint: str | None, settings: ConnectionSettings, service: str = "STS"
) -> LambdaInvocationError:
    """The typed error for a failed credential call (STS AssumeRole, GetCallerIdentity, SSO
    GetRoleCredentials, ...); no Invoke was sent."""
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        code, status, request_id = error_fields(exc.response)
        hint = _STS_HINTS.get(operation, f"{service} refused the call")
        return AwsError(code, status, request_id, hint, operation=operation, service=service)
    names = _class_names(exc)
    endpoint = safe_url(endpoint or f"the {service} endpoint")
    label = f"{service} {operation}"
    unreachable = _unreachable(exc, names, endpoint, settings, "Lambda was not called")
    if unreachable is not None:
        return EndpointUnreachableError(f"{label}: {unreachable}")
    if names & {"ReadTimeoutError", "ConnectionClosedError", "HTTPClientError"}:
        return EndpointUnreachableError(
            f"{label}: no answer from {endpoint} ({type(exc).__name__}); Lambda was not called"
        )
    if "ResponseParserError" in names:
        return SdkError(
            f"{label}: the answer from {endpoint} could not be parsed ({type(exc).__name__}); "
            "Lambda was not called",
            type(exc).__name__,
        )
    if "BotoCoreError" not in names:
        return SdkError(
            f"{label}: failed with {type(exc).__name__}; Lambda was not called", type(exc).__name__
        )
    return _configuration_error(exc, names, label)


def credential_setup_error(exc: Exception) -> LambdaInvocationError:
    """The typed error for an exception raised while fetching credentials, before any call."""
    return _configuration_error(exc, _class_names(exc), "fetching credentials")


def setup_error(exc: Exception) -> LambdaInvocationError:
    """The typed error for an exception raised while making a client (nothing was sent)."""
    return _configuration_error(exc, _class_names(exc), "creating the Lambda client")


def _unreachable(
    exc: Exception, names: frozenset[str], endpoint: str, settings: ConnectionSettings, not_sent: str
) -> EndpointUnreachableError | None:
    if "SSLError" in names:
        return EndpointUnreachableError(
            f"TLS handshake with {endpoint} failed (certificate verification or protocol); "
            f"check validate_certs / the CA bundle; {not_sent}"
        )
    if "ProxyConnectionError" in names:
        proxy = proxy_for(endpoint, settings)
        return EndpointUnreachableError(
            f"could not connect to the proxy {proxy} on the way to {endpoint}; {not_sent}"
        )
    if "ConnectTimeoutError" in names:
        return EndpointUnreachableError(
            f"could not connect to {endpoint} within {settings.connect_timeout:g} s; {not_sent}"
        )
    if "ConnectionError" in names:  # botocore's: EndpointConnectionError and its base
        return EndpointUnreachableError(
            f"could not connect to {endpoint} (connection refused or name not resolved); {not_sent}"
        )
    return None


def _configuration_error(exc: Exception, names: frozenset[str], label: str) -> LambdaInvocationError:
    name = type(exc).__name__
    if names & CREDENTIAL_ERRORS:
        return CredentialsError(
            f"{label}: no usable AWS credentials ({name}): set access_key/secret_key, a profile, or "
            "the AWS_* environment variables, or run where an instance role is available"
        )
    if "NoRegionError" in names:
        return ValidationError(
            "region",
            f"is required ({name}): set it, AWS_REGION, AWS_DEFAULT_REGION, or a region in the AWS profile",
        )
    if names & {"InvalidRegionError", "UnknownRegionError"}:
        return ValidationError("region", f"is not a region name botocore accepts ({name})")
    if "ParamValidationError" in names or "ValidationError" in names:
        return ValidationError(
            "request",
            f"botocore refused the {label} parameters ({name}); its report is withheld because it can "
            "quote values",
        )
    return SdkError(f"{label}: botocore failed with {name}", name)


def _class_names(exc: Exception) -> frozenset[str]:
    # The botocore class and its botocore bases; compared by name so that this module
    # imports no botocore class that an older release lacks.
    return frozenset(cls.__name__ for cls in type(exc).__mro__ if cls.__module__.startswith("botocore"))


def error_fields(response: Any) -> tuple[str, int | None, str | None]:
    """Code, HTTP status and request id of a ClientError's response."""
    error = response.get("Error", {}) if isinstance(response, dict) else {}
    metadata = response.get("ResponseMetadata", {}) if isinstance(response, dict) else {}
    code = str(error.get("Code") or "UnknownError")
    status = metadata.get("HTTPStatusCode")
    request_id = metadata.get("RequestId")
    return code, status if isinstance(status, int) else None, request_id or None
