"""What the core does with a region: malformed is refused before any request; a well-formed
but misspelt one is not detected by the core (a list of known regions would refuse every
region newer than the installed botocore) and shows where the request went."""

from __future__ import annotations

import socket

import pytest

import lambda_invocation_core as core
from tests.support.scripted_lambda import ScriptedLambda


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize("region", ["us east 1", "us-east-1/", "-us-east-1"])
def test_a_malformed_region_is_a_validation_error_before_any_request(
    scripted_lambda: ScriptedLambda, region: str
) -> None:
    given = core.ConnectionSettings(
        region=region, access_key="AKIDEXAMPLE", secret_key="x", endpoint_url=scripted_lambda.url
    )
    with pytest.raises(core.ValidationError) as caught:
        core.invoke("f", {}, connection=given)
    assert caught.value.field == "region"
    assert "is not a region name botocore accepts" in str(caught.value)
    assert scripted_lambda.requests == []


def test_a_misspelt_region_with_endpoint_url_only_scopes_the_signature(
    scripted_lambda: ScriptedLambda,
) -> None:
    given = core.ConnectionSettings(
        region="us-esat-1", access_key="AKIDEXAMPLE", secret_key="x", endpoint_url=scripted_lambda.url
    )
    core.invoke("f", {}, connection=given)
    (request,) = scripted_lambda.requests
    # The request went to endpoint_url, signed for the misspelt region: a local endpoint
    # accepts it, AWS answers InvalidSignatureException (a typed AwsError).
    assert "/us-esat-1/lambda/aws4_request" in request.headers["authorization"]


def test_a_misspelt_region_without_endpoint_url_names_the_host_it_tried() -> None:
    port = _closed_port()
    given = core.ConnectionSettings(
        region="us-esat-1", access_key="AKIDEXAMPLE", secret_key="x", https_proxy=f"http://127.0.0.1:{port}"
    )
    with pytest.raises(core.EndpointUnreachableError) as caught:
        core.invoke("f", {}, connection=given)
    assert "https://lambda.us-esat-1.amazonaws.com" in str(caught.value)
