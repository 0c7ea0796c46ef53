# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
"""Helpers shared by the collection's unit tests (kept here once, as amazon.aws keeps its own
under tests/unit/).

Import them as ``from ansible_collections.ephemeral.aws.tests.unit.utils import MARKER, core``.
"""

from __future__ import annotations

import types

from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core import (
    client,
    errors,
    invoke,
    validation,
)

# The copy's __init__.py is empty (ansible-test empty-init): its public names gathered here.
core = types.SimpleNamespace(
    **{k: v for m in (client, errors, invoke, validation) for k, v in vars(m).items() if k[0] != "_"}
)

# A value that stands for a secret (payload, result, external id): a test that puts it in
# checks that it never reaches a message.
MARKER = "S3CRET-MARKER-7f1c"


def env_order_cases():
    """(option, preferred variable, other variable) for every option that falls back to two or
    more environment variables, one case per neighbouring pair, from the declaration."""
    from ansible_collections.ephemeral.aws.plugins.module_utils.common import OPTIONS

    return [
        (option.name, preferred, other)
        for option in OPTIONS
        if len(option.env) > 1
        for preferred, other in zip(option.env, option.env[1:])
    ]


# What an option needs beside it to be accepted by the core (keys go in pairs).
COMPANIONS = {
    "access_key": {"secret_key": "companionSecret"},
    "secret_key": {"access_key": "AKIDCOMPANION"},
}
