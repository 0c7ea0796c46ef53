"""The start-up check: a runtime Python without awslambdaric, or a handler that is not there,
ends the endpoint at start (and `--check`) with status 2 naming the function, the handler and
what is missing, instead of an endpoint that says "ok" and fails every invocation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from local_lambda.config import ConfigError, parse_config

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ROOT / "tests" / "functions"


def _run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "local_lambda", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _write_config(tmp_path: Path, functions: dict[str, object]) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"functions": functions}))
    return path


@pytest.fixture(scope="module")
def python_without_awslambdaric(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh venv of this Python without the project's packages (the newcomer's plain `python`)."""
    where = tmp_path_factory.mktemp("bare-venv")
    venv.EnvBuilder(with_pip=False).create(where)
    python = str(where / "bin" / "python")
    probe = subprocess.run([python, "-c", "import awslambdaric"], capture_output=True, check=False)
    assert probe.returncode != 0, "the bare venv must lack awslambdaric for this test to mean anything"
    return python


def test_the_project_config_passes_the_check() -> None:
    done = _run("--config", str(FUNCTIONS / "config.json"), "--check")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: ")


def test_a_python_without_awslambdaric_is_refused_with_the_module_named(
    python_without_awslambdaric: str,
) -> None:
    done = _run(
        "--config", str(FUNCTIONS / "config.json"), "--check", "--python", python_without_awslambdaric
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert f"the runtime Python {python_without_awslambdaric}" in done.stderr
    assert "cannot import awslambdaric (ModuleNotFoundError: No module named 'awslambdaric')" in done.stderr
    assert "echo" in done.stderr and "--python" in done.stderr


def test_the_endpoint_does_not_start_with_a_python_without_awslambdaric(
    python_without_awslambdaric: str,
) -> None:
    done = _run(
        "--function", "echo=tests/functions/common:lambda_handlers.echo", "--port", "0",
        "--python", python_without_awslambdaric,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""  # no URL: it never listened
    assert "cannot import awslambdaric" in done.stderr


def test_each_missing_handler_is_named_with_its_function_version_and_cause(tmp_path: Path) -> None:
    code = tmp_path / "code"
    (code / "pkg").mkdir(parents=True)
    (code / "pkg" / "__init__.py").write_text("")
    (code / "pkg" / "inner.py").write_text("def handler(event, context):\n    return event\n")
    (code / "good.py").write_text(
        "import json\n"
        "from json import dumps as aliased\n"
        "try:\n    def in_try(event, context):\n        return 1\nexcept ImportError:\n    pass\n"
        "assigned = lambda event, context: 2\n"
        "def handler(event, context):\n    return event\n"
        "print('top-level code must not run in the check')\n"
        "raise SystemExit('top-level code ran')\n"
    )
    (code / "broken.py").write_text("def handler(event, context)\n    return 1\n")
    (code / "starry.py").write_text("from good import *\n")
    config = _write_config(
        tmp_path,
        {
            "ok": {"code": "code", "handler": "good.handler"},
            "ok-try": {"code": "code", "handler": "good.in_try"},
            "ok-assign": {"code": "code", "handler": "good.assigned"},
            "ok-import": {"code": "code", "handler": "good.aliased"},
            "ok-nested": {"code": "code", "handler": "pkg.inner.handler"},
            "ok-slash": {"code": "code", "handler": "pkg/inner.handler"},
            "ok-star": {"code": "code", "handler": "starry.anything"},
            "no-module": {"code": "code", "handler": "absent.handler"},
            "no-submodule": {"code": "code", "handler": "pkg.absent.handler"},
            "no-name": {"code": "code", "handler": "good.nothere"},
            "syntax": {"code": "code", "handler": "broken.handler"},
            "builtin": {"code": "code", "handler": "sys.handler"},
            "bad-version": {
                "code": "code",
                "handler": "good.handler",
                "versions": {"1": {"handler": "good.gone"}, "2": {}},
            },
            "opted-out": {"code": "code", "handler": "absent.handler", "import_check": False},
        },
    )
    done = _run("--config", str(config), "--check")
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert all(line.startswith("local_lambda: function ") for line in lines), lines
    by_function = {line.split()[2]: line for line in lines}
    assert sorted(by_function) == ["bad-version", "builtin", "no-module", "no-name", "no-submodule", "syntax"]
    assert f"handler absent.handler: no module named absent in {code}" in by_function["no-module"]
    assert "no module named pkg.absent" in by_function["no-submodule"]
    assert "handler good.nothere: module good" in by_function["no-name"]
    assert "defines no nothere at top level" in by_function["no-name"]
    assert "syntax error in module broken" in by_function["syntax"]
    assert "built-in module" in by_function["builtin"]
    assert "function bad-version (1), handler good.gone" in by_function["bad-version"]
    assert "top-level code" not in done.stdout + done.stderr


def test_a_bad_handler_stops_the_endpoint_before_it_listens(tmp_path: Path) -> None:
    done = _run("--function", "echo=tests/functions/common:lambda_handlers.nothere", "--port", "0")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "function echo ($LATEST), handler lambda_handlers.nothere" in done.stderr


def test_background_reports_the_check_itself_and_leaves_nothing_running(tmp_path: Path) -> None:
    pid_file = tmp_path / "ll.pid"
    done = _run(
        "--function", "echo=tests/functions/common:nomodule.handler", "--background",
        "--pid-file", str(pid_file), "--log-file", str(tmp_path / "ll.log"),
    )  # fmt: skip
    assert done.returncode == 2
    assert "function echo ($LATEST), handler nomodule.handler: no module named nomodule" in done.stderr
    assert not pid_file.exists()  # the detached endpoint was never started
    assert not (tmp_path / "ll.log").exists()


def test_background_still_checks_once_and_starts(tmp_path: Path) -> None:
    pid_file = tmp_path / "ll.pid"
    done = _run(
        "--function", "echo=tests/functions/common:lambda_handlers.echo", "--background",
        "--pid-file", str(pid_file), "--log-file", str(tmp_path / "ll.log"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    pid = int(pid_file.read_text())
    try:
        assert done.stdout.startswith("http://127.0.0.1:")
    finally:
        os.kill(pid, 15)


def test_a_runtime_python_that_cannot_run_is_named(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-python")
    done = _run(
        "--function", "echo=tests/functions/common:lambda_handlers.echo", "--check", "--python", missing
    )
    assert done.returncode == 2
    assert f"cannot run the runtime Python {missing}" in done.stderr


def test_import_check_must_be_a_boolean() -> None:
    with pytest.raises(ConfigError, match=r"functions\.f\.import_check: expected true or false"):
        parse_config(
            {"functions": {"f": {"code": "common", "handler": "lambda_handlers.echo", "import_check": "no"}}},
            FUNCTIONS,
        )
