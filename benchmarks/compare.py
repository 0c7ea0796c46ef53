"""Side-by-side benchmarks: the core against plain boto3 on the local Lambda endpoint.

    .venv/bin/python benchmarks/compare.py [--quick]

Runs are interleaved (core, boto3, core, boto3, ...) on one warm endpoint so that machine
noise hits both sides alike; the table gives medians and the core/boto3 ratio.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

import lambda_invocation_core as core  # noqa: E402
from local_lambda.launcher import running_endpoint  # noqa: E402

CONFIG = ROOT / "tests/functions/config.json"


def raw_client(url: str) -> Any:
    """A boto3 client with the core's settings, so only the core's own work differs."""
    return boto3.session.Session().client(
        "lambda",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="AKIDLOCAL",
        aws_secret_access_key="local",
        config=Config(
            read_timeout=core.DEFAULT_READ_TIMEOUT,
            connect_timeout=core.DEFAULT_CONNECT_TIMEOUT,
            retries={"mode": "standard", "total_max_attempts": 1},
            tcp_keepalive=True,
        ),
    )


def settings(url: str) -> core.ConnectionSettings:
    return core.ConnectionSettings(
        region="us-east-1", access_key="AKIDLOCAL", secret_key="local", endpoint_url=url
    )


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def interleaved(
    pairs: dict[str, Callable[[], object]], rounds: int, warmup: int = 5
) -> dict[str, list[float]]:
    for _ in range(warmup):
        for action in pairs.values():
            action()
    samples: dict[str, list[float]] = {name: [] for name in pairs}
    for index in range(rounds):
        # Alternate which side goes first, so neither always gets the warmer turn.
        order = list(pairs.items()) if index % 2 == 0 else list(reversed(pairs.items()))
        for name, action in order:
            samples[name].append(timed(action))
    return samples


def row(label: str, ours: list[float], theirs: list[float], goal: str) -> str:
    ours_median, theirs_median = statistics.median(ours), statistics.median(theirs)
    ratio = ours_median / theirs_median
    return (
        f"| {label} | {ours_median * 1e3:.2f} ms | {theirs_median * 1e3:.2f} ms | {ratio:.3f} "
        f"({(ratio - 1) * 100:+.1f} %) | {goal} |"
    )


def bench_core_vs_boto3(url: str, quick: bool) -> list[str]:
    client = raw_client(url)
    connection = settings(url)
    lines = []
    for label, size, rounds, goal in (
        ("1 KB payload, warm", 1024, 60 if quick else 300, "<= +5 %"),
        ("1 MB payload, warm", 1024 * 1024, 10 if quick else 40, "<= +10 %"),
    ):
        event = {"blob": "x" * (size - 12)}

        def through_core(event: dict[str, str] = event) -> object:
            return core.invoke("echo", event, connection=connection).result

        def through_boto3(event: dict[str, str] = event) -> object:
            response = client.invoke(FunctionName="echo", Payload=json.dumps(event).encode())
            return response["Payload"].read().decode()

        samples = interleaved({"core": through_core, "boto3": through_boto3}, rounds)
        lines.append(row(label, samples["core"], samples["boto3"], goal))
    return lines


def bench_loops(url: str, quick: bool) -> list[str]:
    """100 invocations in one process, client creation included (paid once on both sides)."""
    count = 100

    def core_loop() -> object:
        core.clear_client_cache()
        connection = settings(url)
        return [core.invoke("echo", {"i": i}, connection=connection) for i in range(count)]

    def boto3_loop() -> object:
        client = raw_client(url)
        return [
            client.invoke(FunctionName="echo", Payload=json.dumps({"i": i}).encode())["Payload"].read()
            for i in range(count)
        ]

    samples = interleaved({"core": core_loop, "boto3": boto3_loop}, 3 if quick else 9, warmup=1)
    return [row(f"{count} invocations in a loop (total)", samples["core"], samples["boto3"], "<= +10 %")]


def bench_pulumi_invoke_loop(url: str, quick: bool) -> list[str]:
    """100 invoke() calls in one Pulumi program (the SDK's mock engine answering resources, as
    the engine's side: invoke() calls Lambda), against the boto3 loop.

    Five interleaved runs of each (program set-up and client creation included on every
    side); the rows give medians, the spread (fastest-slowest) and the ratio. Two program
    shapes: a plain ``for`` loop, as a program is written (every input known, so each call
    is handed to a worker thread at once and they run side by side), and a chain where each
    call waits for the previous result, which shows the per-call cost of going through
    Outputs and a worker thread.
    """
    import os

    import pulumi

    from pulumi_lambda_invocation import invoke

    class NoResources(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
            return args.name, dict(args.inputs)

        def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
            return {}, []

    class EngineSide:
        """The mock monitor behind a wrapper: no ``MockMonitor`` to the program, so invoke()
        calls Lambda as under the engine (under set_mocks' own monitor the mocks answer)."""

        def __init__(self, monitor: pulumi.runtime.mocks.MockMonitor) -> None:
            self._monitor = monitor

        def __getattr__(self, name: str) -> Any:
            return getattr(self._monitor, name)

    os.environ.update(AWS_ACCESS_KEY_ID="AKIDLOCAL", AWS_SECRET_ACCESS_KEY="local", AWS_REGION="us-east-1")
    count = 100

    def run_program(body: Callable[[], Any]) -> object:
        core.clear_client_cache()
        mocks = NoResources()
        monitor: Any = EngineSide(pulumi.runtime.mocks.MockMonitor(mocks))
        pulumi.runtime.set_mocks(mocks, preview=False, monitor=monitor)
        # pulumi.runtime.test runs the program's event loop until every Output settled.
        program: Callable[[], Any] = pulumi.runtime.test(body)  # type: ignore[no-untyped-call]
        return program()

    def plain_loop() -> Any:
        return pulumi.Output.all(
            *[invoke("echo", {"i": i}, endpoint_url=url).status_code for i in range(count)]
        )

    def chained(index: int = 0, previous: Any = None) -> Any:
        if index == count:
            return previous
        status = invoke("echo", {"i": index}, endpoint_url=url).status_code
        return status.apply(lambda _: chained(index + 1, status))

    def boto3_in_pulumi() -> Any:
        # What a program would do without this package: plain boto3 inside Output.apply.
        client = raw_client(url)

        def call(i: int) -> Any:
            return client.invoke(FunctionName="echo", Payload=json.dumps({"i": i}).encode())["StatusCode"]

        return pulumi.Output.all(*[pulumi.Output.from_input(i).apply(call) for i in range(count)])

    def boto3_loop() -> object:
        client = raw_client(url)
        return [
            client.invoke(FunctionName="echo", Payload=json.dumps({"i": i}).encode())["Payload"].read()
            for i in range(count)
        ]

    samples = interleaved(
        {
            "loop": lambda: run_program(plain_loop),
            "chain": lambda: run_program(chained),
            "boto3 in apply": lambda: run_program(boto3_in_pulumi),
            "boto3": boto3_loop,
        },
        3 if quick else 5,
        warmup=1,
    )

    # A function that takes 20 ms, as a call does once a network is in the way: the calls of
    # the Pulumi loop wait side by side, the boto3 loop waits for each in turn.
    def plain_loop_20ms() -> Any:
        return pulumi.Output.all(
            *[invoke("sleep", {"seconds": 0.02, "i": i}, endpoint_url=url).status_code for i in range(count)]
        )

    def boto3_loop_20ms() -> object:
        client = raw_client(url)
        return [
            client.invoke(FunctionName="sleep", Payload=json.dumps({"seconds": 0.02, "i": i}).encode())[
                "Payload"
            ].read()
            for i in range(count)
        ]

    slow = interleaved(
        {"loop": lambda: run_program(plain_loop_20ms), "boto3": boto3_loop_20ms}, 3 if quick else 5, warmup=1
    )
    # The same two, timed by this process's CPU clock (all its threads): what the client side
    # costs, whatever the machine's load and the endpoint's share of the 2 CPUs.
    cpu: dict[str, list[float]] = {"loop": [], "boto3": []}
    sides: dict[str, Callable[[], object]] = {"loop": lambda: run_program(plain_loop), "boto3": boto3_loop}
    for index in range(3 if quick else 5):
        for name, action in sides.items() if index % 2 == 0 else reversed(sides.items()):
            started = time.process_time()
            action()
            cpu[name].append(time.process_time() - started)
    return [
        spread_row(
            f"{count} Pulumi invoke() in a for loop vs the sequential boto3 loop (total)",
            samples["loop"],
            samples["boto3"],
            "<= +0 % (no slower)",
        ),
        spread_row(
            f"{count} Pulumi invoke() chained one after another vs the boto3 loop",
            samples["chain"],
            samples["boto3"],
            "informational",
        ),
        spread_row(
            f"{count} Pulumi invoke() vs plain boto3 in Output.apply",
            samples["loop"],
            samples["boto3 in apply"],
            "informational",
        ),
        spread_row(
            f"{count} Pulumi invoke() of a 20 ms function in a for loop vs the boto3 loop",
            slow["loop"],
            slow["boto3"],
            "<= +0 % (no slower)",
        ),
        spread_row(
            f"{count} Pulumi invoke() in a for loop vs the boto3 loop: CPU time of this process",
            cpu["loop"],
            cpu["boto3"],
            "informational",
        ),
    ]


def spread_row(label: str, ours: list[float], theirs: list[float], goal: str) -> str:
    """A row with the median and, in brackets, the fastest and slowest run of each side."""

    def cell(samples: list[float]) -> str:
        fastest, slowest = min(samples) * 1e3, max(samples) * 1e3
        return f"{statistics.median(samples) * 1e3:.1f} ms ({fastest:.0f}-{slowest:.0f})"

    ratio = statistics.median(ours) / statistics.median(theirs)
    return f"| {label} | {cell(ours)} | {cell(theirs)} | {ratio:.3f} ({(ratio - 1) * 100:+.1f} %) | {goal} |"


def bench_imports() -> list[str]:
    def import_time(statement: str) -> float:
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", statement], check=True)
            runs.append(time.perf_counter() - started)
        return statistics.median(runs)

    baseline = import_time("pass")
    lines = []
    for ours, theirs in (
        ("import lambda_invocation_core", "import boto3"),
        ("import lambda_invocation_core, boto3", "import boto3"),
        ("import pulumi_lambda_invocation", "import pulumi"),
    ):
        ours_s, theirs_s = import_time(ours) - baseline, import_time(theirs) - baseline
        lines.append(
            f"| cold: `{ours}` vs `{theirs}` | {ours_s * 1e3:.0f} ms | {theirs_s * 1e3:.0f} ms | "
            f"{ours_s / theirs_s:.3f} | informational |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    args = parser.parse_args()
    print(
        f"# benchmarks {time.strftime('%Y-%m-%d %H:%M')} on {platform.node()} "
        f"({platform.machine()}, Python {platform.python_version()}, boto3 {boto3.__version__})"
    )
    print("| case | ours (median) | compared (median) | ratio | goal |")
    print("|---|---|---|---|---|")
    with running_endpoint(CONFIG) as endpoint:
        for bench in (bench_core_vs_boto3, bench_loops, bench_pulumi_invoke_loop):
            for line in bench(endpoint.url, args.quick):
                print(line, flush=True)
    for line in bench_imports():
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
