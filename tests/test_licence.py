"""One licence statement: pyproject.toml declares it; galaxy.yml, the LICENSE files, every
SPDX header and the generated module_utils copy repeat it, and the Galaxy tarball ships it."""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path

import tomllib
import yaml  # type: ignore[import-untyped]

from tests.support.galaxy import build_galaxy_tarball

ROOT = Path(__file__).resolve().parent.parent
COLLECTION = ROOT / "ansible_collections/ephemeral/aws"
EXPRESSION: str = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["license"]
LICENCE_FILES = ["LICENSE", "LICENSES/Apache-2.0.txt", "LICENSES/GPL-3.0-or-later.txt"]
SPDX = "SPDX-License-Identifier:"


def _tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    return [ROOT / name for name in listed if (ROOT / name).is_file()]


def test_the_expression_names_the_two_texts() -> None:
    assert EXPRESSION == "Apache-2.0 OR GPL-3.0-or-later"
    for identifier in EXPRESSION.split(" OR "):
        assert (ROOT / "LICENSES" / f"{identifier}.txt").is_file(), identifier


def test_galaxy_yml_lists_the_same_licences() -> None:
    galaxy = yaml.safe_load((COLLECTION / "galaxy.yml").read_text(encoding="utf-8"))
    assert " OR ".join(galaxy["license"]) == EXPRESSION
    assert "license_file" not in galaxy  # Galaxy takes license or license_file, not both


def test_the_collection_carries_the_same_licence_files() -> None:
    for name in LICENCE_FILES:
        assert (COLLECTION / name).read_bytes() == (ROOT / name).read_bytes(), name
    assert f"{SPDX} {EXPRESSION}\n" in (ROOT / "LICENSE").read_text(encoding="utf-8")


def test_every_spdx_header_states_the_one_expression() -> None:
    headers = {}
    for path in _tracked_files():
        if path.suffix not in {".py", ".sh", ".yml", ".yaml", ".toml"} and path.name != "LICENSE":
            continue
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lstrip("# ").startswith(SPDX):  # a comment or a LICENSE line, not code
                headers[path.relative_to(ROOT).as_posix()] = line.split(SPDX, 1)[1].strip()
    assert len(headers) >= 20  # the collection's plugins, unit tests and generated copy
    wrong = {name: value for name, value in headers.items() if value != EXPRESSION}
    assert wrong == {}


def test_every_plugin_and_generated_file_has_a_header() -> None:
    plugins = [
        path
        for path in (COLLECTION / "plugins").rglob("*.py")
        if path.read_text(encoding="utf-8").strip()  # empty __init__.py files (sanity: empty-init)
    ]
    assert len(plugins) >= 19
    header = f"# {SPDX} {EXPRESSION}\n"
    missing = [str(path.relative_to(COLLECTION)) for path in plugins if header not in path.read_text()]
    assert missing == []


def test_the_galaxy_tarball_ships_the_licence(tmp_path: Path) -> None:
    tarball = build_galaxy_tarball(tmp_path)
    with tarfile.open(tarball) as archive:
        names = set(archive.getnames())
        for name in LICENCE_FILES:
            member = archive.extractfile(name)
            assert member is not None and member.read() == (ROOT / name).read_bytes(), name
    assert "LICENSES/Apache-2.0.txt" in names
