"""The stack's pulumi-aws configuration as the real CLI stores and sends it.

`pulumi config set --path` builds aws:assumeRoles and aws:endpoints as objects; the engine
hands the whole stack config to the dynamic provider's configure() as strings (objects as
JSON text), while the program reads it through pulumi.Config("aws"). Both forms must
assume the stack's role through STS (moto, in this process) before invoking.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.pulumi_engine.project import PulumiProject

pytestmark = [pytest.mark.timeout(600)]  # as in test_engine_lifecycle.py

ROLE_ACCOUNT = "210987654321"  # not moto's own caller account (123456789012)


def _assumed_roles(session_name: str) -> list[Any]:
    from moto.sts.models import sts_backends

    return [
        role for role in sts_backends[ROLE_ACCOUNT]["aws"].assumed_roles if role.session_name == session_name
    ]


def test_assume_roles_and_endpoints_set_with_the_cli(pulumi_project: PulumiProject, sts_url: str) -> None:
    project = pulumi_project
    session_name = f"engine-{uuid.uuid4().hex[:12]}"
    role_arn = f"arn:aws:iam::{ROLE_ACCOUNT}:role/invoker"
    project.init_stack(withInvoke="true")
    project.run("config", "set", "--path", "aws:assumeRoles[0].roleArn", role_arn)
    project.run("config", "set", "--path", "aws:assumeRoles[0].sessionName", session_name)
    project.run("config", "set", "--path", "aws:assumeRoles[0].duration", "15m")
    project.run("config", "set", "--path", "aws:endpoints[0].sts", sts_url)

    project.up(preview=False)
    assert project.invocations() == {"invoke": 1, "resource-1": 1}
    # One role session for the provider's create, one for the program's invoke().
    issued = _assumed_roles(session_name)
    assert len(issued) == 2 and {role.role_arn for role in issued} == {role_arn}

    # The temporary credentials STS issued are secrets like any other.
    for index, role in enumerate(issued):
        project.secrets[f"assumed role secret key {index}"] = role.secret_access_key
        project.secrets[f"assumed role session token {index}"] = role.session_token
    project.learn_secret_outputs()
    assert project.leaks() == []
