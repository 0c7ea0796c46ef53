"""A throwaway Pulumi project, file backend and stack, driven through the built CLI.

Each `PulumiProject` has its own backend (PULUMI_BACKEND_URL=file://...), PULUMI_HOME and
passphrase, so tests share nothing but the CLI binaries. Every command's output is kept,
so a test can search all of it for secrets at the end. Failure messages show the CLI's
output with every known secret value replaced: a leak shows up as a failed leak check,
never as a secret printed by the test itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROGRAM = Path(__file__).resolve().parent / "engine_program.py"
STACK = "dev"
REGION = "us-east-1"
# Recognizable, fake values that must never appear in plain text (the local endpoint
# does not check credentials).
MARKER = "ENGINE-PAYLOAD-MARKER-7f3a91"
ENV_ACCESS_KEY = "AKIAENGINEENVKEY0001"
ENV_SECRET_KEY = "engine-env-secret-key-51c2-DO-NOT-LEAK"
STACK_ACCESS_KEY = "AKIAENGINESTACKKEY01"
STACK_SECRET_KEY = "engine-stack-secret-key-a83e-DO-NOT-LEAK"
PASSPHRASE = "engine-test-passphrase-not-a-secret-value"
# One `pulumi up` takes seconds; a hung one fails the test instead of the whole run.
COMMAND_TIMEOUT = 240


@dataclass(frozen=True)
class CliRun:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


@dataclass
class PulumiProject:
    bin_dir: Path
    root: Path
    endpoint_url: str
    runs: list[CliRun] = field(default_factory=list)
    # Values the leak checks look for, besides the ones above (results read back).
    secrets: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.project_dir = self.root / "project"
        self.backend_dir = self.root / "backend"
        self.home_dir = self.root / "pulumi-home"
        self.count_file = self.root / "count.txt"
        for folder in (self.project_dir, self.backend_dir, self.home_dir):
            folder.mkdir(parents=True)
        shutil.copyfile(PROGRAM, self.project_dir / "__main__.py")
        # The virtualenv option names the venv these tests run in (sys.prefix): the
        # language host runs the program with its python, and the engine passes it to
        # pulumi-resource-pulumi-python (PULUMI_RUNTIME_VIRTUALENV) for the provider.
        (self.project_dir / "Pulumi.yaml").write_text(
            json.dumps(
                {
                    "name": "engine-test",
                    "runtime": {"name": "python", "options": {"toolchain": "pip", "virtualenv": sys.prefix}},
                }
            ),
            encoding="utf-8",
        )
        self.secrets.update(
            {
                "payload marker": MARKER,
                "env secret key": ENV_SECRET_KEY,
                "stack secret key": STACK_SECRET_KEY,
                "passphrase": PASSPHRASE,
            }
        )

    @property
    def env(self) -> dict[str, str]:
        # Nothing of the machine's Pulumi or AWS set-up reaches the CLI.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "AWS_"))}
        env.update(
            {
                "PATH": os.pathsep.join(
                    [str(self.bin_dir), str(Path(sys.prefix) / "bin"), env.get("PATH", "")]
                ),
                "PULUMI_BACKEND_URL": self.backend_dir.as_uri(),
                "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
                "PULUMI_HOME": str(self.home_dir),
                "PULUMI_SKIP_UPDATE_CHECK": "true",
                "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
                "PULUMI_SKIP_CONFIRMATIONS": "true",
                "AWS_ACCESS_KEY_ID": "AKIAENGINEENVKEY0001",
                "AWS_SECRET_ACCESS_KEY": ENV_SECRET_KEY,
                "AWS_CONFIG_FILE": str(self.root / "no-aws-config"),
                "AWS_SHARED_CREDENTIALS_FILE": str(self.root / "no-aws-credentials"),
                "AWS_EC2_METADATA_DISABLED": "true",
            }
        )
        return env

    def redact(self, text: str) -> str:
        for name, value in self.secrets.items():
            text = text.replace(value, f"<{name}>")
        return text

    def run(self, *args: str, check: bool = True) -> CliRun:
        completed = subprocess.run(
            [str(self.bin_dir / "pulumi"), "--non-interactive", "--color", "never", *args],
            cwd=self.project_dir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        run = CliRun(tuple(args), completed.returncode, completed.stdout, completed.stderr)
        self.runs.append(run)
        if check and run.returncode != 0:
            raise AssertionError(
                f"pulumi {' '.join(args[:2])} exited {run.returncode}\n"
                f"--- stdout\n{self.redact(run.stdout)}\n--- stderr\n{self.redact(run.stderr)}"
            )
        return run

    def init_stack(self, **config: str) -> None:
        """Create the stack with the endpoint, region and static credentials of pulumi-aws's
        config keys, and the program's config (all plain but the marker)."""
        self.run("stack", "init", STACK)
        self.run("config", "set", "aws:region", REGION)
        # As a user sets pulumi-aws's list of endpoint objects; the CLI stores it as an
        # object and sends it to the provider as JSON text.
        self.run("config", "set", "--path", "aws:endpoints[0].lambda", self.endpoint_url)
        self.run("config", "set", "--secret", "aws:accessKey", STACK_ACCESS_KEY)
        self.run("config", "set", "--secret", "aws:secretKey", STACK_SECRET_KEY)
        self.run("config", "set", "--secret", "marker", MARKER)
        self.run("config", "set", "countFile", str(self.count_file))
        for key, value in config.items():
            self.set(key, value)

    def set(self, key: str, value: str) -> None:
        self.run("config", "set", key, value)

    def up(self, *, preview: bool) -> CliRun:
        return self.run("up", "--yes", *(() if preview else ("--skip-preview",)))

    def invocations(self) -> Counter[str]:
        """How many times the `count` function ran, by the tag of the payload."""
        try:
            lines = self.count_file.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return Counter()
        return Counter(line.split(" ", 1)[1] if " " in line else "" for line in lines)

    def invocation_tags(self) -> list[str]:
        """The tags in the order the function ran."""
        try:
            lines = self.count_file.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        return [line.split(" ", 1)[1] if " " in line else "" for line in lines]

    def export(self) -> dict[str, Any]:
        """`pulumi stack export`: the checkpoint as the backend serves it (secrets encrypted)."""
        exported: dict[str, Any] = json.loads(self.run("stack", "export").stdout)
        return exported

    def resource(self, name: str) -> dict[str, Any] | None:
        for resource in self.export()["deployment"].get("resources") or []:
            if resource["urn"].endswith(f"::{name}"):
                found: dict[str, Any] = resource
                return found
        return None

    def outputs(self, *, show_secrets: bool) -> dict[str, Any]:
        args = ["stack", "output", "--json", *(["--show-secrets"] if show_secrets else [])]
        run = self.run(*args)
        if show_secrets:
            # This command's output is the one place secrets may be shown: keep it out of
            # the leak checks, and learn the values to look for elsewhere.
            self.runs.remove(run)
        outputs: dict[str, Any] = json.loads(run.stdout)
        return outputs

    def learn_secret_outputs(self) -> dict[str, Any]:
        """Read the outputs with --show-secrets and add each secret text to the leak checks."""
        revealed = self.outputs(show_secrets=True)
        for name in ("counted_result", "echo_result", "echo_log"):
            value = revealed.get(name)
            if isinstance(value, str) and value and value not in self.secrets.values():
                # Numbered: a replaced resource's old result stays a secret to look for.
                self.secrets[f"output {name} #{len(self.secrets)}"] = value
        return revealed

    def leaks(self) -> list[str]:
        """Where a secret appears in plain text: `pulumi stack export`, every file of the
        backend, the stack's config file, every command's output so far. Names the place
        and the secret only."""
        places: list[tuple[str, str]] = [("pulumi stack export", json.dumps(self.export()))]
        for path in sorted(p for p in self.backend_dir.rglob("*") if p.is_file()):
            places.append((f"backend file {path.relative_to(self.backend_dir)}", _text(path)))
        for path in sorted(self.project_dir.glob("Pulumi.*.yaml")):
            places.append((f"stack config file {path.name}", _text(path)))
        for index, run in enumerate(self.runs):
            label = f"output of command {index} (pulumi {' '.join(run.args[:2])})"
            places.append((label, run.stdout + run.stderr))
        # The search reads real content: the endpoint is stored in plain text in state.
        assert any(self.endpoint_url in text for place, text in places if place.startswith("backend file"))
        return [
            f"{name} in {place}"
            for place, text in places
            for name, value in self.secrets.items()
            if name != "passphrase" and value in text
        ]


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")
