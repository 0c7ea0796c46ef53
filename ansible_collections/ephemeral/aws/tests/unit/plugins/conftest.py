# Copyright: Contributors to the ephemeral.aws collection
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0) or, at your option,
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
"""Shared wiring of the plugin unit tests."""

from __future__ import annotations

import pytest
from ansible_collections.ephemeral.aws.plugins.module_utils.common import ENVIRONMENT


@pytest.fixture(autouse=True)
def clean_aws_environment(monkeypatch):
    """Clear every variable an option falls back to, so that a developer's own AWS settings
    cannot change what a test sees."""
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
