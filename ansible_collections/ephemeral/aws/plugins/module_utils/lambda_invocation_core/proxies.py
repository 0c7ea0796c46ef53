# Copyright: Contributors to ephemeral-lambda-invocation and the ephemeral.aws collection
# Licence: see LICENSE and LICENSES/ at the collection root
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
# GENERATED from core/lambda_invocation_core/proxies.py by scripts/sync_module_utils.py: edit core/, then re-run it.
"""Which proxy a request goes through: one answer for the clients and for their errors.

The proxies given explicitly are ``botocore_config``'s ``proxies`` under the
``http_proxy`` / ``https_proxy`` settings. botocore honours ``NO_PROXY`` only for the
proxies it reads from the environment, so the core decides per host: a host listed in
``no_proxy`` (else the environment's ``NO_PROXY``) goes direct. Without explicit proxies
and without a ``no_proxy`` setting, botocore's own choice (the environment's proxies and
``NO_PROXY``) stands.
"""

from __future__ import annotations

import os
import urllib.request
from urllib.parse import urlsplit

from .botocore_config import config_settings
from .settings import ConnectionSettings


def explicit_proxies(settings: ConnectionSettings) -> dict[str, str]:
    """The proxies the settings give, scheme -> URL ({} when they give none)."""
    given = config_settings(settings.botocore_config).get("proxies")
    proxies = dict(given) if isinstance(given, dict) else {}
    for scheme, url in (("http", settings.http_proxy), ("https", settings.https_proxy)):
        if url:
            proxies[scheme] = url
    return proxies


def proxies_for(url: str, settings: ConnectionSettings) -> dict[str, str] | None:
    """The proxies for requests to ``url`` ({} for none), or None to leave botocore's choice."""
    explicit = explicit_proxies(settings)
    no_proxy = settings.no_proxy
    if not explicit and no_proxy is None:
        return None
    if no_proxy is None:
        no_proxy = os.environ.get("no_proxy") or os.environ.get("NO_PROXY") or ""
    proxies = explicit or {
        scheme: proxy for scheme, proxy in urllib.request.getproxies().items() if scheme in ("http", "https")
    }
    netloc = urlsplit(url).netloc.rsplit("@", 1)[-1]
    # The standard library's NO_PROXY matching (names, domain suffixes, host:port, "*").
    bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
    if no_proxy and bypass(netloc, {"no": no_proxy}):
        return {}
    return proxies


def proxy_url_for(url: str, settings: ConnectionSettings) -> str | None:
    """The proxy URL a request to ``url`` goes through, None when it goes direct."""
    proxies = proxies_for(url, settings)
    if proxies is None:  # botocore's choice: the environment's, less its NO_PROXY hosts
        netloc = urlsplit(url).netloc.rsplit("@", 1)[-1]
        if urllib.request.proxy_bypass_environment(netloc):  # type: ignore[attr-defined]
            return None
        proxies = urllib.request.getproxies()
    return proxies.get(urlsplit(url).scheme or "https")
