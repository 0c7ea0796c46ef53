"""Helpers for the ephemeral.aws integration tests: real ansible-playbook runs.

Each playbook runs with the collection from this working tree (ANSIBLE_COLLECTIONS_PATH is
the repository root, sys.path scanning off), against the local Lambda endpoint of
tests/conftest.py, under every ansible-core release of scripts/ansible_cores.txt (each in the
environment nox makes for it: tests/support/environments.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# The ansible-core releases the suite runs on, declared once: release -> how much of the
# hidden-output matrix runs on it ("full" or "cut").
CORE_DEPTHS = dict(
    line.split()[:2]
    for line in (ROOT / "scripts/ansible_cores.txt").read_text().splitlines()
    if line.strip() and not line.lstrip().startswith("#")
)
ANSIBLE_CORES = list(CORE_DEPTHS)
ANSIBLE_TESTS = ROOT / "tests" / "ansible"
PLAYBOOKS = ANSIBLE_TESTS / "playbooks"
FAKE_SYSLOG = ANSIBLE_TESTS / "fake_syslog"
TARGET_PYTHON = ROOT / ".venv" / "bin" / "python"  # has boto3; runs the module on "localhost"
# Where the action plugin runs the module's code (see plugins/action/lambda_invocation.py):
# in the controller's process (local connection, the controller's own Python), or as a
# module (forced with ephemeral_aws_in_process=false, or another interpreter).
EXECUTIONS = ("in_process", "module")
IN_PROCESS_NOTE = "ephemeral.aws.lambda_invocation: running in the controller's process"
MODULE_NOTE = "AnsiballZ_lambda_invocation.py"
# Fake credentials: no_log on secret_key masks its value in results, so it must not be a
# word that a result can contain.
ACCESS_KEY = "AKIDEPHEMERALTEST"
SECRET_KEY = "ephemeralTestSecretKey0123456789abcdef"
# What the test function `env` returns for SECRET_LOOKING (tests/functions/config.json):
# a secret the function returns without being given it.
FUNCTION_OWN_SECRET = json.loads((ROOT / "tests/functions/config.json").read_text())["functions"]["env"][
    "environment"
]["SECRET_LOOKING"]


@dataclass(frozen=True)
class AnsibleCore:
    name: str
    venv: Path

    @property
    def version(self) -> str:
        out = subprocess.run(
            [str(self.venv / "bin/python"), "-c", "import ansible; print(ansible.__version__)"],
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip()


@dataclass
class Run:
    """One ansible-playbook run and everything it wrote where a secret could leak."""

    proc: subprocess.CompletedProcess[str]
    tmp: Path
    markers: dict[str, str]
    out_dir: Path
    # The run's tally (see tests/conftest.py): outputs inspected and leaks found.
    tally: Counter[str] = field(default_factory=Counter)

    @property
    def rc(self) -> int:
        return self.proc.returncode

    def outputs(self) -> dict[str, str]:
        """Screen, ANSIBLE_LOG_PATH, the target's (fake) syslog, tree and junit callbacks."""
        texts = {"stdout": self.proc.stdout, "stderr": self.proc.stderr}
        for name in ("ansible.log", "syslog.txt"):
            path = self.tmp / name
            texts[name] = path.read_text(errors="replace") if path.exists() else ""
        for folder in ("tree", "junit"):
            for path in sorted((self.tmp / folder).rglob("*")):
                if path.is_file():
                    texts[f"{folder}/{path.name}"] = path.read_text(errors="replace")
        return texts

    def registered(self, name: str) -> Any:
        text = (self.out_dir / name).read_text()
        return json.loads(text) if name.endswith(".json") else text

    def assert_no_leak(self, *extra_secrets: str) -> None:
        secrets = {**self.markers, **{f"extra{i}": s for i, s in enumerate(extra_secrets) if s}}
        leaks = [
            f"{secret_name} in {where}"
            for where, text in self.outputs().items()
            for secret_name, secret in secrets.items()
            if secret in text
        ]
        self.tally["leak sweep (Ansible -vvvvvv, log file, syslog, callbacks): outputs inspected"] += len(
            self.outputs()
        )
        self.tally["leak sweep (Ansible -vvvvvv, log file, syslog, callbacks): leaks found"] += len(leaks)
        assert not leaks, leaks

    def assert_ran(self, execution: str) -> None:
        """The action plugin took this path, and only it (needs verbosity >= 3)."""
        stdout = self.proc.stdout
        assert (IN_PROCESS_NOTE in stdout) == (execution == "in_process"), self.describe()
        assert (MODULE_NOTE in stdout) == (execution == "module"), self.describe()

    def describe(self) -> str:
        stdout, stderr = self.proc.stdout[-6000:], self.proc.stderr[-3000:]
        return f"rc={self.rc}\n--- stdout (tail)\n{stdout}\n--- stderr\n{stderr}"


@dataclass
class PlaybookRunner:
    core: AnsibleCore
    endpoint_url: str
    tmp: Path
    counter: list[int] = field(default_factory=lambda: [0])
    tally: Counter[str] = field(default_factory=Counter)
    # "in_process": the controller's own Python is the target's; "module": the same target
    # Python as before, with ephemeral_aws_in_process=false (a core whose controller runs
    # in another venv than .venv takes that path by the interpreter rule too).
    execution: str = "module"

    def run(
        self,
        playbook: str,
        *,
        verbosity: int = 6,
        env: dict[str, str] | None = None,
        extra_vars: dict[str, Any] | None = None,
        target_python: Path | str | None = None,
        interpreter_set: bool = True,
    ) -> Run:
        """Run a playbook on ``localhost`` (local connection) with the interpreter ``target_python``
        (by default the one of ``execution``); with ``interpreter_set=False`` none is set."""
        self.counter[0] += 1
        tmp = self.tmp / f"run{self.counter[0]}"
        out_dir = tmp / "out"
        out_dir.mkdir(parents=True)
        markers = {
            "payload_marker": f"plmark-{uuid.uuid4().hex}",
            "cc_marker": f"ccmark-{uuid.uuid4().hex}",
            "err_marker": f"errmark-{uuid.uuid4().hex}",
            "function_own_secret": FUNCTION_OWN_SECRET,
        }
        variables = {
            "endpoint_url": self.endpoint_url,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "out_dir": str(out_dir),
            "count_file": str(tmp / "count.txt"),
            "control_marker": f"control-{uuid.uuid4().hex}",
            **{k: v for k, v in markers.items() if k != "function_own_secret"},
            **(extra_vars or {}),
        }
        (tmp / "vars.json").write_text(json.dumps(variables))
        host_vars = ""
        if target_python is None:
            if self.execution == "in_process":
                target_python = self.core.venv / "bin" / "python"
            else:
                target_python = TARGET_PYTHON
                host_vars = " ephemeral_aws_in_process=false"
        interpreter = f" ansible_python_interpreter={target_python}" if interpreter_set else ""
        (tmp / "inventory.ini").write_text(f"localhost ansible_connection=local{interpreter}{host_vars}\n")
        run_env = {
            "PATH": f"{self.core.venv / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": os.environ.get("HOME", str(tmp)),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "ANSIBLE_CONFIG": str(tmp / "no-ansible.cfg"),
            "ANSIBLE_COLLECTIONS_PATH": str(ROOT),
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
            "ANSIBLE_LOCAL_TEMP": str(tmp / "local-tmp"),
            "ANSIBLE_REMOTE_TMP": str(tmp / "remote-tmp"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_LOG_PATH": str(tmp / "ansible.log"),
            "ANSIBLE_CALLBACKS_ENABLED": "ansible.builtin.tree,ansible.builtin.junit",
            "ANSIBLE_CALLBACK_TREE_DIR": str(tmp / "tree"),
            "JUNIT_OUTPUT_DIR": str(tmp / "junit"),
            "PYTHONPATH": str(FAKE_SYSLOG),
            "FAKE_SYSLOG_FILE": str(tmp / "syslog.txt"),
            "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": str(tmp / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "no-aws-credentials"),
            **(env or {}),
        }
        command = [
            str(self.core.venv / "bin/ansible-playbook"),
            "-i",
            str(tmp / "inventory.ini"),
            "-e",
            f"@{tmp / 'vars.json'}",
            str(PLAYBOOKS / playbook),
        ]
        if verbosity:
            command.append("-" + "v" * verbosity)
        try:
            # Under pytest-timeout's 300 s, so that a hang reports what the playbook printed.
            proc = subprocess.run(command, cwd=tmp, env=run_env, capture_output=True, text=True, timeout=240)
        except subprocess.TimeoutExpired as hung:
            printed = hung.stdout.decode() if isinstance(hung.stdout, bytes) else hung.stdout or ""
            raise AssertionError(f"{playbook} ran past 240 s; its output ended:\n{printed[-3000:]}") from None
        return Run(proc=proc, tmp=tmp, markers=markers, out_dir=out_dir, tally=self.tally)
