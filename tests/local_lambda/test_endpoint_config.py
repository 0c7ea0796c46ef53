"""Config parsing and FunctionName resolution (in process, no runtimes)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from botocore.loaders import Loader
from hypothesis import given
from hypothesis import strategies as st

from local_lambda import names
from local_lambda.config import ConfigError, load_config, parse_config, parse_function_shortcut

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"


def _model_shape(name: str) -> dict[str, Any]:
    shape: dict[str, Any] = Loader().load_service_model("lambda", "service-2")["shapes"][name]
    return shape


def test_patterns_match_the_installed_service_model() -> None:
    # If botocore's model changes, this fails and names.py must follow it.
    function = _model_shape("NamespacedFunctionName")
    qualifier = _model_shape("NumericLatestPublishedOrAliasQualifier")
    tenant = _model_shape("TenantId")
    assert (function["min"], function["max"]) == (1, 256)
    assert (qualifier["min"], qualifier["max"]) == (1, 128)
    assert (tenant["min"], tenant["max"]) == (1, 256)
    samples = [
        "f",
        "f.x",
        "f:$LATEST",
        "f:$LATEST.PUBLISHED",
        "arn:aws-cn:lambda:cn-north-1:123456789012:function:f:1",
    ]
    for sample in samples:
        assert re.fullmatch(function["pattern"], sample)
        assert names.parse_function_name(sample) is not None


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzAB0123456789-_.:$/ ", max_size=80))
def test_name_parser_agrees_with_the_model_pattern(value: str) -> None:
    pattern = _model_shape("NamespacedFunctionName")["pattern"]
    model_ok = 1 <= len(value) <= 256 and re.fullmatch(pattern, value) is not None
    parsed = names.parse_function_name(value)
    if parsed is not None:
        assert model_ok  # never accept what AWS rejects
    elif model_ok:
        # Only our extra name-only rule may reject what the pattern allows: no ARN, region or
        # account, and a name (without qualifier) longer than 64 characters.
        parts = value.split(":")
        assert not re.fullmatch(r"\d{12}", parts[0]) and not value.startswith("arn:"), value
        assert len(parts[1] if parts[0] == "function" else parts[0]) > 64, value


@pytest.mark.parametrize(
    ("value", "name", "qualifier", "account"),
    [
        ("my-function", "my-function", None, None),
        ("my-function:v1", "my-function", "v1", None),
        ("my-function:$LATEST", "my-function", "$LATEST", None),
        ("123456789012:function:my-function", "my-function", None, "123456789012"),
        ("123456789012:function:my-function:7", "my-function", "7", "123456789012"),
        ("arn:aws:lambda:us-west-2:123456789012:function:my-function", "my-function", None, "123456789012"),
        ("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f:live", "f", "live", "123456789012"),
        ("arn:aws-iso-b:lambda:us-isob-east-1:123456789012:function:f", "f", None, "123456789012"),
    ],
)
def test_function_name_forms(value: str, name: str, qualifier: str | None, account: str | None) -> None:
    parsed = names.parse_function_name(value)
    assert parsed is not None
    assert (parsed.name, parsed.qualifier, parsed.account) == (name, qualifier, account)


@pytest.mark.parametrize("value", ["", "a" * 65, "has space", "f:", "f:a.b", "arn:aws:s3:::b", "x" * 257])
def test_function_name_rejections(value: str) -> None:
    assert names.parse_function_name(value) is None


def test_test_functions_config_loads() -> None:
    config = load_config(FUNCTIONS / "config.json")
    echo = config.functions["echo"]
    assert echo.latest.handler == "lambda_handlers.echo"
    assert echo.resolve("live") is echo.versions["1"]
    assert echo.versions["1"].code_dir == FUNCTIONS / "echo_v1"
    assert echo.versions["3"].code_dir == echo.latest.code_dir  # same code, published
    assert echo.resolve("current") is echo.latest
    assert echo.resolve("$LATEST.PUBLISHED") is echo.versions["3"]
    assert echo.resolve("nope") is None
    assert config.functions["throttled"].reserved_concurrency == 2
    assert config.functions["short-timeout"].latest.timeout == 2


def test_toml_config(tmp_path: Path) -> None:
    (tmp_path / "code").mkdir()
    (tmp_path / "fns.toml").write_text(
        '[functions.t]\ncode = "code"\nhandler = "m.h"\ntimeout = 5\n'
        '[functions.t.versions."1"]\n[functions.t.aliases]\nprod = "1"\n'
    )
    function = load_config(tmp_path / "fns.toml").functions["t"]
    assert function.resolve("prod") is function.versions["1"]
    assert function.latest.timeout == 5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"handler": "nodot"}, "expected 'module.function'"),
        ({"code": "missing-dir"}, "not a directory"),
        ({"timeout": 0}, "timeout: must be between"),
        ({"timeout": "3"}, "expected a number"),
        ({"environment": {"AWS_REGION": "x"}}, "reserved by Lambda"),
        ({"environment": {"A": 1}}, "expected a string"),
        ({"reserved_concurrency": -1}, "reserved_concurrency"),
        ({"versions": {"v1": {}}}, "positive integer"),
        ({"aliases": {"live": "9"}}, "unknown version"),
        ({"aliases": {"123": "$LATEST"}}, "not only digits"),
        ({"timout": 3}, "unknown key(s) timout"),
    ],
)
def test_config_errors_name_the_key(change: dict[str, Any], message: str) -> None:
    spec = {"code": "common", "handler": "lambda_handlers.echo", **change}
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_config({"functions": {"f": spec}}, FUNCTIONS)


def test_bad_function_name_and_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="1-64 characters"):
        parse_config({"functions": {"bad name": {"code": "common", "handler": "a.b"}}}, FUNCTIONS)
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(ConfigError, match=r"broken\.json"):
        load_config(tmp_path / "broken.json")
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "absent.json")


def test_function_shortcut() -> None:
    spec = parse_function_shortcut("quick=common:lambda_handlers.echo", FUNCTIONS, timeout=7)
    assert (spec.name, spec.latest.handler, spec.latest.timeout) == ("quick", "lambda_handlers.echo", 7)
    assert spec.latest.code_dir == FUNCTIONS / "common"


def test_example_config_loads() -> None:
    root = FUNCTIONS.parent.parent
    config = load_config(root / "examples" / "local_lambda.json")
    function = config.functions["sample-secret"]
    resolved = function.resolve("live")
    assert resolved is not None and resolved.version == "1"
    assert json.loads((root / "examples" / "local_lambda.json").read_text())["functions"]
