"""Where hiding stops, and the gaps the collection closes itself (README "Where hiding stops").

ANSIBLE_DEBUG prints a module's arguments, and ANSIBLE_KEEP_REMOTE_FILES leaves them in the
module file on the target: the payload and any credential given as an option. Running the
module under either is refused before the function runs; in the controller's process
neither applies, and the task runs without writing them anywhere.
"""

from __future__ import annotations

import pytest

from tests.support.playbook_support import ANSIBLE_CORES, EXECUTIONS, PlaybookRunner

SETTINGS = {"ANSIBLE_DEBUG": "1", "ANSIBLE_KEEP_REMOTE_FILES": "1"}


# The oldest and the newest core: the check reads ansible-core's constants, the same on all.
@pytest.mark.parametrize("ansible_core", [ANSIBLE_CORES[0], ANSIBLE_CORES[-1]], indirect=True)
@pytest.mark.parametrize("execution", EXECUTIONS)
@pytest.mark.parametrize("setting", sorted(SETTINGS))
def test_exposing_settings_refuse_the_module_and_leave_nothing(
    playbook_runner: PlaybookRunner, execution: str, setting: str
) -> None:
    playbook_runner.execution = execution
    refused = execution == "module"
    run = playbook_runner.run(
        "exposing_settings.yml",
        verbosity=3,
        env={setting: SETTINGS[setting]},
        extra_vars={"setting": setting, "refused": refused},
    )
    assert run.rc == 0, run.describe()
    assert "failed=0" in run.proc.stdout, run.describe()
    # The message is visible (it names the setting, no value).
    assert (f"{setting} is on" in run.proc.stdout) == refused, run.describe()
    assert (run.tmp / "count.txt").exists() != refused
    run.assert_no_leak()
    # No file on the target (the remote tmp) holds the payload.
    remote = run.tmp / "remote-tmp"
    left = [p for p in remote.rglob("*") if p.is_file()] if remote.exists() else []
    assert not [p for p in left if run.markers["payload_marker"] in p.read_text(errors="replace")], left


# Each documented limit, with what makes it show the result; the newest core (the older ones
# behave alike here: these are ansible-core's own paths, not the collection's).
LIMITS = {
    "failing_expression": {},  # ansible-core quotes the value in its error message
    "cacheable_fact": {"ANSIBLE_CACHE_PLUGIN": "ansible.builtin.jsonfile"},  # written in plain text
    "diff": {"ANSIBLE_DIFF_ALWAYS": "true"},  # a task without no_log shows the content
}


@pytest.mark.parametrize("ansible_core", [ANSIBLE_CORES[-1]], indirect=True)
@pytest.mark.parametrize("case", sorted(LIMITS))
def test_the_documented_limits_are_real(playbook_runner: PlaybookRunner, case: str) -> None:
    """The README names these places; the test proves the value reaches each (so the README
    must change if ansible-core stops putting it there)."""
    playbook_runner.execution = "in_process"
    cache = playbook_runner.tmp / f"fact-cache-{case}"
    env = {**LIMITS[case], "ANSIBLE_CACHE_PLUGIN_CONNECTION": str(cache)}
    run = playbook_runner.run("hiding_limits.yml", verbosity=0, env=env, extra_vars={"case": case})
    assert run.rc == 0, run.describe()
    secret = run.markers["payload_marker"]
    if case == "cacheable_fact":
        cached = "".join(path.read_text() for path in cache.iterdir())  # one file per host
        assert secret in cached, run.describe()
        assert secret not in run.proc.stdout, run.describe()
    else:
        assert secret in run.proc.stdout, run.describe()
