"""Test helper modules are imported by their bare names (pytest puts each test folder on
sys.path), so two helpers of one name in different folders would shadow each other in a
full run: whichever is imported first wins, and the other folder's tests break."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_helper_module_names_are_unique() -> None:
    names = Counter(
        path.name
        for folder in ("tests", "examples")
        for path in (ROOT / folder).rglob("*.py")
        if path.name not in ("__init__.py", "conftest.py") and "__pycache__" not in path.parts
    )
    assert [name for name, count in names.items() if count > 1] == []
