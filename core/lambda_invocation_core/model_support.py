"""Invoke parameters that only newer botocore releases know, checked against the loaded model.

botocore refuses a parameter its Lambda service model lacks with ParamValidationError
("Unknown parameter in input"), which would quote the request. The core checks the
loaded model first and names the field and the boto3 release that brought it.

``member_rule`` reads a member's length and pattern from the installed model, for inputs
whose rule the core takes from the model at run time (``durable_execution_name``), so that
a newer model's rule is the one applied.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
from dataclasses import dataclass
from typing import Any

from .errors import BotocoreTooOldError, MissingDependencyError

# Invoke member -> (the core's argument name, first boto3 release whose model has it).
# Every other member the core sends (FunctionName, InvocationType, LogType,
# ClientContext, Payload, Qualifier) predates the oldest boto3 the project supports.
# DurableExecutionName: botocore 1.42.1 (December 2025; boto3 shares botocore's version).
NEWER_INVOKE_MEMBERS = {
    "TenantId": ("tenant_id", "1.41.0"),
    "DurableExecutionName": ("durable_execution_name", "1.42.1"),
}


@dataclass(frozen=True)
class MemberRule:
    """A string member's rule in the Lambda model: lengths and its (unanchored) pattern."""

    min_length: int | None
    max_length: int | None
    pattern: str | None

    @property
    def compiled(self) -> re.Pattern[str] | None:
        """The pattern for ``fullmatch`` (AWS publishes patterns unanchored); None without one."""
        return None if self.pattern is None else _compile(self.pattern)


@functools.lru_cache(maxsize=16)
def _compile(pattern: str) -> re.Pattern[str] | None:
    # The model's patterns are Java regular expressions; the ones Invoke uses mean the same
    # in Python (a '-' after a range, as in [a-zA-Z0-9-_], is literal in both). One Python
    # cannot compile is left to Lambda rather than refusing every value.
    try:
        return re.compile(pattern)
    except re.error:
        return None


def member_rule(member: str) -> MemberRule:
    """The rule of Invoke's request ``member`` in the installed botocore's Lambda model.

    Read through the loader the core's clients share (warm.py), for the data path botocore
    takes from ``AWS_DATA_PATH``; the model is loaded once per process. Raises
    MissingDependencyError without botocore, and BotocoreTooOldError when the model lacks
    the member (the field and the boto3 release that brought it are named, not the value).
    """
    try:
        from .warm import shared_loader

        loader = shared_loader(os.environ.get("AWS_DATA_PATH"))
        model = loader.load_service_model("lambda", "service-2", api_version=None)
    except ImportError:
        raise MissingDependencyError(
            "boto3 is required to invoke Lambda functions: pip install boto3"
        ) from None
    shapes = model["shapes"]
    members = shapes[model["operations"]["Invoke"]["input"]["shape"]]["members"]
    if member not in members:
        field, minimum = NEWER_INVOKE_MEMBERS[member]
        raise BotocoreTooOldError(field, minimum, installed_versions())
    shape = shapes[members[member]["shape"]]
    return MemberRule(shape.get("min"), shape.get("max"), shape.get("pattern"))


def require_model_support(client: Any, kwargs: dict[str, Any]) -> None:
    """Raise BotocoreTooOldError when ``kwargs`` uses an Invoke member the client's model lacks."""
    used = [member for member in NEWER_INVOKE_MEMBERS if member in kwargs]
    if not used:
        return
    members = client.meta.service_model.operation_model("Invoke").input_shape.members
    for member in used:
        if member not in members:
            field, minimum = NEWER_INVOKE_MEMBERS[member]
            raise BotocoreTooOldError(field, minimum, installed_versions())


def sdk_versions() -> tuple[str | None, str | None]:
    """The versions of boto3 and botocore this process imports (None for one not installed)."""
    versions: list[str | None] = []
    for name in ("boto3", "botocore"):
        try:
            versions.append(str(importlib.import_module(name).__version__))
        except ImportError:
            versions.append(None)
    return versions[0], versions[1]


def installed_versions() -> str:
    boto3_version, botocore_version = sdk_versions()
    return f"boto3 {boto3_version or 'unknown'} (botocore {botocore_version})"
