"""The idempotency key a ``LambdaInvocation`` derives from its URN, inputs and triggers.

The dynamic provider's create is not told the resource's URN, so the key is made in the
program and travels to the provider as the ``idempotency_key`` input. It is the same for the
same URN (name, type, parent, project, stack) and the same request inputs and triggers, so a
create that the engine replays after an interrupted ``pulumi up`` reaches the function with
the key of the first attempt; any changed input or trigger gives a new key. It is secret
whenever one of the inputs it digests is secret.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import pulumi

from .schema import Group, names

DERIVE_IDEMPOTENCY_KEY = "pulumi:derive-from-urn-and-inputs"
"""Pass as ``idempotency_key`` to derive the key (``LambdaInvocation`` only)."""

# What the derived key digests: the request (the payload as sent, qualifier, ...) and the
# lifecycle inputs (triggers, lifecycle_scope, terraform_key); not the key itself, nor how
# the answer is treated or Lambda reached (those do not change what the function is asked).
DIGESTED = tuple(name for name in names(Group.REQUEST, Group.LIFECYCLE) if name != "idempotency_key")


def derived_key(urn: pulumi.Input[str], props: Mapping[str, Any]) -> pulumi.Output[str]:
    """``pulumi-`` and a SHA-256 of the URN and the digested inputs (71 characters)."""
    digested = {name: props.get(name) for name in DIGESTED}
    return pulumi.Output.all(urn, pulumi.Output.from_input(digested)).apply(_key)


def _key(values: list[Any]) -> str:
    urn, digested = values
    document = json.dumps({"urn": urn, "inputs": digested}, sort_keys=True, separators=(",", ":"))
    return "pulumi-" + hashlib.sha256(document.encode("utf-8")).hexdigest()
