# Copyright: Contributors to the ephemeral.aws collection
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0) or, at your option,
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
"""Shared wiring of the plugin unit tests."""

from __future__ import annotations

import pytest

# Environment variables the AWS options fall back to: cleared so that a developer's own AWS
# settings cannot change what a test sees.
AWS_ENVIRONMENT = (
    "AWS_ACCESS_KEY_ID",
    "AWS_ACCESS_KEY",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SECRET_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_URL",
    "AWS_CA_BUNDLE",
)


@pytest.fixture(autouse=True)
def clean_aws_environment(monkeypatch):
    for name in AWS_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
