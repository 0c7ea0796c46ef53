# Copyright: Contributors to ephemeral-lambda-invocation and the ephemeral.aws collection
# Licence: see LICENSE and LICENSES/ at the collection root
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
# GENERATED from core/lambda_invocation_core/assume_role.py by scripts/sync_module_utils.py: edit core/, then re-run it.
"""The role chain: a web identity and/or roles assumed in order, through STS.

botocore's own fetchers (AssumeRole, AssumeRoleWithWebIdentity) and refreshable
credentials do the work: each role is assumed on first use with the credentials of the
one before (the web identity's role, else the base credentials), the results are kept in
memory only and refreshed shortly before they expire, under botocore's lock; refreshing a
role refreshes the roles before it when they expire too. The STS clients come from the
session's client factory (``client_factory.py``): the connection's TLS settings, proxies,
timeouts, user agent, STS endpoint and region, and 3 attempts. Every failure is raised as
an error that names the STS operation.
"""

from __future__ import annotations

from typing import Any, Callable

from .credential_calls import credential_error
from .errors import CredentialsError, LambdaInvocationError
from .settings import ConnectionSettings


def role_chain_session(base_session: Any, settings: ConnectionSettings, role_botocore_session: Any) -> Any:
    """``role_botocore_session``, made to sign as the chain's last role.

    ``base_session`` holds the credentials the chain starts from (unused with a web
    identity); ``role_botocore_session`` is a fresh botocore session with the same files,
    profile and client factory as the base session.
    """
    create_client = role_botocore_session.create_client
    identity = settings.web_identity
    if identity is not None:
        credentials = _web_identity_credentials(create_client, identity.role_arn, identity, settings)
    else:
        credentials = base_session.get_credentials()
        if credentials is None:
            raise CredentialsError(
                "role_arn / assume_roles need base credentials to call STS AssumeRole: set "
                "access_key/secret_key, a profile, or the AWS_* environment variables"
            )
    for role in settings.role_chain:
        credentials = _role_credentials(create_client, credentials, role, settings)
    _insert_first(role_botocore_session, credentials)
    region = base_session.get_config_variable("region")
    if region is not None:
        role_botocore_session.set_config_variable("region", region)
    return role_botocore_session


def _role_credentials(create_client: Any, source: Any, role: Any, settings: ConnectionSettings) -> Any:
    from botocore.credentials import AssumeRoleCredentialFetcher

    fetcher = AssumeRoleCredentialFetcher(
        client_creator=create_client,
        source_credentials=source,
        role_arn=role.role_arn,
        extra_args=role.sts_arguments(),
    )
    return _refreshable(fetcher.fetch_credentials, settings)


def _web_identity_credentials(
    create_client: Any, role_arn: str, identity: Any, settings: ConnectionSettings
) -> Any:
    from botocore.credentials import AssumeRoleWithWebIdentityCredentialFetcher

    def token() -> str:
        if identity.token is not None:
            return str(identity.token)
        try:  # read on every refresh: the file is rotated (Kubernetes, GitHub Actions)
            with open(identity.token_file, encoding="utf-8") as handle:
                return handle.read().strip()
        except OSError as exc:
            raise CredentialsError(
                f"web_identity.token_file could not be read ({type(exc).__name__}); STS was not called"
            ) from None

    fetcher = AssumeRoleWithWebIdentityCredentialFetcher(
        client_creator=create_client,
        web_identity_token_loader=token,
        role_arn=role_arn,
        extra_args=identity.sts_arguments(),
    )
    return _refreshable(fetcher.fetch_credentials, settings)


def _refreshable(fetch: Callable[[], dict[str, Any]], settings: ConnectionSettings) -> Any:
    from botocore.credentials import DeferredRefreshableCredentials

    def fetch_credentials() -> dict[str, Any]:
        try:
            return fetch()
        except LambdaInvocationError:
            raise
        except Exception as exc:  # whatever STS or botocore raised: named, never quoted
            raise credential_error(exc, settings) from None

    class RoleCredentials(DeferredRefreshableCredentials):
        # botocore refreshes 15 (advisory) and 10 (mandatory) minutes before expiry,
        # which for a 900-second role session would mean an STS call on every invoke.
        _advisory_refresh_timeout = 120
        _mandatory_refresh_timeout = 60

    return RoleCredentials(refresh_using=fetch_credentials, method="assume-role")


def _insert_first(botocore_session: Any, credentials: Any) -> None:
    from botocore.credentials import CredentialProvider

    class AssumedRoleProvider(CredentialProvider):
        METHOD = "assume-role"
        CANONICAL_NAME = "ephemeral-assume-role"

        def load(self) -> Any:
            return credentials

    # Our credentials first, before the environment's and the profile's.
    botocore_session.get_component("credential_provider").insert_before("env", AssumedRoleProvider())
