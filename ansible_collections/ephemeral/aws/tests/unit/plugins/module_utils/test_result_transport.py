# Copyright: Contributors to the ephemeral.aws collection
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0) or, at your option,
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
"""The module's outputs survive AnsibleModule's masking of no_log values, unchanged."""

from __future__ import annotations

import random
import string

import pytest
from ansible.module_utils.common.parameters import remove_values
from ansible_collections.ephemeral.aws.plugins.module_utils.result_transport import decode, encode

OUTPUTS = {
    "result": '{"msg": "testing the test", "y": "yyyy \u00e9\u00e8 \U0001f600"}',
    "executed_version": "$LATEST",
    "function_error": None,
    "log_result": "U1RBUlQgeXl5eSB0ZXN0",
    "status_code": 200,
}


@pytest.mark.parametrize(
    "no_log_values",
    [
        set(),
        {"test"},
        {"y"},
        {"2", "0"},  # would mask the number 200
        {"*"},
        # one value starting in each ASCII alphabet: the encoding moves beyond ASCII
        {"!", "2", "B", "R", "b", "secret"},
        {chr(c) for c in range(0x21, 0x7F)} | {"\u0100", "\u0110"},
    ],
)
def test_masking_cannot_alter_the_encoded_outputs(no_log_values):
    encoded = encode(OUTPUTS, no_log_values)
    masked = remove_values({"key": encoded}, no_log_values)["key"]
    assert masked == encoded
    assert decode(masked) == OUTPUTS
    # Without the encoding, masking would have altered them.
    if no_log_values & {"test", "y", "2"}:
        assert remove_values(OUTPUTS, no_log_values) != OUTPUTS


def test_random_secrets_never_alter_the_outputs():
    rng = random.Random(1234)
    alphabet = string.printable + "\u00e9\u0101\u0111"
    for _round in range(300):
        secrets = set()
        for _secret in range(rng.randint(1, 8)):
            secrets.add("".join(rng.choice(alphabet) for _char in range(rng.randint(1, 4))))
        encoded = encode(OUTPUTS, secrets)
        assert remove_values({"key": encoded}, secrets)["key"] == encoded, secrets
        assert decode(encoded) == OUTPUTS


@pytest.mark.parametrize("text", ["", "0", "zz", "!#!" + "********", None, 5, "!#\u0100\u0101"])
def test_anything_else_is_refused(text):
    with pytest.raises(ValueError):
        decode(text)
