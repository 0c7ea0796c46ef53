"""Ansible side by side: ephemeral.aws.lambda_invocation vs amazon.aws.lambda_execute.

    .venv/bin/python benchmarks/ansible_compare.py [--rounds N] [--quick]

amazon.aws comes with the `ansible` package, installed here into a venv of the benchmark's
own (.venv-bench), never into the project's; our collection is installed into it from this
tree (the wheel) at each run. The same local endpoint, function and payload serve every
playbook; runs are interleaved (one of each per round) and the tables give medians, the
spread (min-max) and the ratios against amazon.aws:

* a 30-item `loop:` of each module (per item, above a `debug` loop of the same length);
* 30 separate tasks of each module (per task, above 30 separate `debug` tasks);
* each module file run alone, without AnsiballZ (`python module.py args.json`);
* the one-time cost of the warm-up our action plugin runs when ansible-core imports it in
  the controller's main process (`warm()`: botocore imported, a Lambda client's data loaded),
  and of the same call where botocore is not installed (`python -S`);
* without `--quick`, in the same run and on the same endpoint: the Pulumi `invoke()` loop
  rows of compare.py (100 calls against the boto3 loop), when pulumi is importable here.

`--quick` (the test command's smoke run) measures our paths only, 3 items, one round, with
the project's own venv and this tree's collection: no amazon.aws, no .venv-bench, no Pulumi.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from local_lambda.launcher import running_endpoint  # noqa: E402

BENCH_VENV = ROOT / ".venv-bench"
PROJECT_PYTHON = ROOT / ".venv" / "bin" / "python"
BLOB = "x" * 1000
CONNECTION = """        endpoint_url: "{{ url }}"
        region: us-east-1
        access_key: AKIDLOCAL
        secret_key: local-secret"""
OURS = "ephemeral.aws.lambda_invocation"
THEIRS = "amazon.aws.lambda_execute"


def invocation(module: str, item: str) -> str:
    name = "function_name" if module == OURS else "name"
    return f"""    - {module}:
        {name}: echo
        payload: {{"i": "{item}", "blob": "{BLOB}"}}
{CONNECTION}
"""


def play(tasks: str, host_vars: str = "") -> str:
    return f"""
- hosts: localhost
  gather_facts: false
{host_vars}  tasks:
{tasks}"""


def loop_playbook(task: str, count: int, host_vars: str = "") -> str:
    return play(task + f'      loop: "{{{{ range({count}) | list }}}}"\n', host_vars)


def tasks_playbook(make_task: Callable[[str], str], count: int) -> str:
    return play("".join(make_task(str(i)) for i in range(count)))


def debug(item: str) -> str:
    return f'    - ansible.builtin.debug:\n        msg: "{item}"\n'


FORCE_MODULE = "  vars:\n    ephemeral_aws_in_process: false\n"
LOOKUP = f"""    - ansible.builtin.set_fact:
        answer: "{{{{ lookup('ephemeral.aws.lambda_invocation', 'echo',
                   payload={{'i': item, 'blob': '{BLOB}'}}, endpoint_url=url, region='us-east-1',
                   access_key='AKIDLOCAL', secret_key='local-secret') }}}}"
      no_log: true
"""

# label -> (shape, playbook maker, needs amazon.aws)
CASES: dict[str, tuple[str, Callable[[int], str], bool]] = {
    "baseline: debug loop": ("loop", lambda n: loop_playbook(debug("{{ item }}"), n), False),
    "baseline: debug tasks": ("tasks", lambda n: tasks_playbook(debug, n), False),
    f"{OURS} loop (in the controller's process)": (
        "loop",
        lambda n: loop_playbook(invocation(OURS, "{{ item }}"), n),
        False,
    ),
    f"{OURS} loop (module forced)": (
        "loop",
        lambda n: loop_playbook(invocation(OURS, "{{ item }}"), n, FORCE_MODULE),
        False,
    ),
    f"{THEIRS} loop": ("loop", lambda n: loop_playbook(invocation(THEIRS, "{{ item }}"), n), True),
    f"{OURS} tasks (in the controller's process)": (
        "tasks",
        lambda n: tasks_playbook(lambda i: invocation(OURS, i), n),
        False,
    ),
    f"{THEIRS} tasks": ("tasks", lambda n: tasks_playbook(lambda i: invocation(THEIRS, i), n), True),
    f"{OURS} lookup loop": ("loop", lambda n: loop_playbook(LOOKUP, n), False),
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


class Setup:
    """Which Python runs ansible-playbook and the module files, and where the collections are."""

    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.python = PROJECT_PYTHON if quick else ensure_bench_venv()
        if quick:
            self.collections_path = str(ROOT)
            self.module_files = {
                OURS: ROOT / "ansible_collections/ephemeral/aws/plugins/modules/lambda_invocation.py"
            }
        else:
            self.collections_path = "/nonexistent"  # only what the bench venv carries
            # From / without PYTHONPATH: this tree's ansible_collections must not shadow the venv's.
            code = "import ansible_collections.amazon.aws as a, ansible_collections.ephemeral.aws as e"
            code += "; print(list(a.__path__)[0]); print(list(e.__path__)[0])"
            amazon, ours = subprocess.run(
                [str(self.python), "-c", code],
                check=True,
                capture_output=True,
                text=True,
                cwd="/",
                env={**os.environ, "PYTHONPATH": ""},
            ).stdout.split()
            self.module_files = {
                OURS: Path(ours) / "plugins/modules/lambda_invocation.py",
                THEIRS: Path(amazon) / "plugins/modules/lambda_execute.py",
            }

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                # The controller's own Python: our action plugin runs in its process.
                "ANSIBLE_PYTHON_INTERPRETER": str(self.python),
                "ANSIBLE_LOCALHOST_WARNING": "false",
                "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
                "ANSIBLE_COLLECTIONS_PATH": self.collections_path,
                "PYTHONPATH": str(ROOT) if self.quick else "",
            }
        )
        return env

    def versions(self) -> tuple[str, str]:
        code = "import ansible.release as r; print(r.__version__)"
        if not self.quick:
            code += "; import ansible_collections.amazon.aws.plugins.module_utils.common as c"
            code += "; print(c.AMAZON_AWS_COLLECTION_VERSION)"
        out = subprocess.run([str(self.python), "-c", code], capture_output=True, text=True, check=True)
        lines = [*out.stdout.split(), "not installed (--quick)"]
        return lines[0], lines[1]


def run_playbook(setup: Setup, path: Path, url: str) -> float:
    command = [str(setup.python.parent / "ansible-playbook"), "-i", "localhost,", "-c", "local"]
    command += ["-e", f"url={url}", str(path)]
    started = time.perf_counter()
    completed = subprocess.run(command, env=setup.env(), capture_output=True, text=True, cwd="/")
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"{path.name} failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    return elapsed


def run_module_file(setup: Setup, module: str, args_path: Path) -> float:
    started = time.perf_counter()
    completed = subprocess.run(
        [str(setup.python), str(setup.module_files[module]), str(args_path)],
        env=setup.env(),
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    outcome = json.loads(completed.stdout or "{}")
    if completed.returncode != 0 or outcome.get("failed") or not outcome.get("changed"):
        raise SystemExit(f"{module} alone failed:\n{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}")
    return elapsed


WARM_CODE = """
import sys, time
# What the action plugin imported before it called warm(): the collection's module_utils.
import ansible_collections.ephemeral.aws.plugins.module_utils.common
started = time.perf_counter()
from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core.warm import warm
warmed = warm()
print(time.perf_counter() - started, warmed)
"""
# -S: no site-packages, so no botocore; the core alone is put on the path.
NO_BOTOCORE_CODE = """
import sys, time
sys.path.insert(0, {core!r})
import lambda_invocation_core
started = time.perf_counter()
from lambda_invocation_core.warm import warm
warmed = warm()
print(time.perf_counter() - started, warmed)
"""


def run_warm(setup: Setup, with_botocore: bool) -> float:
    command = [str(setup.python), "-c", WARM_CODE]
    if not with_botocore:
        command = [str(setup.python), "-S", "-c", NO_BOTOCORE_CODE.format(core=str(ROOT / "core"))]
    completed = subprocess.run(command, env=setup.env(), capture_output=True, text=True, cwd="/")
    elapsed, warmed = [*completed.stdout.split(), "", ""][:2]
    if completed.returncode != 0 or warmed != str(with_botocore):
        raise SystemExit(f"warm() failed:\n{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}")
    return float(elapsed)


def pulumi_rows(url: str) -> list[str]:
    """compare.py's Pulumi invoke() loop rows, or nothing where pulumi is not importable."""
    try:
        import compare  # benchmarks/compare.py, next to this file
    except ImportError:
        return []
    return compare.bench_pulumi_invoke_loop(url, quick=False)


def spread(values: list[float], scale: float = 1.0, unit: str = "ms") -> str:
    digits = 2 if unit == "s" else 0
    return f"{min(values) * scale:.{digits}f} to {max(values) * scale:.{digits}f} {unit}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--quick", action="store_true", help="our paths only, 3 items, 1 round, no amazon.aws"
    )
    args = parser.parse_args()
    count, rounds = (3, 1) if args.quick else (30, args.rounds)
    setup = Setup(args.quick)
    core_version, amazon_version = setup.versions()
    cases = {label: case for label, case in CASES.items() if not (args.quick and case[2])}
    modules = list(setup.module_files)
    with (
        tempfile.TemporaryDirectory() as scratch,
        running_endpoint(ROOT / "tests/functions/config.json") as endpoint,
    ):
        paths = {}
        for index, (label, (_shape, make, _amazon)) in enumerate(cases.items()):
            paths[label] = Path(scratch) / f"playbook{index}.yml"
            paths[label].write_text(make(count))
        module_args = {}
        for module in modules:
            name = "function_name" if module == OURS else "name"
            options = {name: "echo", "payload": {"i": "0", "blob": BLOB}, "endpoint_url": endpoint.url}
            options.update(region="us-east-1", access_key="AKIDLOCAL", secret_key="local-secret")
            module_args[module] = Path(scratch) / f"args-{module}.json"
            module_args[module].write_text(json.dumps({"ANSIBLE_MODULE_ARGS": options}))
        samples: dict[str, list[float]] = {label: [] for label in cases}
        alone: dict[str, list[float]] = {module: [] for module in modules}
        warm_costs: dict[bool, list[float]] = {True: [], False: []}
        for index in range(rounds):
            print(f"round {index + 1} of {rounds}", file=sys.stderr, flush=True)
            for label, path in paths.items():
                samples[label].append(run_playbook(setup, path, endpoint.url))
            for repeat in range(2):
                # Alternate which module file goes first, so neither always gets the warmer turn.
                for module in modules if (index + repeat) % 2 == 0 else reversed(modules):
                    alone[module].append(run_module_file(setup, module, module_args[module]))
                for with_botocore in warm_costs:
                    warm_costs[with_botocore].append(run_warm(setup, with_botocore))
        pulumi = [] if args.quick else pulumi_rows(endpoint.url)

    # Per item or task, round by round: (playbook - its debug baseline of the same round) / count.
    # Pairing within a round cancels most of the load that other work puts on the machine.
    baseline_of = {"loop": "baseline: debug loop", "tasks": "baseline: debug tasks"}
    per_round = {
        label: [
            (value - samples[baseline_of[cases[label][0]]][index]) / count
            for index, value in enumerate(values)
        ]
        for label, values in samples.items()
    }
    per = {label: statistics.median(values) for label, values in per_round.items()}
    print(
        f"# Ansible benchmark {time.strftime('%Y-%m-%d %H:%M')}: ansible-core {core_version}, "
        f"amazon.aws {amazon_version}, {count} items or tasks per playbook, {rounds} interleaved rounds"
        + (" (--quick: our paths only)" if args.quick else "")
    )
    print(
        "\n| playbook | wall (median) | wall (spread) | per item or task above its debug baseline "
        "(median of rounds) | (spread) |"
    )
    print("|---|---|---|---|---|")
    for label, values in samples.items():
        wall = statistics.median(values)
        print(
            f"| {label} | {wall:.2f} s | {spread(values, 1, 's')} | {per[label] * 1e3:.0f} ms "
            f"| {spread(per_round[label], 1e3)} |"
        )

    print("\n| module file alone, no AnsiballZ | median | spread |")
    print("|---|---|---|")
    for module, values in alone.items():
        print(f"| {module} | {statistics.median(values) * 1e3:.0f} ms | {spread(values, 1e3)} |")

    print("\n| one-time warm-up in the controller's main process (`warm()`, fresh Python each)", end="")
    print(" | median | spread |")
    print("|---|---|---|")
    labels = {True: "botocore installed", False: "botocore not installed (`python -S`)"}
    for with_botocore, label in labels.items():
        values = warm_costs[with_botocore]
        low, high = min(values) * 1e3, max(values) * 1e3
        print(f"| {label} | {statistics.median(values) * 1e3:.2f} ms | {low:.2f} to {high:.2f} ms |")

    if pulumi:
        print(
            "\n| Pulumi, same run and endpoint (compare.py) | ours (median, fastest-slowest) "
            "| compared | ratio | goal |"
        )
        print("|---|---|---|---|---|")
        for line in pulumi:
            print(line)

    print()
    ours_loop = per[f"{OURS} loop (in the controller's process)"]
    ours_tasks = per[f"{OURS} tasks (in the controller's process)"]
    print(f"loop, in process vs module forced: {per[f'{OURS} loop (module forced)'] / ours_loop:.1f}x faster")
    lookup = per[f"{OURS} lookup loop"]
    if lookup > 0.001:
        print(f"module loop in process vs lookup loop: {ours_loop / lookup:.2f}x the time per item")
    else:  # within the noise of the baseline: no meaningful ratio
        print(
            f"module loop in process vs lookup loop: {ours_loop * 1e3:.0f} vs {lookup * 1e3:.0f} ms per item"
        )
    if not args.quick:
        ours_alone, theirs_alone = (statistics.median(alone[module]) for module in (OURS, THEIRS))
        print(f"loop vs amazon.aws: {per[f'{THEIRS} loop'] / ours_loop:.1f}x faster per item (goal >= 10)")
        tasks_ratio = ours_tasks / per[f"{THEIRS} tasks"]
        print(f"tasks vs amazon.aws: {tasks_ratio:.2f}x the time per task (goal <= 0.15)")
        print(f"module file alone vs amazon.aws: {ours_alone / theirs_alone:.2f}x the time (goal <= 0.95)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
