"""scripts/bootstrap.sh never swaps the interpreter named by PYTHON= for another one."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PY311 = sorted(Path.home().glob(".pyenv/versions/3.11*/bin/python3"))


@pytest.mark.skipif(not PY311 and not os.environ.get("CI"), reason="needs a CPython 3.11 (CI has one)")
def test_a_python_outside_the_rule_is_refused_with_the_rule() -> None:
    completed = subprocess.run(
        [str(ROOT / "scripts" / "bootstrap.sh")],
        env={**os.environ, "PYTHON": str(PY311[0])},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1
    assert f"PYTHON={PY311[0]} cannot be used" in completed.stderr
    assert "CPython 3.12 or 3.13" in completed.stderr
    assert "creating .venv" not in completed.stderr  # refused before anything was touched
