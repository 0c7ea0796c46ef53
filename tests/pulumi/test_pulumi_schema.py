"""The typed signatures agree with the one declaration of the inputs and outputs (schema.py).

The Args dataclass, the resource constructor and ``invoke()`` are written out, as Pulumi's
generated SDKs write them; these tests fail when one of them disagrees with
``pulumi_lambda_invocation.schema`` in names, order, defaults or types, and when the
declaration disagrees with the core it feeds.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, Optional

import pulumi
import pytest

import lambda_invocation_core as core
import pulumi_lambda_invocation as pli
from pulumi_lambda_invocation import schema
from pulumi_lambda_invocation.ephemeral import InvokeResult
from pulumi_lambda_invocation.provider import LambdaInvocationProvider
from pulumi_lambda_invocation.schema import Group, InputSpec

Parameter = tuple[str, Any, Any]
"""(name, type hint, default) of one parameter; default is inspect.Parameter.empty if none."""
EMPTY = inspect.Parameter.empty


# Typing objects built at run time from declared types (mypy cannot follow those).
INPUT: Any = pulumi.Input
OUTPUT: Any = pulumi.Output
# pulumi.Input is Union[T, Awaitable[T], "Output[T]"]: its forward reference keeps the
# type variable's name, so hints are resolved with both (the same way on both sides).
NAMESPACE = {"Output": pulumi.Output, "T": typing.TypeVar("T")}


def hints_of(thing: Any) -> dict[str, Any]:
    return typing.get_type_hints(thing, localns=NAMESPACE)


def resolved(hint: Any) -> Any:
    def holder() -> None: ...

    holder.__annotations__ = {"hint": hint}
    return hints_of(holder)["hint"]


def expected_hint(spec: InputSpec) -> Any:
    hint = INPUT[spec.type]
    return resolved(hint if spec.required else Optional[hint])


def disagreements(specs: tuple[InputSpec, ...], parameters: list[Parameter]) -> list[str]:
    """What differs between the declaration and one signature (empty when they agree)."""
    problems = []
    declared = [spec.name for spec in specs]
    written = [name for name, _, _ in parameters]
    if declared != written:
        problems.append(f"names or order: declared {declared}, written {written}")
    by_name = {name: (hint, default) for name, hint, default in parameters}
    for spec in specs:
        if spec.name not in by_name:
            continue
        hint, default = by_name[spec.name]
        if hint != expected_hint(spec):
            problems.append(f"{spec.name}: type {hint}, declared pulumi.Input[{spec.type}]")
        wanted_default = EMPTY if spec.required else None
        if default != wanted_default:
            problems.append(f"{spec.name}: default {default!r}, expected {wanted_default!r}")
    return problems


def signature_parameters(function: Callable[..., Any], skip: tuple[str, ...]) -> list[Parameter]:
    hints = hints_of(function)
    return [
        (name, hints[name], parameter.default)
        for name, parameter in inspect.signature(function).parameters.items()
        if name not in skip
    ]


def args_parameters() -> list[Parameter]:
    hints = hints_of(pli.LambdaInvocationArgs)
    parameters = []
    for field in dataclasses.fields(pli.LambdaInvocationArgs):
        default = EMPTY if field.default is dataclasses.MISSING else field.default
        parameters.append((field.name, hints[field.name], default))
    return parameters


def constructor_parameters() -> list[Parameter]:
    overloads = typing.get_overloads(pli.LambdaInvocation.__init__)
    keyword_form = [f for f in overloads if "function_name" in inspect.signature(f).parameters]
    assert len(keyword_form) == 1
    return signature_parameters(keyword_form[0], skip=("self", "resource_name", "opts"))


def test_the_args_class_agrees_with_the_declaration() -> None:
    assert disagreements(schema.INPUTS, args_parameters()) == []


def test_the_resource_constructor_agrees_with_the_declaration() -> None:
    assert disagreements(schema.INPUTS, constructor_parameters()) == []


def test_invoke_agrees_with_the_declaration() -> None:
    ephemeral = tuple(spec for spec in schema.INPUTS if spec.name in schema.EPHEMERAL_INPUT_NAMES)
    assert [spec.group for spec in ephemeral if spec.group is Group.LIFECYCLE] == []
    # during_preview and opts steer the call; they are no inputs of the request.
    skip = ("during_preview", "opts")
    assert disagreements(ephemeral, signature_parameters(pli.invoke, skip=skip)) == []
    # The required inputs are positional, the others keyword-only.
    kinds = {name: p.kind for name, p in inspect.signature(pli.invoke).parameters.items()}
    for spec in ephemeral:
        positional = kinds[spec.name] is inspect.Parameter.POSITIONAL_OR_KEYWORD
        assert positional == spec.required, spec.name


def test_the_comparison_catches_each_kind_of_drift() -> None:
    # The check above can fail: a renamed, retyped, re-defaulted or missing input is named.
    parameters = args_parameters()
    renamed = [("qualifer" if n == "qualifier" else n, h, d) for n, h, d in parameters]
    wrong = resolved(Optional[INPUT[int]])
    retyped = [(n, wrong if n == "log_type" else h, d) for n, h, d in parameters]
    redefaulted = [(n, h, True if n == "fail_on_function_error" else d) for n, h, d in parameters]
    missing = [p for p in parameters if p[0] != "tenant_id"]
    swapped = [parameters[1], parameters[0], *parameters[2:]]
    assert "names or order" in disagreements(schema.INPUTS, renamed)[0]
    assert disagreements(schema.INPUTS, retyped) == [f"log_type: type {wrong}, declared pulumi.Input[{str}]"]
    assert disagreements(schema.INPUTS, redefaulted) == [
        "fail_on_function_error: default True, expected None"
    ]
    assert "names or order" in disagreements(schema.INPUTS, missing)[0]
    assert "names or order" in disagreements(schema.INPUTS, swapped)[0]


# Core request parameters the Pulumi package does not offer yet: each fails the test below
# until it is offered or listed here.
NOT_OFFERED_YET = {"durable_execution_name"}


def test_the_declaration_feeds_the_core() -> None:
    build = inspect.signature(core.build_request).parameters
    assert set(schema.names(Group.REQUEST)) == set(build) - NOT_OFFERED_YET
    settings = {field.name for field in dataclasses.fields(core.ConnectionSettings)}
    assert set(schema.names(Group.CONNECTION)) <= settings
    send = inspect.signature(core.send).parameters
    assert set(schema.names(Group.RESPONSE)) <= set(send)
    # Every input has exactly one group, and the names are unique.
    assert len(set(schema.INPUT_NAMES)) == len(schema.INPUT_NAMES)


def test_the_provider_check_stands_in_for_every_request_and_connection_input() -> None:
    assert set(schema.PLACEHOLDERS) == set(schema.names(Group.REQUEST, Group.CONNECTION))
    # The placeholders of the required inputs are values the core accepts.
    required = {spec.name: spec.placeholder for spec in schema.INPUTS if spec.required}
    core.build_request(**required)
    # Defaults are the provider's: what check fills in, from the same declaration.
    checked = LambdaInvocationProvider().check({}, {"function_name": "f", "payload": "{}"})
    assert checked.failures == []
    assert {name: checked.inputs[name] for name in schema.DEFAULTS} == dict(schema.DEFAULTS)


def test_the_outputs_agree_with_the_declaration() -> None:
    fake = core.InvocationResult(
        result="{}", executed_version="1", function_error=None, log_result=None, status_code=200
    )
    assert [*fake.as_dict(), "result_json"] == list(schema.OUTPUT_NAMES)
    for spec in schema.OUTPUTS:
        getter = getattr(pli.LambdaInvocation, spec.name)
        assert isinstance(getter, property), spec.name
        assert hints_of(getter.fget)["return"] == resolved(OUTPUT[spec.type]), spec.name
        assert isinstance(getattr(InvokeResult, spec.name), property), spec.name


@pytest.mark.parametrize("spec", schema.INPUTS, ids=lambda spec: spec.name)
def test_every_input_is_documented_in_the_readme(spec: InputSpec) -> None:
    readme = Path(pli.__file__).with_name("README.md").read_text(encoding="utf-8")
    assert f"`{spec.name}`" in readme


def test_what_python_3_9_evaluates_uses_no_union_operator() -> None:
    # The package runs on Python 3.9 (requires-python), where "str | None" fails when it is
    # evaluated: in the declaration (built at import) and in the resource's getter hints,
    # which Pulumi evaluates to type the outputs. Elsewhere annotations stay text.
    declared = [(spec.name, spec.type) for spec in schema.INPUTS]
    declared += [(spec.name, spec.type) for spec in schema.OUTPUTS]
    for name, declared_type in declared:
        assert not isinstance(declared_type, types.UnionType), name
        assert "|" not in repr(declared_type), name
    tree = ast.parse(Path(inspect.getfile(pli.LambdaInvocation)).read_text(encoding="utf-8"))
    getters = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and any(ast.unparse(d) == "pulumi.getter" for d in node.decorator_list)
    ]
    assert sorted(getter.name for getter in getters) == sorted(schema.OUTPUT_NAMES)
    for getter in getters:
        assert getter.returns is not None
        unions = [
            n for n in ast.walk(getter.returns) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.BitOr)
        ]
        assert unions == [], f"{getter.name}: {ast.unparse(getter.returns)}"
