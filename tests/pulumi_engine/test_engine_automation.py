"""The Automation API (`pulumi.automation`) driving the built CLI: a local program (the engine
tests' program, in its project folder) and an inline program (a function of this module, run
in this process by the SDK's language server), each `up` then `destroy`.

`PulumiCommand(root=ROOT)` runs ROOT/bin/pulumi and checks its version (the build stamps
v3.277.0: an unversioned CLI would be refused). The CLI finds its Python plugins on PATH.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

from pulumi_lambda_invocation import LambdaInvocation, invoke
from tests.pulumi_engine.project import (
    MARKER,
    REGION,
    STACK,
    STACK_ACCESS_KEY,
    STACK_SECRET_KEY,
    PulumiProject,
)

pytestmark = [pytest.mark.timeout(600)]  # as in test_engine_lifecycle.py


def _command(project: PulumiProject) -> auto.PulumiCommand:
    """The CLI as the Automation API takes it: a root folder whose bin/ holds `pulumi`."""
    root = project.bin_dir.parent
    if project.bin_dir.name != "bin":  # $PULUMI_CLI_BIN may name any folder
        root = project.root / "cli-root"
        root.mkdir()
        (root / "bin").symlink_to(project.bin_dir, target_is_directory=True)
    return auto.PulumiCommand(root=str(root))


def _options(project: PulumiProject, **extra: Any) -> auto.LocalWorkspaceOptions:
    env = project.env
    # The workspace adds these to its own environment for every CLI command it runs.
    wanted = ("PATH", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_CONFIG_FILE")
    env_vars = {name: value for name, value in env.items() if name.startswith("PULUMI_") or name in wanted}
    env_vars.update(
        {name: env[name] for name in ("AWS_SHARED_CREDENTIALS_FILE", "AWS_EC2_METADATA_DISABLED")}
    )
    return auto.LocalWorkspaceOptions(
        pulumi_command=_command(project), pulumi_home=str(project.home_dir), env_vars=env_vars, **extra
    )


def _configure(stack: auto.Stack, project: PulumiProject) -> None:
    stack.set_config("aws:region", auto.ConfigValue(REGION))
    stack.set_config("aws:endpoints[0].lambda", auto.ConfigValue(project.endpoint_url), path=True)
    stack.set_config("countFile", auto.ConfigValue(str(project.count_file)))
    stack.set_config("marker", auto.ConfigValue(MARKER, secret=True))
    # An inline program runs in this process, whose environment has no AWS credentials:
    # the stack's, as pulumi-aws reads them.
    stack.set_config("aws:accessKey", auto.ConfigValue(STACK_ACCESS_KEY, secret=True))
    stack.set_config("aws:secretKey", auto.ConfigValue(STACK_SECRET_KEY, secret=True))


def test_automation_api_local_program_up_and_destroy(pulumi_project: PulumiProject) -> None:
    project = pulumi_project
    stack = auto.create_stack(STACK, work_dir=str(project.project_dir), opts=_options(project))
    _configure(stack, project)
    stack.set_config("withInvoke", auto.ConfigValue("true"))

    result = stack.up()
    assert result.summary.result == "succeeded"
    assert project.invocations() == {"invoke": 1, "resource-1": 1}
    outputs = result.outputs
    assert outputs["counted_result"].secret and outputs["echo_result"].secret
    assert json.loads(outputs["counted_result"].value)["count"] == 2
    assert outputs["counted_status"].value == 200 and not outputs["counted_status"].secret
    assert outputs["invoke_status"].secret and outputs["invoke_status"].value == 200
    project.secrets["counted result"] = outputs["counted_result"].value
    project.secrets["echo result"] = outputs["echo_result"].value
    project.secrets["echo log"] = outputs["echo_log"].value

    again = stack.up()
    assert again.summary.resource_changes == {"same": 3}
    assert project.invocations() == {"invoke": 2, "resource-1": 1}  # invoke() only

    destroyed = stack.destroy()
    assert destroyed.summary.result == "succeeded"
    assert project.invocations() == {"invoke": 2, "resource-1": 1}  # CREATE_ONLY: no delete call
    assert project.resource("counted") is None
    assert project.leaks() == []


def test_automation_api_inline_program_up_and_destroy(pulumi_project: PulumiProject) -> None:
    project = pulumi_project
    count_file = str(project.count_file)

    def program() -> None:
        config = pulumi.Config()
        payload = {"count_file": count_file, "tag": "inline", "marker": config.require_secret("marker")}
        created = LambdaInvocation("inline", function_name="count", payload=payload, lifecycle_scope="CRUD")
        pulumi.export("inline_result", created.result)
        answer = invoke("count", {"count_file": count_file, "tag": "inline-invoke"}, during_preview=False)
        pulumi.export("invoke_count", answer.apply(lambda value: value.result_json["count"]))

    settings = auto.ProjectSettings(name="engine-inline", runtime="python")
    stack = auto.create_stack(
        STACK,
        project_name="engine-inline",
        program=program,
        opts=_options(project, project_settings=settings),
    )
    _configure(stack, project)

    printed: list[str] = []
    # A preview first: the resource never invokes, nor does invoke() with during_preview=False.
    stack.preview()
    assert project.invocations() == {}

    result = stack.up(on_output=printed.append)
    assert result.summary.result == "succeeded"
    assert project.invocations() == {"inline": 1, "inline-invoke": 1}
    assert result.outputs["inline_result"].secret and result.outputs["invoke_count"].secret
    assert json.loads(result.outputs["inline_result"].value)["count"] in (1, 2)
    project.secrets["inline result"] = result.outputs["inline_result"].value

    # destroy runs no program; in CRUD scope it invokes the delete.
    stack.destroy(on_output=printed.append)
    assert project.invocations() == {"inline": 2, "inline-invoke": 1}

    # No secret in plain text: the export, every backend file (history and backups keep the
    # state with the resource), the CLI's output.
    places = {
        "stack export": json.dumps(stack.export_stack().deployment),
        "up and destroy output": "\n".join(printed),
    }
    places.update(
        {
            str(path): path.read_bytes().decode(errors="replace")
            for path in project.backend_dir.rglob("*.json")
        }
    )
    assert any(project.endpoint_url in text for text in places.values())  # the search reads real content
    assert [
        f"{name} in {place}"
        for place, text in places.items()
        for name, value in project.secrets.items()
        if name != "passphrase" and value in text
    ] == []


def test_the_command_root_is_the_built_cli(pulumi_cli_bin: Path, tmp_path: Path) -> None:
    command = auto.PulumiCommand(root=str(pulumi_cli_bin.parent))
    assert command.command == str(pulumi_cli_bin / "pulumi")
    assert str(command.version) == "3.277.0"
