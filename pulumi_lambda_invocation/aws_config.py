"""The stack's pulumi-aws configuration (``aws:*`` keys) as the core's connection settings.

A stack that deploys with pulumi-aws already says where and as whom to call AWS; both
forms honour the same keys, with pulumi-aws's names and shapes. The provider reads them
from ``configure()`` (in Pulumi's provider host), ``invoke()`` through
``pulumi.Config("aws")`` (in the program); both call :func:`stack_settings`.

Translation only: shapes are unpacked (a structured value may arrive as an object or as
its JSON text), nothing is judged. Every rule about the values, and the account guard,
are the core's. Static credentials (``aws:accessKey``/``aws:secretKey``/``aws:token``)
are read when the provider runs and are never written anywhere: the provider's pickled
form (``__provider``) carries no state at all.
"""

from __future__ import annotations

import contextvars
import json
import math
import os
import re
import threading
import types
from collections.abc import Callable, Mapping
from typing import Any

import pulumi
import pulumi.runtime.config

import lambda_invocation_core as core

ConfigGetter = Callable[[str], Any]
"""Reads one key of the ``aws`` namespace (``"region"`` for ``aws:region``); None if unset."""

# pulumi-aws key -> ConnectionSettings field, for keys whose value is one plain string.
TEXT_SETTINGS: Mapping[str, str] = {
    "region": "region",
    "profile": "profile",
    "customCaBundle": "verify",
    "httpProxy": "http_proxy",
    "httpsProxy": "https_proxy",
    "noProxy": "no_proxy",
    "stsRegion": "sts_region",
    "retryMode": "retry_mode",
}
# Secret configuration: static credentials.
CREDENTIAL_KEYS: Mapping[str, str] = {
    "accessKey": "access_key",
    "secretKey": "secret_key",
    "token": "session_token",
}
# The stack's credentials, which an explicit profile input replaces (the web identity too).
CREDENTIAL_SETTINGS = (*CREDENTIAL_KEYS.values(), "web_identity")
# Lists of files, of which the core takes one each.
FILE_LIST_SETTINGS: Mapping[str, str] = {
    "sharedCredentialsFiles": "shared_credentials_file",
    "sharedConfigFiles": "shared_config_file",
}
ACCOUNT_LIST_SETTINGS: Mapping[str, str] = {
    "allowedAccountIds": "allowed_account_ids",
    "forbiddenAccountIds": "forbidden_account_ids",
}
# Each entry of aws:assumeRoles (every key pulumi-aws takes) -> core.AssumeRole fields.
ROLE_KEYS: Mapping[str, str] = {
    "roleArn": "role_arn",
    "sessionName": "session_name",
    "externalId": "external_id",
    "duration": "duration",
    "policy": "policy",
    "policyArns": "policy_arns",
    "tags": "tags",
    "transitiveTagKeys": "transitive_tag_keys",
    "sourceIdentity": "source_identity",
}
# aws:assumeRoleWithWebIdentity (every key pulumi-aws takes) -> core.WebIdentity fields.
WEB_IDENTITY_KEYS: Mapping[str, str] = {
    "roleArn": "role_arn",
    "sessionName": "session_name",
    "webIdentityToken": "token",
    "webIdentityTokenFile": "token_file",
    "duration": "duration",
    "policy": "policy",
    "policyArns": "policy_arns",
}
# The stack's settings that an explicit role_arn input replaces (the chain).
ROLE_SETTINGS = ("assume_roles",)
# Flags and plain strings about where the calls go.
FLAG_SETTINGS: Mapping[str, str] = {
    "useFipsEndpoint": "use_fips_endpoint",
    "useDualstackEndpoint": "use_dualstack_endpoint",
}
# Flags that skip something when true: the field is then False.
SKIP_FLAG_SETTINGS: Mapping[str, str] = {
    "skipMetadataApiCheck": "instance_metadata",
    "skipRequestingAccountId": "request_account_id",
}
# aws:endpoints entry keys -> ConnectionSettings fields.
ENDPOINT_KEYS: Mapping[str, str] = {"lambda": "endpoint_url", "sts": "sts_endpoint_url"}

HONOURED_KEYS = (
    *TEXT_SETTINGS,
    *CREDENTIAL_KEYS,
    *FILE_LIST_SETTINGS,
    *ACCOUNT_LIST_SETTINGS,
    *FLAG_SETTINGS,
    *SKIP_FLAG_SETTINGS,
    "maxRetries",
    "userAgents",
    "assumeRoles",
    "assumeRole",
    "assumeRoleWithWebIdentity",
    "endpoints",
    "insecure",
)
"""Every ``aws:*`` key honoured (the README's table lists the same)."""

# Keys of pulumi-aws that change nothing about an invocation, and why (the README's table
# lists the same; tests/pulumi checks that these, the honoured and the refused keys cover
# every key of the installed pulumi-aws).
NO_EFFECT_KEYS: Mapping[str, str] = {
    "defaultTags": "an invocation creates and tags no resource",
    "ignoreTags": "an invocation creates and tags no resource",
    "tagPolicyCompliance": "an invocation creates and tags no resource",
    "s3UsePathStyle": "S3 addressing; no S3 call is made",
    "s3UsEast1RegionalEndpoint": "S3 addressing; no S3 call is made",
    "skipCredentialsValidation": "the core makes no call to check the credentials before invoking",
    "skipRegionValidation": "the core checks a region's form only, never against a list of regions",
    "tokenBucketRateLimiterCapacity": (
        "no retry quota to size: each invocation makes at most aws:maxRetries attempts, "
        "and one that may have run is never sent again"
    ),
}

# Keys that change where credentials come from, which the core has no setting for: refused
# by name (never silently dropped), with what to do instead.
REFUSED_KEYS: Mapping[str, str] = {
    "ec2MetadataServiceEndpoint": (
        "set the AWS_EC2_METADATA_SERVICE_ENDPOINT environment variable instead (botocore reads it)"
    ),
    "ec2MetadataServiceEndpointMode": (
        "set the AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE environment variable instead (botocore reads it)"
    ),
}


def stack_settings(get: ConfigGetter) -> dict[str, Any]:
    """ConnectionSettings keyword arguments from the stack's ``aws:*`` keys (only those set)."""
    settings: dict[str, Any] = {}
    for key, instead in REFUSED_KEYS.items():
        if get(key) not in (None, ""):
            raise core.ValidationError(f"aws:{key}", f"is not supported here: {instead}")
    for key, field in (*TEXT_SETTINGS.items(), *CREDENTIAL_KEYS.items()):
        value = get(key)
        if value is not None and value != "":
            settings[field] = value
    for key, field in FILE_LIST_SETTINGS.items():
        files = _text_list(key, get(key))
        if len(files) > 1:
            raise core.ValidationError(f"aws:{key}", "must name at most one file here")
        if files:
            settings[field] = os.path.expanduser(files[0])
    for key, field in ACCOUNT_LIST_SETTINGS.items():
        accounts = _text_list(key, get(key))
        if accounts:
            settings[field] = tuple(accounts)
    if "verify" in settings:
        settings["verify"] = os.path.expanduser(settings["verify"])
    if _flag("insecure", get("insecure")):
        settings["verify"] = False
    for key, field in FLAG_SETTINGS.items():
        if _flag(key, get(key)):
            settings[field] = True
    for key, field in SKIP_FLAG_SETTINGS.items():
        if _flag(key, get(key)):
            settings[field] = False
    retries = get("maxRetries")
    if retries is not None and retries != "":
        settings["max_attempts"] = _max_retries(retries)
    agents = _text_list("userAgents", get("userAgents"))
    if agents:
        settings["botocore_config"] = {"user_agent_extra": " ".join(agents)}
    settings.update(_endpoints(get("endpoints")))
    roles = _assume_roles(get("assumeRoles"), get("assumeRole"))
    if roles:
        settings["assume_roles"] = roles
    identity = _entries("assumeRoleWithWebIdentity", get("assumeRoleWithWebIdentity"))
    if len(identity) > 1:
        raise core.ValidationError("aws:assumeRoleWithWebIdentity", "must be one object")
    if identity:
        settings["web_identity"] = core.WebIdentity(
            **_entry("assumeRoleWithWebIdentity", identity[0], WEB_IDENTITY_KEYS)
        )
    return settings


def program_stack_settings() -> Mapping[str, Any]:
    """:func:`stack_settings` of the program's own configuration (``pulumi.Config("aws")``).

    Reading the keys through the SDK costs about 0.15 ms (each unset key is looked up in the
    environment too), some 7 % of a local invocation; a loop of ``invoke()`` calls reads
    them once. The memo holds while the values the SDK would read are the same: its key is
    every honoured key's raw value in the SDK's configuration map and its two environment
    fallbacks (``PULUMI_CONFIG`` and ``PULUMI_CONFIG_AWS_<KEY>``), about 20 us (see
    :func:`_environment_values`). Without that map (another SDK version), every call reads the keys afresh.
    """
    global _memo
    fingerprint = _fingerprint()
    memo = _memo
    if fingerprint is not None and memo is not None:
        memo_fingerprint, memo_settings = memo
        if memo_fingerprint == fingerprint:
            return memo_settings
    settings = types.MappingProxyType(stack_settings(pulumi.Config("aws").get))
    if fingerprint is not None:
        with _memo_lock:
            _memo = (fingerprint, settings)
    return settings


_FULL_KEYS = tuple(f"aws:{key}" for key in (*HONOURED_KEYS, *REFUSED_KEYS))
# The SDK's own names for the per-key environment fallbacks (PULUMI_CONFIG_AWS_REGION ...).
_env_key = getattr(pulumi.runtime.config, "get_config_env_key", None)
_ENV_KEYS = tuple(_env_key(key) for key in _FULL_KEYS) if callable(_env_key) else None
_ENV_NAMES = (*(_ENV_KEYS or ()), "PULUMI_CONFIG")
_ENV_KEYS_ENCODED = tuple(os.fsencode(name) for name in _ENV_NAMES)
_memo: tuple[tuple[Any, ...], Mapping[str, Any]] | None = None
_memo_lock = threading.Lock()


def _fingerprint() -> tuple[Any, ...] | None:
    config_map = getattr(pulumi.runtime.config, "CONFIG", None)
    if _ENV_KEYS is None or not isinstance(config_map, contextvars.ContextVar):
        return None
    values = config_map.get()
    if not isinstance(values, Mapping):
        return None
    return (tuple(map(values.get, _FULL_KEYS)), _environment_values())


def _environment_values() -> tuple[Any, ...]:
    """The values of the SDK's environment fallbacks (None where unset), for the memo's key.

    ``os.environ.get()`` of an unset variable costs about 10 us (a KeyError inside), 17 of
    them a sixth of a local invocation. On POSIX the encoded mapping behind ``os.environ``
    (``os.environ._data``, bytes keys, the same values) answers in C; elsewhere, or should
    CPython ever drop it, the public mapping is read.
    """
    data = getattr(os.environ, "_data", None)
    if os.name == "posix" and isinstance(data, dict):
        return _encoded_environment_values(data)
    return _decoded_environment_values(os.environ)


def _encoded_environment_values(data: Mapping[bytes, bytes]) -> tuple[bytes | None, ...]:
    return tuple(map(data.get, _ENV_KEYS_ENCODED))


def _decoded_environment_values(environ: Mapping[str, str]) -> tuple[str | None, ...]:
    return tuple(map(environ.get, _ENV_NAMES))


def _structured(key: str, value: Any) -> Any:
    """An object as it is, or the object a JSON text stands for."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise core.ValidationError(f"aws:{key}", "must be valid JSON text or an object") from None
    return value


def _text_list(key: str, value: Any) -> list[str]:
    """A list of strings, given as a list, its JSON text or (for one item) a plain string."""
    if value is None or value == "":
        return []
    if isinstance(value, str) and not value.lstrip().startswith("["):
        return [value]
    items = _structured(key, value)
    if not isinstance(items, list):
        raise core.ValidationError(f"aws:{key}", "must be a list")
    return [_text(key, item) for item in items]


def _text(key: str, item: Any) -> str:
    # YAML turns an unquoted account id into a number; Pulumi's wire format into a float.
    if isinstance(item, float) and item.is_integer():
        item = int(item)
    if isinstance(item, bool) or not isinstance(item, (str, int)):
        raise core.ValidationError(f"aws:{key}", "must be a list of strings")
    return str(item)


def _max_retries(value: Any) -> int:
    """aws:maxRetries, in pulumi-aws's words "the maximum number of times an AWS API request is
    being executed": the core's max_attempts (for calls Lambda refused without running)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    limit = core.settings.MAX_ATTEMPTS_LIMIT
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
        raise core.ValidationError("aws:maxRetries", f"must be a whole number from 1 to {limit} here")
    return value


def _flag(key: str, value: Any) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise core.ValidationError(f"aws:{key}", "must be true or false")


def _endpoints(value: Any) -> dict[str, Any]:
    """aws:endpoints: a list of maps ({lambda: URL, sts: URL, ...}) or one map."""
    if value is None or value == "":
        return {}
    document = _structured("endpoints", value)
    entries = document if isinstance(document, list) else [document]
    found: dict[str, Any] = {}
    for entry in entries:
        if not isinstance(entry, Mapping):
            raise core.ValidationError("aws:endpoints", "must be a list of maps of service to URL")
        for service, field in ENDPOINT_KEYS.items():
            url = entry.get(service)
            if url is not None and url != "":
                found[field] = url
    return found


def _assume_roles(roles: Any, role: Any) -> tuple[core.AssumeRole, ...]:
    """aws:assumeRoles, every entry in order; or pulumi-aws v6's single aws:assumeRole."""
    entries = _entries("assumeRoles", roles)
    single = _entries("assumeRole", role)
    if entries and single:
        raise core.ValidationError("aws:assumeRole", "cannot be combined with aws:assumeRoles")
    key = "assumeRoles" if entries else "assumeRole"
    return tuple(
        core.AssumeRole(**_entry(f"{key}[{index}]", entry, ROLE_KEYS))
        for index, entry in enumerate(entries or single)
    )


def _entries(key: str, value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    document = _structured(key, value)
    return document if isinstance(document, list) else [document]


def _entry(name: str, entry: Any, keys: Mapping[str, str]) -> dict[str, Any]:
    """The core's fields of one role entry; a key the core has no field for is refused by name."""
    if not isinstance(entry, Mapping) or "roleArn" not in entry:
        raise core.ValidationError(f"aws:{name}", "must be an object with roleArn")
    found: dict[str, Any] = {}
    for key, item in entry.items():
        if key not in keys:
            raise core.ValidationError(
                f"aws:{name}.{key}",
                f"is not supported here (supported: {', '.join(keys)}); nothing was called",
            )
        if item is not None and item != "" and item != [] and item != {}:
            found[keys[key]] = item
    if "duration" in found:
        found["duration"] = duration_seconds(found["duration"], f"aws:{name}.duration")
    for key, field in (("policyArns", "policy_arns"), ("transitiveTagKeys", "transitive_tag_keys")):
        if field in found:
            found[field] = tuple(_text_list(f"{name}.{key}", found[field]))
    return found


_GO_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_GO_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def duration_seconds(value: Any, field: str = "aws:assumeRoles") -> Any:
    """A session duration in seconds: from a Go duration text (``"1h"``, ``"15m"``,
    ``"1h30m"``, as pulumi-aws takes it), digits (``"3600"``) or a number.

    A whole number of seconds becomes an int; anything else is passed on as it is for the
    core to judge (``role_duration``: a whole number of seconds from 900 to 43200).
    """
    seconds: Any = value
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            seconds = int(text)
        elif text and _GO_DURATION_PART.sub("", text) == "":
            seconds = sum(float(n) * _GO_UNITS[unit] for n, unit in _GO_DURATION_PART.findall(text))
        else:
            raise core.ValidationError(field, "must be a Go duration such as 1h or 15m, or seconds")
    if isinstance(seconds, float) and math.isfinite(seconds) and seconds.is_integer():
        return int(seconds)
    return seconds
