"""One set of connection settings for every AWS client the product causes.

The Lambda client, the core's own STS clients (role chain, web identity, the account
guard's GetCallerIdentity) and the clients botocore's credential providers make for
themselves (a profile's ``role_arn`` + ``source_profile``, ``web_identity_token_file``,
SSO) are all made by the botocore session's ``create_client``; :func:`install` replaces
it on the session, so each gets the same settings unless its caller chose otherwise:

- ``verify`` (certificate checks / CA bundle), connect and read timeouts, user agent;
- the endpoint: ``endpoint_url`` for Lambda, ``sts_endpoint_url`` for STS, else the one
  botocore resolves: its FIPS and/or dual-stack endpoint with ``use_fips_endpoint`` /
  ``use_dualstack_endpoint`` (an explicit endpoint URL is used as given); STS in
  ``sts_region`` when set;
- proxies, decided per host by ``proxies.py`` (botocore ignores ``NO_PROXY`` when proxies
  are given explicitly);
- retries: none for Lambda (the core decides, see ``retry_policy.py``); STS and SSO, whose
  calls cannot run a function, get 3 attempts (or ``AWS_MAX_ATTEMPTS``'s); both in the
  retry mode (standard, or adaptive with its client-side rate limiter): ``retry_config.py``.

Every credential client records its calls (``credential_calls.py``), so a failure is
named for the operation that failed. botocore's container and instance-metadata
providers make no botocore client (they use their own HTTP fetchers with fixed
timeouts and no proxy), so none of these settings reach them.
"""

from __future__ import annotations

import inspect
from typing import Any

from . import credential_calls
from ._version import __version__
from .botocore_config import config_settings
from .errors import ValidationError
from .model_support import installed_versions
from .proxies import explicit_proxies, proxies_for
from .retry_config import Retries
from .settings import ConnectionSettings

USER_AGENT_EXTRA = f"ephemeral-lambda-invocation/{__version__}"


class ClientFactory:
    """Makes botocore clients with the connection settings (see the module's docstring)."""

    def __init__(self, settings: ConnectionSettings, retries: Retries) -> None:
        from botocore.config import Config

        self.settings = settings
        # The caller's further botocore Config settings (botocore_config.py), under the core's own.
        extra = config_settings(settings.botocore_config)
        user_agent_extra = " ".join(filter(None, (USER_AGENT_EXTRA, extra.pop("user_agent_extra", None))))
        extra.pop("proxies", None)  # explicit_proxies() has them
        # SO_KEEPALIVE; keepalive.py adds the timers that make probes beat a NAT's idle limit
        # (tcp_keepalive false in botocore_config drops both).
        self.tcp_keepalive = bool(extra.pop("tcp_keepalive", True))
        try:
            base = Config(
                **extra,
                read_timeout=settings.read_timeout,
                connect_timeout=settings.connect_timeout,
                tcp_keepalive=self.tcp_keepalive,
                user_agent_extra=user_agent_extra,
            )
        except TypeError:  # a setting this botocore's Config does not know yet
            raise ValidationError(
                "botocore_config", f"has a setting the installed {installed_versions()} does not know"
            ) from None
        # botocore's retries off for Lambda: the core retries only what did not run.
        mode: Any = retries.mode  # one of RETRY_MODES (retry_config.py)
        self.lambda_config = base.merge(Config(retries={"mode": mode, "total_max_attempts": 1}))
        self.credential_config = base.merge(
            Config(retries={"mode": mode, "total_max_attempts": retries.credential_attempts})
        )
        self.explicit_proxies = explicit_proxies(settings)

    def install(self, botocore_session: Any) -> Any:
        """Make every client of ``botocore_session`` with these settings; returns the session."""
        original = botocore_session.create_client
        signature = inspect.signature(original)

        def create_client(*args: Any, **kwargs: Any) -> Any:
            arguments = signature.bind(*args, **kwargs).arguments
            return self._create(original, arguments)

        botocore_session.create_client = create_client
        return botocore_session

    def _create(self, original: Any, arguments: dict[str, Any]) -> Any:
        from botocore.config import Config

        settings = self.settings
        service = arguments["service_name"]
        if arguments.get("endpoint_url") is None:
            arguments["endpoint_url"] = {
                "lambda": settings.endpoint_url,
                "sts": settings.sts_endpoint_url,
            }.get(service)
        if arguments.get("verify") is None:
            arguments["verify"] = settings.verify
        if service == "sts" and settings.sts_region:
            arguments["region_name"] = settings.sts_region
        config = self.lambda_config if service == "lambda" else self.credential_config
        if arguments["endpoint_url"] is None:
            # Only where botocore resolves the endpoint: its rules refuse FIPS with a custom URL.
            if settings.use_fips_endpoint:
                config = config.merge(Config(use_fips_endpoint=True))
            if settings.use_dualstack_endpoint:
                config = config.merge(Config(use_dualstack_endpoint=True))
        if self.explicit_proxies:
            config = config.merge(Config(proxies=self.explicit_proxies))
        given = arguments.get("config")
        arguments["config"] = config.merge(given) if given is not None else config
        client = original(**arguments)
        proxies = proxies_for(client.meta.endpoint_url, settings)
        if proxies is not None and proxies != (arguments["config"].proxies or {}):
            arguments["config"] = arguments["config"].merge(Config(proxies=proxies))
            client = original(**arguments)
        if service != "lambda":
            credential_calls.track(client, service)
        return client
