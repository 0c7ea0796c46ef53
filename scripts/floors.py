#!/usr/bin/env python3
"""The declared version floors, read from where they are declared (and only there).

    python: requires-python in pyproject.toml           (">=3.9"        -> 3.9)
    boto3:  the core's dependency in pyproject.toml     ("boto3>=1.34.0" -> 1.34.0)
    pulumi: the `pulumi` extra in pyproject.toml        ("pulumi>=3.139.0,<4" -> 3.139.0)
    ansible-core: requires_ansible in the collection's meta/runtime.yml (">=2.17.0" -> 2.17.0);
                  the `ansible` extra repeats it, and this script fails when they differ

noxfile.py (sessions floor-core, floor-ansible) builds environments with exactly these
versions; tests/floors checks that the venvs carry them. Needs Python >= 3.11 (tomllib) with
`packaging` (the project venv has both).

Usage: floors.py [--shell | --json | --stamp | --test-tools]
  --shell       FLOOR_PYTHON=3.9, FLOOR_BOTO3=... lines, for eval
  --stamp       a digest of what the floor venvs install (floors, runtime dependencies and
                test tools), so that they are rebuilt when it changes and not on every
                edit of pyproject.toml
  --test-tools  the requirements (from the dev extra) that the core's tests need to run in
                the floor venv, one a line
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

import tomllib
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
RUNTIME_YML = ROOT / "ansible_collections/ephemeral/aws/meta/runtime.yml"


def _lower_bound(specifier: str, what: str) -> str:
    """The version of the one `>=` clause in a specifier set."""
    bounds = [part.strip()[2:].strip() for part in specifier.split(",") if part.strip().startswith(">=")]
    if len(bounds) != 1:
        raise SystemExit(f"floors: {what}: expected one '>=' bound in {specifier!r}")
    return bounds[0]


def _requirement_floor(requirements: list[str], name: str, where: str) -> str:
    found = [Requirement(text) for text in requirements if Requirement(text).name == name]
    if len(found) != 1:
        raise SystemExit(f"floors: expected one requirement on {name} in {where}, found {len(found)}")
    return _lower_bound(str(found[0].specifier), f"{name} in {where}")


def floors() -> dict[str, str]:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    runtime = re.search(
        r"^requires_ansible:\s*['\"]?([^'\"\n]+)", RUNTIME_YML.read_text(), flags=re.MULTILINE
    )
    if runtime is None:
        raise SystemExit(f"floors: no requires_ansible in {RUNTIME_YML}")
    extras = project["optional-dependencies"]
    ansible_core = _lower_bound(runtime.group(1), "requires_ansible in meta/runtime.yml")
    # The `ansible` extra repeats the collection's floor (pip cannot read runtime.yml).
    extra_floor = _requirement_floor(extras["ansible"], "ansible-core", "the ansible extra")
    if extra_floor != ansible_core:
        raise SystemExit(
            f"floors: the ansible extra says ansible-core>={extra_floor}, "
            f"meta/runtime.yml says >={ansible_core}: make them agree"
        )
    return {
        "python": _lower_bound(project["requires-python"], "requires-python"),
        "boto3": _requirement_floor(project["dependencies"], "boto3", "[project] dependencies"),
        "pulumi": _requirement_floor(extras["pulumi"], "pulumi", "the pulumi extra"),
        "ansible-core": ansible_core,
    }


# What tests/core needs besides the product (tests/floors runs most of it on the floors).
TEST_TOOLS = ("pytest", "pytest-timeout", "hypothesis", "trustme", "moto")


def test_tools() -> list[str]:
    dev = tomllib.loads(PYPROJECT.read_text())["project"]["optional-dependencies"]["dev"]
    found = [text for text in dev if Requirement(text).name in TEST_TOOLS]
    if len(found) != len(TEST_TOOLS):
        raise SystemExit(f"floors: the dev extra should name each of {TEST_TOOLS} once")
    return found


def claimed_pythons() -> list[str]:
    """The Python versions the classifiers claim, oldest first; the oldest is requires-python's."""
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    prefix = "Programming Language :: Python :: "
    stated = [entry[len(prefix) :] for entry in project.get("classifiers", []) if entry.startswith(prefix)]
    versions = sorted(
        (version for version in stated if re.fullmatch(r"3\.\d+", version)),
        key=lambda version: tuple(int(part) for part in version.split(".")),
    )
    if not versions or versions[0] != floors()["python"]:
        raise SystemExit("floors: the oldest Python classifier must equal requires-python's floor")
    return versions


def stamp() -> str:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    installed = [floors(), project["dependencies"], project["optional-dependencies"]["pulumi"], test_tools()]
    return hashlib.sha256(json.dumps(installed, sort_keys=True).encode()).hexdigest()[:16]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--shell", action="store_true", help="FLOOR_<NAME>=<version> lines for eval")
    form.add_argument("--json", action="store_true")
    form.add_argument("--stamp", action="store_true", help="a digest of what the floor venvs install")
    form.add_argument("--test-tools", action="store_true", help="requirements of the core's tests")
    form.add_argument("--pythons", action="store_true", help="the claimed Python versions, one a line")
    args = parser.parse_args()
    found = floors()
    if args.stamp:
        print(stamp())
    elif args.test_tools:
        print("\n".join(test_tools()))
    elif args.pythons:
        print("\n".join(claimed_pythons()))
    elif args.json:
        print(json.dumps(found))
    elif args.shell:
        for name, version in found.items():
            print(f"FLOOR_{name.upper().replace('-', '_')}={version}")
    else:
        for name, version in found.items():
            print(f"{name} {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
