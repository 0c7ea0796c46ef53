"""`LambdaInvocation` and `invoke()` under the real Pulumi engine: the CLI built from the
pinned release (tools/pulumi_cli), a file backend, the local Lambda endpoint.

The `count` test function appends one line per execution, tagged by the payload, so each
step asserts exactly which invocations it caused. Each scenario ends with a leak check:
no secret (the payload marker, the results and log tail read back with --show-secrets, the
stack's and the environment's secret keys) in `pulumi stack export`, in any file of the
backend (checkpoints, history, backups) or in the output of any command run.
"""

from __future__ import annotations

import base64
import json
import re
from collections import Counter
from typing import Any

import pytest

from tests.pulumi_engine.project import MARKER, PulumiProject

# The CLI is built (or found) before the first test, in conftest's collection hook, so no
# test's timeout counts a cold build. Each scenario runs up to ten engine commands: under
# a minute on 2 busy cores; the margin is for a loaded CI machine.
pytestmark = [pytest.mark.timeout(600)]


def _delta(before: Counter[str], after: Counter[str]) -> dict[str, int]:
    return {tag: after[tag] - before[tag] for tag in after if after[tag] != before[tag]}


def _summary(stdout: str) -> dict[str, int]:
    """The "Resources:" counts of an up/preview/destroy (created, updated, replaced, ...)."""
    found = re.findall(
        r"^\s+[-+~]*\s*(\d+) (to create|created|to update|updated|to replace|replaced|"
        r"to delete|deleted|unchanged)\b",
        stdout,
        re.MULTILINE,
    )
    counts: dict[str, int] = {}
    for number, word in found:
        counts[word.removeprefix("to ")] = int(number)
    return counts


def _inputs(project: PulumiProject, name: str) -> dict[str, Any]:
    resource = project.resource(name)
    assert resource is not None, f"{name} is not in the state"
    inputs: dict[str, Any] = resource["inputs"]
    return inputs


def _is_ciphertext(value: Any) -> bool:
    # The engine's serialized secret: a signature key and the ciphertext.
    return isinstance(value, dict) and "ciphertext" in value


def test_create_only_lifecycle_with_invoke(pulumi_project: PulumiProject) -> None:
    project = pulumi_project
    project.init_stack(withInvoke="true")

    # preview: the program runs once (a dry run). invoke() calls the function; the resource
    # never does.
    run = project.run("preview")
    assert project.invocations() == Counter({"invoke": 1})
    assert _summary(run.stdout).get("create") == 3  # the stack, counted, echoed

    # up --skip-preview: the program runs once; the create invokes the resource once.
    before = project.invocations()
    run = project.up(preview=False)
    assert _delta(before, project.invocations()) == {"invoke": 1, "resource-1": 1}
    assert _summary(run.stdout).get("created") == 3

    shown = project.outputs(show_secrets=False)
    assert shown["counted_result"] == "[secret]" and shown["echo_result"] == "[secret]"
    assert shown["echo_log"] == "[secret]"
    # invoke()'s whole answer is a secret Output, its status code too.
    assert shown["counted_status"] == 200 and shown["invoke_status"] == "[secret]"
    revealed = project.learn_secret_outputs()
    first_result = json.loads(revealed["counted_result"])
    assert first_result["count"] in (2, 3)  # after the preview's invoke(), with this up's
    echo = json.loads(revealed["echo_result"])
    # The nested secret in the payload reached the function as plain text.
    assert echo["event"] == {"marker": MARKER}
    assert f"echo marker={MARKER}" in base64.b64decode(revealed["echo_log"]).decode()

    # In state the result, the log tail and the payload (a nested secret) are ciphertext.
    state = project.resource("counted")
    assert state is not None
    assert _is_ciphertext(state["outputs"]["result"]) and _is_ciphertext(state["inputs"]["payload"])
    assert _is_ciphertext(state["inputs"]["__provider"])
    echoed = project.resource("echoed")
    assert echoed is not None
    assert _is_ciphertext(echoed["outputs"]["log_result"])
    assert _is_ciphertext(echoed["outputs"]["result_json"])
    assert project.leaks() == []

    # up with its preview: the program runs twice, so invoke() calls the function twice;
    # the unchanged resource not at all.
    before = project.invocations()
    run = project.up(preview=True)
    assert _delta(before, project.invocations()) == {"invoke": 2}
    assert _summary(run.stdout).get("unchanged") == 3

    # refresh (with its preview): reads the stored outputs; nothing is invoked and the
    # program does not run.
    before = project.invocations()
    project.run("refresh", "--yes")
    assert _delta(before, project.invocations()) == {}
    assert json.loads(project.learn_secret_outputs()["counted_result"]) == first_result

    # The payload's keys in another order: the same JSON document, no change, no invocation.
    project.set("order", "reversed")
    before = project.invocations()
    run = project.up(preview=False)
    assert _delta(before, project.invocations()) == {"invoke": 1}
    assert _summary(run.stdout).get("unchanged") == 3

    # A connection-only input: an update that records it and invokes nothing.
    project.set("readTimeout", "120")
    before = project.invocations()
    run = project.up(preview=False)
    assert _delta(before, project.invocations()) == {"invoke": 1}
    assert _summary(run.stdout).get("updated") == 1
    assert _inputs(project, "counted")["read_timeout"] == 120
    assert json.loads(project.learn_secret_outputs()["counted_result"]) == first_result

    # A trigger change replaces: the new resource invokes once; in CREATE_ONLY the old one
    # is deleted without invoking.
    project.set("trigger", "2")
    before = project.invocations()
    run = project.up(preview=False)
    assert _delta(before, project.invocations()) == {"invoke": 1, "resource-2": 1}
    assert _summary(run.stdout).get("replaced") == 1
    assert json.loads(project.learn_secret_outputs()["counted_result"]) != first_result
    assert project.leaks() == []  # the last state with resources in it

    # destroy does not run the program; CREATE_ONLY deletes without invoking.
    before = project.invocations()
    run = project.run("destroy", "--yes", "--skip-preview")
    assert _delta(before, project.invocations()) == {}
    assert _summary(run.stdout).get("deleted") == 3
    assert project.resource("counted") is None

    assert project.leaks() == []


def test_crud_lifecycle(pulumi_project: PulumiProject) -> None:
    project = pulumi_project
    project.init_stack(scope="CRUD")

    # up with its preview: the program runs twice, the resource is invoked once (create).
    run = project.up(preview=True)
    assert project.invocation_tags() == ["resource-1"]
    assert _summary(run.stdout).get("created") == 3
    project.learn_secret_outputs()

    # A second up invokes nothing.
    project.up(preview=False)
    assert project.invocation_tags() == ["resource-1"]

    # A trigger change replaces, create before delete: the new resource is invoked
    # (create), then the old one (delete, with its own stored payload).
    project.set("trigger", "2")
    run = project.up(preview=False)
    assert project.invocation_tags() == ["resource-1", "resource-2", "resource-1"]
    assert _summary(run.stdout).get("replaced") == 1
    project.learn_secret_outputs()

    # preview never invokes, even with a pending change.
    project.set("trigger", "3")
    project.run("preview")
    assert project.invocation_tags() == ["resource-1", "resource-2", "resource-1"]
    project.set("trigger", "2")

    # refresh reads the stored state; a CRUD resource is not invoked either.
    project.run("refresh", "--yes", "--skip-preview")
    assert project.invocation_tags() == ["resource-1", "resource-2", "resource-1"]
    assert project.leaks() == []

    # The stack's endpoint moves to a closed port before destroy: the CRUD delete still
    # reaches the function where the resource was created (the state's provider and
    # endpoint, not today's config).
    project.run("config", "set", "--path", "aws:endpoints[0].lambda", "http://127.0.0.1:9")
    run = project.run("destroy", "--yes", "--skip-preview")
    assert project.invocation_tags() == ["resource-1", "resource-2", "resource-1", "resource-2"]
    assert _summary(run.stdout).get("deleted") == 3

    assert project.leaks() == []


@pytest.mark.parametrize("form", ["resource", "invoke"])
def test_function_error_fails_the_update_without_leaking(pulumi_project: PulumiProject, form: str) -> None:
    """The `fail` function raises an error whose message is the marker: the update fails,
    naming the error type, and the message stays out of the CLI's output (the provider's
    and the program's stderr included), the state and the backend."""
    project = pulumi_project
    project.init_stack(failing=form)
    run = project.run("up", "--yes", "--skip-preview", check=False)
    assert run.returncode != 0
    output = run.stdout + run.stderr
    assert "ValueError" in output and "fail" in output
    # The other resources are created at most once, failed update or not.
    assert set(project.invocations().values()) <= {1}
    if form == "resource":
        # The healthy resources were created; the failed create left nothing behind.
        assert project.resource("counted") is not None and project.resource("failing") is None
    assert project.leaks() == []
