"""The environments that tests run code in from another process: the version floors, the
other claimed Pythons and each ansible-core release. nox makes each one (a session of
noxfile.py) and links it at the path named here; a missing one fails the test, naming the
session that makes it (the full run makes them all before pytest starts)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def environment(link: str, session: str) -> Path:
    """Where the environment linked at ROOT/link really is (its scripts name that path, so
    the interpreter a tool reports is under it), made by the nox session `session`."""
    path = ROOT / link
    if not (path / "bin/python").exists():
        pytest.fail(
            f"{link} is missing: run `scripts/nox -s {session}` (the full run makes it)", pytrace=False
        )
    return path.resolve()


def ansible_core_environment(release: str) -> Path:
    return environment(f".venv-ansible-{release}", f"ansible-{release}")


def python_environment(version: str) -> Path:
    return environment(f".venv-py{version}", f"python-{version}")


def floor_environments() -> dict[str, Path]:
    """{"core": the floors of the core and Pulumi, "ansible": the collection's floor}."""
    return {
        "core": environment(".venv-floor-core", "floor-core"),
        "ansible": environment(".venv-floor-ansible", "floor-ansible"),
    }
