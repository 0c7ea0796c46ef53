"""Fixtures of the tests under the real Pulumi engine (the CLI built from source).

  pulumi_cli_bin  (session)   the folder with `pulumi` and its Python plugins: $PULUMI_CLI_BIN
                              when set, else tools/pulumi_cli/build.py's (built once, cached)
  pulumi_project  (function)  a fresh project, file backend, PULUMI_HOME and stack, driven
                              through that CLI against the session's local Lambda endpoint

A CLI that cannot be had is a failure with build.py's reason, never a skip: these tests
are the only ones that run the Pulumi half under the engine users run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from local_lambda.launcher import RunningEndpoint
from tests.pulumi_engine.project import PulumiProject

REPO = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = REPO / "tools" / "pulumi_cli" / "build.py"
REQUIRED = (
    "pulumi",
    "pulumi-language-python",
    "pulumi-language-python-exec",
    "pulumi-resource-pulumi-python",
)


_CLI = pytest.StashKey[tuple[Path | None, str]]()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Build (or find) the CLI once collection has chosen these tests, before any runs.

    Here rather than in the fixture: a cold build takes minutes, which would count against
    the first test's timeout; pytest-timeout does not time this hook.
    """
    here = Path(__file__).resolve().parent
    if any(Path(str(item.path)).is_relative_to(here) for item in session.items):
        session.config.stash[_CLI] = _find_cli()


def _find_cli() -> tuple[Path | None, str]:
    """The bin folder, or None and why not."""
    given = os.environ.get("PULUMI_CLI_BIN")
    if given:
        bin_dir = Path(given)
        origin = "PULUMI_CLI_BIN"
    else:
        completed = subprocess.run(
            [sys.executable, str(BUILD_SCRIPT)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0 or not completed.stdout.strip():
            # build.py's messages are go's and its own: module names and versions only.
            return None, (
                f"could not build the Pulumi CLI ({BUILD_SCRIPT.relative_to(REPO)} exited "
                f"{completed.returncode}):\n{completed.stderr.strip()}"
            )
        bin_dir = Path(completed.stdout.strip().splitlines()[-1])
        origin = str(BUILD_SCRIPT.relative_to(REPO))
    missing = [name for name in REQUIRED if not os.access(bin_dir / name, os.X_OK)]
    if missing:
        return None, f"{origin} gave {bin_dir}, which lacks executable {', '.join(missing)}"
    return bin_dir, origin


@pytest.fixture(scope="session")
def pulumi_cli_bin(pytestconfig: pytest.Config) -> Path:
    found = pytestconfig.stash.get(_CLI, None)
    if found is None:
        found = _find_cli()
    bin_dir, reason = found
    if bin_dir is None:
        pytest.fail(reason, pytrace=False)
    return bin_dir


@pytest.fixture
def pulumi_project(pulumi_cli_bin: Path, lambda_endpoint: RunningEndpoint, tmp_path: Path) -> PulumiProject:
    return PulumiProject(pulumi_cli_bin, tmp_path, lambda_endpoint.url)
