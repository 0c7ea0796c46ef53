"""ephemeral.aws in execution environments (issue 12, Ansible half) and its docs as the
ecosystem's tools read them.

- meta/execution-environment.yml and requirements.txt declare the same boto3 floor as the
  project's pyproject.toml (read from it, never written here), and the module's and the lookup's
  `requirements` and `notes` say the same;
- the built tarball, installed into a collections path, is what `ansible-builder introspect`
  reads: it lists boto3; `ansible-builder create` writes a build context, offline (no container
  is built), and the context's own introspection step finds boto3 in the installed collection;
- `antsibull-docs lint-collection-docs --plugin-docs` is clean.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]
from packaging.requirements import Requirement

from tests.support.collection_facts import (
    COLLECTION,
    CURRENT,
    ansible_doc,
    floor,
    pyproject_boto3,
    requirement_lines,
    stated_floor,
)
from tests.support.playbook_support import ROOT

VENV_BIN = ROOT / ".venv" / "bin"


def _env(**extra: str) -> dict[str, str]:
    return {
        "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",  # antsibull-docs runs `ansible`
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        **extra,
    }


def _run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300, env=_env(), **kwargs)
    assert proc.returncode == 0, f"{command}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def test_collection_declares_the_project_boto3_floor() -> None:
    boto3 = pyproject_boto3()
    meta = yaml.safe_load((COLLECTION / "meta/execution-environment.yml").read_text())
    assert meta["version"] == 1
    python_file = COLLECTION / meta["dependencies"]["python"]
    declared = requirement_lines(python_file)
    assert [(r.name, r.specifier) for r in declared] == [(boto3.name, boto3.specifier)]
    # A system dependency is declared exactly when there is a bindep.txt (none is needed today).
    assert ("system" in meta["dependencies"]) == (COLLECTION / "bindep.txt").exists()
    if "system" in meta["dependencies"]:
        assert (COLLECTION / meta["dependencies"]["system"]).is_file()
    # ansible-test units install the same floor.
    unit = requirement_lines(COLLECTION / "tests/unit/requirements.txt")
    assert [(r.name, r.specifier) for r in unit if r.name == "boto3"] == [(boto3.name, boto3.specifier)]


@pytest.mark.parametrize("plugin_type", ["module", "lookup"])
def test_documentation_states_the_declared_requirements(plugin_type: str) -> None:
    doc = ansible_doc(CURRENT, plugin_type)
    boto3 = pyproject_boto3()
    stated = [r for r in doc["requirements"] if r.startswith("boto3")]
    suffix = "" if plugin_type == "module" else " on the controller"
    assert len(stated) == 1, doc["requirements"]
    assert stated_floor(stated[0], r"^boto3 >= ([\d.]+)" + re.escape(suffix) + "$") == floor(boto3)
    # The note on execution environments names the files and what they hold.
    (note,) = [n for n in doc["notes"] if "execution environments" in n]
    meta = yaml.safe_load((COLLECTION / "meta/execution-environment.yml").read_text())
    (declared,) = requirement_lines(COLLECTION / meta["dependencies"]["python"])
    assert f"C({declared})" in note
    assert f"C({meta['dependencies']['python']})" in note and "C(meta/execution-environment.yml)" in note
    assert ("no system package is needed" in note) == ("system" not in meta["dependencies"])


def test_ansible_builder_introspect_and_create(tmp_path: Path) -> None:
    galaxy = str(VENV_BIN / "ansible-galaxy")
    _run([galaxy, "collection", "build", str(COLLECTION), "--output-path", str(tmp_path)])
    (tarball,) = tmp_path.glob("ephemeral-aws-*.tar.gz")
    listing = _run(["tar", "-tzf", str(tarball)]).stdout.split()
    assert "requirements.txt" in listing and "meta/execution-environment.yml" in listing
    assert not [name for name in listing if ".ruff_cache" in name]
    collections = tmp_path / "collections"
    _run([galaxy, "collection", "install", "--offline", str(tarball), "-p", str(collections)])
    installed = collections / "ansible_collections/ephemeral/aws"
    assert (installed / "meta/execution-environment.yml").is_file()

    boto3 = pyproject_boto3()
    introspected = yaml.safe_load(
        _run([str(VENV_BIN / "ansible-builder"), "introspect", str(collections)]).stdout
    )
    python = [Requirement(line.split("#", 1)[0]) for line in introspected["python"]]
    assert [(r.name, r.specifier) for r in python] == [(boto3.name, boto3.specifier)]
    (declared,) = requirement_lines(COLLECTION / "requirements.txt")
    assert introspected["python"] == [f"{declared}  # from collection ephemeral.aws"]
    assert introspected["system"] == []

    # An execution environment definition for the built collection; create writes the build
    # context only (no container runtime is called).
    build_files = tmp_path / "ee"
    build_files.mkdir()
    (build_files / tarball.name).write_bytes(tarball.read_bytes())
    definition = {
        "version": 3,
        "images": {"base_image": {"name": "registry.invalid/ee-minimal:latest"}},
        "dependencies": {
            "ansible_core": {"package_pip": "ansible-core"},
            "ansible_runner": {"package_pip": "ansible-runner"},
            "galaxy": {"collections": [{"name": f"collections/{tarball.name}", "type": "file"}]},
        },
        "additional_build_files": [{"src": tarball.name, "dest": "collections"}],
    }
    (build_files / "execution-environment.yml").write_text(json.dumps(definition))
    context = tmp_path / "context"
    _run(
        [
            str(VENV_BIN / "ansible-builder"),
            "create",
            "-f",
            "execution-environment.yml",
            "--context",
            str(context),
        ],
        cwd=build_files,
    )
    (containerfile,) = [p for p in (context / "Containerfile", context / "Dockerfile") if p.is_file()]
    text = containerfile.read_text()
    assert re.search(r"ansible-galaxy collection install .*-r requirements\.yml", text)
    assert "introspect.py introspect" in text
    assert (context / "_build/collections" / tarball.name).read_bytes() == tarball.read_bytes()
    galaxy_requirements = yaml.safe_load((context / "_build/requirements.yml").read_text())
    assert galaxy_requirements["collections"] == [{"name": f"collections/{tarball.name}", "type": "file"}]
    # The build's own introspection step (run in the image after the galaxy stage) on the
    # installed collection: it writes boto3 into the requirements it installs.
    pip_out, bindep_out = tmp_path / "pip.txt", tmp_path / "bindep.txt"
    _run(
        [
            str(VENV_BIN / "python"),
            str(context / "_build/scripts/introspect.py"),
            "introspect",
            str(collections),
            f"--write-pip={pip_out}",
            f"--write-bindep={bindep_out}",
        ]
    )
    assert [(r.name, r.specifier) for r in requirement_lines(pip_out)] == [(boto3.name, boto3.specifier)]
    assert not bindep_out.exists() or not bindep_out.read_text().strip()


def test_antsibull_docs_lint_collection_docs() -> None:
    proc = _run(
        [str(VENV_BIN / "antsibull-docs"), "lint-collection-docs", "--plugin-docs", str(COLLECTION)],
    )
    assert proc.stdout.strip() == "" and proc.stderr.strip() == "", proc.stdout + proc.stderr
