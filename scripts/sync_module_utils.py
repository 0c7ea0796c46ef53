#!/usr/bin/env python3
"""Copy the shared core into the Ansible collection's module_utils.

Ansible ships only ``plugins/module_utils`` to where a module runs, and a symlink out of
the collection fails ``ansible-test sanity``, so the collection carries a generated copy.
``--check`` exits 1 when the copy differs from ``core/lambda_invocation_core/`` (the tests run it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "core/lambda_invocation_core"
TARGET = ROOT / "ansible_collections/ephemeral/aws/plugins/module_utils/lambda_invocation_core"
# The project's one licence statement (pyproject.toml); every generated file carries it.
LICENSE_EXPRESSION: str = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
    "license"
]
HEADER = (
    "# Copyright: Contributors to ephemeral-lambda-invocation and the ephemeral.aws collection\n"
    "# Licence: see LICENSE and LICENSES/ at the collection root\n"
    f"# SPDX-License-Identifier: {LICENSE_EXPRESSION}\n"
    "# GENERATED from core/lambda_invocation_core/{name} by scripts/sync_module_utils.py:"
    " edit core/, then re-run it.\n"
)


def expected_files() -> dict[str, str]:
    # The copy's __init__.py stays empty: ansible-test sanity (empty-init, ansible-core
    # 2.17/2.18) requires empty __init__.py files under plugins/module_utils, so Ansible code
    # imports the copy's submodules (.client, .errors, .invoke, .validation).
    return {
        path.name: ""
        if path.name == "__init__.py"
        else HEADER.format(name=path.name) + path.read_text(encoding="utf-8")
        for path in sorted(SOURCE.glob("*.py"))
    }


def differences() -> list[str]:
    wanted = expected_files()
    present = {path.name for path in TARGET.glob("*.py")} if TARGET.is_dir() else set()
    problems = [
        f"missing or stale: {name}"
        for name, text in wanted.items()
        if not (TARGET / name).is_file() or (TARGET / name).read_text(encoding="utf-8") != text
    ]
    problems += [f"not in core/: {name}" for name in sorted(present - wanted.keys())]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report differences")
    args = parser.parse_args()
    problems = differences()
    if args.check:
        for problem in problems:
            print(f"{TARGET.relative_to(ROOT)}: {problem}", file=sys.stderr)
        if problems:
            print("run: python scripts/sync_module_utils.py", file=sys.stderr)
        return 1 if problems else 0
    TARGET.mkdir(parents=True, exist_ok=True)
    for stale in TARGET.glob("*.py"):
        stale.unlink()
    for name, text in expected_files().items():
        (TARGET / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(expected_files())} files to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
