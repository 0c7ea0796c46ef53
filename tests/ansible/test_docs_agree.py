"""Where the module's documentation (as ansible-doc shows it) and the collection README state
the same fact, they agree, and with the files that decide it:

- on which ansible-core a failed task's msg is shown although the result is hidden (and that
  is what ansible-playbook does on the cores the tests run);
- the ansible-core, Python and boto3 floors (meta/runtime.yml, tests/config.yml, pyproject);
- each option's environment variables in order of preference (README table vs OPTIONS).
- each option as the module's and the lookup's doc fragments describe it.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml  # type: ignore[import-untyped]
from packaging.version import Version

from ansible_collections.ephemeral.aws.plugins.module_utils import common
from tests.support.collection_facts import (
    COLLECTION,
    CURRENT,
    ansible_doc,
    floor,
    pyproject_boto3,
    stated_floor,
)
from tests.support.playbook_support import AnsibleCore, PlaybookRunner

README = (COLLECTION / "README.md").read_text()


def _one(pattern: str, text: str) -> str:
    found = re.findall(pattern, text)
    assert len(found) == 1, (pattern, found)
    value: str = found[0]
    return value


def _words(text: str) -> str:
    return " ".join(text.split())


def msg_shown_from(text: str) -> str:
    """The ansible-core version from which a failed task's msg is shown (doc or README)."""
    return _one(
        r"On ansible-core ([\d.]+) and later a failed task's (?:C\(msg\)|`msg`) is shown", _words(text)
    )


def test_msg_shown_version_agrees(ansible_core: AnsibleCore) -> None:
    doc = ansible_doc(ansible_core, "module")
    assert msg_shown_from(" ".join(doc["description"])) == msg_shown_from(README)


def test_msg_is_shown_from_the_stated_version_on(
    ansible_core: AnsibleCore, playbook_runner: PlaybookRunner
) -> None:
    run = playbook_runner.run("msg_shown.yml", verbosity=0)
    assert run.rc == 0, run.describe()
    assert "censored" in run.proc.stdout, run.describe()
    control = json.loads((run.tmp / "vars.json").read_text())["control_marker"]
    shown = "function_name: must be" in run.proc.stdout + run.proc.stderr
    # The value itself is never quoted by the message.
    assert control not in run.proc.stdout + run.proc.stderr
    stated = Version(msg_shown_from(README))
    assert shown == (Version(ansible_core.version) >= stated), run.describe()


def test_floors_agree() -> None:
    doc = ansible_doc(CURRENT, "module")
    runtime = yaml.safe_load((COLLECTION / "meta/runtime.yml").read_text())
    core_floor = _one(r"^>=([\d.]+)$", runtime["requires_ansible"])
    readme_core = _one(r"ansible-core ([\d.]+) or newer", _words(README))
    assert Version(readme_core) == Version(core_floor)

    python_floor = _one(
        r"^>=([\d.]+)$",
        yaml.safe_load((COLLECTION / "tests/config.yml").read_text())["modules"]["python_requires"],
    )
    assert f"python >= {python_floor}" in doc["requirements"]
    boto3_floor = floor(pyproject_boto3())
    (doc_boto3,) = [r for r in doc["requirements"] if r.startswith("boto3")]
    assert stated_floor(doc_boto3, r"^boto3 >= ([\d.]+)$") == boto3_floor
    stated = re.findall(r"Python ([\d.]+) or newer and boto3 >= ([\d.]+)", _words(README))
    assert [(python, Version(boto3)) for python, boto3 in stated] == [(python_floor, boto3_floor)]


def test_environment_table_agrees_with_the_declaration() -> None:
    rows = re.findall(r"^\| `(\w+)` \| (`AWS_\w+`(?:, `AWS_\w+`)*) \|$", README, re.M)
    table = {option: re.findall(r"`(AWS_\w+)`", variables) for option, variables in rows}
    assert table == {o.name: list(o.env) for o in common.OPTIONS if o.env}


def test_every_error_code_is_documented() -> None:
    """RETURN's error.code names every code of the core's error classes and of the plugins."""
    from ansible_collections.ephemeral.aws.plugins.module_utils.lambda_invocation_core.errors import (
        ERROR_CODES,
    )

    doc = _words(" ".join(_return_doc()["error"]["contains"]["code"]["description"]))
    documented = set(re.findall(r"V\((\w+)\)", doc)) - {"ResourceNotFoundException", "AccessDeniedException"}
    documented.discard("TooManyRequestsException")
    assert documented == set(ERROR_CODES) | set(common.PLUGIN_ERROR_CODES)


def _return_doc() -> dict[str, Any]:
    from ansible_collections.ephemeral.aws.plugins.modules import lambda_invocation

    returned: dict[str, Any] = yaml.safe_load(lambda_invocation.RETURN)
    return returned


# Where the lookup's copy of an option's description (the PLUGINS doc fragment) may differ
# from the module's (DOCUMENTATION): text that holds for one side only.
MODULE_ONLY = (
    " Declared C(no_log). Ansible replaces this value with C(********) wherever it appears in the"
    " task result, so do not use a value that can occur in what the function returns (for example"
    " in tests).",
    " Declared C(no_log).",
    " Declared C(no_log), so Ansible replaces its value with C(********) wherever it occurs in the"
    " task result; do not use a value that can occur in what the function returns.",
    "; for modules these variables are read on the target",
)
LOOKUP_ONLY = (" It never appears in an error message or warning of this plugin.",)


def _fragment_options(attribute: str) -> dict[str, Any]:
    from ansible_collections.ephemeral.aws.plugins.doc_fragments.aws import ModuleDocFragment

    options: dict[str, Any] = yaml.safe_load(getattr(ModuleDocFragment, attribute))["options"]
    return options


def _described(option: dict[str, Any], drop: tuple[str, ...], lookup: bool) -> str:
    text = _words(" ".join(option["description"]))
    if lookup:
        text = text.replace("the lookup fails", "the task fails")
    for words in drop:
        text = text.replace(words, "")
    return text


def test_the_two_doc_fragments_describe_each_option_alike() -> None:
    """The module's and the lookup's fragments declare the same options (the module alone has
    debug_botocore_endpoint_logs), alike in all but the sentences named above."""
    module, lookup = _fragment_options("DOCUMENTATION"), _fragment_options("PLUGINS")
    assert set(module) - set(lookup) == {"debug_botocore_endpoint_logs"}
    assert set(lookup) <= set(module)
    for name in lookup:
        keys = ("type", "default", "choices", "aliases", "version_added", "no_log")
        assert {k: module[name].get(k) for k in keys} == {k: lookup[name].get(k) for k in keys}, name
        assert _described(module[name], MODULE_ONLY, lookup=False) == _described(
            lookup[name], LOOKUP_ONLY, lookup=True
        ), name
