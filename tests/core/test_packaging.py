"""The core stands alone: no adapter imports, a guarded boto3, a faithful Ansible copy."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_module_utils_copy_matches_core() -> None:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "scripts/sync_module_utils.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr


def test_core_imports_only_stdlib_and_botocore() -> None:
    allowed_third_party = {"boto3", "botocore", "mypy_boto3_lambda", "mypy_boto3_sts"}
    for path in (ROOT / "core/lambda_invocation_core").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or top in allowed_third_party, (path.name, name)


def test_import_does_not_load_boto3_and_missing_botocore_is_explained() -> None:
    # The client is built from botocore alone; boto3, which brings botocore, is what to install.
    script = (
        "import sys\n"
        "import lambda_invocation_core as core\n"
        "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules\n"
        "sys.modules['botocore'] = None\n"
        "try:\n"
        "    core.invoke('f', {}, connection=core.ConnectionSettings(region='us-east-1'))\n"
        "except core.MissingDependencyError as error:\n"
        "    print(error)\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "boto3 is required to invoke Lambda functions: pip install boto3"


def test_the_installed_core_is_the_working_tree() -> None:
    # The project is installed in editable mode (scripts/nox -s dev: uv pip install -e), so an
    # edit under core/ is what every test, example and the demo import, with no reinstall.
    completed = subprocess.run(
        [sys.executable, "-c", "import lambda_invocation_core as core; print(core.__file__)"],
        cwd="/",
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(completed.stdout.strip()) == ROOT / "core/lambda_invocation_core/__init__.py"
