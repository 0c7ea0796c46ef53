# Copyright: Contributors to ephemeral-lambda-invocation and the ephemeral.aws collection
# Licence: see LICENSE and LICENSES/ at the collection root
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
# GENERATED from core/lambda_invocation_core/settings.py by scripts/sync_module_utils.py: edit core/, then re-run it.
"""ConnectionSettings: how to reach Lambda and STS, validated when built.

Every rule names the field it checks; nothing here talks to AWS.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .botocore_config import normalize_botocore_config
from .errors import ValidationError
from .role_settings import DEFAULT_ROLE_SESSION_NAME, AssumeRole, WebIdentity

__all__ = ["DEFAULT_ROLE_SESSION_NAME", "AssumeRole", "ConnectionSettings", "WebIdentity"]

# Lambda runs a function for at most 900 s; the margin covers queueing and cold start.
DEFAULT_READ_TIMEOUT = 960.0
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_MAX_ATTEMPTS = 5
MAX_ATTEMPTS_LIMIT = 20
# The settings that are true or false.
FLAG_FIELDS = ("use_fips_endpoint", "use_dualstack_endpoint", "instance_metadata", "request_account_id")
# botocore's retry modes the core takes ("legacy" would retry an Invoke itself).
RETRY_MODES = ("standard", "adaptive")


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
    # Attempts in all for calls Lambda refused without running the function. None:
    # AWS_MAX_ATTEMPTS or the profile's max_attempts, else 5 (retry_config.py).
    max_attempts: int | None = None
    # botocore's retry mode for every client: "standard", or "adaptive", which adds its
    # client-side rate limiter (it paces the core's own retries after throttling). Either
    # way botocore re-sends no Invoke: the core decides (retry_policy.py). None:
    # AWS_RETRY_MODE or the profile's retry_mode, else standard (retry_config.py).
    retry_mode: str | None = None
    # False leaves the EC2 instance metadata service out of botocore's credential chain
    # (pulumi-aws's skipMetadataApiCheck); container credentials stay.
    instance_metadata: bool = True
    # Invoke with a role assumed through STS from the credentials above (or the default
    # chain). The temporary credentials live in memory only, refreshed before expiry.
    # role_arn (with role_session_name, external_id, role_duration) is the one-role
    # shorthand of assume_roles; give one or the other.
    role_arn: str | None = None
    role_session_name: str | None = None
    external_id: str | None = field(default=None, repr=False)
    role_duration: int | None = None
    # Roles assumed in order, each with the credentials of the one before; the first with
    # the web identity's role when web_identity is set, else with the base credentials.
    assume_roles: Sequence[AssumeRole] | None = None
    web_identity: WebIdentity | None = None
    # STS endpoint for AssumeRole and GetCallerIdentity (otherwise AWS_ENDPOINT_URL_STS,
    # the profile, or the regional default).
    sts_endpoint_url: str | None = None
    # Proxies for Lambda and STS. Hidden from repr(): a proxy URL may carry a password.
    http_proxy: str | None = field(default=None, repr=False)
    https_proxy: str | None = field(default=None, repr=False)
    # Hosts that bypass the proxies: NO_PROXY's syntax (comma-separated names, domain
    # suffixes, host:port, "*"); otherwise NO_PROXY / no_proxy from the environment.
    no_proxy: str | None = None
    # Endpoints botocore resolves (not endpoint_url / sts_endpoint_url, used as given) are
    # its FIPS and/or dual-stack ones; sts_region is the region of every STS call.
    use_fips_endpoint: bool = False
    use_dualstack_endpoint: bool = False
    sts_region: str | None = None
    # Files to read the profile from (botocore's credentials_file / config_file).
    shared_credentials_file: str | None = None
    shared_config_file: str | None = None
    # Refuse to invoke in any other account (allowed) or in these accounts (forbidden),
    # checked before the Invoke request is sent. An empty sequence means not set.
    allowed_account_ids: tuple[str, ...] | None = None
    forbidden_account_ids: tuple[str, ...] | None = None
    # False: never ask STS for the caller's account (pulumi-aws's skipRequestingAccountId);
    # with account ids set, the function must then be named by its ARN.
    request_account_id: bool = True
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
        if self.max_attempts is not None:
            if isinstance(self.max_attempts, bool) or not isinstance(self.max_attempts, int):
                raise ValidationError("max_attempts", "must be a whole number")
            if not 1 <= self.max_attempts <= MAX_ATTEMPTS_LIMIT:
                raise ValidationError("max_attempts", f"must be between 1 and {MAX_ATTEMPTS_LIMIT}")
        _require_url("endpoint_url", self.endpoint_url)
        _require_url("sts_endpoint_url", self.sts_endpoint_url)
        _require_url("http_proxy", self.http_proxy)
        _require_url("https_proxy", self.https_proxy)
        if self.no_proxy is not None and not isinstance(self.no_proxy, str):
            raise ValidationError(
                "no_proxy", "must be a comma-separated list of host names (NO_PROXY's syntax)"
            )
        if self.retry_mode is not None and self.retry_mode not in RETRY_MODES:
            raise ValidationError("retry_mode", f"must be one of {', '.join(RETRY_MODES)}")
        for name in FLAG_FIELDS:
            if not isinstance(getattr(self, name), bool):
                raise ValidationError(name, "must be true or false")
        if self.sts_region is not None and (
            not isinstance(self.sts_region, str) or not _REGION_RE.fullmatch(self.sts_region)
        ):
            raise ValidationError("sts_region", "must be a region name such as us-east-1")
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
        else:
            if self.assume_roles:
                raise ValidationError(
                    "role_arn", "cannot be combined with assume_roles (it is its one-entry form)"
                )
            self.role_chain[0].validate(_LEGACY_ROLE_FIELDS.__getitem__)
        roles = self.assume_roles
        if roles is not None:
            if isinstance(roles, (list, AssumeRole)):
                roles = tuple(roles) if isinstance(roles, list) else (roles,)
                object.__setattr__(self, "assume_roles", roles)
            if not isinstance(roles, tuple) or not all(isinstance(role, AssumeRole) for role in roles):
                raise ValidationError("assume_roles", "must be a list of AssumeRole entries")
            for index, role in enumerate(roles):
                role.validate(lambda name, index=index: f"assume_roles[{index}].{name}")
            object.__setattr__(self, "assume_roles", roles or None)
        if self.web_identity is not None:
            if not isinstance(self.web_identity, WebIdentity):
                raise ValidationError("web_identity", "must be a WebIdentity")
            self.web_identity.validate(lambda name: f"web_identity.{name}")

    @property
    def role_chain(self) -> tuple[AssumeRole, ...]:
        """The roles to assume in order (role_arn and its fields are the one-entry form)."""
        if self.role_arn is not None:
            return (AssumeRole(self.role_arn, self.role_session_name, self.external_id, self.role_duration),)
        return tuple(self.assume_roles or ())

    @property
    def final_role_arn(self) -> str | None:
        """The role the Invoke is signed as: the chain's last, else the web identity's."""
        chain = self.role_chain
        if chain:
            return chain[-1].role_arn
        return self.web_identity.role_arn if self.web_identity is not None else None


# The one-entry form's field names, for its errors.
_LEGACY_ROLE_FIELDS = {
    "role_arn": "role_arn",
    "session_name": "role_session_name",
    "external_id": "external_id",
    "duration": "role_duration",
    "policy": "role_arn",
    "policy_arns": "role_arn",
    "tags": "role_arn",
    "transitive_tag_keys": "role_arn",
    "source_identity": "role_arn",
}
_REGION_RE = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")


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
