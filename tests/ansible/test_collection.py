"""The collection as a product: docs render, it builds and installs, changelog lints, and the
example playbook hides the sample function's secrets while a later task uses them."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]
from packaging.version import Version

from local_lambda.launcher import running_endpoint
from tests.support.collection_facts import CURRENT, ansible_doc
from tests.support.playbook_support import ANSIBLE_CORES, CORE_DEPTHS, ROOT, AnsibleCore

COLLECTION = ROOT / "ansible_collections" / "ephemeral" / "aws"


def _env(core: AnsibleCore, **extra: str) -> dict[str, str]:
    return {
        "PATH": f"{core.venv / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        **extra,
    }


@pytest.mark.parametrize("plugin_type", ["module", "lookup"])
def test_ansible_doc_renders(ansible_core: AnsibleCore, plugin_type: str) -> None:
    proc = subprocess.run(
        [str(ansible_core.venv / "bin/ansible-doc"), "-t", plugin_type, "ephemeral.aws.lambda_invocation"],
        env=_env(ansible_core, ANSIBLE_COLLECTIONS_PATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ERROR" not in proc.stderr, proc.stderr
    assert "function_name" in proc.stdout or "_terms" in proc.stdout
    assert "payload" in proc.stdout and "read_timeout" in proc.stdout


def test_galaxy_build_and_install(ansible_core: AnsibleCore, tmp_path: Path) -> None:
    env = _env(ansible_core)
    galaxy = str(ansible_core.venv / "bin/ansible-galaxy")
    subprocess.run(
        [galaxy, "collection", "build", str(COLLECTION), "--output-path", str(tmp_path)],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    (tarball,) = tmp_path.glob("ephemeral-aws-*.tar.gz")
    listing = subprocess.run(["tar", "-tzf", str(tarball)], check=True, capture_output=True, text=True).stdout
    assert "plugins/module_utils/lambda_invocation_core/invoke.py" in listing
    assert "tests/output" not in listing
    installed = tmp_path / "collections"
    subprocess.run(
        [galaxy, "collection", "install", str(tarball), "-p", str(installed)],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    proc = subprocess.run(
        [str(ansible_core.venv / "bin/ansible-doc"), "ephemeral.aws.lambda_invocation"],
        env=_env(ansible_core, ANSIBLE_COLLECTIONS_PATH=str(installed)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert str(installed) in proc.stdout


def test_changelog_lints() -> None:
    subprocess.run(
        [str(ROOT / ".venv/bin/antsibull-changelog"), "lint"], cwd=COLLECTION, check=True, timeout=120
    )


def test_example_hides_the_secret_and_uses_it(ansible_core: AnsibleCore, tmp_path: Path) -> None:
    with running_endpoint(ROOT / "examples" / "local_lambda.json") as endpoint:
        proc = subprocess.run(
            [str(ROOT / "examples/ansible/run.sh"), "-vvvv"],
            env={
                **_env(ansible_core),
                "LAMBDA_ENDPOINT_URL": endpoint.url,
                "ANSIBLE_PLAYBOOK": str(ansible_core.venv / "bin/ansible-playbook"),
                "EXAMPLE_OUT_DIR": str(tmp_path),
                "ANSIBLE_LOG_PATH": str(tmp_path / "ansible.log"),
            },
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    password = (tmp_path / "db_password").read_text().strip()
    assert password.startswith("s3cr3t-")
    output = proc.stdout + proc.stderr + (tmp_path / "ansible.log").read_text()
    assert password not in output
    assert "s3cr3t-" not in output and "tok_" not in output
    assert "censored" in output
    assert f"received a password of {len(password)} characters" in proc.stdout


def _versions_added(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [str(node["version_added"])] if "version_added" in node else []
        nested = [v for key, value in node.items() if key != "version_added" for v in _versions_added(value)]
        return found + nested
    if isinstance(node, list):
        return [v for item in node for v in _versions_added(item)]
    return []


@pytest.mark.parametrize("plugin_type", ["module", "lookup"])
def test_every_version_added_is_a_release(plugin_type: str) -> None:
    """Every version_added (plugin and options, as ansible-doc reads them) names a release of
    changelogs/changelog.yaml, none newer than galaxy.yml's version (the one being released)."""
    releases = yaml.safe_load((COLLECTION / "changelogs/changelog.yaml").read_text())["releases"]
    version = yaml.safe_load((COLLECTION / "galaxy.yml").read_text())["version"]
    found = _versions_added(ansible_doc(CURRENT, plugin_type))
    assert "0.1.0" in found and version in found  # the walk reaches the plugin and its options
    assert set(found) <= set(releases), set(found) - set(releases)
    assert max(found, key=Version) == max(releases, key=Version) == version


def test_the_core_list_covers_every_claimed_series() -> None:
    """scripts/ansible_cores.txt: from requires_ansible's floor to the project venv's series,
    each series' first release and one newer one; the floor first; depths known."""
    runtime = yaml.safe_load((COLLECTION / "meta/runtime.yml").read_text())
    floor = Version(runtime["requires_ansible"].removeprefix(">="))
    releases = [Version(release) for release in ANSIBLE_CORES]
    assert releases == sorted(releases) and releases[0] == floor
    newest = Version(CURRENT.version)
    series = sorted({(r.major, r.minor) for r in releases})
    assert series == [(floor.major, minor) for minor in range(floor.minor, newest.minor + 1)]
    for major, minor in series:
        listed = [r for r in releases if (r.major, r.minor) == (major, minor)]
        assert listed[0] == Version(f"{major}.{minor}.0") and len(listed) == 2, listed
    assert set(CORE_DEPTHS.values()) == {"full", "cut"}
    assert CORE_DEPTHS[ANSIBLE_CORES[0]] == CORE_DEPTHS[ANSIBLE_CORES[-1]] == "full"


def test_the_readme_names_the_tested_releases() -> None:
    """The collection README's Requirements repeat scripts/ansible_cores.txt: the same releases,
    in the same order, then the two whose sanity covers every target Python (noxfile.py)."""
    readme = (COLLECTION / "README.md").read_text()
    requirements = readme.split("## Requirements", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"\b2\.\d+\.\d+\b", requirements)
    ends = [ANSIBLE_CORES[0], ANSIBLE_CORES[-1]]
    assert listed == [*ANSIBLE_CORES, *ends], listed
