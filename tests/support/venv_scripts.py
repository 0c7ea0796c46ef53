"""Scripts that another venv's Python runs against the local endpoint, and how to run them
(the floor venvs and the venvs of every claimed Python)."""

from __future__ import annotations

import subprocess
from pathlib import Path

# Run by another venv's Python: invokes through the core; prints one JSON document.
INVOKE = r"""
import json, sys
import boto3, lambda_invocation_core as core

settings = dict(region="us-east-1", endpoint_url=sys.argv[1])
connection = core.ConnectionSettings(**settings)
out = {"python": "%d.%d" % sys.version_info[:2], "boto3": boto3.__version__, "core": core.__file__}
ok = core.invoke("echo", {"marker": "floor-marker"}, qualifier="current",
                 client_context={"custom": {"k": "v"}}, log_type="Tail", connection=connection)
out["ok"] = {"version": ok.executed_version, "result": ok.result_json, "log": ok.log_text,
             "status": ok.status_code, "function_error": ok.function_error}
failed = core.invoke("fail", {"message": "floor-failure"}, connection=connection)
out["failed"] = {"function_error": failed.function_error, "error_type": failed.error_type}
try:
    core.invoke("no-such-function", {}, connection=connection)
except core.AwsError as error:
    out["missing"] = {"code": error.code, "status": error.http_status}
try:
    core.invoke("bad name!", {}, connection=connection)
except core.ValidationError as error:
    out["invalid"] = error.field
print(json.dumps(out))
"""


def run_script(python: Path, code: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-c", code, *args], capture_output=True, text=True, timeout=120, env=env, cwd="/"
    )
