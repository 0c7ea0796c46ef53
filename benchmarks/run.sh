#!/usr/bin/env bash
# Every benchmark, one after the other, on a quiet machine: prints the tables kept in
# benchmarks/README.md. Not a test: nothing here passes or fails on a figure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
.venv/bin/python benchmarks/compare.py
.venv/bin/python benchmarks/endpoint_bench.py
.venv/bin/python benchmarks/ansible_compare.py --rounds 5
