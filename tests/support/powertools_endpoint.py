"""The local endpoint running tests/functions/idempotent (Powertools' real idempotency
utility) with its DynamoDB table served by moto's server mode on loopback.

moto runs in the test process (ThreadedMotoServer); the handler's runtime reaches it through
AWS_ENDPOINT_URL_DYNAMODB, which boto3 reads itself. The endpoint's configuration is written
at start, because the moto port is only known then. Fixture: ``powertools_endpoint`` in
tests/conftest.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local_lambda.launcher import RunningEndpoint, running_endpoint

from .moto_server import serving_moto

CODE_DIR = Path(__file__).resolve().parent.parent / "functions" / "idempotent"
FUNCTION = "idempotent"
TABLE = "idempotency-records"


@dataclass
class PowertoolsEndpoint:
    endpoint: RunningEndpoint
    dynamodb_url: str

    @property
    def url(self) -> str:
        return self.endpoint.url

    def record_status(self, key: str) -> str | None:
        """The status of Powertools' record for an idempotency key (INPROGRESS, COMPLETED), or None.

        Powertools names a record "<function>.<module>.<handler>#<md5 of the key as JSON>".
        """
        digest = hashlib.md5(json.dumps(key).encode()).hexdigest()
        record_id = f"{FUNCTION}.idempotent_handler.handler#{digest}"
        item = _dynamodb(self.dynamodb_url).get_item(TableName=TABLE, Key={"id": {"S": record_id}})
        return item["Item"]["status"]["S"] if "Item" in item else None


def _dynamodb(url: str) -> Any:
    import boto3

    return boto3.client(
        "dynamodb",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="AKIAMOTO",
        aws_secret_access_key="moto-secret",
    )


@contextlib.contextmanager
def serving_powertools_endpoint(workdir: Path) -> Iterator[PowertoolsEndpoint]:
    with serving_moto() as dynamodb_url:
        _dynamodb(dynamodb_url).create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        config = {
            "functions": {
                FUNCTION: {
                    "code": str(CODE_DIR),
                    "handler": "idempotent_handler.handler",
                    "timeout": 60,
                    "environment": {"IDEMPOTENCY_TABLE": TABLE, "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_url},
                }
            }
        }
        path = workdir / "powertools_endpoint.json"
        path.write_text(json.dumps(config))
        with running_endpoint(path) as endpoint:
            yield PowertoolsEndpoint(endpoint, dynamodb_url)
