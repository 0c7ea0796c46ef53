# Copyright: Contributors to the ephemeral.aws collection
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0) or, at your option,
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
"""Translation between Ansible options and the shared core, for the module and the lookup.

This file is written for this collection (unlike ``lambda_invocation_core`` beside it, which
is generated from the project's ``core/``). It holds no validation of its own: it maps option
names to the core's arguments, and every rule is enforced by the core.

To add a connection option, add it to ``CONNECTION_OPTIONS`` (option name ->
``ConnectionSettings`` keyword), to ``connection_argument_spec()`` and to both parts of the doc
fragment ``plugins/doc_fragments/aws.py``. To add an invocation option, add it to
``INVOCATION_OPTIONS`` and to the module's and the lookup's own options.
"""

from __future__ import annotations

from typing import Any

from ansible.module_utils.basic import env_fallback
from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core.client import (
    ConnectionSettings,
)
from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core.errors import (
    ValidationError,
)

# Option name -> ConnectionSettings keyword, for options passed through unchanged.
CONNECTION_OPTIONS = {
    "region": "region",
    "profile": "profile",
    "access_key": "access_key",
    "secret_key": "secret_key",
    "session_token": "session_token",
    "endpoint_url": "endpoint_url",
    "read_timeout": "read_timeout",
    # Role assumption: the core calls STS AssumeRole with the credentials above and keeps the
    # temporary credentials in memory only.
    "role_arn": "role_arn",
    "role_session_name": "role_session_name",
    "external_id": "external_id",
    "role_duration": "role_duration",
}

# Invocation option name -> keyword of the core's build_request()/invoke().
INVOCATION_OPTIONS = {
    "payload": "payload",
    "qualifier": "qualifier",
    "client_context": "client_context",
    "log_type": "log_type",
    "tenant_id": "tenant_id",
}

# aws_config keys (botocore.config.Config names) that map onto the core's settings. The
# core builds its own botocore Config (retries off, its own not-run-only retry), so other
# keys are refused rather than silently ignored.
AWS_CONFIG_KEYS = {
    "read_timeout": "read_timeout",
    "connect_timeout": "connect_timeout",
}


def connection_argument_spec() -> dict[str, Any]:
    """The AWS connection options of the module, named and aliased as in amazon.aws."""
    return dict(
        access_key=dict(
            type="str",
            aliases=["aws_access_key_id", "aws_access_key"],
            fallback=(env_fallback, ["AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"]),
            no_log=False,
        ),
        secret_key=dict(
            type="str",
            aliases=["aws_secret_access_key", "aws_secret_key"],
            fallback=(env_fallback, ["AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"]),
            no_log=True,
        ),
        session_token=dict(
            type="str",
            aliases=["aws_session_token"],
            fallback=(env_fallback, ["AWS_SESSION_TOKEN"]),
            no_log=True,
        ),
        profile=dict(
            type="str",
            aliases=["aws_profile"],
            fallback=(env_fallback, ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"]),
        ),
        region=dict(
            type="str",
            aliases=["aws_region"],
            fallback=(env_fallback, ["AWS_REGION", "AWS_DEFAULT_REGION"]),
        ),
        endpoint_url=dict(
            type="str",
            aliases=["aws_endpoint_url"],
            fallback=(env_fallback, ["AWS_URL"]),
        ),
        validate_certs=dict(type="bool", default=True),
        aws_ca_bundle=dict(type="path", fallback=(env_fallback, ["AWS_CA_BUNDLE"])),
        aws_config=dict(type="dict"),
        read_timeout=dict(type="float"),
        role_arn=dict(type="str"),
        role_session_name=dict(type="str"),
        external_id=dict(type="str", no_log=True),
        role_duration=dict(type="int"),
    )


def connection_settings(options: dict[str, Any]) -> ConnectionSettings:
    """Build the core's ConnectionSettings from option values (None = not set).

    Raises the core's ValidationError for a bad combination or value.
    """
    kwargs: dict[str, Any] = {}
    for key, value in (options.get("aws_config") or {}).items():
        if key not in AWS_CONFIG_KEYS:
            raise ValidationError(
                "aws_config",
                "supports only " + ", ".join(sorted(AWS_CONFIG_KEYS)) + f"; '{key}' is not supported "
                "(retries are managed by the collection so that a function never runs twice)",
            )
        kwargs[AWS_CONFIG_KEYS[key]] = value
    for option, keyword in CONNECTION_OPTIONS.items():
        value = options.get(option)
        if value is not None and value != "":
            kwargs[keyword] = value
    if options.get("validate_certs") is False:
        kwargs["verify"] = False
    elif options.get("aws_ca_bundle"):
        kwargs["verify"] = options["aws_ca_bundle"]
    return ConnectionSettings(**kwargs)


def invocation_arguments(options: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments for the core's build_request() from option values."""
    return {keyword: options.get(option) for option, keyword in INVOCATION_OPTIONS.items()}
