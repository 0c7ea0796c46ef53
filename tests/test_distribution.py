"""The distribution: one wheel carrying the core, the Pulumi package and the collection, so
that `pip install <wheel>[ansible]` alone makes ephemeral.aws.lambda_invocation resolvable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import tomllib
import yaml  # type: ignore[import-untyped]
from packaging.version import Version

from lambda_invocation_core import client
from lambda_invocation_core._version import __version__
from tests.support.galaxy import build_galaxy_tarball

ROOT = Path(__file__).resolve().parent.parent
COLLECTION = ROOT / "ansible_collections/ephemeral/aws"
# The project's URLs, declared once in pyproject.toml; galaxy.yml key -> [project.urls] label.
PROJECT_URLS: dict[str, str] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]
GALAXY_URL_KEYS = {
    "homepage": "Homepage",
    "repository": "Repository",
    "documentation": "Documentation",
    "issues": "Issues",
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("ephemeral_lambda_invocation-*.whl")
    return built


def test_wheel_contents(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    packages = {top for top in tops if not top.endswith(".dist-info")}
    assert packages == {"lambda_invocation_core", "pulumi_lambda_invocation", "ansible_collections"}
    assert "core" not in tops and "local_lambda" not in tops and "tests" not in tops
    # The licence texts (pyproject's license-files; tests/test_licence.py checks the statement).
    for name in ("LICENSE", "LICENSES/Apache-2.0.txt", "LICENSES/GPL-3.0-or-later.txt"):
        assert any(entry.endswith(f".dist-info/licenses/{name}") for entry in names), name
        assert f"ansible_collections/ephemeral/aws/{name}" in names, name
    for required in (
        "lambda_invocation_core/invoke.py",
        "lambda_invocation_core/py.typed",
        "pulumi_lambda_invocation/provider.py",
        "ansible_collections/ephemeral/aws/galaxy.yml",
        "ansible_collections/ephemeral/aws/meta/runtime.yml",
        "ansible_collections/ephemeral/aws/plugins/modules/lambda_invocation.py",
        "ansible_collections/ephemeral/aws/plugins/action/lambda_invocation.py",
        "ansible_collections/ephemeral/aws/plugins/lookup/lambda_invocation.py",
        "ansible_collections/ephemeral/aws/plugins/module_utils/lambda_invocation_core/invoke.py",
    ):
        assert required in names, required
    assert not [name for name in names if "/tests/" in name or "__pycache__" in name]


def test_installing_the_wheel_with_the_ansible_extra_is_enough(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run(
        [str(venv / "bin/python"), "-m", "pip", "install", "-q", f"{wheel}[ansible]"],
        check=True,
        capture_output=True,
        timeout=600,
    )
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_COLLECTIONS_PATH": str(tmp_path / "none"),  # only what site-packages carries
    }
    for plugin_type in ("module", "lookup"):
        doc = subprocess.run(
            [str(venv / "bin/ansible-doc"), "-t", plugin_type, "ephemeral.aws.lambda_invocation"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert doc.returncode == 0, doc.stderr
        assert "site-packages/ansible_collections/ephemeral/aws" in doc.stdout
    imports = subprocess.run(
        [str(venv / "bin/python"), "-c", "import lambda_invocation_core, pulumi_lambda_invocation"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    # pulumi is not in the ansible extra: the Pulumi package must say so, not crash oddly.
    assert "No module named 'pulumi'" in imports.stderr
    core_only = subprocess.run(
        [
            str(venv / "bin/python"),
            "-c",
            "import lambda_invocation_core; print(lambda_invocation_core.__file__)",
        ],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "site-packages/lambda_invocation_core" in core_only.stdout
    assert os.sep + "core" + os.sep not in core_only.stdout


def test_one_version_everywhere(wheel: Path) -> None:
    """_version.py is the source; the wheel, the user agent, galaxy.yml and the changelog agree."""
    collection = ROOT / "ansible_collections/ephemeral/aws"
    galaxy = yaml.safe_load((collection / "galaxy.yml").read_text())
    releases = yaml.safe_load((collection / "changelogs/changelog.yaml").read_text())["releases"]
    metadata = zipfile.ZipFile(wheel).read(f"ephemeral_lambda_invocation-{__version__}.dist-info/METADATA")
    assert f"\nVersion: {__version__}\n" in metadata.decode()
    assert client.USER_AGENT_EXTRA.endswith(f"/{__version__}")
    assert galaxy["version"] == __version__
    assert max(releases, key=Version) == __version__
    # The collection's module_utils copy carries the same file (and so the same user agent).
    copy = collection / "plugins/module_utils/lambda_invocation_core/_version.py"
    assert copy.read_text().endswith((ROOT / "core/lambda_invocation_core/_version.py").read_text())


def test_galaxy_urls_are_pyprojects(wheel: Path, tmp_path: Path) -> None:
    """galaxy.yml repeats pyproject's [project.urls]; the wheel and the Galaxy tarball carry them."""
    galaxy = yaml.safe_load((COLLECTION / "galaxy.yml").read_text())
    assert {key: galaxy.get(key) for key in GALAXY_URL_KEYS} == {
        key: PROJECT_URLS[label] for key, label in GALAXY_URL_KEYS.items()
    }
    assert all(url.startswith("https://") for url in PROJECT_URLS.values())
    metadata = zipfile.ZipFile(wheel).read(f"ephemeral_lambda_invocation-{__version__}.dist-info/METADATA")
    for label, url in PROJECT_URLS.items():
        assert f"\nProject-URL: {label}, {url}\n" in metadata.decode(), label
    tarball = build_galaxy_tarball(tmp_path)
    assert tarball.name == f"ephemeral-aws-{__version__}.tar.gz"
    with tarfile.open(tarball) as archive:
        member = archive.extractfile("MANIFEST.json")
        assert member is not None
        info = json.loads(member.read())["collection_info"]
    assert {key: info[key] for key in GALAXY_URL_KEYS} == {
        key: PROJECT_URLS[label] for key, label in GALAXY_URL_KEYS.items()
    }
