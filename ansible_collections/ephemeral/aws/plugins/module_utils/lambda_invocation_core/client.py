# Copyright: Contributors to ephemeral-lambda-invocation and the ephemeral.aws collection
# Licence: see LICENSE and LICENSES/ at the collection root
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
# GENERATED from core/lambda_invocation_core/client.py by scripts/sync_module_utils.py: edit core/, then re-run it.
"""The Lambda client: built with botocore from explicit settings, cached per process.

Retries are switched off in botocore (``total_max_attempts=1``): its default policy
re-sends a request after a read timeout, a dropped connection or a 5xx, and for Invoke
each of those may run the function again. The core retries by itself, only where
Lambda says the function did not run (see ``retry_policy.py``).

The cache is keyed by the settings and by a digest of every environment variable that
botocore (or this module) reads when it makes a client: every ``AWS_*`` variable
(region, profile, config and credentials files, endpoints, CA bundle, credentials, ...),
the proxy variables, and HOME (the folder of the default AWS files). Values are hashed, so
no credential is kept in a printable key. The contents of the AWS config and credentials
files are read once per client: call ``clear_client_cache()`` after editing them in a
long-lived process. A forked child starts with an empty cache. The cache holds at most
``CLIENT_CACHE_SIZE`` clients and drops the least recently used.

The client is made from botocore alone (boto3's Session adds nothing a Lambda client
uses, and importing boto3 costs about 10 ms more); botocore's data is loaded once per
process (warm.py). The settings boto3's Session took (keys, region, profile) are set on
the botocore session as boto3 would.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .account_policy import fetch_caller_account
from .assume_role import role_chain_session
from .client_factory import USER_AGENT_EXTRA, ClientFactory
from .errors import CredentialsError, LambdaInvocationError, MissingDependencyError, ValidationError
from .keepalive import apply_keepalive
from .retry_config import resolve_retries
from .settings import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_ROLE_SESSION_NAME,
    ConnectionSettings,
)
from .transport_errors import setup_error
from .warm import new_session, shared_loader

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_lambda import LambdaClient

__all__ = [
    "CLIENT_CACHE_SIZE",
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_READ_TIMEOUT",
    "DEFAULT_ROLE_SESSION_NAME",
    "USER_AGENT_EXTRA",
    "Connection",
    "ConnectionSettings",
    "clear_client_cache",
    "get_client",
    "get_connection",
    "import_boto3",
    "import_botocore",
]

CLIENT_CACHE_SIZE = 32
# Besides every AWS_* variable: the proxy variables (any case, as urllib and botocore accept
# both) and HOME, which locates the default ~/.aws/config and ~/.aws/credentials.
_OTHER_VARIABLES = frozenset({"http_proxy", "https_proxy", "no_proxy", "all_proxy", "home"})
_OTHER_VARIABLES_ENCODED = frozenset(os.fsencode(name) for name in _OTHER_VARIABLES)


class Connection:
    """A cached Lambda client with what was used to build it, for STS calls with the same settings."""

    def __init__(
        self, settings: ConnectionSettings, session: Any, config: Any, client: LambdaClient, max_attempts: int
    ) -> None:
        self.settings = settings
        self.session = session
        self.config = config
        self.client = client
        # The core's attempts in all for an Invoke Lambda refused without running it.
        self.max_attempts = max_attempts
        self._session_lock = threading.Lock()
        self._account_lock = threading.Lock()
        self._caller_account: str | None = None

    def sts_client(self) -> Any:
        """An STS client with this connection's credentials, endpoint, TLS, proxies and timeouts."""
        with self._session_lock:  # creating clients from one session is not thread-safe
            return self.session.create_client("sts")  # the factory adds the settings (client_factory.py)

    def caller_account(self) -> str:
        """The account the calls are made from; asked of STS once per connection.

        With a role chain (or a web identity) it is the last role's own account, so no
        STS call is made beyond AssumeRole.
        """
        with self._account_lock:  # one STS call even when many threads start at once
            if self._caller_account is None:
                role_arn = self.settings.final_role_arn
                self._caller_account = (
                    role_arn.split(":")[4]
                    if role_arn
                    else fetch_caller_account(self.sts_client(), self.settings)
                )
            return self._caller_account


_connections: OrderedDict[tuple[ConnectionSettings, str], Connection] = OrderedDict()
# Held briefly, for lookups and the LRU order; a cache hit never waits for a client being made.
_cache_lock = threading.Lock()
# One client made at a time, so that threads asking for the same new settings share one.
_create_lock = threading.Lock()


def environment_digest() -> str:
    """A digest of the environment variables that shape a new client (values never kept).

    Computed on every call (a variable may change between two calls). On POSIX it reads the
    encoded mapping behind ``os.environ`` (``os.environ._data``: bytes, the same variables),
    which skips decoding every name: about 50 us instead of 110 us per invocation. Elsewhere,
    or should CPython ever drop it, the public mapping is read; both give the same text.
    """
    data = getattr(os.environ, "_data", None)
    if os.name == "posix" and isinstance(data, dict):
        return hashlib.sha256(_encoded_environment(data)).hexdigest()
    return hashlib.sha256(_decoded_environment(os.environ)).hexdigest()


def _encoded_environment(data: Mapping[bytes, bytes]) -> bytes:
    """The variables (``name=value``, sorted, NUL-separated) from POSIX's bytes mapping."""
    items = sorted(
        (name, value)
        for name, value in data.items()
        if name.startswith(b"AWS_") or name.lower() in _OTHER_VARIABLES_ENCODED
    )
    return b"\0".join(name + b"=" + value for name, value in items)


def _decoded_environment(environ: Mapping[str, str]) -> bytes:
    """The same text from the public mapping."""
    names = sorted(name for name in environ if name.startswith("AWS_") or name.lower() in _OTHER_VARIABLES)
    text = "\0".join(f"{name}={environ.get(name, '')}" for name in names)
    return text.encode("utf-8", "surrogateescape")


def import_botocore() -> Any:
    """botocore.session, or MissingDependencyError naming the package to install (boto3 brings botocore)."""
    try:
        import botocore.session
    except ImportError:
        raise MissingDependencyError(
            "boto3 is required to invoke Lambda functions: pip install boto3"
        ) from None
    return botocore.session


# The name before the client was built from botocore alone.
import_boto3 = import_botocore


def get_connection(settings: ConnectionSettings) -> Connection:
    """Return the process-wide connection for these settings and environment, creating it once."""
    key = (settings, environment_digest())
    connection = _cached(key)
    if connection is not None:
        return connection
    with _create_lock:
        connection = _cached(key)
        if connection is None:
            connection = _create_connection(settings)
            with _cache_lock:
                _connections[key] = connection
                if len(_connections) > CLIENT_CACHE_SIZE:
                    _connections.popitem(last=False)
        return connection


def _cached(key: tuple[ConnectionSettings, str]) -> Connection | None:
    with _cache_lock:
        connection = _connections.get(key)
        if connection is not None:
            _connections.move_to_end(key)
        return connection


def get_client(settings: ConnectionSettings) -> LambdaClient:
    """Return the process-wide Lambda client for these settings, creating it once."""
    return get_connection(settings).client


def clear_client_cache() -> None:
    with _cache_lock:
        _connections.clear()


def _forget_clients_after_fork() -> None:
    # A forked child (an Ansible worker, a multiprocessing pool) must not share the parent's
    # pooled connections: it starts with an empty cache. New locks, not the inherited ones,
    # which another thread of the parent may have held at the moment of the fork.
    global _cache_lock, _create_lock
    _cache_lock = threading.Lock()
    _create_lock = threading.Lock()
    _connections.clear()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_forget_clients_after_fork)


def _create_connection(settings: ConnectionSettings) -> Connection:
    import_botocore()
    from botocore.exceptions import (
        ConfigNotFound,
        ConfigParseError,
        NoRegionError,
        ProfileNotFound,
    )

    try:
        session = _botocore_session(settings)
        retries = resolve_retries(settings, session)  # AWS_RETRY_MODE / AWS_MAX_ATTEMPTS honoured
        factory = ClientFactory(settings, retries)
        session = factory.install(session)
        # What boto3's Session did with these settings: explicit keys replace the chain.
        if settings.access_key or settings.secret_key or settings.session_token:
            session.set_credentials(settings.access_key, settings.secret_key, settings.session_token)
        # botocore itself reads only AWS_DEFAULT_REGION; AWS_REGION is what the AWS CLI v2,
        # the other SDKs and Lambda's own runtime set, so it is honoured first.
        region = settings.region or os.environ.get("AWS_REGION")
        if region:
            session.set_config_variable("region", region)
        if not settings.instance_metadata:
            _without_instance_metadata(session)
        if settings.role_chain or settings.web_identity is not None:
            session = role_chain_session(session, settings, factory.install(_botocore_session(settings)))
        # endpoint_url, verify and the Config (timeouts, no retries, proxies) come from the factory.
        client: LambdaClient = session.create_client("lambda")
        if factory.tcp_keepalive:
            apply_keepalive(client)
    except ProfileNotFound as exc:
        raise CredentialsError(
            f"AWS profile '{exc.kwargs.get('profile')}' was not found in the AWS config or credentials files"
        ) from None
    except (ConfigNotFound, ConfigParseError) as exc:
        raise CredentialsError(
            f"the AWS config or credentials file could not be read ({type(exc).__name__})"
        ) from None
    except NoRegionError:
        raise ValidationError(
            "region", "is required: set it, AWS_REGION, AWS_DEFAULT_REGION, or a region in the AWS profile"
        ) from None
    except LambdaInvocationError:
        raise
    except Exception as exc:  # any other botocore failure (or its ValueError for a bad URL)
        raise setup_error(exc) from None
    return Connection(settings, session, factory.lambda_config, client, retries.invoke_attempts)


def _without_instance_metadata(session: Any) -> None:
    """botocore's default credential chain on ``session``, less its instance-metadata link."""
    from botocore.credentials import create_credential_resolver

    resolver = create_credential_resolver(session, region_name=session.get_config_variable("region"))
    resolver.remove("iam-role")  # InstanceMetadataProvider.METHOD
    session.register_component("credential_provider", resolver)


def _botocore_session(settings: ConnectionSettings) -> Any:
    """A botocore session reading the profile from the configured files, on the shared data loader."""
    import_botocore()
    session = new_session()
    if settings.shared_config_file is not None:
        session.set_config_variable("config_file", settings.shared_config_file)
    if settings.shared_credentials_file is not None:
        session.set_config_variable("credentials_file", settings.shared_credentials_file)
    if settings.profile is not None:
        session.set_config_variable("profile", settings.profile)
    if settings.sts_region is not None:
        # STS in that region: botocore before 1.36 would send legacy regions' calls to the global endpoint.
        session.set_config_variable("sts_regional_endpoints", "regional")
    session.register_component("data_loader", shared_loader(session.get_config_variable("data_path")))
    return session
