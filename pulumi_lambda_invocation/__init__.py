"""Invoke AWS Lambda functions from Pulumi programs and keep what they return secret.

- :class:`LambdaInvocation`: a resource that invokes on create and on input changes, with a
  secret ``result`` stored in state (Terraform's ``aws_lambda_invocation`` semantics).
- :func:`invoke`: the ephemeral form; runs on every preview/up, stores nothing by itself.

Validation and the AWS call live in ``lambda_invocation_core``; this package only adapts it.
"""

from __future__ import annotations

from .ephemeral import INVOKE_TOKEN, InvokeResult, invoke
from .idempotency import DERIVE_IDEMPOTENCY_KEY
from .provider import LambdaInvocationProvider
from .resource import LambdaInvocation, LambdaInvocationArgs
from .schema import CREATE_ONLY, CRUD

__all__ = [
    "CREATE_ONLY",
    "CRUD",
    "DERIVE_IDEMPOTENCY_KEY",
    "INVOKE_TOKEN",
    "InvokeResult",
    "LambdaInvocation",
    "LambdaInvocationArgs",
    "LambdaInvocationProvider",
    "invoke",
]
