"""The options of ephemeral.aws.lambda_invocation are declared once, in OPTIONS of
plugins/module_utils/common.py; the module's argument spec, the lookup's variables and the unit
tests' environment list are derived from it. The documentation that ansible-doc reads must stay
YAML text, so these tests compare what ansible-doc shows for the module and for the lookup with
that declaration: names, aliases, environment variables and their order, Ansible variables,
types, defaults, required, choices and no_log.
"""

from __future__ import annotations

from typing import Any

import pytest

from ansible_collections.ephemeral.aws.plugins.module_utils import common
from tests.support.collection_facts import ansible_doc, documented_env_order
from tests.support.playbook_support import AnsibleCore

NO_LOG_SENTENCE = "Declared C(no_log)"


def declared(plugin: str) -> dict[str, common.Option]:
    return {o.name: o for o in common.OPTIONS if plugin in o.plugins}


@pytest.mark.parametrize("plugin", [common.MODULE, common.LOOKUP])
def test_ansible_doc_shows_the_declared_options(ansible_core: AnsibleCore, plugin: str) -> None:
    options: dict[str, dict[str, Any]] = ansible_doc(ansible_core, plugin)["options"]
    options.pop("_terms", None)  # the lookup's terms are the functions, not an option
    expected = declared(plugin)
    assert sorted(options) == sorted(expected)
    for name, option in expected.items():
        doc = options[name]
        where = f"{plugin} option {name}"
        assert doc.get("type") == option.type, where
        assert doc.get("aliases", []) == list(option.aliases), where
        assert doc.get("default") == option.default, where
        assert bool(doc.get("required")) == option.required, where
        assert doc.get("choices") == (list(option.choices) if option.choices else None), where
        # The order of preference, stated in words for both plugins.
        assert documented_env_order(doc["description"]) == list(option.env), where
        if plugin == common.MODULE:
            # Modules have no env/vars entries: env_fallback reads the declared order.
            assert "env" not in doc and "vars" not in doc, where
            assert (NO_LOG_SENTENCE in " ".join(doc["description"])) == bool(option.no_log), where
        else:
            # Ansible's configuration takes the LAST env entry that is set: the entries are the
            # declared order of preference reversed, so that the lookup prefers what the module does.
            assert [e["name"] for e in doc.get("env", [])] == list(reversed(option.env)), where
            assert [v["name"] for v in doc.get("vars", [])] == ([option.var] if option.var else []), where


def test_module_argument_spec_is_derived_from_the_declaration() -> None:
    spec = common.argument_spec()
    assert list(spec) == [o.name for o in common.OPTIONS if common.MODULE in o.plugins]
    for option in common.OPTIONS:
        if common.MODULE not in option.plugins:
            continue
        entry = spec[option.name]
        assert entry["type"] == option.type
        assert entry.get("aliases", []) == list(option.aliases)
        assert entry.get("fallback", (None, []))[1] == list(option.env)
        assert entry.get("no_log") == option.no_log
    # Every option whose name Ansible considers secret-looking states no_log explicitly
    # (validate-modules requires it; access_key is not a secret).
    for name in ("access_key", "secret_key", "session_token", "external_id"):
        assert "no_log" in spec[name], name
    assert spec["access_key"]["no_log"] is False
    assert {n for n, e in spec.items() if e.get("no_log")} == {"secret_key", "session_token", "external_id"}


def test_every_environment_variable_in_the_docs_is_declared(ansible_core: AnsibleCore) -> None:
    """The unit tests clear common.ENVIRONMENT: it must hold every variable the docs name."""
    doc = ansible_doc(ansible_core, common.LOOKUP)
    documented = {e["name"] for option in doc["options"].values() for e in option.get("env", [])}
    assert documented == set(common.ENVIRONMENT)
