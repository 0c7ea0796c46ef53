"""The action plugin warms botocore in the controller's main process: task workers inherit it.

Each separate task runs in a worker forked from ansible-playbook's main process. A probe
loaded at start-up (fork_probe/sitecustomize.py) records in every forked process what it
inherited and every botocore data file it reads: the workers that run our tasks start with
botocore imported and a Lambda client's data loaded, and read no model file themselves.
"""

from __future__ import annotations

import json

from tests.support.playbook_support import ANSIBLE_TESTS, FAKE_SYSLOG, PlaybookRunner


def test_task_workers_inherit_botocore_and_the_lambda_data(playbook_runner: PlaybookRunner) -> None:
    playbook_runner.execution = "in_process"
    probe = playbook_runner.tmp / "fork-probe.jsonl"
    run = playbook_runner.run(
        "separate_tasks.yml",
        verbosity=3,
        env={"PYTHONPATH": f"{ANSIBLE_TESTS / 'fork_probe'}:{FAKE_SYSLOG}", "FORK_PROBE_FILE": str(probe)},
    )
    assert run.rc == 0, run.describe()
    assert "ok=3" in run.proc.stdout and "failed=0" in run.proc.stdout, run.describe()
    run.assert_ran("in_process")
    records = [json.loads(line) for line in probe.read_text().splitlines()]
    starts = [record for record in records if "botocore_session_imported" in record]
    assert len(starts) >= 3, records  # a worker per task at least (the assert task's too)
    for start in starts:
        assert start["botocore_session_imported"] is True, records
        assert start["loaders"] == 1, records
        assert start["boto3_imported"] is False, records
    assert [record for record in records if "file_read" in record] == []
