"""The collection on its floors: a playbook under the oldest ansible-core that meta/runtime.yml
claims (on its oldest controller Python) with the boto3 floor, the module run on the target by
the core's floor venv (Python 3.9, the boto3 floor). Helpers: tests/support/playbook_support.py."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from local_lambda.launcher import RunningEndpoint
from tests.support.playbook_support import AnsibleCore, PlaybookRunner

PLAYBOOKS = Path(__file__).parent / "playbooks"


@pytest.fixture
def floor_runner(
    floors: dict[str, str],
    floor_venvs: dict[str, Path],
    lambda_endpoint: RunningEndpoint,
    tmp_path: Path,
    tally: Counter[str],
) -> PlaybookRunner:
    core = AnsibleCore("floor", floor_venvs["ansible"])
    assert core.version == floors["ansible-core"]
    return PlaybookRunner(core=core, endpoint_url=lambda_endpoint.url, tmp=tmp_path, tally=tally)


def test_module_and_lookup_in_a_playbook(floor_runner: PlaybookRunner, floor_venvs: dict[str, Path]) -> None:
    runner = floor_runner
    target = floor_venvs["core"] / "bin/python"
    run = runner.run(str(PLAYBOOKS / "floors.yml"), target_python=target)
    assert run.rc == 0, run.describe()
    assert "failed=0" in run.proc.stdout and "ignored=1" in run.proc.stdout, run.describe()
    full = run.registered("full.json")
    assert full["result_json"]["event"]["marker"] == run.markers["payload_marker"]
    assert json.loads(full["result"]) == full["result_json"]
    # The module ran on the floor venv's Python (3.9), which it reports in -vvv output.
    assert str(target) in run.proc.stdout
    run.assert_no_leak(full["result"], full["log_result"])


def test_module_and_lookup_refuse_tenant_id_on_the_boto3_floor(
    floor_runner: PlaybookRunner, floor_venvs: dict[str, Path]
) -> None:
    run = floor_runner.run(str(PLAYBOOKS / "tenant.yml"), target_python=floor_venvs["core"] / "bin/python")
    assert run.rc == 0, run.describe()
    # Both refusals happened (each task failed and was ignored) and were checked.
    assert "failed=0" in run.proc.stdout and "ignored=2" in run.proc.stdout, run.describe()
    run.assert_no_leak()
