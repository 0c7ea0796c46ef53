# Copyright: Contributors to ephemeral-lambda-invocation and the ephemeral.aws collection
# Licence: see LICENSE and LICENSES/ at the collection root
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
# GENERATED from core/lambda_invocation_core/role_settings.py by scripts/sync_module_utils.py: edit core/, then re-run it.
"""The identity settings: a chain of roles to assume, and a web identity to start from.

``AssumeRole`` is one STS AssumeRole call, ``WebIdentity`` one AssumeRoleWithWebIdentity
call. ConnectionSettings holds a tuple of AssumeRole entries, assumed in order (each with
the credentials of the one before), starting from the web identity's role when one is
given, else from the base credentials. The rules are STS's own (botocore's STS model:
lengths, patterns, 900-43200 s); every error names the entry and the field
(``assume_roles[1].policy``). Nothing here talks to AWS.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Union, cast

from .errors import ValidationError

DEFAULT_ROLE_SESSION_NAME = "ephemeral-lambda-invocation"

# Patterns of STS's RoleArn (an IAM role), RoleSessionName, ExternalId and SourceIdentity.
ROLE_ARN_RE = re.compile(r"arn:aws[a-zA-Z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")
SESSION_NAME_RE = re.compile(r"[\w+=,.@-]{2,64}")
EXTERNAL_ID_RE = re.compile(r"[\w+=,.@:/-]{2,1224}")
SOURCE_IDENTITY_RE = re.compile(r"[\w+=,.@-]{2,256}")
# A managed policy ARN (PolicyDescriptorType.arn is 20-2048 characters).
POLICY_ARN_RE = re.compile(r"arn:aws[a-zA-Z-]*:iam::(\d{12}|aws):policy/[\w+=,.@/-]{1,2000}")
MAX_POLICY_CHARS = 2048
MAX_POLICY_ARNS = 10
MAX_TAGS = 50
_TAG_PUNCTUATION = frozenset("_.:/=+-@")

Namer = Callable[[str], str]
Policy = Union[str, Mapping[str, Any], None]
Tags = Union[Mapping[str, str], Sequence[tuple[str, str]]]


@dataclass(frozen=True)
class AssumeRole:
    """One role of the chain (STS AssumeRole).

    Lists and mappings given are kept as tuples (``tags`` as key/value pairs, ``policy``
    as compact JSON text), so that the settings hash.
    """

    role_arn: str
    session_name: str | None = None
    external_id: str | None = field(default=None, repr=False)
    duration: int | None = None  # seconds, 900 to 43200
    policy: Policy = None  # an IAM policy document: JSON text or a mapping
    policy_arns: Sequence[str] = ()
    tags: Tags = ()  # session tags: a mapping of key to value, or pairs
    transitive_tag_keys: Sequence[str] = ()
    source_identity: str | None = None

    def __post_init__(self) -> None:
        # Normalized to tuples: the settings are the client cache's key, so they must hash.
        _normalize(self, ("policy_arns", "transitive_tag_keys"))
        tags = self.tags
        if isinstance(tags, Mapping):
            object.__setattr__(self, "tags", tuple(tags.items()))
        elif isinstance(tags, list):
            object.__setattr__(
                self, "tags", tuple(tuple(pair) if isinstance(pair, list) else pair for pair in tags)
            )
        if isinstance(self.policy, Mapping):
            object.__setattr__(self, "policy", json.dumps(self.policy, separators=(",", ":")))

    def validate(self, name: Namer) -> None:
        """Raise ValidationError naming ``name(field)`` for the first rule broken."""
        _require_role_arn(name("role_arn"), self.role_arn)
        _require_pattern(
            name("session_name"),
            self.session_name,
            SESSION_NAME_RE,
            "2 to 64 characters of [A-Za-z0-9+=,.@_-]",
        )
        _require_pattern(
            name("external_id"),
            self.external_id,
            EXTERNAL_ID_RE,
            "2 to 1224 characters of [A-Za-z0-9+=,.@:/_-]",
        )
        _require_pattern(
            name("source_identity"),
            self.source_identity,
            SOURCE_IDENTITY_RE,
            "2 to 256 characters of [A-Za-z0-9+=,.@_-]",
        )
        _require_duration(name("duration"), self.duration)
        _require_policy(name("policy"), self.policy)
        _require_policy_arns(name("policy_arns"), self.policy_arns)
        if not isinstance(self.tags, tuple) or len(self.tags) > MAX_TAGS:
            raise ValidationError(name("tags"), f"must be a mapping of at most {MAX_TAGS} tag keys to values")
        keys = []
        for pair in self.tags:
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise ValidationError(name("tags"), "must be a mapping of tag keys to values")
            key, value = pair
            _require_tag_text(
                name("tags"), key, 1, 128, "each key must be 1 to 128 letters, digits, spaces or _.:/=+-@"
            )
            _require_tag_text(
                name("tags"),
                value,
                0,
                256,
                "each value must be at most 256 letters, digits, spaces or _.:/=+-@",
            )
            keys.append(key)
        if len(set(keys)) != len(keys):
            raise ValidationError(name("tags"), "each key may appear once")
        if len(self.transitive_tag_keys) > MAX_TAGS:
            raise ValidationError(name("transitive_tag_keys"), f"must list at most {MAX_TAGS} tag keys")
        for key in self.transitive_tag_keys:
            _require_tag_text(
                name("transitive_tag_keys"),
                key,
                1,
                128,
                "each must be 1 to 128 letters, digits, spaces or _.:/=+-@",
            )
            if key not in keys:
                raise ValidationError(name("transitive_tag_keys"), "each must be a key of tags")

    def sts_arguments(self) -> dict[str, Any]:
        """AssumeRole's parameters other than RoleArn."""
        arguments: dict[str, Any] = {"RoleSessionName": self.session_name or DEFAULT_ROLE_SESSION_NAME}
        _common_arguments(arguments, self.duration, self.policy, self.policy_arns)
        if self.external_id is not None:
            arguments["ExternalId"] = self.external_id
        if self.source_identity is not None:
            arguments["SourceIdentity"] = self.source_identity
        if self.tags:
            pairs = cast("tuple[tuple[str, str], ...]", self.tags)
            arguments["Tags"] = [{"Key": key, "Value": value} for key, value in pairs]
        if self.transitive_tag_keys:
            arguments["TransitiveTagKeys"] = list(self.transitive_tag_keys)
        return arguments


@dataclass(frozen=True)
class WebIdentity:
    """The first role, assumed with an OIDC token (STS AssumeRoleWithWebIdentity).

    Give the token itself (``token``, hidden from repr()) or a file holding it
    (``token_file``, read on every refresh, as Kubernetes rotates it).
    """

    role_arn: str
    token: str | None = field(default=None, repr=False)
    token_file: str | None = None
    session_name: str | None = None
    duration: int | None = None
    policy: Policy = None
    policy_arns: Sequence[str] = ()

    def __post_init__(self) -> None:
        _normalize(self, ("policy_arns",))
        if isinstance(self.policy, Mapping):
            object.__setattr__(self, "policy", json.dumps(self.policy, separators=(",", ":")))

    def validate(self, name: Namer) -> None:
        _require_role_arn(name("role_arn"), self.role_arn)
        if (self.token is None) == (self.token_file is None):
            raise ValidationError(name("token"), "give either token or token_file (one of them)")
        if self.token is not None and (not isinstance(self.token, str) or not 4 <= len(self.token) <= 20000):
            raise ValidationError(name("token"), "must be 4 to 20000 characters")
        if self.token_file is not None and (not isinstance(self.token_file, str) or not self.token_file):
            raise ValidationError(name("token_file"), "must be a non-empty file path")
        _require_pattern(
            name("session_name"),
            self.session_name,
            SESSION_NAME_RE,
            "2 to 64 characters of [A-Za-z0-9+=,.@_-]",
        )
        _require_duration(name("duration"), self.duration)
        _require_policy(name("policy"), self.policy)
        _require_policy_arns(name("policy_arns"), self.policy_arns)

    def sts_arguments(self) -> dict[str, Any]:
        """AssumeRoleWithWebIdentity's parameters other than RoleArn and the token."""
        arguments: dict[str, Any] = {"RoleSessionName": self.session_name or DEFAULT_ROLE_SESSION_NAME}
        _common_arguments(arguments, self.duration, self.policy, self.policy_arns)
        return arguments


def _normalize(entry: object, names: tuple[str, ...]) -> None:
    for name in names:
        value = getattr(entry, name)
        if value is None:
            object.__setattr__(entry, name, ())
        elif isinstance(value, (list, set, frozenset)):
            object.__setattr__(entry, name, tuple(value))


def _common_arguments(
    arguments: dict[str, Any], duration: int | None, policy: Policy, arns: Sequence[str]
) -> None:
    if duration is not None:
        arguments["DurationSeconds"] = duration
    if policy is not None:
        arguments["Policy"] = policy
    if arns:
        arguments["PolicyArns"] = [{"arn": arn} for arn in arns]


def _require_role_arn(name: str, value: object) -> None:
    if not isinstance(value, str) or not ROLE_ARN_RE.fullmatch(value):
        raise ValidationError(
            name, "must be an IAM role ARN: arn:<partition>:iam::<12-digit account>:role/<name>"
        )


def _require_pattern(name: str, value: object, pattern: re.Pattern[str], rule: str) -> None:
    if value is not None and (not isinstance(value, str) or not pattern.fullmatch(value)):
        raise ValidationError(name, f"must be {rule}")


def _require_duration(name: str, value: object) -> None:
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or not 900 <= value <= 43200
    ):
        raise ValidationError(name, "must be a whole number of seconds from 900 to 43200")


def _require_policy(name: str, value: object) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_POLICY_CHARS:
        raise ValidationError(name, f"must be a JSON policy document of 1 to {MAX_POLICY_CHARS} characters")
    try:
        document = json.loads(value)
    except ValueError:
        raise ValidationError(name, "must be a JSON policy document (it does not parse)") from None
    if not isinstance(document, dict):
        raise ValidationError(name, "must be a JSON policy document (an object)")


def _require_policy_arns(name: str, value: object) -> None:
    if not isinstance(value, tuple) or len(value) > MAX_POLICY_ARNS:
        raise ValidationError(name, f"must be a list of at most {MAX_POLICY_ARNS} managed policy ARNs")
    for arn in value:
        if not isinstance(arn, str) or not POLICY_ARN_RE.fullmatch(arn):
            raise ValidationError(
                name, "each must be an IAM policy ARN: arn:<partition>:iam::<account or aws>:policy/<name>"
            )


def _require_tag_text(name: str, value: object, shortest: int, longest: int, rule: str) -> None:
    # STS's pattern [\p{L}\p{Z}\p{N}_.:/=+\-@]: letters, separators, numbers and that punctuation.
    if (
        not isinstance(value, str)
        or not shortest <= len(value) <= longest
        or not all(char in _TAG_PUNCTUATION or unicodedata.category(char)[0] in "LZN" for char in value)
    ):
        raise ValidationError(name, rule)
