# Copyright: Contributors to the ephemeral.aws collection
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0) or, at your option,
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
"""Translation between Ansible options and the shared core, for the module and the lookup.

This file is written for this collection (unlike ``lambda_invocation_core`` beside it, which
is generated from the project's ``core/``). It holds no validation of its own: it maps option
names to the core's arguments, and every rule is enforced by the core.

``OPTIONS`` below declares every option of the module and of the lookup once: its type,
aliases, environment variables (in order of preference), Ansible variable, default, no_log and
where its value goes in the core. The module's argument spec (``argument_spec()``), the
lookup's variables (``PLUGIN_VARIABLES``), the option -> core keyword maps and the unit tests'
list of environment variables are derived from it.

To add an option:

1. add an ``_option(...)`` line to ``OPTIONS`` (this file);
2. document it in the same words where ansible-doc reads the documentation, which must stay
   YAML text: a connection option in both parts of ``plugins/doc_fragments/aws.py`` (list its
   ``env`` entries in the PLUGINS part in increasing order of preference: Ansible takes the
   last one set), an invocation option in ``DOCUMENTATION`` of ``plugins/modules/lambda_invocation.py``
   and of ``plugins/lookup/lambda_invocation.py``;
3. add a changelog fragment.

``tests/ansible/test_option_declaration.py`` (at the project root) fails when the documentation
that ansible-doc shows for the module or the lookup disagrees with ``OPTIONS`` (names, aliases,
environment variables and their order, Ansible variables, types, defaults, required, no_log).
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

from ansible.module_utils.basic import env_fallback
from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core.client import (
    ConnectionSettings,
)
from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core.errors import (
    ValidationError,
)
from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core.validation import (
    DEFAULT_IDEMPOTENCY_KEY_FIELD,
)

# Where an option's value goes.
FUNCTION = "function"  # the function to invoke (the module's function_name; the lookup's terms)
INVOCATION = "invocation"  # a keyword of the core's build_request()/invoke()
CONNECTION = "connection"  # a ConnectionSettings keyword, or translated by connection_settings()
BEHAVIOUR = "behaviour"  # read by the plugin itself (fail_on_function_error, result_format)

MODULE = "module"
LOOKUP = "lookup"

Option = namedtuple(
    "Option", "name type group keyword plugins aliases env var default required no_log choices"
)


def _option(
    name,
    type,  # pylint: disable=redefined-builtin
    group,
    keyword=None,
    plugins=(MODULE, LOOKUP),
    aliases=(),
    env=(),
    var=None,
    default=None,
    required=False,
    no_log=None,
    choices=None,
):
    """One option. ``env`` is in order of preference (the first one set wins); ``var`` is the
    Ansible variable the lookup reads; ``no_log`` None means not declared."""
    return Option(name, type, group, keyword, plugins, aliases, env, var, default, required, no_log, choices)


OPTIONS = (
    _option(
        "function_name", "str", FUNCTION, plugins=(MODULE,), aliases=("name", "function_arn"), required=True
    ),
    _option("payload", "raw", INVOCATION, "payload", required=True),
    _option("client_context", "raw", INVOCATION, "client_context"),
    _option("log_type", "str", INVOCATION, "log_type", default="None"),
    _option("qualifier", "str", INVOCATION, "qualifier", aliases=("version_qualifier",)),
    _option("tenant_id", "str", INVOCATION, "tenant_id"),
    # Not secret (no_log false), but the core never puts the key into a message.
    _option("idempotency_key", "str", INVOCATION, "idempotency_key", no_log=False),
    _option(
        "idempotency_key_field",
        "str",
        INVOCATION,
        "idempotency_key_field",
        default=DEFAULT_IDEMPOTENCY_KEY_FIELD,
        no_log=False,
    ),
    _option("fail_on_function_error", "bool", BEHAVIOUR, default=True),
    _option(
        "result_format", "str", BEHAVIOUR, plugins=(LOOKUP,), default="text", choices=("text", "json", "full")
    ),
    # The AWS connection options, named, aliased and read from the environment as in amazon.aws.
    _option(
        "access_key",
        "str",
        CONNECTION,
        "access_key",
        aliases=("aws_access_key_id", "aws_access_key"),
        env=("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"),
        var="aws_access_key_id",
        no_log=False,
    ),
    _option(
        "secret_key",
        "str",
        CONNECTION,
        "secret_key",
        aliases=("aws_secret_access_key", "aws_secret_key"),
        env=("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"),
        var="aws_secret_access_key",
        no_log=True,
    ),
    _option(
        "session_token",
        "str",
        CONNECTION,
        "session_token",
        aliases=("aws_session_token",),
        env=("AWS_SESSION_TOKEN",),
        var="aws_session_token",
        no_log=True,
    ),
    _option(
        "profile",
        "str",
        CONNECTION,
        "profile",
        aliases=("aws_profile",),
        env=("AWS_PROFILE", "AWS_DEFAULT_PROFILE"),
        var="aws_profile",
    ),
    _option(
        "region",
        "str",
        CONNECTION,
        "region",
        aliases=("aws_region",),
        env=("AWS_REGION", "AWS_DEFAULT_REGION"),
        var="aws_region",
    ),
    _option(
        "endpoint_url",
        "str",
        CONNECTION,
        "endpoint_url",
        aliases=("aws_endpoint_url",),
        env=("AWS_URL",),
        var="aws_endpoint_url",
    ),
    # validate_certs, aws_ca_bundle and aws_config are translated by connection_settings().
    _option("validate_certs", "bool", CONNECTION, default=True, var="aws_validate_certs"),
    _option("aws_ca_bundle", "path", CONNECTION, env=("AWS_CA_BUNDLE",), var="aws_ca_bundle"),
    _option("aws_config", "dict", CONNECTION, var="aws_config"),
    _option("read_timeout", "float", CONNECTION, "read_timeout"),
    # Role assumption: the core calls STS AssumeRole with the credentials above and keeps the
    # temporary credentials in memory only.
    _option("role_arn", "str", CONNECTION, "role_arn"),
    _option("role_session_name", "str", CONNECTION, "role_session_name"),
    _option("external_id", "str", CONNECTION, "external_id", no_log=True),
    _option("role_duration", "int", CONNECTION, "role_duration"),
)

# Option name -> ConnectionSettings keyword, for options passed through unchanged.
CONNECTION_OPTIONS = {o.name: o.keyword for o in OPTIONS if o.group == CONNECTION and o.keyword}

# Invocation option name -> keyword of the core's build_request()/invoke().
INVOCATION_OPTIONS = {o.name: o.keyword for o in OPTIONS if o.group == INVOCATION}

# The Ansible variables the lookup reads (the vars entries of the PLUGINS doc fragment).
PLUGIN_VARIABLES = tuple(o.var for o in OPTIONS if o.var and LOOKUP in o.plugins)

# Every environment variable an option falls back to.
ENVIRONMENT = tuple(name for o in OPTIONS for name in o.env)

# aws_config keys (botocore.config.Config names) that map onto the core's settings. The
# core builds its own botocore Config (retries off, its own not-run-only retry), so other
# keys are refused rather than silently ignored.
AWS_CONFIG_KEYS = {
    "read_timeout": "read_timeout",
    "connect_timeout": "connect_timeout",
}


def _spec(option: Option) -> dict[str, Any]:
    spec: dict[str, Any] = {"type": option.type}
    if option.required:
        spec["required"] = True
    if option.default is not None:
        spec["default"] = option.default
    if option.choices:
        spec["choices"] = list(option.choices)
    if option.aliases:
        spec["aliases"] = list(option.aliases)
    if option.env:
        # env_fallback returns the first variable that is set: the order of preference.
        spec["fallback"] = (env_fallback, list(option.env))
    if option.no_log is not None:
        spec["no_log"] = option.no_log
    return spec


def argument_spec() -> dict[str, Any]:
    """The module's argument spec."""
    return {o.name: _spec(o) for o in OPTIONS if MODULE in o.plugins}


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
