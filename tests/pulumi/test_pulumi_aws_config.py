"""The stack's pulumi-aws keys as connection settings (aws_config), and which value wins
(core_args.connection_settings). Translation only: the core judges the values."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path
from typing import Any

import dill  # type: ignore[import-untyped]
import pytest
from pulumi.dynamic import Config, ConfigureRequest

import lambda_invocation_core as core
import pulumi_lambda_invocation
from pulumi_lambda_invocation.aws_config import (
    HONOURED_KEYS,
    NO_EFFECT_KEYS,
    REFUSED_KEYS,
    duration_seconds,
    stack_settings,
)
from pulumi_lambda_invocation.core_args import connection_settings
from pulumi_lambda_invocation.provider import LambdaInvocationProvider
from tests.support.pulumi_test_settings import STACK_ACCESS_KEY, STACK_SECRET_KEY

ROLE = "arn:aws:iam::210987654321:role/invoker"
SECOND = "arn:aws:iam::222222222222:role/second"
WEB_ROLE = "arn:aws:iam::333333333333:role/web"
POLICY = '{"Version":"2012-10-17","Statement":[]}'
POLICY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess"
FULL_CONFIG: dict[str, Any] = {
    "region": "eu-west-1",
    "profile": "deploy",
    "sharedCredentialsFiles": ["~/creds"],
    "sharedConfigFiles": ["/etc/aws/config"],
    "assumeRoles": [
        {"roleArn": ROLE, "sessionName": "pulumi", "externalId": "ext-1", "duration": "1h"},
        {
            "roleArn": SECOND,
            "sessionName": "second",
            "externalId": "ext-2",
            "duration": 900,
            "policy": POLICY,
            "policyArns": [POLICY_ARN],
            "tags": {"team": "billing"},
            "transitiveTagKeys": ["team"],
            "sourceIdentity": "alice",
        },
    ],
    "assumeRoleWithWebIdentity": {
        "roleArn": WEB_ROLE,
        "sessionName": "ci",
        "webIdentityTokenFile": "/run/token",
        "duration": "15m",
        "policy": POLICY,
        "policyArns": [POLICY_ARN],
    },
    "useFipsEndpoint": True,
    "useDualstackEndpoint": "true",
    "stsRegion": "eu-central-1",
    "noProxy": "localhost,.internal",
    "endpoints": [{"lambda": "http://127.0.0.1:1", "sts": "http://127.0.0.1:2", "s3": "http://x"}],
    "customCaBundle": "/etc/ssl/bundle.pem",
    "httpProxy": "http://proxy:3128",
    "httpsProxy": "http://proxy:3129",
    "allowedAccountIds": ["210987654321", 123456789012],
    "retryMode": "adaptive",
    "maxRetries": 7,
    "skipMetadataApiCheck": True,
    "skipRequestingAccountId": "true",
    "userAgents": ["deploy-pipeline/1.2 (billing)", "team-x/3"],
    "accessKey": "AKIASTACK",
    "secretKey": "stack-secret",
    "token": "stack-token",
}
EXPECTED: dict[str, Any] = {
    "region": "eu-west-1",
    "profile": "deploy",
    "shared_credentials_file": os.path.expanduser("~/creds"),
    "shared_config_file": "/etc/aws/config",
    "assume_roles": (
        core.AssumeRole(ROLE, session_name="pulumi", external_id="ext-1", duration=3600),
        core.AssumeRole(
            SECOND,
            session_name="second",
            external_id="ext-2",
            duration=900,
            policy=POLICY,
            policy_arns=(POLICY_ARN,),
            tags=(("team", "billing"),),
            transitive_tag_keys=("team",),
            source_identity="alice",
        ),
    ),
    "web_identity": core.WebIdentity(
        WEB_ROLE,
        token_file="/run/token",
        session_name="ci",
        duration=900,
        policy=POLICY,
        policy_arns=(POLICY_ARN,),
    ),
    "use_fips_endpoint": True,
    "use_dualstack_endpoint": True,
    "sts_region": "eu-central-1",
    "no_proxy": "localhost,.internal",
    "endpoint_url": "http://127.0.0.1:1",
    "sts_endpoint_url": "http://127.0.0.1:2",
    "verify": "/etc/ssl/bundle.pem",
    "http_proxy": "http://proxy:3128",
    "https_proxy": "http://proxy:3129",
    "allowed_account_ids": ("210987654321", "123456789012"),
    "retry_mode": "adaptive",
    "max_attempts": 7,
    "instance_metadata": False,
    "request_account_id": False,
    "botocore_config": {"user_agent_extra": "deploy-pipeline/1.2 (billing) team-x/3"},
    "access_key": "AKIASTACK",
    "secret_key": "stack-secret",
    "session_token": "stack-token",
}


def getter(config: dict[str, Any]) -> Any:
    return config.get


def as_json_text(config: dict[str, Any]) -> dict[str, Any]:
    """The same configuration as the program sees it: structured values as JSON text."""
    return {key: value if isinstance(value, str) else json.dumps(value) for key, value in config.items()}


@pytest.mark.parametrize("shape", ["objects", "json text"])
def test_every_key_maps_to_its_setting(shape: str) -> None:
    config = FULL_CONFIG if shape == "objects" else as_json_text(FULL_CONFIG)
    assert stack_settings(getter(config)) == EXPECTED
    assert set(FULL_CONFIG) | {"insecure", "forbiddenAccountIds", "assumeRole"} == set(HONOURED_KEYS)
    # The settings the core builds from them are valid.
    connection_settings({}, {k: v for k, v in EXPECTED.items() if k != "profile"})


def test_nothing_set_is_nothing() -> None:
    assert stack_settings(getter({})) == {}
    assert stack_settings(getter({"region": "", "assumeRoles": [], "endpoints": []})) == {}


def test_insecure_turns_verification_off_and_forbidden_accounts_are_kept() -> None:
    settings = stack_settings(getter({"insecure": "true", "forbiddenAccountIds": '["123456789012"]'}))
    assert settings == {"verify": False, "forbidden_account_ids": ("123456789012",)}
    assert stack_settings(getter({"insecure": False})) == {}


@pytest.mark.parametrize(
    ("given", "seconds"),
    [
        ("1h", 3600),
        ("15m", 900),
        ("1h30m", 5400),
        ("900s", 900),
        ("2h0m0s", 7200),
        ("3600", 3600),
        (3600, 3600),
        (3600.0, 3600),
        ("1.5h", 5400),
        ("0.5s", 0.5),
    ],
)
def test_durations_in_go_syntax_or_seconds(given: Any, seconds: Any) -> None:
    assert duration_seconds(given) == seconds
    assert type(duration_seconds(given)) is type(seconds)


@pytest.mark.parametrize(
    ("config", "field", "rule"),
    [
        ({"assumeRoles": "[{"}, "aws:assumeRoles", "must be valid JSON text or an object"),
        (
            {"assumeRoles": [{"roleArn": ROLE}, {"roleArn": ROLE, "duration": "an hour"}]},
            "aws:assumeRoles[1].duration",
            "must be a Go duration",
        ),
        ({"assumeRoles": ["arn"]}, "aws:assumeRoles[0]", "must be an object with roleArn"),
        ({"assumeRoles": [{"sessionName": "s"}]}, "aws:assumeRoles[0]", "must be an object with roleArn"),
        (
            {"assumeRoles": [{"roleArn": ROLE}, {"roleArn": ROLE, "serialNumber": "arn:aws:iam::1:mfa/x"}]},
            "aws:assumeRoles[1].serialNumber",
            "is not supported here (supported: roleArn, sessionName,",
        ),
        (
            {"assumeRoleWithWebIdentity": {"roleArn": ROLE, "webIdentityToken": "t", "providerId": "x"}},
            "aws:assumeRoleWithWebIdentity.providerId",
            "is not supported here",
        ),
        (
            {"assumeRoleWithWebIdentity": [{"roleArn": ROLE}, {"roleArn": ROLE}]},
            "aws:assumeRoleWithWebIdentity",
            "must be one object",
        ),
        (
            {"assumeRoles": [{"roleArn": ROLE}], "assumeRole": {"roleArn": ROLE}},
            "aws:assumeRole",
            "cannot be combined with aws:assumeRoles",
        ),
        (
            {"assumeRoles": [{"roleArn": ROLE, "policyArns": "[1"}]},
            "aws:assumeRoles[0].policyArns",
            "must be",
        ),
        ({"useFipsEndpoint": "yes"}, "aws:useFipsEndpoint", "must be true or false"),
        ({"endpoints": ["http://x"]}, "aws:endpoints", "must be a list of maps"),
        ({"sharedConfigFiles": ["/a", "/b"]}, "aws:sharedConfigFiles", "must name at most one file"),
        ({"allowedAccountIds": {"a": 1}}, "aws:allowedAccountIds", "must be a list"),
        ({"forbiddenAccountIds": [True]}, "aws:forbiddenAccountIds", "must be a list of strings"),
        ({"insecure": "sometimes"}, "aws:insecure", "must be true or false"),
        ({"skipMetadataApiCheck": "no"}, "aws:skipMetadataApiCheck", "must be true or false"),
        ({"maxRetries": 0}, "aws:maxRetries", "must be a whole number from 1 to 20"),
        ({"maxRetries": 25}, "aws:maxRetries", "must be a whole number from 1 to 20"),
        ({"maxRetries": "many"}, "aws:maxRetries", "must be a whole number"),
        ({"maxRetries": True}, "aws:maxRetries", "must be a whole number"),
        ({"userAgents": [{"name": "x"}]}, "aws:userAgents", "must be a list of strings"),
    ],
)
def test_shapes_that_cannot_be_read_name_the_key(config: dict[str, Any], field: str, rule: str) -> None:
    with pytest.raises(core.ValidationError) as failed:
        stack_settings(getter(config))
    assert failed.value.field == field
    assert failed.value.rule.startswith(rule)


def test_values_are_judged_by_the_core() -> None:
    # The translation passes a bad value on; the core names the setting and the rule.
    stack = stack_settings(getter({"assumeRoles": [{"roleArn": ROLE, "duration": "1m"}]}))
    with pytest.raises(
        core.ValidationError, match=r"assume_roles\[0\].duration: must be a whole number of seconds"
    ):
        connection_settings({}, stack)
    stack = stack_settings(getter({"allowedAccountIds": ["12345"]}))
    with pytest.raises(core.ValidationError, match="allowed_account_ids"):
        connection_settings({}, stack)


def test_explicit_inputs_win_over_the_stack() -> None:
    stack = stack_settings(getter({k: v for k, v in FULL_CONFIG.items() if k != "profile"}))
    settings = connection_settings(
        {"region": "ap-south-1", "endpoint_url": "http://127.0.0.1:9", "read_timeout": 30.0}, stack
    )
    assert settings.region == "ap-south-1"
    assert settings.endpoint_url == "http://127.0.0.1:9"
    assert settings.read_timeout == 30.0
    # What the inputs leave unset comes from the stack.
    assert settings.sts_endpoint_url == "http://127.0.0.1:2"
    assert (
        settings.assume_roles == EXPECTED["assume_roles"]
        and settings.web_identity == EXPECTED["web_identity"]
    )
    assert settings.access_key == "AKIASTACK"
    # Unset (None) and empty inputs do not hide the stack's value.
    assert connection_settings({"region": None, "endpoint_url": ""}, stack).region == "eu-west-1"


def test_an_explicit_role_replaces_the_stacks_whole_chain() -> None:
    stack = stack_settings(getter({"assumeRoles": FULL_CONFIG["assumeRoles"]}))
    other = "arn:aws:iam::123456789012:role/other"
    settings = connection_settings({"role_arn": other}, stack)
    assert settings.role_chain == (core.AssumeRole(other),)
    # The stack's roles, external ids and durations belong to other roles: not carried over.
    assert settings.assume_roles is None
    # Without an explicit role, single role inputs refine the last role of the stack's chain.
    refined = connection_settings({"role_session_name": "mine", "role_duration": 1800.0}, stack)
    first, last = refined.role_chain
    assert first == EXPECTED["assume_roles"][0]
    assert (last.role_arn, last.session_name, last.duration, last.external_id) == (
        SECOND,
        "mine",
        1800,
        "ext-2",
    )
    assert last.policy == POLICY and last.tags == (("team", "billing"),)


def test_pulumi_aws_v6_single_assume_role_is_one_entry() -> None:
    stack = stack_settings(getter({"assumeRole": {"roleArn": ROLE, "sessionName": "v6", "duration": "1h"}}))
    assert stack == {"assume_roles": (core.AssumeRole(ROLE, session_name="v6", duration=3600),)}


def test_an_explicit_profile_replaces_the_stacks_web_identity() -> None:
    stack = stack_settings(getter({"assumeRoleWithWebIdentity": FULL_CONFIG["assumeRoleWithWebIdentity"]}))
    assert connection_settings({}, stack).web_identity == EXPECTED["web_identity"]
    assert connection_settings({"profile": "other"}, stack).web_identity is None


def test_an_explicit_profile_replaces_the_stacks_static_credentials() -> None:
    stack = stack_settings(getter({"accessKey": "AKIASTACK", "secretKey": "stack-secret"}))
    settings = connection_settings({"profile": "other"}, stack)
    assert settings.profile == "other"
    assert settings.access_key is None and settings.secret_key is None
    # Both in the stack: the core refuses the combination, naming it (no silent choice).
    stack = stack_settings(getter({"profile": "p", "accessKey": "AKIASTACK", "secretKey": "s"}))
    with pytest.raises(core.ValidationError, match="profile: cannot be combined"):
        connection_settings({}, stack)


def test_credentials_never_show_in_the_settings_repr() -> None:
    settings = connection_settings(
        {}, stack_settings(getter({k: FULL_CONFIG[k] for k in ("accessKey", "secretKey")}))
    )
    assert "stack-secret" not in repr(settings)


@pytest.mark.parametrize("key", HONOURED_KEYS)
def test_every_honoured_key_is_in_the_readme_table(key: str) -> None:
    readme = Path(pulumi_lambda_invocation.__file__).with_name("README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| `aws:")]
    assert any(f"`aws:{key}`" in row.split(" | ")[0] for row in rows), key


def test_a_configured_provider_pickles_without_the_stack_settings() -> None:
    # __provider is made in the program, before any configure(); even a configured provider,
    # pickled again, carries nothing of what configure() read (the stack's credentials).
    provider = LambdaInvocationProvider()
    config = {"aws:region": "eu-west-1", "aws:accessKey": STACK_ACCESS_KEY, "aws:secretKey": STACK_SECRET_KEY}
    provider.configure(ConfigureRequest(Config(config, "project")))
    assert provider._stack["secret_key"] == STACK_SECRET_KEY
    raw = dill.dumps(provider, protocol=pickle.DEFAULT_PROTOCOL, recurse=True)
    assert raw == dill.dumps(LambdaInvocationProvider(), protocol=pickle.DEFAULT_PROTOCOL, recurse=True)
    assert STACK_SECRET_KEY.encode() not in raw and STACK_ACCESS_KEY.encode() not in raw
    assert dill.loads(raw)._stack == {}


@pytest.mark.parametrize("key", sorted(REFUSED_KEYS))
def test_metadata_endpoint_keys_are_refused_by_name_not_dropped(key: str) -> None:
    with pytest.raises(core.ValidationError) as failed:
        stack_settings(getter({"region": "eu-west-1", key: "http://169.254.169.254"}))
    assert failed.value.field == f"aws:{key}"
    assert "is not supported here" in failed.value.rule and "environment variable" in failed.value.rule
    assert "169.254" not in str(failed.value)
    assert stack_settings(getter({"region": "eu-west-1", key: ""})) == {"region": "eu-west-1"}
    readme = Path(pulumi_lambda_invocation.__file__).with_name("README.md").read_text(encoding="utf-8")
    assert f"`aws:{key}`" in readme


def _pulumi_aws_keys() -> set[str]:
    """Every key of the installed pulumi-aws provider's configuration (its generated
    config/vars.py reads each one with ``__config__.get*('key')``)."""
    import importlib.util
    import re

    spec = importlib.util.find_spec("pulumi_aws")
    assert spec is not None and spec.submodule_search_locations, "pulumi-aws is in the dev extra"
    package = Path(next(iter(spec.submodule_search_locations)))
    source = (package / "config" / "vars.py").read_text(encoding="utf-8")
    return set(re.findall(r"__config__\.get\w*\('(\w+)'\)", source))


def test_every_pulumi_aws_key_is_honoured_refused_or_without_effect() -> None:
    """No key of pulumi-aws is dropped unseen: each is honoured, refused by name, or listed
    with the reason it changes nothing about an invocation."""
    keys = _pulumi_aws_keys()
    assert len(keys) > 30, keys  # the parse found the provider's keys
    honoured, refused, no_effect = set(HONOURED_KEYS), set(REFUSED_KEYS), set(NO_EFFECT_KEYS)
    assert not (honoured & refused or honoured & no_effect or refused & no_effect)
    assert keys - (honoured | refused | no_effect) == set()
    # Known beyond the installed release: pulumi-aws v6's single assumeRole.
    assert (honoured | refused | no_effect) - keys == {"assumeRole"}


@pytest.mark.parametrize("key", sorted(NO_EFFECT_KEYS))
def test_keys_without_effect_change_no_setting_and_are_in_the_readme(key: str) -> None:
    assert stack_settings(getter({"region": "eu-west-1", key: "anything"})) == {"region": "eu-west-1"}
    readme = Path(pulumi_lambda_invocation.__file__).with_name("README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| `aws:")]
    assert any(f"`aws:{key}`" in row.split(" | ")[0] and "no effect" in row for row in rows), key


def test_max_retries_in_the_programs_text_form() -> None:
    # pulumi.Config("aws").get returns text; the provider host may pass a float.
    assert stack_settings(getter({"maxRetries": "3"})) == {"max_attempts": 3}
    assert stack_settings(getter({"maxRetries": 3.0})) == {"max_attempts": 3}
    agents = stack_settings(getter({"userAgents": "one/1"}))
    assert agents == {"botocore_config": {"user_agent_extra": "one/1"}}
