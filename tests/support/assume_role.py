"""Role assumption as the core's tests see it: the base key, STS's AssumeRole answer from the
scripted endpoint, and which key signed a request
(tests/core/test_assume_role.py, test_role_chain.py, test_credential_clients.py, test_retry_config.py)."""

from __future__ import annotations

import re

from tests.support.scripted_lambda import Reply

BASE_KEY = "AKIDBASEEXAMPLE01"


def signing_key(headers: dict[str, str]) -> str:
    match = re.search(r"Credential=([A-Z0-9]+)/", headers["authorization"])
    assert match, "request was not signed"
    return match.group(1)


def assume_role_reply(access_key: str = "ASIAVIAPROXY0001", delay: float = 0.0) -> Reply:
    body = (
        '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>'
        f"<Credentials><AccessKeyId>{access_key}</AccessKeyId><SecretAccessKey>role-secret</SecretAccessKey>"
        "<SessionToken>role-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>"
        "<AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:test-session</AssumedRoleId>"
        "<Arn>arn:aws:sts::123456789012:assumed-role/invoker/test-session</Arn></AssumedRoleUser>"
        "</AssumeRoleResult><ResponseMetadata><RequestId>sts-2</RequestId></ResponseMetadata></AssumeRoleResponse>"
    )
    return Reply(body=body.encode(), headers={"Content-Type": "text/xml"}, delay=delay)
