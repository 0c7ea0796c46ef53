"""The endpoint's name rules (local_lambda/names.py) and the core's (validation.py) give the
same verdict on every fuzzed name, qualifier and tenant id.

The endpoint keeps rules of its own on purpose (names.py says why); this test is what keeps
the two copies equal. A name the core accepts and the endpoint refuses would make the core
send what the stand-in for AWS rejects; one the endpoint accepts and the core refuses would
make the core refuse what AWS (as the endpoint reads the service model) accepts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_invocation_core import ValidationError
from lambda_invocation_core import validation as core_rules
from local_lambda import names

TRIED: Counter[str] = Counter()

_NAME_CHARS = "abcXYZ019-_."
partitions = st.sampled_from(
    ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-eusc", "", "AWS", "s3"]
)
regions = st.sampled_from(
    ["us-east-1", "eu-west-3", "us-gov-west-1", "us-isob-east-1", "eusc-de-east-1", "useast1", ""]
)
accounts = st.sampled_from(["123456789012", "12345678901", "1234567890123", "abcdefghijkl"])
edge_prefixes = st.sampled_from(["", "", "us-east-1.", "eu-west-1.", "eusc-de-east-1.", "us-east-1", "x."])
qualifiers = st.one_of(
    st.sampled_from(["$LATEST", "$LATEST.PUBLISHED", "1", "live", "$LIVE", "a.b", ""]),
    st.text(alphabet="ab1_-$.", min_size=0, max_size=130),
)


@st.composite
def function_names(draw: st.DrawFn) -> str:
    """Names built from the forms AWS documents, with every part sometimes wrong or too long."""
    # Lengths around the 64-character rule come up often, not by luck.
    length = draw(st.one_of(st.sampled_from([0, 1, 63, 64, 65]), st.integers(0, 90)))
    name = draw(edge_prefixes) + draw(st.text(alphabet=_NAME_CHARS, min_size=length, max_size=length))
    form = draw(st.sampled_from(["name", "function:", "partial", "arn", "arn-no-region"]))
    if form == "function:":
        name = "function:" + name
    elif form == "partial":
        name = f"{draw(accounts)}:function:{name}"
    elif form == "arn":
        name = f"arn:{draw(partitions)}:lambda:{draw(regions)}:{draw(accounts)}:function:{name}"
    elif form == "arn-no-region":
        name = f"arn:{draw(partitions)}:lambda:{draw(accounts)}:function:{name}"
    if draw(st.booleans()):
        name += ":" + draw(qualifiers)
    return name


def _core_accepts_name(value: str) -> bool:
    try:
        core_rules.validate_function_name(value)
    except ValidationError:
        return False
    return True


@pytest.fixture(scope="module", autouse=True)
def _report_inputs_tried(tally: Counter[str]) -> Iterator[None]:
    yield
    for what, count in TRIED.items():
        tally[f"fuzz: {what} judged by both the core and the endpoint"] += count


@settings(max_examples=1500, deadline=None)
@given(st.one_of(function_names(), st.text(alphabet=_NAME_CHARS + ":$ /", max_size=100)))
def test_function_names(value: str) -> None:
    TRIED["function names"] += 1
    core_ok = _core_accepts_name(value)
    endpoint_ok = names.parse_function_name(value) is not None
    assert core_ok == endpoint_ok, f"core accepts: {core_ok}, endpoint accepts: {endpoint_ok}: {value!r}"


@settings(max_examples=500, deadline=None)
@given(qualifiers.filter(bool))
def test_qualifiers(value: str) -> None:
    TRIED["qualifiers"] += 1
    try:
        core_rules.validate_qualifier(value, "f")
        core_ok = True
    except ValidationError:
        core_ok = False
    assert core_ok == names.valid_qualifier(value), value


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="aZ9._:/=+-@ #\u00e9\n", min_size=1, max_size=260))
def test_tenant_ids(value: str) -> None:
    TRIED["tenant ids"] += 1
    try:
        core_rules.validate_tenant_id(value)
        core_ok = True
    except ValidationError:
        core_ok = False
    assert core_ok == names.valid_tenant_id(value), value


@pytest.mark.parametrize(
    "value",
    [
        "us-east-1." + "f" * 64,  # a Lambda@Edge replica of a 64-character function
        "function:" + "f" * 64,
        "123456789012:function:" + "f" * 100,
    ],
)
def test_edges_both_accept(value: str) -> None:
    assert _core_accepts_name(value) and names.parse_function_name(value) is not None


@pytest.mark.parametrize("value", ["us-east-1." + "f" * 65, "function:" + "f" * 65, "f" * 65 + ":live"])
def test_edges_both_refuse(value: str) -> None:
    assert not _core_accepts_name(value) and names.parse_function_name(value) is None
