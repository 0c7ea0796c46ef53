"""Every AWS client the core causes gets the connection settings, and its failures are named.

botocore's credential providers (a profile's role_arn + source_profile, a profile's
web_identity_token_file, SSO) make their own STS/SSO clients; these tests run them for
real, against moto's STS over TLS (tests/support/tls_sts.py) and the scripted server, and check the CA
bundle, proxies with NO_PROXY, timeouts, retries and the operation named in errors.
FIPS, dual-stack and the STS region are checked on the URL botocore resolves: only
botocore's HTTP send is replaced, so that no request leaves the machine.
"""

from __future__ import annotations

import hashlib
import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import boto3
import pytest

import lambda_invocation_core as core
from lambda_invocation_core.client import get_connection
from tests.support.assume_role import BASE_KEY, assume_role_reply, signing_key
from tests.support.loopback_http import serving
from tests.support.role_profile import PROFILE_ROLE, profile_settings, role_profile, write_config
from tests.support.scripted_lambda import Reply, ScriptedLambda
from tests.support.tls_sts import TlsSts


def free_port() -> int:
    """A loopback port nothing listens on (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(autouse=True)
def _no_ambient_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "AWS_CA_BUNDLE",
        "AWS_ENDPOINT_URL_STS",
        "AWS_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "NO_PROXY",
        "no_proxy",
    ):
        monkeypatch.delenv(name, raising=False)


def caller_arn(tls_sts: TlsSts, settings: core.ConnectionSettings) -> tuple[str, str]:
    frozen = get_connection(settings).session.get_credentials().get_frozen_credentials()
    sts = boto3.client(
        "sts",
        region_name="us-east-1",
        endpoint_url=tls_sts.url,
        verify=tls_sts.ca_bundle,
        aws_access_key_id=frozen.access_key,
        aws_secret_access_key=frozen.secret_key,
        aws_session_token=frozen.token,
    )
    return frozen.access_key, sts.get_caller_identity()["Arn"]


def test_a_profile_role_calls_sts_with_the_ca_bundle(
    scripted_lambda: ScriptedLambda, tls_sts: TlsSts, tmp_path: Path
) -> None:
    settings = profile_settings(
        scripted_lambda.url, role_profile(tmp_path), sts_endpoint_url=tls_sts.url, verify=tls_sts.ca_bundle
    )
    core.invoke("f", {}, connection=settings)
    key, arn = caller_arn(tls_sts, settings)
    assert arn == "arn:aws:sts::333333333333:assumed-role/profile-role/prof"
    assert signing_key(scripted_lambda.requests[0].headers) == key


def test_a_profile_roles_tls_failure_names_sts_assume_role(
    scripted_lambda: ScriptedLambda, tls_sts: TlsSts, tmp_path: Path
) -> None:
    # Without the CA bundle the private CA is not trusted: proof that verify reached botocore's client.
    settings = profile_settings(scripted_lambda.url, role_profile(tmp_path), sts_endpoint_url=tls_sts.url)
    with pytest.raises(core.EndpointUnreachableError) as caught:
        core.invoke("f", {}, connection=settings)
    assert str(caught.value).startswith(f"STS AssumeRole: TLS handshake with {tls_sts.url} failed")
    assert scripted_lambda.requests == []


def test_a_profile_web_identity_uses_the_ca_bundle(
    scripted_lambda: ScriptedLambda, tls_sts: TlsSts, tmp_path: Path
) -> None:
    token = tmp_path / "token"
    token.write_text("eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaSJ9.")
    config = write_config(
        tmp_path,
        f"[profile invoker]\nrole_arn = {PROFILE_ROLE}\n"
        f"web_identity_token_file = {token}\nrole_session_name = web\n",
    )
    settings = profile_settings(
        scripted_lambda.url, config, sts_endpoint_url=tls_sts.url, verify=tls_sts.ca_bundle
    )
    core.invoke("f", {}, connection=settings)
    key, arn = caller_arn(tls_sts, settings)
    assert arn == "arn:aws:sts::333333333333:assumed-role/profile-role/web"
    assert signing_key(scripted_lambda.requests[0].headers) == key


def test_a_profile_roles_refusal_is_sts_assume_roles_not_invokes(
    scripted_lambda: ScriptedLambda, tmp_path: Path
) -> None:
    scripted_lambda.queue(
        Reply(
            status=403,
            body=b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message>"
            b"</Error><RequestId>sts-3</RequestId></ErrorResponse>",
            headers={"Content-Type": "text/xml"},
        )
    )
    settings = profile_settings(
        scripted_lambda.url, role_profile(tmp_path), sts_endpoint_url=scripted_lambda.url
    )
    with pytest.raises(core.AwsError) as caught:
        core.invoke("f", {}, connection=settings)
    assert str(caught.value).startswith(
        "STS AssumeRole failed with AccessDenied (HTTP 403, request id sts-3)"
    )
    assert (caught.value.service, caught.value.operation) == ("STS", "AssumeRole")
    assert [request.path for request in scripted_lambda.requests] == ["/"]


def test_an_unreachable_sts_for_a_profile_role_is_not_an_unreachable_lambda(
    scripted_lambda: ScriptedLambda, tmp_path: Path
) -> None:
    port = free_port()
    settings = profile_settings(
        scripted_lambda.url, role_profile(tmp_path), sts_endpoint_url=f"http://127.0.0.1:{port}"
    )
    with pytest.raises(core.EndpointUnreachableError) as caught:
        core.invoke("f", {}, connection=settings)
    assert str(caught.value) == (
        f"STS AssumeRole: could not connect to http://127.0.0.1:{port} (connection refused or name not "
        "resolved); Lambda was not called"
    )


def test_a_profile_roles_sts_gets_the_read_timeout_and_three_attempts(
    scripted_lambda: ScriptedLambda, tmp_path: Path
) -> None:
    for _ in range(3):
        scripted_lambda.queue(assume_role_reply(delay=2.0))
    settings = profile_settings(
        scripted_lambda.url, role_profile(tmp_path), sts_endpoint_url=scripted_lambda.url, read_timeout=1.0
    )
    with pytest.raises(core.EndpointUnreachableError) as caught:
        core.invoke("f", {}, connection=settings)
    assert str(caught.value) == (
        f"STS AssumeRole: no answer from {scripted_lambda.url} (ReadTimeoutError); Lambda was not called"
    )
    assert [request.path for request in scripted_lambda.requests] == ["/"] * 3


@pytest.fixture
def proxy() -> Iterator[ScriptedLambda]:
    """A second scripted server, playing an HTTP proxy: it sees each target's absolute URL."""
    with serving(ScriptedLambda()) as server:
        yield server


@pytest.mark.parametrize("from_environment", [False, True])
def test_no_proxy_is_honoured_with_explicit_proxies(
    scripted_lambda: ScriptedLambda,
    proxy: ScriptedLambda,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    from_environment: bool,
) -> None:
    # The profile role's STS goes through the proxy; Lambda, on a host listed in no_proxy, does not.
    if from_environment:
        monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    proxy.queue(assume_role_reply("ASIAVIAPROXY0002"))
    settings = profile_settings(
        scripted_lambda.url,
        role_profile(tmp_path),
        sts_endpoint_url="http://sts.proxied.invalid",
        http_proxy=proxy.url,
        no_proxy=None if from_environment else "localhost,127.0.0.1",
    )
    core.invoke("f", {}, connection=settings)
    (sts_request,) = proxy.requests
    assert sts_request.path.startswith("http://sts.proxied.invalid/")
    assert "ephemeral-lambda-invocation/" in sts_request.headers["user-agent"]
    (invoke_request,) = scripted_lambda.requests
    assert invoke_request.path == "/2015-03-31/functions/f/invocations"
    assert signing_key(invoke_request.headers) == "ASIAVIAPROXY0002"


def test_without_no_proxy_lambda_goes_through_the_proxy(
    scripted_lambda: ScriptedLambda, proxy: ScriptedLambda
) -> None:
    given = core.ConnectionSettings(
        region="us-east-1",
        access_key=BASE_KEY,
        secret_key="s",
        endpoint_url=scripted_lambda.url,
        http_proxy=proxy.url,
        no_proxy="other.example",
    )
    core.invoke("f", {}, connection=given)
    assert [request.path for request in proxy.requests] == [
        f"{scripted_lambda.url}/2015-03-31/functions/f/invocations"
    ]
    assert scripted_lambda.requests == []


def test_sso_credentials_come_with_the_settings_and_failures_name_sso(
    scripted_lambda: ScriptedLambda, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import botocore.credentials

    cache = tmp_path / "sso-cache"
    cache.mkdir()
    start_url = "https://example.awsapps.com/start"
    (cache / f"{hashlib.sha1(start_url.encode()).hexdigest()}.json").write_text(
        json.dumps(
            {"accessToken": "sso-access-token", "expiresAt": "2099-01-01T00:00:00Z", "region": "us-east-1"}
        )
    )
    monkeypatch.setattr(botocore.credentials.SSOProvider, "_SSO_TOKEN_CACHE_DIR", str(cache))
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", scripted_lambda.url)
    config = write_config(
        tmp_path,
        f"[profile invoker]\nsso_start_url = {start_url}\nsso_region = us-east-1\n"
        "sso_account_id = 444444444444\nsso_role_name = Invoker\n",
    )
    credentials = {"accessKeyId": "ASIASSOROLE000001", "secretAccessKey": "s", "sessionToken": "t"}
    scripted_lambda.queue(
        Reply(body=json.dumps({"roleCredentials": {**credentials, "expiration": 4102444800000}}).encode())
    )
    core.invoke("f", {}, connection=profile_settings(scripted_lambda.url, config))
    sso_call, invoke_call = scripted_lambda.requests
    assert sso_call.path.startswith("/federation/credentials")
    assert "ephemeral-lambda-invocation/" in sso_call.headers["user-agent"]
    assert signing_key(invoke_call.headers) == "ASIASSOROLE000001"

    # The read timeout reaches the SSO client, which gets 3 attempts, and the failure names SSO.
    core.clear_client_cache()
    for _ in range(3):
        scripted_lambda.queue(Reply(delay=2.0))
    with pytest.raises(core.EndpointUnreachableError) as caught:
        core.invoke("f", {}, connection=profile_settings(scripted_lambda.url, config, read_timeout=1.0))
    assert str(caught.value) == (
        f"SSO GetRoleCredentials: no answer from {scripted_lambda.url} (ReadTimeoutError); "
        "Lambda was not called"
    )
    assert len(scripted_lambda.requests) == 2 + 3


class _Sent:
    """botocore's HTTP send replaced: records each URL and answers as AWS would."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def send(self, request: Any) -> Any:
        from botocore.awsrequest import AWSResponse
        from urllib3 import HTTPResponse

        self.urls.append(request.url)
        body = b"{}"
        if "://sts" in request.url:
            body = (
                b"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/u</Arn>"
                b"<UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
                b"<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
            )
        raw = HTTPResponse(body=io.BytesIO(body), preload_content=False, status=200)
        return AWSResponse(request.url, 200, cast(Any, {"X-Amz-Executed-Version": "$LATEST"}), raw)


@pytest.mark.parametrize(
    ("overrides", "sts_url", "lambda_url"),
    [
        ({}, "https://sts.us-east-1.amazonaws.com/", "https://lambda.us-east-1.amazonaws.com"),
        (
            {"use_fips_endpoint": True},
            "https://sts-fips.us-east-1.amazonaws.com/",
            "https://lambda-fips.us-east-1.amazonaws.com",
        ),
        (
            {"use_dualstack_endpoint": True},
            "https://sts.us-east-1.api.aws/",
            "https://lambda.us-east-1.api.aws",
        ),
        (
            {"use_fips_endpoint": True, "use_dualstack_endpoint": True},
            "https://sts-fips.us-east-1.api.aws/",
            "https://lambda-fips.us-east-1.api.aws",
        ),
        (
            {"sts_region": "eu-west-1"},
            "https://sts.eu-west-1.amazonaws.com/",
            "https://lambda.us-east-1.amazonaws.com",
        ),
        (
            {"use_fips_endpoint": True, "endpoint_url": "https://lambda.example.test"},
            "https://sts-fips.us-east-1.amazonaws.com/",
            "https://lambda.example.test",
        ),
    ],
)
def test_the_url_botocore_resolves(
    overrides: dict[str, Any], sts_url: str, lambda_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import botocore.httpsession

    sent = _Sent()
    monkeypatch.setattr(
        botocore.httpsession.URLLib3Session, "send", lambda _session, request: sent.send(request)
    )
    for name in (
        "AWS_USE_FIPS_ENDPOINT",
        "AWS_USE_DUALSTACK_ENDPOINT",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_LAMBDA",
    ):
        monkeypatch.delenv(name, raising=False)
    # botocore before 1.36 sends us-east-1's STS calls to the global endpoint by default;
    # sts_region asks for the regional one by itself.
    if "sts_region" in overrides:
        monkeypatch.delenv("AWS_STS_REGIONAL_ENDPOINTS", raising=False)
    else:
        monkeypatch.setenv("AWS_STS_REGIONAL_ENDPOINTS", "regional")
    # A bare function name: the account guard asks STS GetCallerIdentity first.
    given = core.ConnectionSettings(
        region="us-east-1",
        access_key=BASE_KEY,
        secret_key="s",
        allowed_account_ids=("123456789012",),
        **overrides,
    )
    core.invoke("f", {}, connection=given)
    assert sent.urls == [sts_url, f"{lambda_url}/2015-03-31/functions/f/invocations"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sts_region": "Mars"}, "sts_region"),
        ({"use_fips_endpoint": "yes"}, "use_fips_endpoint"),
        ({"use_dualstack_endpoint": 1}, "use_dualstack_endpoint"),
        ({"no_proxy": ["a"]}, "no_proxy"),
    ],
)
def test_invalid_endpoint_settings(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(core.ValidationError) as caught:
        core.ConnectionSettings(**overrides)
    assert caught.value.field == field


def test_a_profile_roles_failure_while_signing_get_caller_identity_names_assume_role(
    scripted_lambda: ScriptedLambda, tmp_path: Path
) -> None:
    # The account guard asks STS who the caller is; signing that first assumes the profile's role.
    port = free_port()
    settings = profile_settings(
        scripted_lambda.url,
        role_profile(tmp_path),
        sts_endpoint_url=f"http://127.0.0.1:{port}",
        allowed_account_ids=("333333333333",),
    )
    with pytest.raises(core.EndpointUnreachableError) as caught:
        core.invoke("f", {}, connection=settings)
    assert str(caught.value).startswith(f"STS AssumeRole: could not connect to http://127.0.0.1:{port}")
    assert scripted_lambda.requests == []
