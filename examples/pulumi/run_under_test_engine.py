"""Run the example program (examples/pulumi/__main__.py) without the Pulumi CLI.

    LAMBDA_ENDPOINT_URL=http://127.0.0.1:PORT .venv/bin/python examples/pulumi/run_under_test_engine.py

(.venv from `scripts/nox -s dev`: a Python without pulumi and dill fails with "No module named ...")

No Pulumi CLI can be installed here, so the program runs under the repository's
engine-like test engine (pulumi_test_engine.py, next to this file): the real Pulumi SDK and
language-host code path, with the engine's dynamic-provider steps played in-process.
It previews, runs `up` twice (the second must change nothing and invoke nothing), prints
the stack outputs as `pulumi stack output` would (secrets as [secret]), then destroys.
With the CLI, run `pulumi up` in examples/pulumi instead.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import runpy
import sys
from pathlib import Path
from typing import Any

from pulumi_test_engine import TestEngine  # next to this file (the tests use it too)

HERE = Path(__file__).resolve().parent

PROJECT = "lambda-invocation-example"


def program() -> None:
    runpy.run_path(str(HERE / "__main__.py"), run_name="__main__")


def describe(steps: list[tuple[str, str]]) -> str:
    return ", ".join(f"{operation} {name}" for operation, name in steps) or "nothing"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint-url", default=os.environ.get("LAMBDA_ENDPOINT_URL"))
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--keep", action="store_true", help="do not destroy at the end")
    args = parser.parse_args()
    if not args.endpoint_url:
        parser.error("set LAMBDA_ENDPOINT_URL (or --endpoint-url) to the Lambda endpoint to use")
    os.environ["LAMBDA_ENDPOINT_URL"] = args.endpoint_url
    if args.endpoint_url.startswith(("http://127.", "http://localhost")):
        # The local endpoint checks no signature, but boto3 wants some credentials to sign.
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")

    # pulumi.log messages of the program, as the CLI would show them.
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("    log: %(message)s"))
    program_log = logging.getLogger("pulumi-test-engine")
    program_log.addHandler(handler)
    program_log.setLevel(logging.INFO)
    region = os.environ.get("AWS_REGION", "us-east-1")
    engine = TestEngine({"aws:region": region}, project=PROJECT, stack=args.stack)
    print(f"pulumi (test engine): project {PROJECT}, stack {args.stack}, endpoint {args.endpoint_url}")
    preview = engine.preview(program)
    print(f"  preview: would {describe(preview.steps)} (the resource is not invoked in preview)")
    first = engine.up(program)
    print(f"  up:      {describe(first.steps)}")
    second = engine.up(program)
    print(f"  up again: {describe(second.steps)} (unchanged inputs: no invocation)")
    print("  stack outputs:")
    show(first.display_outputs())
    if not args.keep:
        print(f"  destroy: {describe(engine.destroy())}")
    return 0


def show(outputs: dict[str, Any]) -> None:
    width = max((len(name) for name in outputs), default=0)
    for name in sorted(outputs):
        value = outputs[name]
        text = value if isinstance(value, str) else json.dumps(value)
        print(f"    {name:<{width}}  {text}")


if __name__ == "__main__":
    sys.exit(main())
