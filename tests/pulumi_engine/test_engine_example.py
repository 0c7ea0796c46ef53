"""The example program (examples/pulumi) through its runner, run_with_pulumi_cli.py, as the
demo runs it: the built CLI, a file backend in a temporary folder, the sample function of
examples/ on the local endpoint. So that neither the example nor the runner can rot."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from local_lambda.launcher import RunningEndpoint, running_endpoint

pytestmark = [pytest.mark.timeout(600)]  # as in test_engine_lifecycle.py

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def sample_endpoint() -> Iterator[RunningEndpoint]:
    """The endpoint of the main job: the sample function of examples/."""
    with running_endpoint(EXAMPLES / "local_lambda.json") as endpoint:
        yield endpoint


def test_the_runner_previews_ups_twice_shows_outputs_and_destroys(
    sample_endpoint: RunningEndpoint, pulumi_cli_bin: Path, tmp_path: Path
) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PULUMI_", "AWS_"))}
    env.update(
        {
            "PULUMI_CLI_BIN": str(pulumi_cli_bin),
            "LAMBDA_ENDPOINT_URL": sample_endpoint.url,
            "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "TMPDIR": str(tmp_path),  # the runner's temporary folder, to see that it goes
        }
    )
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "pulumi" / "run_with_pulumi_cli.py")],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line.split() for line in done.stdout.splitlines()]
    assert "pulumi v3.277.0" in done.stdout
    assert lines[1][:5] == ["preview:", "+", "2", "to", "create"]
    assert lines[2] == ["up:", "+", "2", "created"]
    # The ephemeral invoke() logged from inside an apply: it ran (version 1 is "live").
    assert ["log:", "ephemeral", "invoke", "ran", "version", "1"] in lines
    assert lines[4][:4] == ["up", "again:", "2", "unchanged"]
    # `pulumi stack output` as the CLI prints it: the secrets masked, the rest shown.
    assert ["result", "[secret]"] in lines and ["log_result", "[secret]"] in lines
    assert ["status_code", "200"] in lines and ["executed_version", "1"] in lines
    assert ["db_username", "billing_dev_app"] in lines  # unsecreted on purpose by the program
    assert ["destroy:", "-", "2", "deleted"] in lines
    # The sample function's password, and its marker, never printed.
    assert "s3cr3t" not in done.stdout + done.stderr
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith("pulumi-example-")] == []
