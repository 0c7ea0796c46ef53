"""The shipped sample function and config work as the README's main job expects."""

from __future__ import annotations

import base64
import json

from local_lambda.launcher import PACKAGE_ROOT, running_endpoint
from tests.support.raw_invoke import invoke


def test_sample_secret_function_through_alias() -> None:
    with running_endpoint(PACKAGE_ROOT / "examples" / "local_lambda.json") as endpoint:
        client = endpoint.client()
        context = base64.b64encode(json.dumps({"custom": {"caller": "tests"}}).encode()).decode()
        event = {"service": "billing", "environment": "demo"}
        result = invoke(
            client, "sample-secret", event, Qualifier="live", LogType="Tail", ClientContext=context
        )
        assert result.function_error is None
        assert result.executed_version == "1"
        body = result.payload
        assert body["db_password"].startswith("s3cr3t-")
        assert body["username"] == "billing_demo_app"
        assert body["issued_by"] == "sample-secret:1"
        assert result.log is not None
        assert "issuing credentials for billing/demo to tests" in result.log
        assert body["db_password"] not in result.log and body["api_token"] not in result.log
        again = invoke(client, "sample-secret", event).payload
        assert again["db_password"] != body["db_password"]  # fresh on every call
        assert again["issued_by"] == "sample-secret:$LATEST"
