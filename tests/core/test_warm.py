"""The shared botocore loader and warm(): botocore's answers, bounded, free without botocore."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.loaders import Loader

import lambda_invocation_core as core
from lambda_invocation_core import warm

ROOT = Path(__file__).resolve().parents[2]


def this_core_first() -> dict[str, str]:
    """The environment with this tree's core first on the path (a floor venv may carry another)."""
    paths = [str(ROOT / "core"), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in paths if path)}


@pytest.mark.parametrize("type_name", ["service-2", "endpoint-rule-set-1"])
def test_known_services_agree_with_botocores_listing(type_name: str) -> None:
    listed = Loader().list_available_services(type_name)
    known = warm.shared_loader(None).list_available_services(type_name)
    # Services the core uses, ones a credential provider may create a client for, and none.
    for name in ("lambda", "sts", "sso", "sso-oidc", "s3", "no-such-service", "", ".", "lambda/../sts"):
        assert (name in known) == (name in listed), name
    assert list(known) == listed and len(known) == len(listed) and known[0] == listed[0]


def test_a_new_session_has_botocores_builtin_handlers() -> None:
    import botocore.session
    from botocore.handlers import BUILTIN_HANDLERS

    def handlers(session: object, event: str) -> list[object]:
        emitter = session._original_handler  # type: ignore[attr-defined]
        return list(emitter._handlers.prefix_search(event))

    stock, ours = botocore.session.Session(), warm.new_session()
    stages = ("before-parameter-build", "before-call", "after-call")
    lambda_events = [f"{stage}.lambda.Invoke" for stage in stages]
    events = [spec[0] for spec in BUILTIN_HANDLERS] + lambda_events + ["creating-client-class.lambda"]
    assert [handlers(ours, event) for event in events] == [handlers(stock, event) for event in events]
    assert sum(len(handlers(ours, event)) for event in events) >= len(BUILTIN_HANDLERS)
    # A handler registered on one session reaches neither another session nor the shared set.
    event = "before-call.lambda.Invoke"
    ours.register(event, _extra_handler)
    assert _extra_handler in handlers(ours, event)
    assert _extra_handler not in handlers(warm.new_session(), event)


def _extra_handler(**kwargs: object) -> None:
    pass


def test_an_unknown_service_is_refused_as_botocore_refuses_it() -> None:
    from botocore.exceptions import UnknownServiceError

    with pytest.raises(UnknownServiceError, match="no-such-service"):
        warm.shared_loader(None).load_service_model("no-such-service", "service-2")


def test_clients_share_one_loader_whose_search_paths_do_not_grow() -> None:
    settings = core.ConnectionSettings(
        region="us-east-1", access_key="AKIDEXAMPLE", secret_key="x", endpoint_url="http://127.0.0.1:9"
    )
    loader = warm.shared_loader(None)
    paths = list(loader.search_paths)
    for _ in range(3):
        core.clear_client_cache()
        core.get_client(settings)
    assert list(loader.search_paths) == paths
    assert warm.shared_loader(None) is loader


def test_a_data_path_gets_a_loader_of_its_own(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))
    client = core.get_client(
        core.ConnectionSettings(
            region="us-east-1", access_key="AKIDEXAMPLE", secret_key="x", endpoint_url="http://127.0.0.1:9"
        )
    )
    assert client.meta.region_name == "us-east-1"
    loader = warm.shared_loader(str(tmp_path))
    assert loader is not warm.shared_loader(None)
    assert str(tmp_path) in loader.search_paths


def test_after_warm_a_new_client_reads_no_model_or_data_file() -> None:
    # A fresh interpreter, so that only warm() can have loaded anything. (botocore releases
    # differ in what a client loads: this runs on the floors too.)
    script = (
        "import os, botocore.loaders\n"
        "import lambda_invocation_core as core\n"
        "from lambda_invocation_core.warm import warm\n"
        "assert warm() is True\n"
        "read = []\n"
        "original = botocore.loaders.JSONFileLoader.load_file\n"
        "def load_file(self, path):\n"
        "    read.append(os.path.basename(path))\n"
        "    return original(self, path)\n"
        "botocore.loaders.JSONFileLoader.load_file = load_file\n"
        "core.get_client(core.ConnectionSettings(region='us-east-1', access_key='a', secret_key='b',\n"
        "                                        endpoint_url='http://127.0.0.1:9'))\n"
        "print(read)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=this_core_first()
    )
    assert completed.stdout.strip() == "[]"


def test_warm_without_botocore_is_false_and_imports_nothing() -> None:
    # -S: no site-packages, so botocore is not installed for this interpreter; the core is put on the path.
    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT / 'core')!r})\n"
        "from lambda_invocation_core.warm import warm\n"
        "print(warm(), 'botocore' in sys.modules)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-S", "-c", script], capture_output=True, text=True, check=True
    )
    assert completed.stdout.split() == ["False", "False"]


def test_a_handler_added_to_botocores_builtin_list_later_reaches_new_sessions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As moto's mock_aws does at import: its stubber joins BUILTIN_HANDLERS after our set was made.
    from botocore import handlers

    warm.new_session()
    added = [*handlers.BUILTIN_HANDLERS, ("before-send", _extra_handler)]
    monkeypatch.setattr(handlers, "BUILTIN_HANDLERS", added)
    emitter = warm.new_session()._original_handler
    assert _extra_handler in list(emitter._handlers.prefix_search("before-send.lambda.Invoke"))
