"""`invoke()` in the preview of the real engine: Terraform's default (it runs in preview and
in the update, so an `up` with its preview sends twice) and `during_preview=False` (the
result is unknown in preview, an `up` sends once).

The program's invoke() logs from inside an apply, which runs only on a known value: the
log lines in the CLI's output tell in which of the two runs the result was known.
"""

from __future__ import annotations

import pytest

from tests.pulumi_engine.project import PulumiProject

pytestmark = [pytest.mark.timeout(600)]  # as in test_engine_lifecycle.py

ANSWERED = "invoke answered status 200"


def _answered(stdout: str) -> tuple[bool, bool]:
    """Whether the apply ran in the preview part and in the update part of an `up`'s output
    (the CLI repeats a message in its Diagnostics summary, so presence is what counts)."""
    preview, _, update = stdout.partition("\nUpdating (")
    assert update, "no update part in the output"
    return ANSWERED in preview, ANSWERED in update


def test_invoke_during_preview_default_and_opt_out(pulumi_project: PulumiProject) -> None:
    project = pulumi_project
    project.init_stack(withInvoke="true", invokeDuringPreview="false")

    # The opt-out: a preview sends nothing, and the result is unknown there.
    run = project.run("preview")
    assert project.invocation_tags() == []
    assert ANSWERED not in run.stdout + run.stderr

    # up with its preview: the program runs twice, the call is sent once (the update).
    run = project.up(preview=True)
    assert project.invocation_tags().count("invoke") == 1
    assert _answered(run.stdout) == (False, True)
    shown = project.outputs(show_secrets=False)
    assert shown["invoke_status"] == "[secret]" and shown["invoke_status_all"] == "[secret]"
    revealed = project.outputs(show_secrets=True)
    # The status read inside apply, after Output.all: an InvokeResult there too.
    assert revealed["invoke_status"] == 200 and revealed["invoke_status_all"] == 200

    # Terraform's default, on the same stack: sent in the preview and in the update.
    project.set("invokeDuringPreview", "true")
    run = project.up(preview=True)
    assert project.invocation_tags().count("invoke") == 3
    assert _answered(run.stdout) == (True, True)
    run = project.run("preview")
    assert project.invocation_tags().count("invoke") == 4
    assert ANSWERED in run.stdout + run.stderr

    # The resources were created once, by the first up; nothing else was invoked.
    assert project.invocations() == {"invoke": 4, "resource-1": 1}
    project.learn_secret_outputs()
    assert project.leaks() == []
