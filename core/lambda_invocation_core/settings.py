"""ConnectionSettings: how to reach Lambda and STS, validated when built.

Every rule names the field it checks; nothing here talks to AWS.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .botocore_config import normalize_botocore_config
from .errors import ValidationError

# Lambda runs a function for at most 900 s; the margin covers queueing and cold start.
DEFAULT_READ_TIMEOUT = 960.0
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_MAX_ATTEMPTS = 5


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
    # More botocore Config settings (a mapping), as botocore_config.py allows; kept as sorted
    # (name, JSON text) pairs. Hidden from repr(): proxies may carry a password.
    botocore_config: Mapping[str, Any] | tuple[tuple[str, str], ...] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.profile and (self.access_key or self.secret_key or self.session_token):
            raise ValidationError(
                "profile",
                "cannot be combined with access_key, secret_key or session_token, whether given or "
                "read from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN where the "
                "caller reads them (the Ansible options do): unset those, or drop profile",
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
        _require_url("endpoint_url", self.endpoint_url)
        _require_url("sts_endpoint_url", self.sts_endpoint_url)
        _require_url("http_proxy", self.http_proxy)
        _require_url("https_proxy", self.https_proxy)
        _require_path("shared_credentials_file", self.shared_credentials_file)
        _require_path("shared_config_file", self.shared_config_file)
        self._validate_accounts()
        self._validate_role()
        object.__setattr__(
            self, "botocore_config", normalize_botocore_config("botocore_config", self.botocore_config)
        )

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
ACCOUNT_ID_RE = re.compile(r"\d{12}")


def _require_url(name: str, value: object) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise ValidationError(name, "must start with http:// or https://")
    try:
        host = urlsplit(value).hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket; the message would quote the URL
        host = None
    if not host:
        raise ValidationError(name, "must be a URL with a host name (http[s]://host[:port])")


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
        if not isinstance(account_id, str) or not ACCOUNT_ID_RE.fullmatch(account_id):
            raise ValidationError(name, "each entry must be a 12-digit AWS account id")
    return ids or None


def _require_positive(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(name, "must be a number of seconds")
    if not 0 < value <= 3600:
        raise ValidationError(name, "must be more than 0 and at most 3600 seconds")
