"""Shared pytest wiring. Keep this thin: the endpoint is run by local_lambda/launcher.py, other
reusable test helpers live in tests/support/.

Fixtures:
  lambda_endpoint  (session)  a local_lambda process serving tests/functions/config.json.
                   .url, .client(**botocore_config) (fake creds, us-east-1, no retries),
                   .runtimes(), .runtime_pids(function), .reset(), .logs(), .pid
  lambda_client    (session)  lambda_endpoint.client()
  sts_url          (session)  moto's STS on a free loopback port (in this process, so tests
                   can read what it issued), for role assumption: set AWS_ENDPOINT_URL_STS.
  debug_logs       (function) every logger of the process at DEBUG into a handler whose
                   .texts ("<logger> <LEVEL> <message>") a leak test can search.
  tally            (session)  a Counter printed at the end of the run (calls made, executions
                   counted, faults injected, inputs tried, leaks found).
  count_file       (function) path (str) of a fresh file for the `count` test function;
                   tests.support.functions.count_executions(path) says how often it ran.
  powertools_endpoint (session) a local_lambda process serving function `idempotent`
                   (Powertools' @idempotent, DynamoDB on moto's server):
                   tests/support/powertools_endpoint.py.

Test functions and what they return: tests/functions/common/lambda_handlers.py.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from local_lambda.launcher import RunningEndpoint, running_endpoint
from tests.support.connection_settings import make_settings as make_settings  # the fixture, for every test
from tests.support.functions import FUNCTIONS_CONFIG
from tests.support.logs import CapturedLogs
from tests.support.moto_server import serving_moto
from tests.support.powertools_endpoint import PowertoolsEndpoint, serving_powertools_endpoint

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient


@pytest.fixture(scope="session")
def lambda_endpoint() -> Iterator[RunningEndpoint]:
    """One endpoint for the whole session; stopping it fails the run if a process is left."""
    with running_endpoint(FUNCTIONS_CONFIG) as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def lambda_client(lambda_endpoint: RunningEndpoint) -> LambdaClient:
    return lambda_endpoint.client()


@pytest.fixture(scope="session")
def powertools_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PowertoolsEndpoint]:
    with serving_powertools_endpoint(tmp_path_factory.mktemp("powertools")) as endpoint:
        yield endpoint


@pytest.fixture
def count_file(tmp_path: Path) -> str:
    return str(tmp_path / "count.txt")


@pytest.fixture(scope="session")
def sts_url() -> Iterator[str]:
    with serving_moto() as url:
        yield url


_TALLY = pytest.StashKey[Counter[str]]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_TALLY] = Counter()
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_WorkerTallies(config), "ephemeral-worker-tallies")


class _WorkerTallies:
    """Under pytest-xdist (the test command runs with -n): each worker sends its tally to the
    controller, which adds them up for the summary. Registered only where xdist is installed
    (the floor venvs run parts of this suite without it)."""

    def __init__(self, config: pytest.Config) -> None:
        self.counts = config.stash[_TALLY]

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        workeroutput = getattr(session.config, "workeroutput", None)
        if workeroutput is not None:
            workeroutput["tally"] = dict(self.counts)

    def pytest_testnodedown(self, node: Any, error: object) -> None:
        self.counts.update(getattr(node, "workeroutput", {}).get("tally", {}))


@pytest.fixture(scope="session")
def tally(request: pytest.FixtureRequest) -> Counter[str]:
    return request.config.stash[_TALLY]


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    counts = config.stash.get(_TALLY, Counter())
    if counts:
        terminalreporter.write_sep("-", "fault, load, fuzz and leak tallies")
        for name in sorted(counts):
            terminalreporter.write_line(f"{name}: {counts[name]}")


@pytest.fixture
def debug_logs() -> Iterator[CapturedLogs]:
    handler = CapturedLogs()
    root = logging.getLogger()
    noisy = ("botocore", "boto3", "urllib3", "pulumi")
    old_levels = (root.level, [logging.getLogger(name).level for name in noisy])
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in noisy:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_levels[0])
        for name, level in zip(noisy, old_levels[1]):
            logging.getLogger(name).setLevel(level)


@pytest.hookimpl(trylast=True)  # after xdist's own sessionfinish has shut its workers down
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Fail the run if a process it started is still running: endpoints, runtimes, servers,
    playbooks (tests/support/leftovers.py; reported by pid and command name, then ended).
    In the controller only: an xdist worker cannot see its siblings' processes."""
    if hasattr(session.config, "workerinput"):
        return
    from tests.support.leftovers import check_session

    check_session(session)
