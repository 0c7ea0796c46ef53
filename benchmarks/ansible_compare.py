"""Ansible side by side: ephemeral.aws.lambda_invocation vs amazon.aws.lambda_execute.

    .venv/bin/python benchmarks/ansible_compare.py [--rounds N]

amazon.aws comes with the `ansible` package, installed here into a venv of the benchmark's
own (.venv-bench), never into the project's. The same local endpoint, function and payload
serve all playbooks; runs are interleaved and the table gives medians per task or item.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from local_lambda.launcher import running_endpoint  # noqa: E402

BENCH_VENV = ROOT / ".venv-bench"
LOOP = 30
CONNECTION = """        endpoint_url: "{{ url }}"
        region: us-east-1
        access_key: AKIDLOCAL
        secret_key: local-secret"""
PLAYBOOKS = {
    "baseline (debug loop)": f"""
- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.debug:
        msg: "{{{{ item }}}}"
      loop: "{{{{ range({LOOP}) | list }}}}"
""",
    "ephemeral.aws.lambda_invocation (module)": f"""
- hosts: localhost
  gather_facts: false
  tasks:
    - ephemeral.aws.lambda_invocation:
        function_name: echo
        payload: {{"i": "{{{{ item }}}}", "blob": "{"x" * 1000}"}}
{CONNECTION}
      loop: "{{{{ range({LOOP}) | list }}}}"
""",
    "amazon.aws.lambda_execute (module)": f"""
- hosts: localhost
  gather_facts: false
  tasks:
    - amazon.aws.lambda_execute:
        name: echo
        payload: {{"i": "{{{{ item }}}}", "blob": "{"x" * 1000}"}}
{CONNECTION}
      loop: "{{{{ range({LOOP}) | list }}}}"
""",
    "ephemeral.aws.lambda_invocation (lookup)": f"""
- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.set_fact:
        answer: "{{{{ lookup('ephemeral.aws.lambda_invocation', 'echo',
                   payload={{'i': item, 'blob': '{"x" * 1000}'}}, endpoint_url=url, region='us-east-1',
                   access_key='AKIDLOCAL', secret_key='local-secret') }}}}"
      no_log: true
      loop: "{{{{ range({LOOP}) | list }}}}"
""",
}


def ensure_bench_venv() -> Path:
    python = BENCH_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "ansible", "boto3"], check=True)
    # Our wheel, fresh each run: it brings ephemeral.aws into the venv's ansible_collections.
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(ROOT)], check=True
    )
    return python


def run_playbook(python: Path, path: Path, url: str) -> float:
    env = dict(os.environ)
    env.update(
        {
            "ANSIBLE_PYTHON_INTERPRETER": str(python),
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "ANSIBLE_COLLECTIONS_PATH": "/nonexistent",  # only what the bench venv carries
        }
    )
    started = time.perf_counter()
    completed = subprocess.run(
        [
            str(python.parent / "ansible-playbook"),
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            f"url={url}",
            str(path),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"{path.name} failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    python = ensure_bench_venv()
    version = subprocess.run(
        [
            str(python),
            "-c",
            "import ansible_collections.amazon.aws.plugins.module_utils.common as c, "
            "ansible.release as r; print(r.__version__, c.AMAZON_AWS_COLLECTION_VERSION)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    with (
        tempfile.TemporaryDirectory() as scratch,
        running_endpoint(ROOT / "tests/functions/config.json") as endpoint,
    ):
        paths = {}
        for index, (label, text) in enumerate(PLAYBOOKS.items()):
            paths[label] = Path(scratch) / f"playbook{index}.yml"
            paths[label].write_text(text)
        samples: dict[str, list[float]] = {label: [] for label in PLAYBOOKS}
        for _ in range(args.rounds):
            for label, path in paths.items():
                samples[label].append(run_playbook(python, path, endpoint.url))
    baseline = statistics.median(samples["baseline (debug loop)"])
    print(
        f"# Ansible benchmark {time.strftime('%Y-%m-%d %H:%M')}: ansible-core {version[0]}, "
        f"amazon.aws {version[1]}, {LOOP} iterations per playbook, {args.rounds} interleaved rounds"
    )
    print("| playbook | wall (median) | per item | per item above the debug baseline |")
    print("|---|---|---|---|")
    per_item = {}
    for label, values in samples.items():
        wall = statistics.median(values)
        per_item[label] = (wall - baseline) / LOOP
        print(f"| {label} | {wall:.2f} s | {wall / LOOP * 1e3:.0f} ms | {per_item[label] * 1e3:.0f} ms |")
    ours = per_item["ephemeral.aws.lambda_invocation (module)"]
    theirs = per_item["amazon.aws.lambda_execute (module)"]
    lookup = per_item["ephemeral.aws.lambda_invocation (lookup)"]
    print(f"\nmodule vs amazon.aws: {ours / theirs:.2f}x the time per task (goal <= 1.00)")
    print(f"lookup vs module: {ours / lookup:.1f}x faster per item (goal >= 5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
