"""Fuzzing the core's validation: every input passes or raises ValidationError, nothing is sent."""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lambda_invocation_core as core
from tests.support.scripted_lambda import ScriptedLambda

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
anything = st.one_of(
    st.none(),
    st.text(),
    st.binary(),
    st.integers(),
    st.floats(),
    st.booleans(),
    json_values,
    st.sets(st.integers(), max_size=3),
    st.dictionaries(st.integers(), st.text(), max_size=3),
)
valid_names = st.from_regex(
    r"(arn:aws(-cn|-us-gov)?:lambda:[a-z]{2}-[a-z]+-\d:\d{12}:function:)?[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_-]{1,20})?",
    fullmatch=True,
)
name_like = st.one_of(
    valid_names,
    valid_names,
    anything,
    st.from_regex(r"[A-Za-z0-9_.:$ -]{0,80}", fullmatch=True),
)
qualifier_like = st.one_of(st.none(), st.from_regex(r"[A-Za-z0-9$_-]{1,130}", fullmatch=True), anything)
context_like = st.one_of(
    st.none(),
    st.binary(max_size=2700).map(lambda raw: base64.b64encode(raw).decode()),
    st.dictionaries(st.text(max_size=8), json_values, max_size=3),
    st.from_regex(r"[A-Za-z0-9+/=_ -]{0,20}", fullmatch=True),
    anything,
)
log_type_like = st.one_of(st.sampled_from(["None", "Tail", "tail", "NONE", "full", ""]), anything)

TRIED = {"inputs": 0, "valid": 0, "invalid": 0}


@pytest.fixture(scope="module", autouse=True)
def _report_inputs_tried(tally: Counter[str]) -> Iterator[None]:
    yield
    tally["fuzz: inputs tried"] += TRIED["inputs"]
    tally["fuzz: inputs that validated"] += TRIED["valid"]
    tally["fuzz: inputs refused with ValidationError"] += TRIED["invalid"]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    function_name=name_like,
    payload=st.one_of(json_values, json_values, anything, st.text().map(lambda t: '{"k": "' + t + '"}')),
    qualifier=qualifier_like,
    client_context=context_like,
    log_type=log_type_like,
    tenant_id=st.one_of(st.none(), st.none(), st.text(max_size=300)),
    durable_execution_name=st.one_of(
        st.none(), st.text(max_size=80), st.from_regex(r"[a-zA-Z0-9_-]{1,64}", fullmatch=True), st.integers()
    ),
)
def test_validation_never_raises_anything_else(**inputs: Any) -> None:
    TRIED["inputs"] += 1
    try:
        core.build_request(**inputs)
    except core.ValidationError as error:
        TRIED["invalid"] += 1
        assert error.field in inputs
        assert str(error).startswith(f"{error.field}: ")
    else:
        TRIED["valid"] += 1


def test_invalid_input_sends_no_request(scripted_lambda: ScriptedLambda, tally: Counter[str]) -> None:
    connection = core.ConnectionSettings(
        region="us-east-1", access_key="a", secret_key="b", endpoint_url=scripted_lambda.url
    )

    @settings(max_examples=300, deadline=None)
    @given(function_name=name_like, payload=anything, client_context=context_like)
    def check(function_name: Any, payload: Any, client_context: Any) -> None:
        try:
            core.build_request(function_name, payload, client_context=client_context)
        except core.ValidationError:
            before = len(scripted_lambda.requests)
            try:
                core.invoke(function_name, payload, client_context=client_context, connection=connection)
            except core.ValidationError:
                pass
            else:
                raise AssertionError("invoke accepted what build_request refused")
            assert len(scripted_lambda.requests) == before

    check()
    tally["fuzz: requests sent for refused inputs"] += len(scripted_lambda.requests)
    assert scripted_lambda.requests == []


@settings(max_examples=500, deadline=None)
@given(
    function_name=valid_names,
    payload=st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(alphabet=st.characters(exclude_categories=["Cs"])),
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
        ),
        max_leaves=12,
    )
    # A str is JSON text by contract, and Python None means "no payload" (JSON null is "null").
    .filter(lambda value: value is not None and not isinstance(value, str))
    .flatmap(lambda value: st.sampled_from([value, json.dumps(value), json.dumps(value, indent=2).encode()])),
    client_context=st.one_of(
        st.none(), st.binary(max_size=2687).map(lambda raw: base64.b64encode(raw).decode())
    ),
    log_type=st.sampled_from([None, "None", "Tail", "tail"]),
)
def test_what_aws_accepts_is_never_rejected(
    function_name: str, payload: Any, client_context: str | None, log_type: str | None
) -> None:
    TRIED["inputs"] += 1
    TRIED["valid"] += 1
    request = core.build_request(function_name, payload, client_context=client_context, log_type=log_type)
    assert request.function_name == function_name
