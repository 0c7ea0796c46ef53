"""Extra botocore Config settings: what is accepted, what is refused and why, what reaches botocore."""

from __future__ import annotations

from typing import Any

import botocore.config
import pytest

import lambda_invocation_core as core
from lambda_invocation_core import client as client_module
from lambda_invocation_core.botocore_config import ALLOWED, REFUSED
from lambda_invocation_core.keepalive import keepalive_options


def test_every_setting_of_the_installed_botocore_is_either_allowed_or_refused() -> None:
    assert not set(ALLOWED) & set(REFUSED)
    installed = set(botocore.config.Config.OPTION_DEFAULTS)
    assert installed <= set(ALLOWED) | set(REFUSED)
    # The lists were made from botocore 1.44's Config; older releases (the floors) lack some.
    if tuple(int(part) for part in botocore.__version__.split(".")[:2]) >= (1, 44):
        assert set(ALLOWED) | set(REFUSED) == installed


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_settings_name_themselves_and_the_reason(name: str) -> None:
    with pytest.raises(core.ValidationError) as info:
        core.ConnectionSettings(botocore_config={name: 1})
    assert info.value.field == f"botocore_config.{name}"
    assert info.value.rule == f"is not supported: {REFUSED[name]}"


def test_unknown_and_unserializable_settings_are_refused() -> None:
    with pytest.raises(core.ValidationError, match=r"^botocore_config\.nope: is not a botocore Config"):
        core.ConnectionSettings(botocore_config={"nope": 1})
    with pytest.raises(core.ValidationError, match=r"^botocore_config\.s3: must be plain data"):
        core.ConnectionSettings(botocore_config={"s3": object()})
    with pytest.raises(core.ValidationError, match=r"^botocore_config: must be a mapping"):
        core.ConnectionSettings(botocore_config=["user_agent_extra"])  # type: ignore[arg-type]


def test_settings_stay_hashable_and_equal_whatever_the_order() -> None:
    one = core.ConnectionSettings(botocore_config={"max_pool_connections": 3, "s3": {"a": [1]}})
    two = core.ConnectionSettings(botocore_config={"s3": {"a": [1]}, "max_pool_connections": 3})
    assert one == two and hash(one) == hash(two)
    assert "botocore_config" not in repr(one)  # proxies could carry a password


def test_the_settings_reach_botocore_under_the_cores_own() -> None:
    settings = core.ConnectionSettings(
        region="us-east-1",
        access_key="AKIDEXAMPLE",
        secret_key="secret",
        https_proxy="http://proxy.example:3128",
        botocore_config={
            "user_agent_extra": "mine/1",
            "max_pool_connections": 3,
            "proxies": {"https": "http://other.example:1", "http": "http://plain.example:2"},
            "tcp_keepalive": False,
        },
    )
    client_module.clear_client_cache()
    connection = client_module.get_connection(settings)
    config: Any = connection.client.meta.config
    assert config.user_agent_extra == f"{client_module.USER_AGENT_EXTRA} mine/1"
    assert config.max_pool_connections == 3
    assert config.proxies == {"https": "http://proxy.example:3128", "http": "http://plain.example:2"}
    assert config.retries == {"mode": "standard", "total_max_attempts": 1}
    # tcp_keepalive=False also drops the core's keepalive timers.
    lambda_client: Any = connection.client
    socket_options = lambda_client._endpoint.http_session._socket_options
    assert not any(option in socket_options for option in keepalive_options())
    client_module.clear_client_cache()


def test_a_setting_this_botocore_lacks_is_a_validation_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(botocore.config.Config, "OPTION_DEFAULTS", {"region_name": None})
    client_module.clear_client_cache()
    settings = core.ConnectionSettings(region="us-east-1", botocore_config={"user_agent_appid": "a"})
    with pytest.raises(core.ValidationError, match=r"^botocore_config: has a setting the installed boto3"):
        client_module.get_connection(settings)
    client_module.clear_client_cache()
