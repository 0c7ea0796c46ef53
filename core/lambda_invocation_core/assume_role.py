"""Role assumption (STS AssumeRole) with the Lambda client's connection settings.

botocore's own AssumeRole fetcher and refreshable credentials do the work: STS is called
on first use, the result is cached in memory only and refreshed shortly before it
expires, under botocore's lock. botocore would create the STS client with credentials
only; here it gets the Lambda client's TLS settings (verify / CA bundle), proxies,
timeouts and user agent. Its endpoint is sts_endpoint_url, or else the usual
configuration (AWS_ENDPOINT_URL_STS, the profile's sts endpoint, the regional default).
Every STS failure is raised as an error that names STS AssumeRole.
"""

from __future__ import annotations

import functools
from typing import Any

from .errors import CredentialsError, LambdaInvocationError
from .settings import DEFAULT_ROLE_SESSION_NAME, ConnectionSettings
from .transport_errors import sts_error


def assumed_role_session(
    base_session: Any, settings: ConnectionSettings, role_arn: str, config: Any, role_botocore_session: Any
) -> Any:
    """``role_botocore_session``, made to sign with credentials of ``role_arn``.

    ``base_session`` holds the credentials STS is called with; ``config`` is the Lambda
    client's botocore Config; ``role_botocore_session`` is a fresh botocore session with
    the same files and profile as the base session (endpoints, region).
    """
    from botocore.credentials import (
        AssumeRoleCredentialFetcher,
        CredentialProvider,
        DeferredRefreshableCredentials,
    )

    source_credentials = base_session.get_credentials()
    if source_credentials is None:
        raise CredentialsError(
            "role_arn needs base credentials to call STS AssumeRole: set access_key/secret_key, "
            "a profile, or the AWS_* environment variables"
        )
    extra_args: dict[str, Any] = {"RoleSessionName": settings.role_session_name or DEFAULT_ROLE_SESSION_NAME}
    if settings.external_id is not None:
        extra_args["ExternalId"] = settings.external_id
    if settings.role_duration is not None:
        extra_args["DurationSeconds"] = settings.role_duration
    sts_endpoint: list[str] = []  # the URL of the STS client created, to name it in errors

    def create_sts_client(service_name: str, **credentials: Any) -> Any:
        # botocore would create the STS client with credentials only (no verify, no config).
        client = create_client(service_name, **credentials)
        sts_endpoint[:] = [client.meta.endpoint_url]
        return client

    create_client = functools.partial(
        base_session.create_client,
        endpoint_url=settings.sts_endpoint_url,
        verify=settings.verify,
        config=config,
    )
    fetcher = AssumeRoleCredentialFetcher(
        client_creator=create_sts_client,
        source_credentials=source_credentials,
        role_arn=role_arn,
        extra_args=extra_args,
    )

    def fetch_credentials() -> dict[str, Any]:
        try:
            return fetcher.fetch_credentials()
        except LambdaInvocationError:
            raise
        except Exception as exc:  # whatever STS or botocore raised: named, never quoted
            raise sts_error(exc, "AssumeRole", sts_endpoint[0] if sts_endpoint else None, settings) from None

    class RoleCredentials(DeferredRefreshableCredentials):
        # botocore refreshes 15 (advisory) and 10 (mandatory) minutes before expiry,
        # which for a 900-second role session would mean an STS call on every invoke.
        _advisory_refresh_timeout = 120
        _mandatory_refresh_timeout = 60

    credentials = RoleCredentials(refresh_using=fetch_credentials, method="assume-role")

    class AssumedRoleProvider(CredentialProvider):
        METHOD = "assume-role"
        CANONICAL_NAME = "ephemeral-assume-role"

        def load(self) -> Any:
            return credentials

    # Our credentials first, before the environment's and the profile's.
    role_botocore_session.get_component("credential_provider").insert_before("env", AssumedRoleProvider())
    region = base_session.get_config_variable("region")
    if region is not None:
        role_botocore_session.set_config_variable("region", region)
    return role_botocore_session
