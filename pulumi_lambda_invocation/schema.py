"""The inputs and outputs of ``LambdaInvocation`` and ``invoke()``, each declared once.

Everything that lists inputs is derived from :data:`INPUTS`: the provider's defaults, its
check placeholders and replace rules, ``invoke()``'s mapping and the keyword arguments of
the core's ``build_request()`` and ``ConnectionSettings``. The typed signatures (the Args
dataclass, the resource constructor, ``invoke()``) are written out, as Pulumi's generated
SDKs write them, and ``tests/pulumi/test_pulumi_schema.py`` fails when one of them
disagrees with this declaration (names, order, defaults, types).

To add an input: one :class:`InputSpec` here, then the same name in the typed signatures
(the test says where it is missing).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional

import pulumi

CREATE_ONLY = "CREATE_ONLY"
"""Invoke on create and replace only (the default, as in Terraform)."""
CRUD = "CRUD"
"""Also invoke on update and delete, telling the function which action it is."""
LIFECYCLE_SCOPES = (CREATE_ONLY, CRUD)


class Group(enum.Enum):
    """Where an input goes."""

    REQUEST = "request"
    """A keyword argument of the core's ``build_request()``: the Invoke request itself."""
    RESPONSE = "response"
    """How the answer is treated (the core's ``send()`` options)."""
    CONNECTION = "connection"
    """A field of the core's ``ConnectionSettings``: how to reach Lambda."""
    LIFECYCLE = "lifecycle"
    """The resource's own: when and how it invokes. ``invoke()`` has none of these."""


@dataclass(frozen=True)
class InputSpec:
    """One input: its name, value type, group and what the provider does without it."""

    name: str
    type: Any
    """The value's type; the typed signatures declare ``pulumi.Input[type]``."""
    group: Group
    required: bool = False
    default: Any = None
    """What the provider's check fills in (and stores) when the input is not given; None
    leaves it unset, so that the core's default (or the stack's configuration) applies."""
    placeholder: Any = None
    """A valid stand-in used by check for an unknown or already-reported value."""
    replaces: bool = False
    """A change targets a different invocation: replace (Terraform's ForceNew)."""
    stored: bool = False
    """Where the invocation went: the effective value (this input, else the stack's
    configuration or the AWS default chain) is stored in state at create; update and delete
    use the stored value, and a change of the effective value replaces."""


INPUTS: tuple[InputSpec, ...] = (
    InputSpec("function_name", str, Group.REQUEST, required=True, placeholder="placeholder", replaces=True),
    InputSpec("payload", Any, Group.REQUEST, required=True, placeholder="{}"),
    InputSpec("qualifier", str, Group.REQUEST, replaces=True),
    InputSpec("client_context", Any, Group.REQUEST),
    InputSpec("log_type", str, Group.REQUEST),
    InputSpec("tenant_id", str, Group.REQUEST),
    InputSpec("idempotency_key", str, Group.REQUEST),
    InputSpec("idempotency_key_field", str, Group.REQUEST),
    InputSpec("triggers", Mapping[str, pulumi.Input[str]], Group.LIFECYCLE, replaces=True),
    InputSpec("lifecycle_scope", str, Group.LIFECYCLE, default=CREATE_ONLY),
    InputSpec("terraform_key", str, Group.LIFECYCLE, default="tf"),
    InputSpec("fail_on_function_error", bool, Group.RESPONSE, default=True),
    InputSpec("region", str, Group.CONNECTION, replaces=True, stored=True),
    InputSpec("profile", str, Group.CONNECTION),
    InputSpec("endpoint_url", str, Group.CONNECTION, replaces=True, stored=True),
    InputSpec("read_timeout", float, Group.CONNECTION),
    InputSpec("role_arn", str, Group.CONNECTION),
    InputSpec("role_session_name", str, Group.CONNECTION),
    InputSpec("external_id", str, Group.CONNECTION),
    InputSpec("role_duration", int, Group.CONNECTION),
)


def names(*groups: Group) -> tuple[str, ...]:
    """The names of the inputs of these groups (all inputs when none is given), in order."""
    return tuple(spec.name for spec in INPUTS if not groups or spec.group in groups)


INPUT_NAMES = names()
EPHEMERAL_INPUT_NAMES = names(Group.REQUEST, Group.RESPONSE, Group.CONNECTION)
"""The inputs of ``invoke()``: every input but the resource's lifecycle."""
DEFAULTS: Mapping[str, Any] = {spec.name: spec.default for spec in INPUTS if spec.default is not None}
PLACEHOLDERS: Mapping[str, Any] = {
    spec.name: spec.placeholder for spec in INPUTS if spec.group in (Group.REQUEST, Group.CONNECTION)
}
REPLACE_NAMES = tuple(spec.name for spec in INPUTS if spec.replaces)
INVOKING_NAMES = names(Group.REQUEST)
"""A change of one of these is a new request: the update invokes (a new payload replaces in
CREATE_ONLY scope). A change of any other input that does not replace (timeouts, profile,
role, failure policy, lifecycle scope) updates the state without invoking."""
STORED_NAMES = tuple(spec.name for spec in INPUTS if spec.stored)
STORED_KEYS: Mapping[str, str] = {name: f"effective_{name}" for name in STORED_NAMES}
"""Input name -> the state key of its effective value at create (not a program output)."""


@dataclass(frozen=True)
class OutputSpec:
    """One output of the resource (and key of ``invoke()``'s result)."""

    name: str
    type: Any
    secret: bool


OUTPUTS: tuple[OutputSpec, ...] = (
    OutputSpec("result", str, secret=True),
    # Optional[...]: evaluated at import, and the package runs on Python 3.9.
    OutputSpec("executed_version", Optional[str], secret=False),
    OutputSpec("function_error", Optional[str], secret=False),
    OutputSpec("log_result", Optional[str], secret=True),
    OutputSpec("status_code", int, secret=False),
    OutputSpec("result_json", Any, secret=True),
)
OUTPUT_NAMES = tuple(spec.name for spec in OUTPUTS)
SECRET_OUTPUTS = tuple(spec.name for spec in OUTPUTS if spec.secret)
