"""Pulumi's real Python provider host (``python -u -m pulumi.dynamic``), run and driven over
gRPC as the engine drives it (tests/pulumi and tests/floors): ``provider_host`` runs one,
``Host`` sends it the engine's requests and keeps what it answered (for the leak checks).
The fixtures ``host`` and ``serialized_provider`` of tests/pulumi/conftest.py use these.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from tests.support.pulumi_test_settings import REGION

URN = "urn:pulumi:test::lambda-invocation::pulumi-python:dynamic/lambda_invocation:LambdaInvocation::inv"


def _struct(values: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(values)
    return struct


def _dict(struct: struct_pb2.Struct) -> dict[str, Any]:
    return json_format.MessageToDict(struct)


class Host:
    """A running provider host and everything it answered (for the leak checks)."""

    def __init__(self, stub: provider_pb2_grpc.ResourceProviderStub) -> None:
        self.stub = stub
        self.answers: list[bytes] = []

    def call(self, method: str, request: Any) -> Any:
        try:
            response = getattr(self.stub, method)(request, timeout=60)
        except grpc.RpcError as exc:
            self.answers.append(str(exc.details()).encode())
            raise
        self.answers.append(response.SerializeToString())
        return response

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> Any:
        return self.call("Check", provider_pb2.CheckRequest(urn=URN, olds=_struct(olds), news=_struct(news)))

    def create(self, props: dict[str, Any]) -> Any:
        return self.call("Create", provider_pb2.CreateRequest(urn=URN, properties=_struct(props)))

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> Any:
        request = provider_pb2.DiffRequest(id=id_, urn=URN, olds=_struct(olds), news=_struct(news))
        return self.call("Diff", request)


@contextmanager
def provider_host(
    python: str, cwd: Path, env: dict[str, str], check_stderr: Callable[[bytes], None] = lambda _: None
) -> Iterator[Host]:
    """Pulumi's provider host of ``python`` (``python -u -m pulumi.dynamic``), run in ``cwd``
    and connected to; once it is stopped, ``check_stderr`` reads what it wrote to stderr."""
    process = subprocess.Popen(
        [python, "-u", "-m", "pulumi.dynamic"],
        cwd=cwd,
        env={**env, "PULUMI_PROJECT": "lambda-invocation"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().decode().strip())
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(channel).result(timeout=20)
        yield Host(provider_pb2_grpc.ResourceProviderStub(channel))
        channel.close()
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=20)
        check_stderr(stderr)


def installed_package_dir(neutral: Path) -> Path:
    """Where the provider host will import the package from (tests import the source tree)."""
    code = "import os, pulumi_lambda_invocation as p; print(os.path.dirname(p.__file__))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=neutral,
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(out.stdout.strip())


def _configure(host: Host, region: str = REGION, **config: Any) -> None:
    """Configure as the engine does: the stack's whole configuration, namespaces kept
    (``aws:assumeRoles`` ...), secret values wrapped as secrets."""
    args = {"aws:region": region, **config}
    variables = {key: value if isinstance(value, str) else json.dumps(value) for key, value in args.items()}
    response = host.call(
        "Configure",
        provider_pb2.ConfigureRequest(args=_struct(args), variables=variables, acceptSecrets=True),
    )
    assert response.acceptSecrets is False  # so the engine strips secrets before calling


def host_inputs(host: Host, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
    checked = host.check(olds, news)
    assert list(checked.failures) == []
    return _dict(checked.inputs)
