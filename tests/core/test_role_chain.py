"""The role chain (assume_roles) and web identity, against moto's STS and a scripted STS."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import boto3
import pytest

import lambda_invocation_core as core
from lambda_invocation_core.client import get_connection
from lambda_invocation_core.settings import AssumeRole, WebIdentity
from tests.support.assume_role import BASE_KEY, assume_role_reply, signing_key
from tests.support.scripted_lambda import Reply, ScriptedLambda

FIRST = "arn:aws:iam::111111111111:role/first"
SECOND = "arn:aws:iam::222222222222:role/second"
POLICY = (
    '{"Version":"2012-10-17",'
    '"Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}]}'
)
POLICY_ARN = "arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess"


def chain_settings(lambda_url: str, **overrides: Any) -> core.ConnectionSettings:
    values: dict[str, Any] = {
        "region": "us-east-1",
        "access_key": BASE_KEY,
        "secret_key": "base-secret",
        "endpoint_url": lambda_url,
        "read_timeout": 5.0,
        "assume_roles": (AssumeRole(FIRST, session_name="one"), AssumeRole(SECOND, session_name="two")),
    }
    values.update(overrides)
    return core.ConnectionSettings(**values)


def caller_arn(sts_url: str, settings: core.ConnectionSettings) -> tuple[str, str]:
    """The access key the connection signs with, and who STS says it belongs to."""
    frozen = get_connection(settings).session.get_credentials().get_frozen_credentials()
    sts = boto3.client(
        "sts",
        region_name="us-east-1",
        endpoint_url=sts_url,
        aws_access_key_id=frozen.access_key,
        aws_secret_access_key=frozen.secret_key,
        aws_session_token=frozen.token,
    )
    return frozen.access_key, sts.get_caller_identity()["Arn"]


def test_two_roles_are_chained_and_the_last_signs_the_invoke(
    scripted_lambda: ScriptedLambda, sts_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_url)
    settings = chain_settings(scripted_lambda.url)
    core.invoke("f", {}, connection=settings)
    key, arn = caller_arn(sts_url, settings)
    assert arn == "arn:aws:sts::222222222222:assumed-role/second/two"
    assert signing_key(scripted_lambda.requests[0].headers) == key


def test_every_entry_key_is_sent_and_each_role_signs_the_next(scripted_lambda: ScriptedLambda) -> None:
    # The scripted server answers both AssumeRole calls, then the Invoke.
    scripted_lambda.queue(assume_role_reply("ASIAFIRSTROLE0001"), assume_role_reply("ASIASECONDROLE001"))
    first = AssumeRole(
        FIRST,
        session_name="one",
        external_id="ext-1",
        duration=1800,
        policy=POLICY,
        policy_arns=[POLICY_ARN],
        tags={"team": "billing", "cost": "7"},
        transitive_tag_keys=["team"],
        source_identity="alice",
    )
    settings = chain_settings(
        scripted_lambda.url, sts_endpoint_url=scripted_lambda.url, assume_roles=[first, AssumeRole(SECOND)]
    )
    core.invoke("f", {}, connection=settings)
    one, two, invoke = scripted_lambda.requests
    sent = {key: values[0] for key, values in parse_qs(one.body.decode()).items()}
    assert sent == {
        "Action": "AssumeRole",
        "Version": "2011-06-15",
        "RoleArn": FIRST,
        "RoleSessionName": "one",
        "ExternalId": "ext-1",
        "DurationSeconds": "1800",
        "Policy": POLICY,
        "PolicyArns.member.1.arn": POLICY_ARN,
        "Tags.member.1.Key": "team",
        "Tags.member.1.Value": "billing",
        "Tags.member.2.Key": "cost",
        "Tags.member.2.Value": "7",
        "TransitiveTagKeys.member.1": "team",
        "SourceIdentity": "alice",
    }
    assert signing_key(one.headers) == BASE_KEY
    second = parse_qs(two.body.decode())
    assert second["RoleArn"] == [SECOND] and second["RoleSessionName"] == ["ephemeral-lambda-invocation"]
    assert signing_key(two.headers) == "ASIAFIRSTROLE0001"
    assert signing_key(invoke.headers) == "ASIASECONDROLE001"


def test_the_account_guard_takes_the_last_roles_account(
    scripted_lambda: ScriptedLambda, sts_url: str
) -> None:
    settings = chain_settings(
        scripted_lambda.url, sts_endpoint_url=sts_url, allowed_account_ids=["111111111111"]
    )
    with pytest.raises(core.AccountNotAllowedError) as caught:
        core.invoke("f", {}, connection=settings)
    assert caught.value.account_id == "222222222222"
    assert scripted_lambda.requests == []


@pytest.mark.parametrize("from_file", [False, True])
def test_web_identity_then_a_role(
    scripted_lambda: ScriptedLambda, sts_url: str, tmp_path: Path, from_file: bool
) -> None:
    token = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaSJ9."
    token_file = tmp_path / "token"
    token_file.write_text(token + "\n")
    identity = WebIdentity(
        FIRST,
        token=None if from_file else token,
        token_file=str(token_file) if from_file else None,
        session_name="ci",
    )
    settings = chain_settings(
        scripted_lambda.url,
        access_key=None,
        secret_key=None,
        sts_endpoint_url=sts_url,
        web_identity=identity,
        assume_roles=[AssumeRole(SECOND, session_name="two")],
    )
    core.invoke("f", {}, connection=settings)
    key, arn = caller_arn(sts_url, settings)
    assert arn == "arn:aws:sts::222222222222:assumed-role/second/two"
    assert signing_key(scripted_lambda.requests[0].headers) == key


def test_web_identity_alone_is_unsigned_and_sends_the_token(scripted_lambda: ScriptedLambda) -> None:
    body = assume_role_reply("ASIAWEBIDENTITY01").body.replace(b"AssumeRole", b"AssumeRoleWithWebIdentity")
    scripted_lambda.queue(Reply(body=body, headers={"Content-Type": "text/xml"}))
    settings = chain_settings(
        scripted_lambda.url,
        access_key=None,
        secret_key=None,
        sts_endpoint_url=scripted_lambda.url,
        assume_roles=None,
        web_identity=WebIdentity(FIRST, token="token-1234", duration=900, policy_arns=[POLICY_ARN]),
    )
    core.invoke("f", {}, connection=settings)
    call, invoke = scripted_lambda.requests
    sent = parse_qs(call.body.decode())
    assert sent["Action"] == ["AssumeRoleWithWebIdentity"] and sent["WebIdentityToken"] == ["token-1234"]
    assert sent["DurationSeconds"] == ["900"] and sent["PolicyArns.member.1.arn"] == [POLICY_ARN]
    assert "authorization" not in call.headers
    assert signing_key(invoke.headers) == "ASIAWEBIDENTITY01"
    assert "token-1234" not in repr(settings)


def test_a_refusal_of_the_second_role_names_sts_assume_role(scripted_lambda: ScriptedLambda) -> None:
    refusal = Reply(
        status=403,
        body=b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error>"
        b"<RequestId>sts-9</RequestId></ErrorResponse>",
        headers={"Content-Type": "text/xml"},
    )
    scripted_lambda.queue(assume_role_reply("ASIAFIRSTROLE0001"), refusal)
    with pytest.raises(core.AwsError) as caught:
        core.invoke(
            "f", {}, connection=chain_settings(scripted_lambda.url, sts_endpoint_url=scripted_lambda.url)
        )
    assert str(caught.value).startswith(
        "STS AssumeRole failed with AccessDenied (HTTP 403, request id sts-9)"
    )
    assert caught.value.operation == "AssumeRole" and caught.value.service == "STS"
    assert len(scripted_lambda.requests) == 2  # two AssumeRole calls, no Invoke


def test_an_unreadable_token_file_is_a_credentials_error(
    scripted_lambda: ScriptedLambda, tmp_path: Path
) -> None:
    settings = chain_settings(
        scripted_lambda.url,
        assume_roles=None,
        sts_endpoint_url=scripted_lambda.url,
        web_identity=WebIdentity(FIRST, token_file=str(tmp_path / "missing")),
    )
    with pytest.raises(core.CredentialsError, match=r"^web_identity.token_file could not be read"):
        core.invoke("f", {}, connection=settings)
    assert scripted_lambda.requests == []


@pytest.mark.parametrize(
    ("overrides", "field", "rule"),
    [
        (
            {"assume_roles": [AssumeRole(FIRST), AssumeRole("arn:aws:iam::1:role/x")]},
            "assume_roles[1].role_arn",
            "IAM role ARN",
        ),
        ({"assume_roles": [AssumeRole(FIRST, session_name="x")]}, "assume_roles[0].session_name", "2 to 64"),
        ({"assume_roles": [AssumeRole(FIRST, external_id="x")]}, "assume_roles[0].external_id", "2 to 1224"),
        ({"assume_roles": [AssumeRole(FIRST, duration=60)]}, "assume_roles[0].duration", "900 to 43200"),
        ({"assume_roles": [AssumeRole(FIRST, policy="{")]}, "assume_roles[0].policy", "does not parse"),
        ({"assume_roles": [AssumeRole(FIRST, policy="[]")]}, "assume_roles[0].policy", "an object"),
        (
            {"assume_roles": [AssumeRole(FIRST, policy="{}" + " " * 2047)]},
            "assume_roles[0].policy",
            "1 to 2048",
        ),
        (
            {"assume_roles": [AssumeRole(FIRST, policy_arns=["arn:aws:iam::aws:role/x"])]},
            "assume_roles[0].policy_arns",
            "policy ARN",
        ),
        (
            {"assume_roles": [AssumeRole(FIRST, policy_arns=[POLICY_ARN] * 11)]},
            "assume_roles[0].policy_arns",
            "at most 10",
        ),
        ({"assume_roles": [AssumeRole(FIRST, tags={"bad*key": "v"})]}, "assume_roles[0].tags", "each key"),
        ({"assume_roles": [AssumeRole(FIRST, tags={"k": "v" * 257})]}, "assume_roles[0].tags", "each value"),
        (
            {"assume_roles": [AssumeRole(FIRST, tags={f"k{i}": "v" for i in range(51)})]},
            "assume_roles[0].tags",
            "at most 50",
        ),
        (
            {"assume_roles": [AssumeRole(FIRST, tags={"a": "1"}, transitive_tag_keys=["b"])]},
            "assume_roles[0].transitive_tag_keys",
            "a key of tags",
        ),
        (
            {"assume_roles": [AssumeRole(FIRST, source_identity="x")]},
            "assume_roles[0].source_identity",
            "2 to 256",
        ),
        ({"assume_roles": ["arn"]}, "assume_roles", "AssumeRole entries"),
        ({"role_arn": FIRST}, "role_arn", "cannot be combined with assume_roles"),
        ({"web_identity": WebIdentity(FIRST)}, "web_identity.token", "either token or token_file"),
        (
            {"web_identity": WebIdentity(FIRST, token="t", token_file="/f")},
            "web_identity.token",
            "either token",
        ),
        ({"web_identity": WebIdentity(FIRST, token="abc")}, "web_identity.token", "4 to 20000"),
        ({"web_identity": WebIdentity("role", token="token")}, "web_identity.role_arn", "IAM role ARN"),
        ({"web_identity": WebIdentity(FIRST, token="token", duration=1)}, "web_identity.duration", "900"),
        ({"web_identity": "token"}, "web_identity", "must be a WebIdentity"),
    ],
)
def test_invalid_chains_name_the_entry_and_field(overrides: dict[str, Any], field: str, rule: str) -> None:
    with pytest.raises(core.ValidationError) as caught:
        chain_settings("http://127.0.0.1:1", **overrides)
    assert caught.value.field == field
    assert rule in caught.value.rule


def test_secrets_stay_out_of_repr() -> None:
    settings = chain_settings(
        "http://127.0.0.1:1", assume_roles=[AssumeRole(FIRST, external_id="ext-secret")]
    )
    assert "ext-secret" not in repr(settings)
    assert re.search(r"role/first", repr(settings))
