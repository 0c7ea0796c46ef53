# Copyright: Contributors to ephemeral-lambda-invocation and the ephemeral.aws collection
# Licence: see LICENSE and LICENSES/ at the collection root
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
# GENERATED from core/lambda_invocation_core/_version.py by scripts/sync_module_utils.py: edit core/, then re-run it.
"""The project's one version: pyproject.toml reads it (hatch), the user agent is built from
it, and tests/test_distribution.py checks that galaxy.yml and the collection's changelog
carry the same (Galaxy needs a literal version in galaxy.yml)."""

__version__ = "0.2.0"
