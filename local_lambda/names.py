"""Parsing of the FunctionName and Qualifier parameters of Invoke.

The patterns come from the Lambda service model shipped in botocore
(shape NamespacedFunctionName / NumericLatestPublishedOrAliasQualifier). AWS publishes
them unanchored; we match the whole string. On top of the model we apply the documented
64-character limit for a function name given without ARN or account ("name-only", with or
without the `function:` prefix, the qualifier not counted); a Lambda@Edge replica's region
prefix (`us-east-1.name`) is not counted either, since the function it replicates has a
name of up to 64 characters.

Why the endpoint does not import the core's validator (lambda_invocation_core.validation),
although both implement the same rules: the endpoint stands in for AWS in the tests of the
core, so it is written from the service model on its own; a mistake in the core's rules then
shows up as a disagreement instead of being copied into the oracle.
tests/local_lambda/test_endpoint_names.py fuzzes both and requires the same verdict on every
name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FUNCTION_NAME_RE = re.compile(
    r"(?P<arn>arn:(?P<partition>aws[a-zA-Z-]*)?:lambda:)?"
    r"(?:(?P<region>(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?"
    r"(?:(?P<account>\d{12}):)?"
    r"(?P<prefix>function:)?"
    r"(?P<name>[a-zA-Z0-9\-_.]+)"
    r"(?::(?P<qualifier>\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9\-_]+))?"
)
_QUALIFIER_RE = re.compile(r"\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9\-_$]+")
_EDGE_REPLICA_PREFIX_RE = re.compile(r"(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d\.")
MAX_NAME_ONLY_CHARS = 64
_TENANT_ID_RE = re.compile(r"[a-zA-Z0-9._:/=+\-@ ]+")

FUNCTION_NAME_PATTERN = _FUNCTION_NAME_RE.pattern
QUALIFIER_PATTERN = _QUALIFIER_RE.pattern
TENANT_ID_PATTERN = _TENANT_ID_RE.pattern


@dataclass(frozen=True)
class ParsedName:
    """A FunctionName split into its parts; absent parts are None."""

    name: str
    qualifier: str | None
    account: str | None
    region: str | None
    partition: str | None


def parse_function_name(value: str) -> ParsedName | None:
    """Split a name, `name:qualifier`, partial ARN or full ARN; None when AWS would reject it."""
    if not 1 <= len(value) <= 256:
        return None
    match = _FUNCTION_NAME_RE.fullmatch(value)
    if match is None:
        return None
    name_only = not (match["arn"] or match["region"] or match["account"])
    if name_only:
        edge_prefix = _EDGE_REPLICA_PREFIX_RE.match(match["name"])
        name = match["name"][edge_prefix.end() :] if edge_prefix else match["name"]
        if len(name) > MAX_NAME_ONLY_CHARS:
            return None
    return ParsedName(
        name=match["name"],
        qualifier=match["qualifier"],
        account=match["account"],
        region=match["region"],
        partition=match["partition"],
    )


def valid_qualifier(value: str) -> bool:
    return 1 <= len(value) <= 128 and _QUALIFIER_RE.fullmatch(value) is not None


def valid_tenant_id(value: str) -> bool:
    return 1 <= len(value) <= 256 and _TENANT_ID_RE.fullmatch(value) is not None
