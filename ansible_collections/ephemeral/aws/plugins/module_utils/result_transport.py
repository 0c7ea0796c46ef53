# Copyright: Contributors to the ephemeral.aws collection
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0) or, at your option,
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
"""Carry the function's outputs from the module to the action plugin past Ansible's masking.

Before a module's result leaves the target, ``AnsibleModule`` replaces every occurrence of
every ``no_log`` option value (``secret_key``, ``session_token``, ``external_id``, also when
they come from the environment) with ``********`` in every string of the result, and turns a
number whose text contains one into a placeholder. With ``secret_key=test`` a function's
``"testing the test"`` would be registered as ``"********ing the ********"``; with a
one-character secret, every occurrence of that character would be.

So the module hands the outputs over as one string that masking cannot match, under the key
``OUTPUTS_KEY``, and the action plugin decodes it back (dictionary keys are never masked):

* the outputs are serialized as JSON (UTF-8) and written as two hex digits per byte, with
  digits drawn from one of several disjoint 16-character alphabets;
* the alphabet is chosen so that no ``no_log`` value starts with one of its characters. A
  masked value could then never occur in the encoded text (its first character would have
  to be one of the alphabet's), nor be equal to it. One value rules out at most one
  alphabet, so among ``len(no_log_values) + 1`` alphabets one always fits;
* every character tells its alphabet and its digit, so the decoder needs no header.

This changes nothing about what is hidden: the action plugin still marks the whole result
``no_log`` for every callback, and masking still applies to everything else the module
returns (messages, warnings, the ``invocation`` echo of older ansible-core releases). Only
the function's own outputs, which are data the function returned and never a credential
passed to the module, bypass it.
"""

from __future__ import annotations

import json

OUTPUTS_KEY = "_ephemeral_aws_outputs"

# Printable ASCII without the quote and the backslash (which JSON escapes): 5 alphabets.
_ASCII_POOL = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '"\\')
_ASCII_ALPHABETS = len(_ASCII_POOL) // 16
# Beyond those (more no_log values than that), blocks of 16 code points from U+0100 up.
_UNICODE_BASE = 0x100
_HEX = "0123456789abcdef"


def _alphabet(index: int) -> str:
    if index < _ASCII_ALPHABETS:
        return _ASCII_POOL[16 * index : 16 * index + 16]
    start = _UNICODE_BASE + 16 * (index - _ASCII_ALPHABETS)
    return "".join(chr(start + digit) for digit in range(16))


def _alphabet_of(char: str) -> int | None:
    """The index of the alphabet that ``char`` belongs to, or None."""
    position = _ASCII_POOL.find(char)
    if 0 <= position < 16 * _ASCII_ALPHABETS:
        return position // 16
    if ord(char) >= _UNICODE_BASE:
        return _ASCII_ALPHABETS + (ord(char) - _UNICODE_BASE) // 16
    return None


def encode(outputs: object, no_log_values: object) -> str:
    """``outputs`` (JSON-serializable) as text in which no ``no_log_values`` entry occurs."""
    firsts = set(str(value)[:1] for value in no_log_values if str(value))  # type: ignore[attr-defined]
    index = 0
    while any(char in firsts for char in _alphabet(index)):
        index += 1
    data = json.dumps(outputs, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return data.hex().translate(str.maketrans(_HEX, _alphabet(index)))


def decode(text: object) -> object:
    """The outputs encoded by ``encode()``; ValueError when ``text`` is not such an encoding."""
    index = _alphabet_of(text[0]) if isinstance(text, str) and text else None
    if index is None:
        raise ValueError("not an encoded outputs text")
    alphabet = _alphabet(index)
    if not set(text).issubset(alphabet):  # type: ignore[arg-type]
        raise ValueError("not an encoded outputs text (mixed alphabets: it was altered)")
    data = bytes.fromhex(text.translate(str.maketrans(alphabet, _HEX)))  # type: ignore[union-attr]
    return json.loads(data.decode("utf-8"))
