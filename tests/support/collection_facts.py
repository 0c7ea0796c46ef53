"""What the ephemeral.aws tests read about the collection: ansible-doc's view of a plugin, the
environment variables a description names, and the project's boto3 requirement."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import tomllib
from packaging.requirements import Requirement
from packaging.version import Version

from tests.support.playbook_support import ROOT, AnsibleCore

COLLECTION = ROOT / "ansible_collections" / "ephemeral" / "aws"
CURRENT = AnsibleCore("current", ROOT / ".venv")

# "The E(A) or E(B) environment variables may also be used, in decreasing order of preference."
# and "The E(A) environment variable may also be used." (the doc fragment's two sentence forms).
ENV_SENTENCE = re.compile(
    r"The (?P<names>E\(\w+\)(?:(?:, | or )E\(\w+\))*) environment variables? may also be used"
    r"(?P<order>, in decreasing order of preference)?"
)


def ansible_doc(core: AnsibleCore, plugin_type: str) -> dict[str, Any]:
    proc = subprocess.run(
        [str(core.venv / "bin/ansible-doc"), "--json", "-t", plugin_type, "ephemeral.aws.lambda_invocation"],
        env={
            "PATH": f"{core.venv / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": os.environ.get("HOME", "/tmp"),
            "LANG": "C.UTF-8",
            "ANSIBLE_COLLECTIONS_PATH": str(ROOT),
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    doc: dict[str, Any] = json.loads(proc.stdout)["ephemeral.aws.lambda_invocation"]["doc"]
    return doc


def documented_env_order(description: list[str] | str) -> list[str]:
    """The environment variables an option's description names in its ENV_SENTENCE, in order."""
    text = " ".join([description] if isinstance(description, str) else description)
    found = ENV_SENTENCE.findall(text)
    assert len(found) <= 1, text
    if not found:
        return []
    names_text, order = found[0]
    names = re.findall(r"E\((\w+)\)", names_text)
    # Two or more variables: the description must say which one wins.
    assert (len(names) > 1) == bool(order), text
    return names


def pyproject_boto3() -> Requirement:
    """The boto3 requirement of the project's dependencies."""
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    (boto3,) = [r for r in map(Requirement, dependencies) if r.name == "boto3"]
    return boto3


def requirement_lines(path: Path) -> list[Requirement]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [Requirement(line) for line in lines if line]


def floor(requirement: Requirement) -> Version:
    """The version of a single ``>=`` requirement (1.34 and 1.34.0 are the same floor)."""
    (spec,) = requirement.specifier
    assert spec.operator == ">=", requirement
    return Version(spec.version)


def stated_floor(text: str, pattern: str) -> Version:
    """The version in the one match of pattern (its first group) in text."""
    found = re.findall(pattern, text)
    assert len(found) == 1, (pattern, text)
    return Version(found[0])
