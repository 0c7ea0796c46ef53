"""Invoke parameters newer than the loaded botocore model are refused before sending.

An older botocore is simulated with a real one: a copy of the installed Lambda model
without the member, put first on botocore's data path (AWS_DATA_PATH).
"""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import botocore
import pytest

import lambda_invocation_core as core
from lambda_invocation_core.model_support import NEWER_INVOKE_MEMBERS
from tests.support.connection_settings import SettingsFactory
from tests.support.scripted_lambda import ScriptedLambda


def model_without(tmp_path: Path, member: str) -> Path:
    source = max((Path(botocore.__file__).parent / "data" / "lambda").iterdir())
    model_file = source / "service-2.json"
    if not model_file.exists():  # botocore ships some models compressed
        import gzip

        model = json.loads(gzip.decompress((source / "service-2.json.gz").read_bytes()))
    else:
        model = json.loads(model_file.read_text(encoding="utf-8"))
    del model["shapes"]["InvocationRequest"]["members"][member]
    target = tmp_path / "lambda" / source.name
    target.mkdir(parents=True)
    (target / "service-2.json").write_text(json.dumps(model), encoding="utf-8")
    return tmp_path


def test_tenant_id_is_sent_when_the_model_has_it(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    core.invoke("f", {}, tenant_id="tenant-1", connection=make_settings(scripted_lambda.url))
    assert scripted_lambda.requests[0].headers["x-amz-tenant-id"] == "tenant-1"


def test_tenant_id_with_an_older_model_is_refused_before_sending(
    make_settings: SettingsFactory,
    scripted_lambda: ScriptedLambda,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_DATA_PATH", str(model_without(tmp_path, "TenantId")))
    client = core.get_client(make_settings(scripted_lambda.url))
    input_shape = client.meta.service_model.operation_model("Invoke").input_shape
    assert input_shape is not None and "TenantId" not in input_shape.members
    with pytest.raises(core.BotocoreTooOldError) as caught:
        core.invoke("f", {}, tenant_id="tenant-1", connection=make_settings(scripted_lambda.url))
    error = caught.value
    assert isinstance(error, core.ValidationError)
    assert error.field == "tenant_id" and error.minimum_boto3 == "1.41.0"
    assert str(error) == (
        "tenant_id: needs boto3 >= 1.41.0; installed: "
        f"boto3 {boto3.__version__} (botocore {botocore.__version__})"
    )
    assert scripted_lambda.requests == []
    # Without the newer field the same client still invokes.
    core.invoke("f", {}, connection=make_settings(scripted_lambda.url))
    assert len(scripted_lambda.requests) == 1


def test_every_newer_member_is_one_the_request_can_carry() -> None:
    request = core.build_request("f", {}, tenant_id="t", durable_execution_name="run-1")
    assert set(NEWER_INVOKE_MEMBERS) <= set(request.to_boto3_kwargs())
