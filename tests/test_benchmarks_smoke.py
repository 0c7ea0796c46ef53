"""Smoke runs of the benchmarks: they must keep working; their figures are not judged here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> str:
    completed = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=240, check=False
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def test_core_and_pulumi_benchmark_smoke() -> None:
    output = run("benchmarks/compare.py", "--quick")
    for case in ("1 KB payload", "1 MB payload", "100 invocations in a loop", "Pulumi invoke()", "cold:"):
        assert case in output
    assert output.count("| ") >= 7


def test_endpoint_benchmark_smoke() -> None:
    output = run(
        "benchmarks/endpoint_bench.py", "--invokes", "50", "--seconds", "0.5", "--startup-rounds", "1"
    )
    assert "median" in output


def test_ansible_benchmark_smoke() -> None:
    # Our paths only (--quick needs neither amazon.aws nor .venv-bench): the loop in the
    # controller's process and with the module forced, separate tasks, the lookup, the
    # module file run alone, and the action plugin's warm-up with and without botocore.
    output = run("benchmarks/ansible_compare.py", "--quick")
    for case in (
        "loop (in the controller's process)",
        "loop (module forced)",
        "tasks (in the controller's process)",
        "lookup loop",
        "module file alone",
        "one-time warm-up in the controller's main process",
        "| botocore installed |",
        "| botocore not installed",
        "loop, in process vs module forced",
    ):
        assert case in output, output
    assert output.count("| ephemeral.aws.lambda_invocation") == 5, output
