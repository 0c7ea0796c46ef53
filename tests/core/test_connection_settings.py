"""Connection settings beyond region and credentials: STS endpoint, proxies, shared files, accounts."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path
from typing import Any

import pytest

import lambda_invocation_core as core
from tests.support.connection_settings import SettingsFactory
from tests.support.fake_imds import ACCESS_KEY as IMDS_ACCESS_KEY
from tests.support.fake_imds import FakeImds
from tests.support.loopback_http import serving
from tests.support.scripted_lambda import Reply, ScriptedLambda, aws_error

CALLER_ACCOUNT = "210987654321"
OTHER_ACCOUNT = "111111111111"


def caller_identity_reply(account: str = CALLER_ACCOUNT) -> Reply:
    body = (
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        f"<GetCallerIdentityResult><Arn>arn:aws:iam::{account}:user/u</Arn><UserId>AIDAEXAMPLE</UserId>"
        f"<Account>{account}</Account></GetCallerIdentityResult>"
        "<ResponseMetadata><RequestId>sts-req</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
    )
    return Reply(body=body.encode(), headers={"Content-Type": "text/xml"})


def sts_actions(server: ScriptedLambda) -> list[str]:
    return [
        match.group(1).decode()
        for request in server.requests
        for match in [re.search(rb"Action=(\w+)", request.body)]
        if match and "/invocations" not in request.path
    ]


def invocations(server: ScriptedLambda) -> int:
    return sum("/invocations" in request.path for request in server.requests)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sts_endpoint_url": "sts.local:443"}, "sts_endpoint_url"),
        ({"sts_endpoint_url": "https://"}, "sts_endpoint_url"),
        ({"endpoint_url": "http://[::1"}, "endpoint_url"),
        ({"http_proxy": "http://user:pw@"}, "http_proxy"),
        ({"http_proxy": "proxy:3128"}, "http_proxy"),
        ({"https_proxy": 3128}, "https_proxy"),
        ({"shared_credentials_file": ""}, "shared_credentials_file"),
        ({"shared_config_file": 7}, "shared_config_file"),
        ({"allowed_account_ids": "123456789012"}, "allowed_account_ids"),
        ({"allowed_account_ids": ("12345678901",)}, "allowed_account_ids"),
        ({"forbidden_account_ids": (123456789012,)}, "forbidden_account_ids"),
        ({"forbidden_account_ids": ("12345678901a",)}, "forbidden_account_ids"),
        (
            {"allowed_account_ids": ("123456789012",), "forbidden_account_ids": ("111111111111",)},
            "allowed_account_ids",
        ),
    ],
)
def test_invalid_settings_name_the_field(
    make_settings: SettingsFactory, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(core.ValidationError) as caught:
        make_settings("http://127.0.0.1:1", **overrides)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_account_lists_are_normalized(make_settings: SettingsFactory) -> None:
    given = make_settings(
        "http://127.0.0.1:1", allowed_account_ids=["123456789012"], forbidden_account_ids=[]
    )
    assert given.allowed_account_ids == ("123456789012",)
    assert given.forbidden_account_ids is None
    assert hash(given) == hash(make_settings("http://127.0.0.1:1", allowed_account_ids=("123456789012",)))


def test_proxy_settings_are_hidden_from_repr(make_settings: SettingsFactory) -> None:
    given = make_settings("http://127.0.0.1:1", https_proxy="http://user:proxy-password@proxy:3128")
    assert "proxy-password" not in repr(given)


def test_http_proxy_carries_the_invoke(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    # An HTTP proxy receives the absolute URL of the target: the scripted server plays the proxy.
    target = "http://lambda.proxied.invalid"
    given = make_settings(target, http_proxy=scripted_lambda.url, https_proxy="http://127.0.0.1:9")
    assert core.get_client(given).meta.config.proxies == {  # type: ignore[attr-defined]
        "http": scripted_lambda.url,
        "https": "http://127.0.0.1:9",
    }
    core.invoke("f", {}, connection=given)
    (seen,) = scripted_lambda.requests
    assert seen.path.startswith(f"{target}/2015-03-31/functions/f/invocations")


def test_profile_is_read_from_the_given_files(scripted_lambda: ScriptedLambda, tmp_path: Path) -> None:
    config_file = tmp_path / "config"
    config_file.write_text("[profile files]\nregion = eu-west-2\n")
    credentials_file = tmp_path / "credentials"
    credentials_file.write_text(
        "[files]\naws_access_key_id = AKIDFROMFILE\naws_secret_access_key = file-secret\n"
    )
    given = core.ConnectionSettings(
        profile="files",
        shared_config_file=str(config_file),
        shared_credentials_file=str(credentials_file),
        endpoint_url=scripted_lambda.url,
    )
    core.invoke("f", {}, connection=given)
    authorization = scripted_lambda.requests[0].headers["authorization"]
    assert "Credential=AKIDFROMFILE/" in authorization
    assert "/eu-west-2/lambda/" in authorization


def test_missing_profile_in_given_files_is_a_credentials_error(tmp_path: Path) -> None:
    config_file = tmp_path / "config"
    config_file.write_text("[profile other]\nregion = eu-west-2\n")
    given = core.ConnectionSettings(profile="absent", shared_config_file=str(config_file), region="us-east-1")
    with pytest.raises(core.CredentialsError, match="'absent' was not found"):
        core.get_client(given)


def test_sts_endpoint_url_is_used_for_assume_role(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda, sts_url: str
) -> None:
    given = make_settings(
        scripted_lambda.url, role_arn="arn:aws:iam::123456789012:role/invoker", sts_endpoint_url=sts_url
    )
    core.invoke("f", {}, connection=given)
    (seen,) = scripted_lambda.requests
    assert re.search(r"Credential=ASIA[A-Z0-9]+/", seen.headers["authorization"])


def test_allowed_account_in_arn_is_invoked_without_sts(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    name = f"arn:aws:lambda:us-east-1:{CALLER_ACCOUNT}:function:f"
    given = make_settings(
        scripted_lambda.url, allowed_account_ids=(CALLER_ACCOUNT,), sts_endpoint_url="http://127.0.0.1:9"
    )
    core.invoke(name, {}, connection=given)
    core.invoke(f"{CALLER_ACCOUNT}:function:f:live", {}, connection=given)
    assert invocations(scripted_lambda) == 2 and sts_actions(scripted_lambda) == []


@pytest.mark.parametrize(
    ("rule", "name"),
    [
        ({"allowed_account_ids": (CALLER_ACCOUNT,)}, f"arn:aws:lambda:us-east-1:{OTHER_ACCOUNT}:function:f"),
        ({"allowed_account_ids": (CALLER_ACCOUNT,)}, f"{OTHER_ACCOUNT}:function:f"),
        (
            {"forbidden_account_ids": (OTHER_ACCOUNT,)},
            f"arn:aws-cn:lambda:cn-north-1:{OTHER_ACCOUNT}:function:f:1",
        ),
    ],
)
def test_refused_account_in_arn_sends_nothing(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda, rule: dict[str, Any], name: str
) -> None:
    with pytest.raises(core.AccountNotAllowedError) as caught:
        core.invoke(name, {}, connection=make_settings(scripted_lambda.url, **rule))
    error = caught.value
    assert isinstance(error, core.LambdaInvocationError)
    assert error.account_id == OTHER_ACCOUNT
    expected = (
        "is not in allowed_account_ids" if "allowed_account_ids" in rule else "is in forbidden_account_ids"
    )
    assert f"account {OTHER_ACCOUNT} {expected}" in str(error)
    assert "settings-secret-key" not in str(error) and "AKIDEXAMPLE" not in str(error)
    assert scripted_lambda.requests == []


def test_bare_name_checks_the_caller_account_once_per_client(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    scripted_lambda.queue(caller_identity_reply())
    given = make_settings(
        scripted_lambda.url, sts_endpoint_url=scripted_lambda.url, allowed_account_ids=(CALLER_ACCOUNT,)
    )
    for _ in range(3):
        core.invoke("f", {}, connection=given)
    assert sts_actions(scripted_lambda) == ["GetCallerIdentity"]
    assert invocations(scripted_lambda) == 3
    # The STS call was signed with the same credentials as the Invoke.
    assert "Credential=AKIDEXAMPLE/" in scripted_lambda.requests[0].headers["authorization"]


def test_bare_name_in_a_forbidden_caller_account_is_refused(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    scripted_lambda.queue(caller_identity_reply())
    given = make_settings(
        scripted_lambda.url, sts_endpoint_url=scripted_lambda.url, forbidden_account_ids=(CALLER_ACCOUNT,)
    )
    with pytest.raises(core.AccountNotAllowedError) as caught:
        core.invoke("f:live", {}, connection=given)
    assert caught.value.account_id == CALLER_ACCOUNT
    assert f"account {CALLER_ACCOUNT} is in forbidden_account_ids" in str(caught.value)
    assert invocations(scripted_lambda) == 0 and sts_actions(scripted_lambda) == ["GetCallerIdentity"]


def test_bare_name_with_role_uses_the_role_account(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda, sts_url: str
) -> None:
    given = make_settings(
        scripted_lambda.url,
        role_arn=f"arn:aws:iam::{OTHER_ACCOUNT}:role/invoker",
        sts_endpoint_url=sts_url,
        allowed_account_ids=(CALLER_ACCOUNT,),
    )
    with pytest.raises(core.AccountNotAllowedError) as caught:
        core.invoke("f", {}, connection=given)
    assert caught.value.account_id == OTHER_ACCOUNT
    assert scripted_lambda.requests == []


def test_caller_identity_from_moto(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda, sts_url: str
) -> None:
    # moto's default account is 123456789012.
    allowed = make_settings(
        scripted_lambda.url, sts_endpoint_url=sts_url, allowed_account_ids=("123456789012",)
    )
    core.invoke("f", {}, connection=allowed)
    refused = make_settings(
        scripted_lambda.url, sts_endpoint_url=sts_url, forbidden_account_ids=("123456789012",)
    )
    with pytest.raises(core.AccountNotAllowedError):
        core.invoke("f", {}, connection=refused)
    assert invocations(scripted_lambda) == 1


def test_unreachable_sts_for_the_account_check_names_sts(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    given = make_settings(
        scripted_lambda.url,
        sts_endpoint_url=f"http://127.0.0.1:{port}",
        allowed_account_ids=(CALLER_ACCOUNT,),
    )
    with pytest.raises(core.EndpointUnreachableError) as caught:
        core.invoke("f", {}, connection=given)
    assert str(caught.value).startswith("STS GetCallerIdentity: could not connect to")
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert scripted_lambda.requests == []


def test_concurrent_invokes_ask_sts_once(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    scripted_lambda.queue(caller_identity_reply())
    given = make_settings(
        scripted_lambda.url, sts_endpoint_url=scripted_lambda.url, allowed_account_ids=(CALLER_ACCOUNT,)
    )
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: core.invoke("f", {}, connection=given), range(16)))
    assert len(results) == 16
    assert sts_actions(scripted_lambda) == ["GetCallerIdentity"]
    assert invocations(scripted_lambda) == 16


def test_profile_with_keys_names_the_environment_variables_the_keys_may_come_from() -> None:
    with pytest.raises(core.ValidationError) as caught:
        core.ConnectionSettings(profile="ops", access_key="AKIDSECRETVALUE", secret_key="s3cr3t-value")
    assert caught.value.field == "profile"
    message = str(caught.value)
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        assert variable in message
    assert "AKIDSECRETVALUE" not in message and "s3cr3t-value" not in message


def test_with_request_account_id_false_a_bare_name_is_refused_before_any_call(
    make_settings: SettingsFactory,
    scripted_lambda: ScriptedLambda,
) -> None:
    given = make_settings(
        scripted_lambda.url,
        sts_endpoint_url=scripted_lambda.url,
        allowed_account_ids=(CALLER_ACCOUNT,),
        request_account_id=False,
    )
    with pytest.raises(core.ValidationError) as refused:
        core.invoke("f", {}, connection=given)
    assert refused.value.field == "function_name" and "must be a function ARN" in refused.value.rule
    assert scripted_lambda.requests == []
    # An ARN carries its account: invoked, and STS is still not asked.
    core.invoke(f"arn:aws:lambda:us-east-1:{CALLER_ACCOUNT}:function:f", {}, connection=given)
    assert sts_actions(scripted_lambda) == [] and invocations(scripted_lambda) == 1
    # Without account lists nothing needs the account: a bare name is invoked.
    core.invoke("f", {}, connection=make_settings(scripted_lambda.url, request_account_id=False))
    assert invocations(scripted_lambda) == 2


@pytest.mark.parametrize("mode", ["standard", "adaptive"])
def test_retry_mode_adaptive_paces_each_attempt_and_botocore_sends_each_once(
    make_settings: SettingsFactory,
    scripted_lambda: ScriptedLambda,
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
) -> None:
    from botocore.retries.adaptive import ClientRateLimiter

    consulted: list[str] = []
    original = ClientRateLimiter.on_sending_request

    def counting(self: ClientRateLimiter, request: Any, **kwargs: Any) -> Any:
        consulted.append(request.url)
        return original(self, request, **kwargs)

    monkeypatch.setattr(ClientRateLimiter, "on_sending_request", counting)
    scripted_lambda.queue(aws_error("TooManyRequestsException", 429), Reply(body=b'{"ok":1}'))
    result = core.invoke("f", {}, connection=make_settings(scripted_lambda.url, retry_mode=mode))
    assert result.result_json == {"ok": 1}
    # The core's two attempts, one request each; the limiter saw both in adaptive mode only.
    assert invocations(scripted_lambda) == 2
    assert len(consulted) == (2 if mode == "adaptive" else 0)
    # A reply that may mean the function ran is not sent again in either mode.
    scripted_lambda.queue(aws_error("ServiceException", 500))
    with pytest.raises(core.LambdaInvocationError):
        core.invoke("f", {}, connection=make_settings(scripted_lambda.url, retry_mode=mode))
    assert invocations(scripted_lambda) == 3


@pytest.mark.parametrize("mode", ["legacy", "Adaptive", "", 1])
def test_retry_modes_other_than_standard_and_adaptive_are_refused(
    make_settings: SettingsFactory, mode: Any
) -> None:
    with pytest.raises(core.ValidationError) as refused:
        make_settings("http://127.0.0.1:9", retry_mode=mode)
    assert refused.value.field == "retry_mode" and refused.value.rule == "must be one of standard, adaptive"


@pytest.mark.parametrize("instance_metadata", [True, False])
def test_instance_metadata_false_leaves_the_instance_role_out_of_the_chain(
    scripted_lambda: ScriptedLambda, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, instance_metadata: bool
) -> None:
    """No credentials but the instance role's (a stand-in IMDS on loopback): used by default,
    never asked with instance_metadata=False."""
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        monkeypatch.delenv(name)
    empty = tmp_path / "empty"
    empty.write_text("")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    with serving(FakeImds()) as imds:
        monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url + "/")
        given = core.ConnectionSettings(
            region="us-east-1", endpoint_url=scripted_lambda.url, instance_metadata=instance_metadata
        )
        if instance_metadata:
            core.invoke("f", {}, connection=given)
            assert f"Credential={IMDS_ACCESS_KEY}/" in scripted_lambda.requests[0].headers["authorization"]
            assert any("security-credentials" in path for path in imds.paths)
        else:
            with pytest.raises(core.CredentialsError):
                core.invoke("f", {}, connection=given)
            assert imds.paths == [] and scripted_lambda.requests == []


def test_user_agent_extra_is_sent_after_ours(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    extra = {"user_agent_extra": "deploy-pipeline/1.2 (billing)"}
    given = make_settings(scripted_lambda.url, botocore_config=extra)
    core.invoke("f", {}, connection=given)
    agent = scripted_lambda.requests[0].headers["user-agent"]
    assert agent.index("ephemeral-lambda-invocation/") < agent.index("deploy-pipeline/1.2 (billing)")
