"""botocore's sessions and data for a Lambda client, made once per process and shared.

For each new session botocore registers its 130-odd built-in event handlers (checking the
signature of each), and its data loader reads and parses the Lambda service model, its
endpoint ruleset and the endpoint and partition tables (about 50 ms together), and before
loading a model lists every service folder it has (about 400; 20-25 ms per model type) only
to check that the one asked for exists. Here:

* every botocore session the core makes starts from a copy of one set of built-in handlers
  registered once per process (``new_session``; botocore copies a session's handlers the
  same way for each client it makes);

* every botocore session the core makes uses one shared loader per data path
  (``shared_loader``), so the second client of a process loads nothing from disk;
* that loader checks whether a service exists by looking for that service alone, and
  lists all services only when asked for the whole list (``KnownServices``);
* ``warm()`` imports botocore and loads what a Lambda client needs into the shared loader
  ahead of time. A parent that calls it before forking workers (the Ansible action plugin
  does, when ansible-core imports it in the controller's main process) hands every worker
  the imported modules and the loaded data. It makes no session credentials, no client, no
  connection and no thread: a child inherits read-only data and nothing else, and builds
  its own client (the client cache is emptied in a forked child, see client.py).
"""

from __future__ import annotations

import copy
import functools
import importlib.util
import os
from collections.abc import Iterator, Sequence
from typing import Any, overload

__all__ = ["WARMED_SERVICE", "KnownServices", "new_session", "shared_loader", "warm"]

WARMED_SERVICE = "lambda"

_loaders: dict[str | None, Any] = {}


def new_session() -> Any:
    """A new botocore session, with botocore's built-in handlers copied from this process's set."""
    import botocore.session

    handlers = copy.copy(_builtin_handlers())
    return botocore.session.Session(event_hooks=handlers, include_builtin_handlers=False)


# botocore's built-in handler list when the set below was made, and the set made from it.
_builtin: tuple[tuple[Any, ...], Any] | None = None


def _builtin_handlers() -> Any:
    """The emitter of botocore's built-in handlers, made again when that list has changed.

    Libraries add to ``botocore.handlers.BUILTIN_HANDLERS`` after import (moto's mock_aws
    registers its request stubber there), so a set made earlier must not be kept.
    """
    global _builtin
    from botocore import handlers
    from botocore.hooks import EventAliaser, HierarchicalEmitter

    specs = tuple(handlers.BUILTIN_HANDLERS)
    cached = _builtin
    if cached is not None and cached[0] == specs:
        return cached[1]
    # As botocore's Session._register_builtin_handlers does for each session.
    emitter = HierarchicalEmitter()
    events = EventAliaser(emitter)
    for spec in specs:
        if len(spec) == 2:
            events.register(spec[0], spec[1])
        elif spec[2] is handlers.REGISTER_FIRST:
            events.register_first(spec[0], spec[1])
        elif spec[2] is handlers.REGISTER_LAST:
            events.register_last(spec[0], spec[1])
    _builtin = (specs, emitter)
    return emitter


def shared_loader(data_path: str | None) -> Any:
    """The process's botocore loader for ``data_path`` (botocore's ``data_path`` setting)."""
    loader = _loaders.get(data_path)
    if loader is None:
        # setdefault: two threads creating one at once end up sharing the same loader.
        loader = _loaders.setdefault(data_path, _new_loader(data_path))
    return loader


def warm() -> bool:
    """Import botocore and load a Lambda client's data into the shared loader.

    Returns False, at the cost of one failed import lookup, where botocore is not installed.
    A failure here only costs speed: it returns False, and the client made later loads
    what it needs itself, or reports what is wrong (a bad AWS config file, for one).
    """
    if importlib.util.find_spec("botocore") is None:
        return False
    try:
        # What the core's client creation imports (botocore.session imports most of the rest).
        for name in ("botocore.config", "botocore.credentials", "botocore.session"):
            importlib.import_module(name)
        session = new_session()
        loader = shared_loader(session.get_config_variable("data_path"))
        # The same calls, with the same arguments, as botocore's session and ClientCreator
        # make (their results are cached per call).
        loader.load_data_with_path("endpoints")
        loader.load_data("sdk-default-configuration")
        loader.load_data("partitions")
        for type_name in ("service-2", "endpoint-rule-set-1"):
            loader.load_service_model(WARMED_SERVICE, type_name, api_version=None)
    except Exception:  # nothing is raised to the importer of an adapter
        return False
    return True


def _new_loader(data_path: str | None) -> Any:
    # As botocore.loaders.create_loader, with the loader class below.
    paths = [os.path.expanduser(os.path.expandvars(path)) for path in (data_path or "").split(os.pathsep)]
    return _loader_class()(extra_search_paths=[path for path in paths if path])


@functools.cache
def _loader_class() -> Any:
    from botocore.loaders import Loader

    class CoreLoader(Loader):
        # Not cached here: botocore caches the full list under this method's name. A Sequence
        # rather than botocore's list: what botocore does with it (``in``, ``join``) works.
        def list_available_services(self, type_name: str) -> KnownServices:  # type: ignore[override]
            list_all = functools.partial(super().list_available_services, type_name)
            return KnownServices(self, type_name, list_all)

    return CoreLoader


class KnownServices(Sequence[str]):
    """The services of one model type: ``in`` looks for one service, the list is made on demand."""

    def __init__(self, loader: Any, type_name: str, list_all: Any) -> None:
        self._loader = loader
        self._type_name = type_name
        self._list_all = list_all
        self._all: list[str] | None = None

    def __contains__(self, name: object) -> bool:
        from botocore.exceptions import DataNotFoundError

        if not isinstance(name, str) or not name or os.sep in name or name.startswith("."):
            return False
        try:  # botocore's own test: some API version folder of the service holds the type's file
            return bool(self._loader.list_api_versions(name, self._type_name))
        except DataNotFoundError:
            return False

    def _names(self) -> list[str]:
        if self._all is None:
            self._all = list(self._list_all())
        return self._all

    @overload
    def __getitem__(self, index: int) -> str:
        """One name (the stub is written out: ansible-test's pep8 refuses a one-line def)."""

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]:
        """A slice of the names."""

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._names()[index]

    def __len__(self) -> int:
        return len(self._names())

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())
