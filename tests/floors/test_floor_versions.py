"""The floor venvs carry exactly the declared floors, each on the oldest Python its part claims."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from packaging.version import Version

from lambda_invocation_core.model_support import NEWER_INVOKE_MEMBERS

ROOT = Path(__file__).resolve().parents[2]

# Run inside a floor venv (Python 3.9 and up, no third-party imports).
_REPORT = r"""
import importlib.metadata as m, json, re, sys

def lower(spec):
    found = re.search(r">=\s*([0-9][0-9.]*)", spec or "")
    return found.group(1) if found else None

dists = {d.metadata["Name"].lower(): d for d in m.distributions()}
report = {"python": "%d.%d" % sys.version_info[:2]}
for name, dist in dists.items():
    report[name] = dist.version
    report[name + " requires-python"] = lower(dist.metadata["Requires-Python"])
report["botocore floor of boto3"] = next(
    lower(r) for r in m.requires("boto3") if r.startswith("botocore")
)
print(json.dumps(report))
"""


def _report(venv: Path) -> dict[str, Any]:
    out = subprocess.run(
        [str(venv / "bin/python"), "-c", _REPORT], capture_output=True, text=True, check=True, timeout=60
    )
    report: dict[str, Any] = json.loads(out.stdout)
    return report


def _minor(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def test_core_and_pulumi_venv_has_exactly_the_floors(
    floors: dict[str, str], floor_venvs: dict[str, Path]
) -> None:
    report = _report(floor_venvs["core"])
    assert report["boto3"] == floors["boto3"]
    assert report["botocore"] == report["botocore floor of boto3"]
    assert report["pulumi"] == floors["pulumi"]
    # The oldest Python the project claims, unless the pulumi floor needs a newer one.
    oldest = max(floors["python"], report["pulumi requires-python"], key=_minor)
    assert report["python"] == oldest
    # Today both are one Python: the core's claim (requires-python) is what runs here.
    assert report["python"] == floors["python"]
    assert report["ephemeral-lambda-invocation"]  # the project itself, installed editable


def test_ansible_venv_has_exactly_the_floors_on_the_oldest_controller_python(
    floors: dict[str, str], floor_venvs: dict[str, Path]
) -> None:
    report = _report(floor_venvs["ansible"])
    assert report["ansible-core"] == floors["ansible-core"]
    assert report["boto3"] == floors["boto3"]
    assert report["botocore"] == report["botocore floor of boto3"]
    assert report["python"] == report["ansible-core requires-python"]


THIS_FILE = str(Path(__file__).resolve().relative_to(ROOT))
# Versions stated with ">=" in the repository that are not floors: the first boto3 of each
# newer Invoke parameter (the core refuses them on older ones), and ansible-core's change
# of how a censored result is hidden (the collection's README tells both mechanisms).
NOT_FLOORS = {("boto3", Version(minimum)) for _, minimum in NEWER_INVOKE_MEMBERS.values()} | {
    ("ansible-core", Version("2.16.13"))
}
_STATEMENT = re.compile(
    r"(?P<package>boto3|pulumi|ansible-core|Python)(?:\s*>=\s*| )"
    r"(?P<version>[0-9]+(?:\.[0-9]+)+)(?: or newer)?"
)
_FLOOR_NAMES = {"boto3": "boto3", "pulumi": "pulumi", "ansible-core": "ansible-core", "Python": "python"}


def test_every_other_statement_of_a_floor_agrees(floors: dict[str, str]) -> None:
    """Requirement files, docs and doc fragments repeat floors; each copy must say the same."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    checked = 0
    for name in tracked.stdout.splitlines():
        if name in ("pyproject.toml", "scripts/floors.py", THIS_FILE) or not (ROOT / name).is_file():
            continue
        text = (ROOT / name).read_text(errors="replace")
        for match in _STATEMENT.finditer(text):
            statement = match.group(0)
            # A Python floor is stated as "Python 3.X or newer" ("Python >= 3.12" is what the
            # development venv needs); a package floor either way.
            stated_as_floor = statement.endswith("or newer") or (
                ">=" in statement and match["package"] != "Python"
            )
            stated = Version(match["version"])
            if not stated_as_floor or (match["package"], stated) in NOT_FLOORS:
                continue
            floor = floors[_FLOOR_NAMES[match["package"]]]
            assert stated == Version(floor), f"{name}: {statement!r}, but the floor is {floor}"
            checked += 1
    assert checked >= 5  # the collection's README, doc fragment and requirements, the example's
