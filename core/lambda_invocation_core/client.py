"""The boto3 Lambda client: built from explicit settings, cached per process.

Retries are switched off in botocore (``total_max_attempts=1``): its default policy
re-sends a request after a read timeout, a dropped connection or a 5xx, and for Invoke
each of those may run the function again. The core retries by itself, only where
Lambda says the function did not run (see ``invoke.py``).
"""

from __future__ import annotations

import functools
import os
import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import AwsError, CredentialsError, MissingDependencyError, ValidationError

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_lambda import LambdaClient

# Lambda runs a function for at most 900 s; the margin covers queueing and cold start.
DEFAULT_READ_TIMEOUT = 960.0
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_MAX_ATTEMPTS = 5
USER_AGENT_EXTRA = "ephemeral-lambda-invocation/0.1.0"


@dataclass(frozen=True)
class ConnectionSettings:
    """How to reach Lambda. Anything left None falls back to boto3's default chain.

    Credentials are excluded from ``repr()`` so that a settings object can be logged.
    """

    region: str | None = None
    profile: str | None = None
    access_key: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)
    session_token: str | None = field(default=None, repr=False)
    endpoint_url: str | None = None
    # True/False for certificate verification, or the path of a CA bundle.
    verify: bool | str | None = None
    read_timeout: float = DEFAULT_READ_TIMEOUT
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    # Attempts in all for calls Lambda refused without running the function.
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    # Invoke with a role assumed through STS from the credentials above (or the default
    # chain). The temporary credentials live in memory only, refreshed before expiry.
    role_arn: str | None = None
    role_session_name: str | None = None
    external_id: str | None = field(default=None, repr=False)
    role_duration: int | None = None
    # STS endpoint for AssumeRole and GetCallerIdentity (otherwise AWS_ENDPOINT_URL_STS,
    # the profile, or the regional default).
    sts_endpoint_url: str | None = None
    # Proxies for Lambda and STS. Hidden from repr(): a proxy URL may carry a password.
    http_proxy: str | None = field(default=None, repr=False)
    https_proxy: str | None = field(default=None, repr=False)
    # Files to read the profile from (botocore's credentials_file / config_file).
    shared_credentials_file: str | None = None
    shared_config_file: str | None = None
    # Refuse to invoke in any other account (allowed) or in these accounts (forbidden),
    # checked before the Invoke request is sent. An empty sequence means not set.
    allowed_account_ids: tuple[str, ...] | None = None
    forbidden_account_ids: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.profile and (self.access_key or self.secret_key or self.session_token):
            raise ValidationError(
                "profile", "cannot be combined with access_key, secret_key or session_token"
            )
        if bool(self.access_key) != bool(self.secret_key):
            raise ValidationError("access_key", "and secret_key must be given together")
        if self.session_token and not self.access_key:
            raise ValidationError("session_token", "needs access_key and secret_key")
        _require_positive("read_timeout", self.read_timeout)
        _require_positive("connect_timeout", self.connect_timeout)
        if isinstance(self.max_attempts, bool) or not isinstance(self.max_attempts, int):
            raise ValidationError("max_attempts", "must be a whole number")
        if not 1 <= self.max_attempts <= 20:
            raise ValidationError("max_attempts", "must be between 1 and 20")
        if self.endpoint_url is not None and not self.endpoint_url.startswith(("http://", "https://")):
            raise ValidationError("endpoint_url", "must start with http:// or https://")
        _require_url("sts_endpoint_url", self.sts_endpoint_url)
        _require_url("http_proxy", self.http_proxy)
        _require_url("https_proxy", self.https_proxy)
        _require_path("shared_credentials_file", self.shared_credentials_file)
        _require_path("shared_config_file", self.shared_config_file)
        self._validate_accounts()
        self._validate_role()

    def _validate_accounts(self) -> None:
        for name in ACCOUNT_ID_FIELDS:
            # Normalized to a tuple (hashable: the settings are the client cache's key).
            object.__setattr__(self, name, _account_ids(name, getattr(self, name)))
        if self.allowed_account_ids and self.forbidden_account_ids:
            raise ValidationError("allowed_account_ids", "cannot be combined with forbidden_account_ids")

    def _validate_role(self) -> None:
        if self.role_arn is None:
            for name in ("role_session_name", "external_id", "role_duration"):
                if getattr(self, name) is not None:
                    raise ValidationError(name, "needs role_arn")
            return
        if not isinstance(self.role_arn, str) or not _ROLE_ARN_RE.fullmatch(self.role_arn):
            raise ValidationError(
                "role_arn", "must be an IAM role ARN: arn:<partition>:iam::<12-digit account>:role/<name>"
            )
        if self.role_session_name is not None and not _SESSION_NAME_RE.fullmatch(self.role_session_name):
            raise ValidationError("role_session_name", "must be 2 to 64 characters of [A-Za-z0-9+=,.@_-]")
        if self.external_id is not None and not _EXTERNAL_ID_RE.fullmatch(self.external_id):
            raise ValidationError("external_id", "must be 2 to 1224 characters of [A-Za-z0-9+=,.@:/_-]")
        duration = self.role_duration
        if duration is not None and (
            isinstance(duration, bool) or not isinstance(duration, int) or not 900 <= duration <= 43200
        ):
            raise ValidationError("role_duration", "must be a whole number of seconds from 900 to 43200")


# Patterns of STS AssumeRole's RoleArn, RoleSessionName and ExternalId.
_ROLE_ARN_RE = re.compile(r"arn:aws[a-zA-Z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")
_SESSION_NAME_RE = re.compile(r"[\w+=,.@-]{2,64}")
_EXTERNAL_ID_RE = re.compile(r"[\w+=,.@:/-]{2,1224}")
DEFAULT_ROLE_SESSION_NAME = "ephemeral-lambda-invocation"


ACCOUNT_ID_FIELDS = ("allowed_account_ids", "forbidden_account_ids")
_ACCOUNT_ID_RE = re.compile(r"\d{12}")


def _require_url(name: str, value: object) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise ValidationError(name, "must be a URL starting with http:// or https://")


def _require_path(name: str, value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        raise ValidationError(name, "must be a non-empty file path")


def _account_ids(name: str, value: object) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list, frozenset, set)):
        raise ValidationError(name, "must be a list of 12-digit AWS account ids")
    ids = tuple(value)
    for account_id in ids:
        if not isinstance(account_id, str) or not _ACCOUNT_ID_RE.fullmatch(account_id):
            raise ValidationError(name, "each entry must be a 12-digit AWS account id")
    return ids or None


def _require_positive(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(name, "must be a number of seconds")
    if not 0 < value <= 3600:
        raise ValidationError(name, "must be more than 0 and at most 3600 seconds")


class Connection:
    """A cached Lambda client with what was used to build it, for STS calls with the same settings."""

    def __init__(self, settings: ConnectionSettings, session: Any, config: Any, client: LambdaClient) -> None:
        self.settings = settings
        self.session = session
        self.config = config
        self.client = client
        self._lock = threading.Lock()
        self._account_lock = threading.Lock()
        self._caller_account: str | None = None

    def sts_client(self) -> Any:
        """An STS client with this connection's credentials, endpoint, TLS, proxies and timeouts."""
        with self._lock:  # creating clients from one session is not thread-safe
            return self.session.client(
                "sts",
                endpoint_url=self.settings.sts_endpoint_url,
                verify=self.settings.verify,
                config=self.config,
            )

    def caller_account(self) -> str:
        """The account the calls are made from; STS GetCallerIdentity once per connection.

        With role_arn the account is the role's own (the assumed session's account), so
        no STS call is needed beyond AssumeRole.
        """
        with self._account_lock:  # one STS call even when many threads start at once
            if self._caller_account is None:
                role_arn = self.settings.role_arn
                self._caller_account = role_arn.split(":")[4] if role_arn else _get_caller_identity(self)
            return self._caller_account


def _get_caller_identity(connection: Connection) -> str:
    from botocore.exceptions import BotoCoreError, ClientError

    from .transport_errors import sts_error

    sts = connection.sts_client()
    try:
        identity = sts.get_caller_identity()
    except (BotoCoreError, ClientError) as exc:
        raise sts_error(exc, "GetCallerIdentity", sts.meta.endpoint_url, connection.settings) from None
    account = identity.get("Account") if isinstance(identity, dict) else None
    if not isinstance(account, str) or not _ACCOUNT_ID_RE.fullmatch(account):
        raise AwsError(
            "InvalidResponse", None, None, "STS returned no account id", operation="GetCallerIdentity"
        )
    return account


_connections: dict[ConnectionSettings, Connection] = {}
# boto3 sessions are not thread-safe to create clients from; clients are safe to share.
_connections_lock = threading.Lock()


def import_boto3() -> Any:
    try:
        import boto3
    except ImportError:
        raise MissingDependencyError(
            "boto3 is required to invoke Lambda functions: pip install boto3"
        ) from None
    return boto3


def get_connection(settings: ConnectionSettings) -> Connection:
    """Return the process-wide connection for these settings, creating it once."""
    connection = _connections.get(settings)
    if connection is not None:
        return connection
    with _connections_lock:
        connection = _connections.get(settings)
        if connection is None:
            connection = _create_connection(settings)
            _connections[settings] = connection
        return connection


def get_client(settings: ConnectionSettings) -> LambdaClient:
    """Return the process-wide Lambda client for these settings, creating it once."""
    return get_connection(settings).client


def clear_client_cache() -> None:
    with _connections_lock:
        _connections.clear()


def _create_connection(settings: ConnectionSettings) -> Connection:
    boto3 = import_boto3()
    from botocore.config import Config
    from botocore.exceptions import ConfigNotFound, ConfigParseError, NoRegionError, ProfileNotFound

    try:
        botocore_session = _botocore_session(settings)
        session = boto3.session.Session(
            aws_access_key_id=settings.access_key,
            aws_secret_access_key=settings.secret_key,
            aws_session_token=settings.session_token,
            # botocore itself reads only AWS_DEFAULT_REGION; AWS_REGION is what the AWS CLI v2,
            # the other SDKs and Lambda's own runtime set, so it is honoured first.
            region_name=settings.region or os.environ.get("AWS_REGION") or None,
            botocore_session=botocore_session,
            profile_name=settings.profile,
        )
        config = Config(
            read_timeout=settings.read_timeout,
            connect_timeout=settings.connect_timeout,
            retries={"mode": "standard", "total_max_attempts": 1},
            # Keepalive probes stop NAT gateways from dropping a connection that waits
            # minutes for a long-running function.
            tcp_keepalive=True,
            user_agent_extra=USER_AGENT_EXTRA,
            proxies=_proxies(settings),
        )
        if settings.role_arn:
            session = _assumed_role_session(session, settings, settings.role_arn, config)
        client: LambdaClient = session.client(
            "lambda",
            endpoint_url=settings.endpoint_url,
            verify=settings.verify,
            config=config,
        )
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
    return Connection(settings, session, config, client)


def _botocore_session(settings: ConnectionSettings) -> Any:
    """A botocore session reading the profile from the configured files."""
    import botocore.session

    session = botocore.session.Session()
    if settings.shared_config_file is not None:
        session.set_config_variable("config_file", settings.shared_config_file)
    if settings.shared_credentials_file is not None:
        session.set_config_variable("credentials_file", settings.shared_credentials_file)
    if settings.profile is not None:
        session.set_config_variable("profile", settings.profile)
    return session


def _proxies(settings: ConnectionSettings) -> dict[str, str] | None:
    proxies = {
        scheme: url for scheme, url in (("http", settings.http_proxy), ("https", settings.https_proxy)) if url
    }
    return proxies or None


def _assumed_role_session(base_session: Any, settings: ConnectionSettings, role_arn: str, config: Any) -> Any:
    """A boto3 session that signs with credentials of ``role_arn``, got from ``base_session``.

    botocore's own AssumeRole fetcher and refreshable credentials do the work: STS is
    called on first use, the result is cached in memory only and refreshed shortly
    before it expires, under botocore's lock. The STS client gets the Lambda client's
    TLS settings, proxies, timeouts and user agent; its endpoint is sts_endpoint_url, or
    else the usual configuration (AWS_ENDPOINT_URL_STS, the profile's sts endpoint, the
    regional default). Every STS failure is raised as an error that names STS AssumeRole.
    """
    import boto3.session
    from botocore.credentials import (
        AssumeRoleCredentialFetcher,
        CredentialProvider,
        DeferredRefreshableCredentials,
    )
    from botocore.exceptions import BotoCoreError, ClientError

    from .transport_errors import sts_error

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
        base_session.client, endpoint_url=settings.sts_endpoint_url, verify=settings.verify, config=config
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
        except (BotoCoreError, ClientError) as exc:
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

    # Same files and profile as the base session (endpoints, region); our credentials first.
    role_botocore_session = _botocore_session(settings)
    role_botocore_session.get_component("credential_provider").insert_before("env", AssumedRoleProvider())
    return boto3.session.Session(botocore_session=role_botocore_session, region_name=base_session.region_name)
