"""The client cache: keyed by settings and environment, bounded, thread-safe, no credential in a key."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

import lambda_invocation_core as core
from lambda_invocation_core import client as client_module

ENDPOINT = "http://127.0.0.1:9"


def settings(**overrides: object) -> core.ConnectionSettings:
    values: dict[str, object] = {"access_key": "AKIDEXAMPLE", "secret_key": "x", "endpoint_url": ENDPOINT}
    values.update(overrides)
    return core.ConnectionSettings(**values)  # type: ignore[arg-type]


def test_region_from_the_environment_is_part_of_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    first = core.get_client(settings())
    assert core.get_client(settings()) is first
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    second = core.get_client(settings())
    assert second is not first and second.meta.region_name == "eu-west-1"
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
    assert core.get_client(settings()).meta.region_name == "ap-south-1"


@pytest.mark.parametrize(
    ("name", "first", "second"),
    [
        ("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:10", "http://127.0.0.1:11"),
        ("AWS_PROFILE", "one", "two"),
        ("AWS_CONFIG_FILE", "/nonexistent/a", "/nonexistent/b"),
        ("AWS_CA_BUNDLE", "/nonexistent/ca-a.pem", "/nonexistent/ca-b.pem"),
        ("HTTPS_PROXY", "http://127.0.0.1:3128", "http://127.0.0.1:3129"),
        ("AWS_SECRET_ACCESS_KEY", "env-secret-one", "env-secret-two"),
        ("HOME", "/nonexistent/home-a", "/nonexistent/home-b"),
    ],
)
def test_each_environment_variable_read_at_creation_changes_the_key(
    monkeypatch: pytest.MonkeyPatch, name: str, first: str, second: str
) -> None:
    monkeypatch.setenv(name, first)
    digest = client_module.environment_digest()
    monkeypatch.setenv(name, second)
    assert client_module.environment_digest() != digest
    monkeypatch.setenv(name, first)
    assert client_module.environment_digest() == digest


def test_the_posix_and_the_portable_reading_of_the_environment_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    # The digest reads os.environ's bytes mapping on POSIX and the public one elsewhere.
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    monkeypatch.setenv("https_proxy", "http://127.0.0.1:3128")
    monkeypatch.setenv("AWS_NON_ASCII_\u00e9", "caf\u00e9")
    encoded = client_module._encoded_environment(os.environ._data)  # type: ignore[attr-defined]
    assert encoded == client_module._decoded_environment(os.environ)
    assert b"AWS_REGION=eu-west-3" in encoded and b"https_proxy=" in encoded
    assert b"PATH=" not in encoded


def test_an_unrelated_variable_keeps_the_client(monkeypatch: pytest.MonkeyPatch) -> None:
    first = core.get_client(settings(region="us-east-1"))
    monkeypatch.setenv("SOME_UNRELATED_VARIABLE", "1")
    assert core.get_client(settings(region="us-east-1")) is first


def test_endpoint_from_the_environment_is_honoured_after_a_change(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:10")
    given = core.ConnectionSettings(region="us-east-1", access_key="AKIDEXAMPLE", secret_key="x")
    assert core.get_client(given).meta.endpoint_url == "http://127.0.0.1:10"
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:11")
    assert core.get_client(given).meta.endpoint_url == "http://127.0.0.1:11"


def test_no_credential_in_a_cache_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret-value-77")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENVIRONMENT")
    core.get_client(core.ConnectionSettings(region="us-east-1", endpoint_url=ENDPOINT))
    core.get_client(settings(region="us-east-1", secret_key="settings-secret-value-88"))
    keys = repr(list(client_module._connections))
    assert len(client_module._connections) == 2
    assert "env-secret-value-77" not in keys and "settings-secret-value-88" not in keys


def test_the_cache_is_bounded_and_keeps_the_recently_used() -> None:
    size = client_module.CLIENT_CACHE_SIZE
    kept = settings(region="us-east-1", read_timeout=1.0)
    kept_client = core.get_client(kept)
    for index in range(size + 8):
        core.get_client(settings(region="us-east-1", read_timeout=2.0 + index))
        core.get_client(kept)  # used again: stays in
    assert len(client_module._connections) == size
    assert core.get_client(kept) is kept_client
    # The oldest of the others was dropped: asking again makes a new client.
    oldest = settings(region="us-east-1", read_timeout=2.0)
    assert (oldest, client_module.environment_digest()) not in client_module._connections


def test_concurrent_creation_stays_bounded_and_shares_clients() -> None:
    def lookup(index: int) -> int:
        return id(core.get_client(settings(region="us-east-1", read_timeout=1.0 + index % 40)))

    with ThreadPoolExecutor(16) as pool:
        ids = list(pool.map(lookup, range(40)))
        assert len(client_module._connections) == client_module.CLIENT_CACHE_SIZE
        # The most recent settings are cached: asked again from many threads, one client each.
        again = list(pool.map(lookup, [39] * 32))
    assert len(set(again)) == 1 and again[0] == ids[39]


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded, use of fork:DeprecationWarning")
def test_a_forked_child_starts_with_an_empty_cache() -> None:
    # An Ansible worker or a multiprocessing child must not share the parent's pooled connections.
    wanted = settings(region="us-east-1")
    parent_client = core.get_client(wanted)
    parent_lock = client_module._cache_lock
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report what it inherited, without building a client, then leave
        try:
            fresh_lock = client_module._cache_lock is not parent_lock
            os.write(write_end, f"{len(client_module._connections)} {fresh_lock}".encode())
        finally:
            os._exit(0)
    os.close(write_end)
    report = os.read(read_end, 100).decode()
    os.close(read_end)
    os.waitpid(pid, 0)
    assert report == "0 True"
    assert core.get_client(wanted) is parent_client  # the parent keeps its own
