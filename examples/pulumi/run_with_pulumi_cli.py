"""Run the example program (examples/pulumi/__main__.py) with the real Pulumi CLI, offline.

    LAMBDA_ENDPOINT_URL=http://127.0.0.1:PORT .venv/bin/python examples/pulumi/run_with_pulumi_cli.py

(.venv from `scripts/nox -s dev`.) The CLI is the one tools/pulumi_cli/build.py builds from
source (cached after the first build; `$PULUMI_CLI_BIN` names another bin folder). Everything
else is throwaway, in a temporary folder: a file backend, the passphrase secrets provider,
PULUMI_HOME. The program runs in the Python that runs this script (its virtualenv is the
project's), against the Lambda endpoint given.

Steps: `pulumi preview`, `pulumi up`, a second `pulumi up` (must change nothing and invoke
nothing), `pulumi stack output` (secrets shown as [secret]), `pulumi destroy`. Each step
prints the CLI's summary. With the CLI on your own machine, run `pulumi up` in
examples/pulumi instead.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BUILD_SCRIPT = HERE.parents[1] / "tools" / "pulumi_cli" / "build.py"
PROJECT = "lambda-invocation-example"
STACK = "dev"
# A hung command fails the run instead of the demo.
COMMAND_TIMEOUT = 300


class StepFailed(Exception):
    pass


def find_cli() -> Path:
    """The bin folder of the built CLI: $PULUMI_CLI_BIN, else build.py's (built once)."""
    given = os.environ.get("PULUMI_CLI_BIN")
    if given:
        return Path(given)
    done = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise StepFailed(
            f"could not build the Pulumi CLI (tools/pulumi_cli/build.py):\n{done.stderr.strip()}"
        )
    return Path(done.stdout.strip().splitlines()[-1])


def cli_env(bin_dir: Path, root: Path, endpoint_url: str) -> dict[str, str]:
    # Nothing of the machine's Pulumi set-up (a logged-in backend, PULUMI_HOME) is used.
    env = {name: value for name, value in os.environ.items() if not name.startswith("PULUMI_")}
    env.update(
        {
            "PATH": os.pathsep.join([str(bin_dir), str(Path(sys.prefix) / "bin"), env.get("PATH", "")]),
            "PULUMI_BACKEND_URL": (root / "backend").as_uri(),
            # Throwaway: it guards a state that is deleted at the end.
            "PULUMI_CONFIG_PASSPHRASE": secrets.token_hex(16),
            "PULUMI_HOME": str(root / "pulumi-home"),
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            # The language host would report every pulumi-* package of the venv as a plugin
            # to download; nothing is downloaded here.
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_SKIP_CONFIRMATIONS": "true",
        }
    )
    if endpoint_url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        # The local endpoint checks no signature, but boto3 wants some credentials to sign.
        env.setdefault("AWS_ACCESS_KEY_ID", "local")
        env.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    return env


def make_project(root: Path) -> Path:
    """The example's program and Pulumi.yaml, with the virtualenv of this Python."""
    project = root / "project"
    project.mkdir(parents=True)
    shutil.copyfile(HERE / "__main__.py", project / "__main__.py")
    settings = {
        "name": PROJECT,
        "runtime": {"name": "python", "options": {"toolchain": "pip", "virtualenv": sys.prefix}},
    }
    (project / "Pulumi.yaml").write_text(json.dumps(settings), encoding="utf-8")  # JSON is YAML
    for folder in ("backend", "pulumi-home"):
        (root / folder).mkdir()
    return project


class Cli:
    def __init__(self, bin_dir: Path, project: Path, env: dict[str, str]) -> None:
        self.bin_dir = bin_dir
        self.project = project
        self.env = env

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [str(self.bin_dir / "pulumi"), "--non-interactive", "--color", "never", *args],
            cwd=self.project,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            # The CLI never prints a secret value (they are shown as [secret]).
            raise StepFailed(
                f"pulumi {' '.join(args[:2])} exited {done.returncode}:\n{done.stdout}{done.stderr}"
            )
        return done.stdout


def summary(stdout: str) -> str:
    """The counts of the "Resources:" section: "+ 2 to create", "2 unchanged" ..."""
    _, _, tail = stdout.rpartition("Resources:\n")
    lines = []
    for line in tail.splitlines():
        if not line.strip():
            break
        lines.append(line.strip())
    return ", ".join(lines) or "nothing"


def logs(stdout: str) -> list[str]:
    """The program's pulumi.log lines, as the CLI lists them under Diagnostics."""
    _, _, diagnostics = stdout.rpartition("Diagnostics:\n")
    found: list[str] = []
    for line in diagnostics.splitlines():
        if not line.startswith("    "):
            if found:
                break
            continue
        found.append(line.strip())
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint-url", default=os.environ.get("LAMBDA_ENDPOINT_URL"))
    args = parser.parse_args()
    if not args.endpoint_url:
        parser.error("set LAMBDA_ENDPOINT_URL (or --endpoint-url) to the Lambda endpoint to use")
    root = Path(tempfile.mkdtemp(prefix="pulumi-example-"))
    try:
        bin_dir = find_cli()
        cli = Cli(bin_dir, make_project(root), cli_env(bin_dir, root, args.endpoint_url))
        version = cli.run("version").strip()
        print(f"pulumi {version} ({bin_dir}): project {PROJECT}, stack {STACK}, endpoint {args.endpoint_url}")
        cli.run("stack", "init", STACK)
        cli.run("config", "set", "aws:region", os.environ.get("AWS_REGION", "us-east-1"))
        cli.run("config", "set", "endpointUrl", args.endpoint_url)

        out = cli.run("preview")
        print(f"  preview:  {summary(out)} (the resource is not invoked in preview)")
        out = cli.run("up", "--yes")
        print(f"  up:       {summary(out)}")
        for line in logs(out):
            print(f"    log: {line}")
        out = cli.run("up", "--yes")
        print(f"  up again: {summary(out)} (unchanged inputs: no invocation)")
        if not re.search(r"^\s+\d+ unchanged\s*$", out, re.MULTILINE) or re.search(
            r"\b(created|updated|replaced|deleted)\b", summary(out)
        ):
            raise StepFailed(f"the second pulumi up changed something: {summary(out)}")
        print("  pulumi stack output:")
        for line in cli.run("stack", "output").splitlines():
            print(f"    {line}")
        out = cli.run("destroy", "--yes", "--skip-preview")
        print(f"  destroy:  {summary(out)}")
        cli.run("stack", "rm", "--yes", STACK)
    except StepFailed as failure:
        print(f"run_with_pulumi_cli.py: {failure}", file=sys.stderr)
        return 1
    finally:
        # The state, its backups and the passphrase go with it: nothing of the run is kept.
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
