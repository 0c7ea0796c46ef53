"""Figures for the local Lambda endpoint (not a test; prints numbers).

    .venv/bin/python benchmarks/endpoint_bench.py [--invokes 1000] [--seconds 3]

- start to ready: `python -m local_lambda --port 0` until its URL is printed (goal < 1 s),
  and until a first (cold) invoke returned;
- warm invoke round trip through boto3 with a 1 KB payload: median, p90, p99 (goal: median
  at most 5 ms);
- throughput with 1, 4, 16 and 20 concurrent callers, for a handler that returns at once
  (bound by this machine's CPUs) and one that sleeps 50 ms (bound by how many runtime
  processes run in parallel: it must scale with the callers).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from local_lambda.launcher import RunningEndpoint, running_endpoint  # noqa: E402

CONFIG = ROOT / "tests" / "functions" / "config.json"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def bench_startup(rounds: int) -> None:
    ready: list[float] = []
    first_invoke: list[float] = []
    for _ in range(rounds):
        with running_endpoint(CONFIG) as endpoint:
            ready.append(endpoint.startup_seconds)
            client = endpoint.client()  # boto3 client creation is not the endpoint's cost
            cold = time.monotonic()
            client.invoke(FunctionName="echo", Payload=b"{}")["Payload"].read()
            first_invoke.append(endpoint.startup_seconds + time.monotonic() - cold)
    print(
        f"start to ready (URL printed)      median {statistics.median(ready) * 1000:7.1f} ms"
        f"   max {max(ready) * 1000:7.1f} ms"
    )
    print(
        f"start to first (cold) invoke done median {statistics.median(first_invoke) * 1000:7.1f} ms"
        f"   max {max(first_invoke) * 1000:7.1f} ms"
    )


def bench_latency(endpoint: RunningEndpoint, invokes: int) -> None:
    client = endpoint.client()
    payload = json.dumps({"data": "x" * 1012}).encode()
    assert len(payload) == 1024
    for _ in range(50):
        client.invoke(FunctionName="echo", Payload=payload)["Payload"].read()
    samples = []
    for _ in range(invokes):
        started = time.perf_counter()
        client.invoke(FunctionName="echo", Payload=payload)["Payload"].read()
        samples.append(time.perf_counter() - started)
    print(
        f"warm invoke, 1 KB payload, {invokes} calls: median {statistics.median(samples) * 1000:.2f} ms"
        f"  p90 {percentile(samples, 0.9) * 1000:.2f} ms  p99 {percentile(samples, 0.99) * 1000:.2f} ms"
        f"  min {min(samples) * 1000:.2f} ms"
    )


def bench_throughput(
    endpoint: RunningEndpoint, callers: int, seconds: float, function: str, event: bytes
) -> float:
    clients = [endpoint.client() for _ in range(callers)]
    for client in clients:  # warm a runtime per caller and each client's connection
        client.invoke(FunctionName=function, Payload=event)
    barrier = threading.Barrier(callers + 1)
    counts = [0] * callers
    stop_at = [0.0]

    def caller(index: int) -> None:
        client = clients[index]
        barrier.wait()
        while time.monotonic() < stop_at[0]:
            response = client.invoke(FunctionName=function, Payload=event)
            response["Payload"].read()
            assert "FunctionError" not in response
            counts[index] += 1

    threads = [threading.Thread(target=caller, args=(i,)) for i in range(callers)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.monotonic() + seconds
    started = time.monotonic()
    barrier.wait()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invokes", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--startup-rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    bench_startup(args.startup_rounds)
    with running_endpoint(CONFIG) as endpoint:
        bench_latency(endpoint, args.invokes)
        payload = json.dumps({"data": "x" * 1012}).encode()
        sleep_event = json.dumps({"seconds": 0.05}).encode()
        print("throughput (calls/s)   callers  echo 1 KB   sleep 50 ms  (ideal for sleep)")
        for callers in (1, 4, 16, 20):
            echo = bench_throughput(endpoint, callers, args.seconds, "echo", payload)
            sleep = bench_throughput(endpoint, callers, args.seconds, "sleep", sleep_event)
            print(f"{'':23}{callers:7d}  {echo:9.0f}   {sleep:11.0f}  ({callers / 0.05:.0f})")
        runtimes = endpoint.runtimes()
        print(
            f"runtime processes at the end: {len(runtimes)} "
            f"(echo {sum(rt['function'] == 'echo' for rt in runtimes)}, "
            f"sleep {sum(rt['function'] == 'sleep' for rt in runtimes)})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
