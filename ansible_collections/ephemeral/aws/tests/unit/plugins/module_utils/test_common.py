# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
"""Unit tests of plugins/module_utils/common.py (options -> core)."""

from __future__ import annotations

import pytest
from ansible_collections.ephemeral.aws.plugins.module_utils import common
from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core.client import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
)
from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core.errors import (
    ValidationError,
)


def test_nothing_set_gives_the_core_defaults():
    settings = common.connection_settings({})
    assert settings.region is None and settings.verify is None
    assert settings.read_timeout == DEFAULT_READ_TIMEOUT
    assert settings.connect_timeout == DEFAULT_CONNECT_TIMEOUT


def test_empty_strings_count_as_unset():
    settings = common.connection_settings({"region": "", "profile": "", "endpoint_url": ""})
    assert settings.region is None and settings.profile is None and settings.endpoint_url is None


def test_verify():
    assert common.connection_settings({"validate_certs": True}).verify is None
    assert common.connection_settings({"validate_certs": False, "aws_ca_bundle": "/x"}).verify is False
    assert common.connection_settings({"validate_certs": True, "aws_ca_bundle": "/x"}).verify == "/x"


def test_aws_config_timeouts_and_precedence():
    settings = common.connection_settings({"aws_config": {"read_timeout": 30, "connect_timeout": 2}})
    assert (settings.read_timeout, settings.connect_timeout) == (30, 2)
    settings = common.connection_settings({"aws_config": {"read_timeout": 30}, "read_timeout": 45})
    assert settings.read_timeout == 45
    settings = common.connection_settings(
        {"aws_config": {"use_fips_endpoint": True, "use_dualstack_endpoint": True}}
    )
    assert (settings.use_fips_endpoint, settings.use_dualstack_endpoint) == (True, True)


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("retries", "could run twice"),
        ("defaults_mode", "could re-send an Invoke"),
        ("region_name", "region field"),
        ("no_such_setting", "is not a botocore Config setting"),
    ],
)
def test_aws_config_keys_that_could_send_twice_are_refused_with_the_reason(key, reason):
    # Named as the option (aws_config), not as the core's field (botocore_config).
    with pytest.raises(ValidationError, match=rf"^aws_config\.{key}: ") as info:
        common.connection_settings({"aws_config": {key: {"max_attempts": 3}}})
    assert reason in str(info.value)


def test_aws_config_other_settings_reach_the_core():
    settings = common.connection_settings(
        {"aws_config": {"user_agent_extra": "mine/1", "max_pool_connections": 4, "read_timeout": 30}}
    )
    assert settings.read_timeout == 30
    assert dict(settings.botocore_config) == {"max_pool_connections": "4", "user_agent_extra": '"mine/1"'}


def test_debug_botocore_endpoint_logs_is_refused_with_the_reason():
    assert common.connection_settings({"debug_botocore_endpoint_logs": False}).region is None
    with pytest.raises(ValidationError, match=r"^debug_botocore_endpoint_logs: is not supported") as info:
        common.connection_settings({"debug_botocore_endpoint_logs": True})
    assert "would log the Invoke response" in str(info.value)


@pytest.mark.parametrize(
    ("given", "sent"), [("tail", "Tail"), ("TAIL", "Tail"), ("none", "None"), ("x", "x")]
)
def test_log_type_is_written_as_its_choice_before_ansible_checks_choices(given, sent):
    args = {"function_name": "f", "log_type": given}
    assert common.with_choices_cased(args) == {"function_name": "f", "log_type": sent}
    assert args["log_type"] == given  # not changed in place


def test_core_rules_apply():
    with pytest.raises(ValidationError, match="profile: cannot be combined"):
        common.connection_settings({"profile": "p", "secret_key": "s", "access_key": "a"})
    with pytest.raises(ValidationError, match="read_timeout"):
        common.connection_settings({"aws_config": {"read_timeout": "soon"}})


def test_invocation_arguments():
    options = {
        "payload": {},
        "qualifier": "1",
        "client_context": None,
        "log_type": "Tail",
        "tenant_id": "t-1",
        "region": "x",
    }
    assert common.invocation_arguments(options) == {
        "payload": {},
        "qualifier": "1",
        "client_context": None,
        "log_type": "Tail",
        "tenant_id": "t-1",
        "idempotency_key": None,
        "idempotency_key_field": None,
    }


def test_role_options():
    settings = common.connection_settings(
        {
            "role_arn": "arn:aws:iam::210987654321:role/invoker",
            "role_session_name": "s-1",
            "external_id": "ext-1",
            "role_duration": 3600,
            "access_key": "AKIDEXAMPLE",
            "secret_key": "secretEXAMPLE",
        }
    )
    assert settings.role_arn == "arn:aws:iam::210987654321:role/invoker"
    assert (settings.role_session_name, settings.external_id, settings.role_duration) == (
        "s-1",
        "ext-1",
        3600,
    )
    assert "ext-1" not in repr(settings) and "secretEXAMPLE" not in repr(settings)


def test_role_options_empty_strings_count_as_unset():
    settings = common.connection_settings({"role_arn": "", "role_session_name": "", "external_id": ""})
    assert settings.role_arn is None and settings.role_session_name is None and settings.external_id is None


def test_role_options_need_role_arn():
    with pytest.raises(ValidationError, match="external_id: needs role_arn"):
        common.connection_settings({"external_id": "ext-1"})


def test_declared_keywords_are_the_cores():
    """Every keyword the declaration maps an option to is a ConnectionSettings field or a
    build_request() parameter, and every field the core takes from Ansible has an option."""
    import dataclasses
    import inspect

    from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core.client import (
        ConnectionSettings,
    )
    from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core.validation import (
        build_request,
    )

    fields = {f.name for f in dataclasses.fields(ConnectionSettings)}
    assert set(common.CONNECTION_OPTIONS.values()) <= fields
    # Set by connection_settings() from other options (verify from validate_certs/aws_ca_bundle,
    # connect_timeout, the endpoint variants and botocore_config from aws_config).
    derived = {
        "verify",
        "connect_timeout",
        common.BOTOCORE_CONFIG,
        "use_fips_endpoint",
        "use_dualstack_endpoint",
    }
    # Core settings the collection does not offer as options (yet): offering one means an
    # _option(...) line in common.OPTIONS and its documentation. A new core setting fails this
    # test until it is either offered or listed here.
    not_offered = {
        "max_attempts",
        "sts_endpoint_url",
        "http_proxy",
        "https_proxy",
        "shared_credentials_file",
        "shared_config_file",
        "allowed_account_ids",
        "forbidden_account_ids",
        "assume_roles",
        "web_identity",
        "no_proxy",
        "sts_region",
        "retry_mode",
        "instance_metadata",
        "request_account_id",
    }
    assert fields - set(common.CONNECTION_OPTIONS.values()) == derived | not_offered
    parameters = inspect.signature(build_request).parameters
    # Request parameters not offered as options yet, as above.
    not_offered_yet = {"durable_execution_name"}
    assert set(common.INVOCATION_OPTIONS.values()) == set(parameters) - {"function_name"} - not_offered_yet


def test_the_module_spec_holds_every_module_option_and_the_connection_options():
    spec = common.argument_spec()
    assert set(spec) == {o.name for o in common.OPTIONS if common.MODULE in o.plugins}
    assert {o.name for o in common.OPTIONS if o.group == common.CONNECTION} <= set(spec)
    assert "function_name" in spec and "result_format" not in spec  # the lookup's own option
