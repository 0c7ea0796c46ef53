"""The connection settings most tests invoke with, as one fixture: fake static credentials,
us-east-1, short timeouts, and the endpoint (the local or the scripted one) they are given.

  make_settings  (session)  make_settings(endpoint_url, **overrides) -> ConnectionSettings;
                            an override replaces a default or adds any other setting.

Registered for every test by tests/conftest.py. Settings that differ in kind (a profile, a
role, no region) are built where they are tested.
"""

from __future__ import annotations

from typing import Any, Protocol

import pytest

import lambda_invocation_core as core

REGION = "us-east-1"
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "settings-secret-key-wJalrXUtnFEMI"  # leak tests search for it


class SettingsFactory(Protocol):
    def __call__(self, endpoint_url: str, /, **overrides: Any) -> core.ConnectionSettings: ...


def connection_settings(endpoint_url: str, /, **overrides: Any) -> core.ConnectionSettings:
    values: dict[str, Any] = {
        "region": REGION,
        "access_key": ACCESS_KEY,
        "secret_key": SECRET_KEY,
        "endpoint_url": endpoint_url,
        "read_timeout": 5.0,
        "connect_timeout": 2.0,
    }
    values.update(overrides)
    return core.ConnectionSettings(**values)


@pytest.fixture(scope="session")
def make_settings() -> SettingsFactory:
    return connection_settings
