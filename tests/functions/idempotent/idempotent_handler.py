"""A handler made idempotent with the real Powertools for AWS Lambda utility.

Run by the local endpoint (tests/support/powertools_endpoint.py writes its configuration).
Powertools keeps its records in DynamoDB, which moto's server mode serves on loopback: the
runtime's environment names the table (IDEMPOTENCY_TABLE) and the endpoint
(AWS_ENDPOINT_URL_DYNAMODB, read by boto3 itself). The IdempotencyConfig is the one the
README's guide gives for the core's default field.

The body sleeps event["seconds"] (default 0), appends one line to event["count_file"] and
returns how many lines it found there, so a test can tell how often the body ran.
"""

from __future__ import annotations

import os
import time
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent,
)

persistence_layer = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE"])
config = IdempotencyConfig(event_key_jmespath="idempotency_key")


@idempotent(config=config, persistence_store=persistence_layer)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    time.sleep(float(event.get("seconds", 0)))
    path = event["count_file"]
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"{context.aws_request_id}\n")
    with open(path, encoding="utf-8") as handle:
        runs = sum(1 for _ in handle)
    return {"body_runs": runs, "request_id": context.aws_request_id, "secret": event.get("secret")}
