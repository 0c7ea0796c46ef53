"""Warm before a fork, as the Ansible controller does: each child builds its own client and socket.

The script runs in a fresh interpreter (no pytest threads at the fork) with boto3 made
unimportable, so it also proves that the core needs botocore alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from local_lambda.launcher import RunningEndpoint

SCRIPT = textwrap.dedent(
    """
    import json, os, sys, threading
    sys.modules["boto3"] = None  # the core must not need it
    import lambda_invocation_core as core
    from lambda_invocation_core import client as client_module
    from lambda_invocation_core.warm import warm

    def sockets():
        found = set()
        for fd in os.listdir("/proc/self/fd"):
            try:
                name = os.readlink(f"/proc/self/fd/{fd}")
            except FileNotFoundError:  # the descriptor listdir itself had open
                continue
            if name.startswith("socket:"):
                found.add(name)
        return found

    before = sockets()
    warmed = warm()
    report = {
        "warmed": warmed,
        "threads_after_warm": threading.active_count(),
        "sockets_opened_by_warm": sorted(sockets() - before),
        "clients_after_warm": len(client_module._connections),
    }
    settings = core.ConnectionSettings(
        region="us-east-1", access_key="AKIDLOCAL", secret_key="local-secret", endpoint_url=sys.argv[1]
    )
    # Every model and data file a client needs was loaded by warm(): none is read again.
    import botocore.loaders
    files_read = []
    original = botocore.loaders.JSONFileLoader.load_file
    def load_file(self, path):
        files_read.append(os.path.basename(path))
        return original(self, path)
    botocore.loaders.JSONFileLoader.load_file = load_file
    # The parent invokes too, so that it holds a pooled connection a child could wrongly reuse.
    report["parent_result"] = core.invoke("echo", {"who": "parent"}, connection=settings).result
    report["files_read_by_the_parent"] = list(files_read)
    parent_client = core.get_client(settings)
    parent_sockets = sockets()
    children = []
    for index in range(2):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                inherited_clients = len(client_module._connections)
                outcome = core.invoke("echo", {"who": index}, connection=settings)
                own = sockets() - parent_sockets
                child = {
                    "inherited_clients": inherited_clients,
                    "own_client": core.get_client(settings) is not parent_client,
                    "result": outcome.result,
                    "new_sockets": sorted(own),
                    "files_read": files_read[len(report["files_read_by_the_parent"]) :],
                    "boto3_imported": sys.modules.get("boto3") is not None,
                }
                os.write(write_end, json.dumps(child).encode())
            finally:
                os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end) as reader:
            children.append(json.loads(reader.read()))
        os.waitpid(pid, 0)
    report["children"] = children
    report["parent_sockets"] = sorted(parent_sockets)
    report["parent_keeps_its_client"] = core.get_client(settings) is parent_client
    print(json.dumps(report))
    """
)


def test_children_forked_after_warming_build_their_own_clients(lambda_endpoint: RunningEndpoint) -> None:
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT, lambda_endpoint.url], capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout)
    # Warming makes no client, no connection and no thread.
    assert report["warmed"] is True
    assert report["threads_after_warm"] == 1
    assert report["sockets_opened_by_warm"] == []
    assert report["clients_after_warm"] == 0
    assert json.loads(report["parent_result"])["event"] == {"who": "parent"}
    assert report["files_read_by_the_parent"] == []
    assert report["parent_keeps_its_client"] is True
    parent_sockets = set(report["parent_sockets"])
    seen: set[str] = set()
    for index, child in enumerate(report["children"]):
        assert child["inherited_clients"] == 0
        assert child["own_client"] is True
        assert json.loads(child["result"])["event"] == {"who": index}
        # The child's request went over a socket of its own, none of its parent's or sibling's.
        assert child["new_sockets"], child
        assert not set(child["new_sockets"]) & (parent_sockets | seen)
        seen |= set(child["new_sockets"])
        # What the parent loaded served the child: no model or data file read again.
        assert child["files_read"] == []
        assert child["boto3_imported"] is False
