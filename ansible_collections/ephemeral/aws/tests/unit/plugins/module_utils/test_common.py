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


@pytest.mark.parametrize("key", ["retries", "max_pool_connections", "proxies"])
def test_aws_config_other_keys_refused(key):
    with pytest.raises(ValidationError, match="aws_config: supports only connect_timeout, read_timeout"):
        common.connection_settings({"aws_config": {key: 1}})


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


def test_every_connection_option_has_an_argument_spec_entry():
    spec = common.connection_argument_spec()
    assert set(common.CONNECTION_OPTIONS) <= set(spec)
