"""The module and the lookup read every option's environment variables in the same order, the
one the documentation states (issue 14, item 1).

Table-driven from the doc fragment: for every option whose description names two or more
environment variables, and for each neighbouring pair of them, both variables are set to
different values; one playbook runs the module and the lookup with settings from the
environment only, and the stand-in (tests/support/recording_lambda.py) tells which key, secret,
region or profile signed each request. Ansible's configuration takes the LAST `env` entry of a
plugin's documentation while a module's env_fallback takes the FIRST variable set: this test
fails when the two disagree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml  # type: ignore[import-untyped]

from ansible_collections.ephemeral.aws.plugins.doc_fragments.aws import ModuleDocFragment
from tests.support.collection_facts import documented_env_order
from tests.support.playbook_support import ACCESS_KEY, SECRET_KEY, PlaybookRunner
from tests.support.recording_lambda import SeenRequest, recording_lambda

# Distinct values for every variable an option of two or more variables reads.
VALUES = {
    "AWS_REGION": "ap-south-1",
    "AWS_DEFAULT_REGION": "eu-north-1",
    "AWS_ACCESS_KEY_ID": "AKIDPRIMARYENVORDER",
    "AWS_ACCESS_KEY": "AKIDSECONDARYENVORDER",
    "AWS_SECRET_ACCESS_KEY": "primarySecretEnvOrder0123456789abcdefABCD",
    "AWS_SECRET_KEY": "secondarySecretEnvOrder0123456789abcdefABC",
    "AWS_PROFILE": "env-order-pa",
    "AWS_DEFAULT_PROFILE": "env-order-pb",
    "AWS_SESSION_TOKEN": "sessionTokenEnvOrder0123456789",
}
# The profiles of the AWS_PROFILE/AWS_DEFAULT_PROFILE case, told apart by their access key.
PROFILES = {
    "env-order-pa": ("AKIDPROFILEAENVORDER", "profileASecretEnvOrder0123456789abcdefAB"),
    "env-order-pb": ("AKIDPROFILEBENVORDER", "profileBSecretEnvOrder0123456789abcdefAB"),
}
PROFILE_OF_KEY = {key: name for name, (key, _secret) in PROFILES.items()}
CANDIDATE_SECRETS = [
    SECRET_KEY,
    VALUES["AWS_SECRET_ACCESS_KEY"],
    VALUES["AWS_SECRET_KEY"],
    *(secret for _key, secret in PROFILES.values()),
]

# What the stand-in saw, for each option: compared with the value of the variable that must win.
OBSERVED: dict[str, Callable[[SeenRequest], str | None]] = {
    "region": lambda seen: seen.region,
    "access_key": lambda seen: seen.access_key_id,
    "secret_key": lambda seen: seen.secret_key,
    "profile": lambda seen: PROFILE_OF_KEY.get(seen.access_key_id or ""),
    "session_token": lambda seen: seen.security_token,
}
# Options with one variable, each checked in every case (endpoint_url: every request reaches
# the stand-in through AWS_URL) or below (session_token); aws_ca_bundle needs TLS, which the
# stand-in does not speak, and boto3 reads AWS_CA_BUNDLE itself, so a plain-HTTP request could
# not tell who read it: not observed here (the unit tests of the lookup and the module cover
# how its value is passed on).
NOT_OBSERVED = {
    "endpoint_url": "AWS_URL is how every request of this test reaches the stand-in",
    "aws_ca_bundle": "needs TLS",
}


def _fragment_env() -> dict[str, list[str]]:
    """Option -> environment variables in order of preference, as the module documentation says."""
    options = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    orders = {name: documented_env_order(option["description"]) for name, option in options.items()}
    return {name: order for name, order in orders.items() if order}


def _cases() -> list[Any]:
    cases = []
    for option, variables in _fragment_env().items():
        if len(variables) == 1 and option in NOT_OBSERVED:
            continue
        pairs: list[tuple[str, str | None]] = list(zip(variables, variables[1:])) or [(variables[0], None)]
        for preferred, other in pairs:
            cases.append(pytest.param(option, preferred, other, id=f"{option}-{preferred}-{other}"))
    return cases


CASES = _cases()


def test_the_table_covers_every_option_with_environment_fallbacks() -> None:
    documented = _fragment_env()
    covered = {case.values[0] for case in CASES}
    assert covered | set(NOT_OBSERVED) == set(documented)
    assert {name for name, variables in documented.items() if len(variables) > 1} <= covered
    assert {"region", "access_key", "secret_key", "profile"} <= covered


@pytest.mark.parametrize(("option", "preferred", "other"), CASES)
def test_module_and_lookup_read_the_environment_in_the_documented_order(
    playbook_runner: PlaybookRunner, tmp_path: Path, option: str, preferred: str, other: str | None
) -> None:
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "".join(
            f"[{name}]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n"
            for name, (key, secret) in PROFILES.items()
        )
    )
    env = {"AWS_SHARED_CREDENTIALS_FILE": str(credentials), preferred: VALUES[preferred]}
    if other is not None:
        env[other] = VALUES[other]
    if option == "profile":
        # A profile cannot be combined with keys: the run's default keys are emptied (an empty
        # value counts as not set).
        env.update(AWS_ACCESS_KEY_ID="", AWS_SECRET_ACCESS_KEY="")
    case = f"{option}-{preferred}".lower().replace("_", "-")
    with recording_lambda(CANDIDATE_SECRETS) as stand_in:
        env["AWS_URL"] = stand_in.url
        run = playbook_runner.run("env_order.yml", verbosity=0, env=env, extra_vars={"case": case})
        assert run.rc == 0, run.describe()
        (by_module,) = stand_in.invokes(f"module-{case}")
        (by_lookup,) = stand_in.invokes(f"lookup-{case}")
        assert stand_in.unsigned == 0
    expected = VALUES[preferred]
    assert (OBSERVED[option](by_module), OBSERVED[option](by_lookup)) == (expected, expected)
    # Everything else came from the run's defaults, identically for both plugins.
    # botocore lists the features it used (the user agent's m/ part) in a set's order, which
    # differs between two processes: compared as sets.
    assert dataclasses.replace(
        by_lookup, function_name=by_module.function_name, user_agent=_features_sorted(by_lookup.user_agent)
    ) == dataclasses.replace(by_module, user_agent=_features_sorted(by_module.user_agent))
    if option not in ("access_key", "profile"):
        assert by_module.access_key_id == ACCESS_KEY
    if option not in ("secret_key",):
        assert by_module.secret_key is not None  # a known secret signed: the check itself works


def test_the_stand_in_tells_which_secret_signed() -> None:
    """A request signed by boto3 with a known secret is attributed to that secret, and to none
    when that secret is not a candidate."""
    with recording_lambda(["someOtherSecret", "theSigningSecret"]) as stand_in:
        for name, secret in (("known", "theSigningSecret"), ("unknown", "notACandidateSecret")):
            boto3.client(
                "lambda",
                endpoint_url=stand_in.url,
                region_name="sa-east-1",
                aws_access_key_id="AKIDSELFTEST",
                aws_secret_access_key=secret,
                aws_session_token="tok",
            ).invoke(FunctionName=name, Payload=b'{"a": 1}', Qualifier="$LATEST")
        (known,) = stand_in.invokes("known")
        (unknown,) = stand_in.invokes("unknown")
    assert (known.secret_key, known.region, known.access_key_id, known.security_token) == (
        "theSigningSecret",
        "sa-east-1",
        "AKIDSELFTEST",
        "tok",
    )
    assert unknown.secret_key is None


def _features_sorted(user_agent: str | None) -> str | None:
    """The user agent with its ``m/`` feature list sorted."""
    if user_agent is None:
        return None
    return " ".join(
        "m/" + ",".join(sorted(part[2:].split(","))) if part.startswith("m/") else part
        for part in user_agent.split()
    )
