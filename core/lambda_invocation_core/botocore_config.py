"""The botocore Config settings a caller may add to the core's own, and those it refuses.

The core builds the client's ``botocore.config.Config`` itself: botocore's retries off,
its timeouts, TCP keepalive, its user agent suffix and proxies. A caller may add any other
Config setting (as amazon.aws's ``aws_config`` passes one), except those that could send an
Invoke request twice or that another field already sets; each refusal says why.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .errors import ValidationError

# Refused, with the reason. Everything in ALLOWED is passed to botocore's Config.
REFUSED = {
    "retries": (
        "botocore's retries re-send an Invoke after a read timeout, a dropped connection or a "
        "5xx, and the function could run twice; the core retries only when Lambda answered that "
        "it did not run the function (max_attempts)"
    ),
    "defaults_mode": (
        "a defaults mode sets botocore's retry mode, which could re-send an Invoke and run the function twice"
    ),
    "region_name": "the region is set by the region field",
    "read_timeout": "set the read_timeout field instead",
    "connect_timeout": "set the connect_timeout field instead",
    "use_dualstack_endpoint": "set the use_dualstack_endpoint field instead (it also applies to STS)",
    "use_fips_endpoint": "set the use_fips_endpoint field instead (it also applies to STS)",
}

# Every other setting of botocore 1.44's Config (tests/core compares this with the installed
# botocore's Config.OPTION_DEFAULTS). user_agent_extra is appended to the core's own suffix;
# proxies are merged under the http_proxy/https_proxy fields; tcp_keepalive=False also drops
# the core's keepalive timers.
ALLOWED = (
    "account_id_endpoint_mode",
    "auth_scheme_preference",
    "client_cert",
    "client_context_params",
    "disable_request_compression",
    "endpoint_discovery_enabled",
    "ignore_configured_endpoint_urls",
    "inject_host_prefix",
    "max_pool_connections",
    "parameter_validation",
    "proxies",
    "proxies_config",
    "request_checksum_calculation",
    "request_min_compression_size_bytes",
    "response_checksum_validation",
    "s3",
    "s3_disable_express_session_auth",
    "sigv4a_signing_region_set",
    "signature_version",
    "tcp_keepalive",
    "user_agent",
    "user_agent_appid",
    "user_agent_extra",
)


def normalize_botocore_config(field: str, value: object) -> tuple[tuple[str, str], ...] | None:
    """``value`` (a mapping of Config settings) as sorted (name, JSON text) pairs, hashable.

    Raises ValidationError naming the setting for a refused or unknown one.
    """
    if value is None:
        return None
    if isinstance(value, tuple) and all(isinstance(item, tuple) and len(item) == 2 for item in value):
        value = {name: json.loads(text) for name, text in value}  # already normalized
    if not isinstance(value, Mapping):
        raise ValidationError(field, "must be a mapping of botocore Config settings")
    pairs = []
    for name in sorted(value):
        where = f"{field}.{name}"
        if name in REFUSED:
            raise ValidationError(where, f"is not supported: {REFUSED[name]}")
        if name not in ALLOWED:
            raise ValidationError(where, "is not a botocore Config setting (botocore.config.Config)")
        try:
            text = json.dumps(value[name], sort_keys=True)
        except (TypeError, ValueError):
            raise ValidationError(where, "must be plain data (mappings, lists, text, numbers)") from None
        pairs.append((name, text))
    return tuple(pairs) or None


def config_settings(normalized: object) -> dict[str, Any]:
    """The Config keyword arguments of a value normalized by normalize_botocore_config()."""
    if not isinstance(normalized, tuple):
        return {}
    return {name: json.loads(text) for name, text in normalized}
