"""The example program (examples/pulumi) under the test engine, so that it cannot rot."""

from __future__ import annotations

import ast
import json
import os
import runpy
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from local_lambda.launcher import RunningEndpoint, running_endpoint
from tests.support.example_test_engine import TestEngine
from tests.support.pulumi_test_settings import REGION

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "pulumi"
FUNCTIONS = EXAMPLE.parent / "local_lambda.json"


@pytest.fixture(scope="module")
def sample_endpoint() -> Iterator[RunningEndpoint]:
    """The endpoint of the main job: the sample function of examples/."""
    with running_endpoint(FUNCTIONS) as endpoint:
        yield endpoint


def program() -> None:
    runpy.run_path(str(EXAMPLE / "__main__.py"), run_name="__main__")


def test_example_program_up_rerun_rotate_destroy(
    sample_endpoint: RunningEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAMBDA_ENDPOINT_URL", sample_endpoint.url)
    engine = TestEngine({"aws:region": REGION}, project="lambda-invocation-example", stack="dev")

    assert engine.preview(program).steps == [("create", "db-credentials")]
    run = engine.up(program)
    assert run.steps == [("create", "db-credentials")]
    result = json.loads(run.value("result"))
    assert result["username"] == "billing_dev_app"
    assert result["db_password"].startswith("s3cr3t-")
    assert result["issued_by"] == "sample-secret:1"
    assert run.value("executed_version") == "1"
    assert run.value("status_code") == 200
    assert run.value("function_error") is None
    assert run.value("db_username") == "billing_dev_app"
    assert run.is_secret("result") and run.is_secret("log_result")
    assert not run.is_secret("db_username")
    shown = run.display_outputs()
    assert shown["result"] == "[secret]" and shown["log_result"] == "[secret]"
    assert "s3cr3t" not in json.dumps(shown)

    # Unchanged: no new credentials. A new rotation value: fresh ones.
    assert engine.up(program).steps == [("same", "db-credentials")]
    assert json.loads(engine.entry("db-credentials").outputs["result"]) == result
    engine.config["lambda-invocation-example:rotation"] = "2"
    rotated = engine.up(program)
    assert rotated.steps[0] == ("replace", "db-credentials")
    assert json.loads(rotated.value("result"))["db_password"] != result["db_password"]

    assert engine.destroy() == [("delete", "db-credentials")]


def test_the_example_imports_nothing_from_tests() -> None:
    tests = EXAMPLE.parents[1] / "tests"
    test_modules = {path.stem for path in tests.rglob("*.py")}
    for source in EXAMPLE.parent.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported = [node.module]
            else:
                imported = []
            for name in imported:
                top = name.split(".")[0]
                assert top != "tests" and top not in test_modules, f"{source} imports {name}"
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert node.value != "tests", f"{source} names the tests folder"


def test_run_under_test_engine_script_shows_secrets_masked(sample_endpoint: RunningEndpoint) -> None:
    env = {**os.environ, "LAMBDA_ENDPOINT_URL": sample_endpoint.url}
    done = subprocess.run(
        [sys.executable, str(EXAMPLE / "run_under_test_engine.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.split() == ["result", "[secret]"] for line in lines), done.stdout
    assert any(line.split() == ["log_result", "[secret]"] for line in lines), done.stdout
    assert any(line.split() == ["status_code", "200"] for line in lines), done.stdout
    assert "same db-credentials" in done.stdout
    assert "s3cr3t" not in done.stdout + done.stderr
