"""The example program (examples/pulumi) stays apart from the tests. It runs under the real
Pulumi CLI, through its runner, in tests/pulumi_engine/test_engine_example.py."""

from __future__ import annotations

import ast
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "pulumi"


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
