# Copyright: Contributors to ephemeral-lambda-invocation and the ephemeral.aws collection
# Licence: see LICENSE and LICENSES/ at the collection root
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
# GENERATED from core/lambda_invocation_core/model_support.py by scripts/sync_module_utils.py: edit core/, then re-run it.
"""Invoke parameters that only newer botocore releases know, checked against the loaded model.

botocore refuses a parameter its Lambda service model lacks with ParamValidationError
("Unknown parameter in input"), which would quote the request. The core checks the
loaded model first and names the field and the boto3 release that brought it.
"""

from __future__ import annotations

from typing import Any

from .errors import BotocoreTooOldError

# Invoke member -> (the core's argument name, first boto3 release whose model has it).
# Every other member the core sends (FunctionName, InvocationType, LogType,
# ClientContext, Payload, Qualifier) predates the oldest boto3 the project supports.
NEWER_INVOKE_MEMBERS = {"TenantId": ("tenant_id", "1.41.0")}


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


def installed_versions() -> str:
    import botocore

    try:
        import boto3

        boto3_version = boto3.__version__
    except ImportError:  # the client needs botocore only
        boto3_version = "unknown"
    return f"boto3 {boto3_version} (botocore {botocore.__version__})"
