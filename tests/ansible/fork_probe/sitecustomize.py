"""Loaded at start-up (first on PYTHONPATH) by tests/ansible/test_warm_in_controller.py.

Every process forked from the one that loaded it (ansible-playbook's task workers) writes,
to the file named by FORK_PROBE_FILE, one JSON line when it starts (what it inherited from
its parent) and one for each botocore data file it reads afterwards.
"""

from __future__ import annotations

import json
import os
import sys

WARM_MODULE = "ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core.warm"


def _write(record: dict[str, object]) -> None:
    with open(os.environ["FORK_PROBE_FILE"], "a", encoding="utf-8") as probe:
        probe.write(json.dumps({"pid": os.getpid(), **record}) + "\n")


def _after_fork_in_child() -> None:
    warm = sys.modules.get(WARM_MODULE)
    loaders = getattr(warm, "_loaders", {})
    _write(
        {
            "botocore_session_imported": "botocore.session" in sys.modules,
            "boto3_imported": sys.modules.get("boto3") is not None,
            "loaders": len(loaders),
        }
    )
    loader_module = sys.modules.get("botocore.loaders")
    if loader_module is None:
        return
    original = loader_module.JSONFileLoader.load_file

    def load_file(self: object, file_path: str) -> object:
        _write({"file_read": os.path.basename(file_path)})
        return original(self, file_path)

    loader_module.JSONFileLoader.load_file = load_file


if os.environ.get("FORK_PROBE_FILE"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
