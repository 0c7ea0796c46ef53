"""A shared config file with a role profile (source_profile with the base key), and
connection settings that name it (tests/core/test_credential_clients.py and test_retry_config.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lambda_invocation_core as core
from tests.support.assume_role import BASE_KEY

PROFILE_ROLE = "arn:aws:iam::333333333333:role/profile-role"


def write_config(tmp_path: Path, body: str) -> str:
    path = tmp_path / "config"
    path.write_text(body)
    return str(path)


def role_profile(tmp_path: Path) -> str:
    return write_config(
        tmp_path,
        f"[profile source]\naws_access_key_id = {BASE_KEY}\naws_secret_access_key = base-secret\n\n"
        f"[profile invoker]\nrole_arn = {PROFILE_ROLE}\nsource_profile = source\nrole_session_name = prof\n",
    )


def profile_settings(lambda_url: str, config_file: str, **overrides: Any) -> core.ConnectionSettings:
    values: dict[str, Any] = {
        "region": "us-east-1",
        "profile": "invoker",
        "shared_config_file": config_file,
        "shared_credentials_file": config_file + ".absent",
        "endpoint_url": lambda_url,
        "read_timeout": 5.0,
    }
    values.update(overrides)
    return core.ConnectionSettings(**values)
