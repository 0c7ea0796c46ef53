"""The boto3 Lambda client: built from explicit settings, cached per process.

Retries are switched off in botocore (``total_max_attempts=1``): its default policy
re-sends a request after a read timeout, a dropped connection or a 5xx, and for Invoke
each of those may run the function again. The core retries by itself, only where
Lambda says the function did not run (see ``invoke.py``).
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import CredentialsError, MissingDependencyError, ValidationError

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_lambda import LambdaClient

# Lambda runs a function for at most 900 s; the margin covers queueing and cold start.
DEFAULT_READ_TIMEOUT = 960.0
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_MAX_ATTEMPTS = 5
USER_AGENT_EXTRA = f"ephemeral-lambda-invocation/{__version__}"


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
        self._validate_role()

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


def _require_positive(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(name, "must be a number of seconds")
    if not 0 < value <= 3600:
        raise ValidationError(name, "must be more than 0 and at most 3600 seconds")


_clients: dict[ConnectionSettings, LambdaClient] = {}
# boto3 sessions are not thread-safe to create clients from; clients are safe to share.
_clients_lock = threading.Lock()


def import_boto3() -> Any:
    try:
        import boto3
    except ImportError:
        raise MissingDependencyError(
            "boto3 is required to invoke Lambda functions: pip install boto3"
        ) from None
    return boto3


def get_client(settings: ConnectionSettings) -> LambdaClient:
    """Return the process-wide Lambda client for these settings, creating it once."""
    client = _clients.get(settings)
    if client is not None:
        return client
    with _clients_lock:
        client = _clients.get(settings)
        if client is None:
            client = _create_client(settings)
            _clients[settings] = client
        return client


def clear_client_cache() -> None:
    with _clients_lock:
        _clients.clear()


def _create_client(settings: ConnectionSettings) -> LambdaClient:
    boto3 = import_boto3()
    from botocore.config import Config
    from botocore.exceptions import NoRegionError, ProfileNotFound

    try:
        session = boto3.session.Session(
            aws_access_key_id=settings.access_key,
            aws_secret_access_key=settings.secret_key,
            aws_session_token=settings.session_token,
            # botocore itself reads only AWS_DEFAULT_REGION; AWS_REGION is what the AWS CLI v2,
            # the other SDKs and Lambda's own runtime set, so it is honoured first.
            region_name=settings.region or os.environ.get("AWS_REGION") or None,
            profile_name=settings.profile,
        )
    except ProfileNotFound:
        raise CredentialsError(
            f"AWS profile '{settings.profile}' was not found in the AWS config or credentials files"
        ) from None
    if settings.role_arn:
        session = _assumed_role_session(session, settings, settings.role_arn)
    config = Config(
        read_timeout=settings.read_timeout,
        connect_timeout=settings.connect_timeout,
        retries={"mode": "standard", "total_max_attempts": 1},
        # Keepalive probes stop NAT gateways from dropping a connection that waits
        # minutes for a long-running function.
        tcp_keepalive=True,
        user_agent_extra=USER_AGENT_EXTRA,
    )
    try:
        client: LambdaClient = session.client(
            "lambda",
            endpoint_url=settings.endpoint_url,
            verify=settings.verify,
            config=config,
        )
    except NoRegionError:
        raise ValidationError(
            "region", "is required: set it, AWS_REGION, AWS_DEFAULT_REGION, or a region in the AWS profile"
        ) from None
    return client


def _assumed_role_session(base_session: Any, settings: ConnectionSettings, role_arn: str) -> Any:
    """A boto3 session that signs with credentials of ``role_arn``, got from ``base_session``.

    botocore's own AssumeRole fetcher and refreshable credentials do the work: STS is
    called on first use, the result is cached in memory only and refreshed shortly
    before it expires, under botocore's lock. The STS endpoint follows the usual
    configuration (AWS_ENDPOINT_URL_STS, the profile's sts endpoint, the regional default).
    """
    import boto3.session
    import botocore.session
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
    fetcher = AssumeRoleCredentialFetcher(
        client_creator=base_session.client,
        source_credentials=source_credentials,
        role_arn=role_arn,
        extra_args=extra_args,
    )

    class RoleCredentials(DeferredRefreshableCredentials):
        # botocore refreshes 15 (advisory) and 10 (mandatory) minutes before expiry,
        # which for a 900-second role session would mean an STS call on every invoke.
        _advisory_refresh_timeout = 120
        _mandatory_refresh_timeout = 60

    credentials = RoleCredentials(refresh_using=fetcher.fetch_credentials, method="assume-role")

    class AssumedRoleProvider(CredentialProvider):
        METHOD = "assume-role"
        CANONICAL_NAME = "ephemeral-assume-role"

        def load(self) -> Any:
            return credentials

    role_botocore_session = botocore.session.get_session()
    role_botocore_session.get_component("credential_provider").insert_before("env", AssumedRoleProvider())
    return boto3.session.Session(botocore_session=role_botocore_session, region_name=base_session.region_name)
