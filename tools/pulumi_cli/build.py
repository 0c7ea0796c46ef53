#!/usr/bin/env python3
"""Build the Pulumi CLI pinned in tools/pulumi_cli/go.mod, once, into a cache folder.

    python3 tools/pulumi_cli/build.py [--force]

The last line on stdout is the bin folder, which holds:

- ``pulumi``: pulumi's CLI (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) at the pinned
  release, its version stamped as pulumi's release build does;
- ``pulumi-language-python``: this project's thin language host (see its main.go for
  why it is not pulumi's own, and what it does the same way);
- ``pulumi-language-python-exec`` and ``pulumi-resource-pulumi-python``: pulumi's own
  scripts from the sdk module of the same release (python/cmd, python/dist).

The folder is ``${XDG_CACHE_HOME:-~/.cache}/ephemeral-lambda-invocation/pulumi-vX.Y.Z/bin``.
It is reused when complete and built from the same inputs (go.mod, go.sum, the Go
sources); otherwise it is built anew. Only the Go module proxy is needed (GOPROXY as
set; GOTOOLCHAIN=local, so the installed Go is used). Progress and timings go to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

MODULE_DIR = Path(__file__).resolve().parent
PKG_MODULE = "github.com/pulumi/pulumi/pkg/v3"
SDK_MODULE = "github.com/pulumi/pulumi/sdk/v3"
VERSION_VARIABLE = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"
LANGUAGE_HOST_PACKAGE = "./pulumi-language-python"
# pulumi's own release builds use these tags: pure-Go user lookup, no gRPC tracing.
BUILD_TAGS = "osusergo,grpcnotrace"
# Programs built from Go, and scripts copied from the sdk module (path inside it).
GO_PROGRAMS = ("pulumi", "pulumi-language-python")
SDK_SCRIPTS = {
    "pulumi-language-python-exec": Path("python/cmd/pulumi-language-python-exec"),
    "pulumi-resource-pulumi-python": Path("python/dist/pulumi-resource-pulumi-python"),
}
STAMP_NAME = ".build-stamp.json"
# Shown when go fails to reach the proxy; the words go prints in that case.
_NETWORK_SIGNS = (
    "dial tcp",
    "no such host",
    "i/o timeout",
    "connection refused",
    "TLS handshake",
    "proxyconnect",
    "network is unreachable",
    "403 Forbidden",
    "404 Not Found",
    "410 Gone",
)


class BuildError(Exception):
    """A failure with a message meant for the person running the build."""


def pinned_version(go_mod: Path = MODULE_DIR / "go.mod") -> str:
    """Return the pulumi release that go.mod requires (pkg/v3 and sdk/v3 must agree)."""
    text = go_mod.read_text(encoding="utf-8")
    versions = {}
    for module in (PKG_MODULE, SDK_MODULE):
        match = re.search(rf"^\s*{re.escape(module)}\s+(v\d+\.\d+\.\d+)\b", text, re.MULTILINE)
        if match is None:
            raise BuildError(f"{go_mod} requires no tagged version of {module}")
        versions[module] = match.group(1)
    if len(set(versions.values())) != 1:
        raise BuildError(f"{go_mod} requires pulumi modules at different releases: {versions}")
    return versions[PKG_MODULE]


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ephemeral-lambda-invocation"


def inputs_digest() -> str:
    """Digest of everything that decides what the build produces."""
    digest = hashlib.sha256()
    paths = [MODULE_DIR / "go.mod", MODULE_DIR / "go.sum", *sorted(MODULE_DIR.rglob("*.go"))]
    for path in paths:
        digest.update(str(path.relative_to(MODULE_DIR)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def is_complete(bin_dir: Path, version: str, digest: str) -> bool:
    """True when every file is there and executable and the stamp matches the inputs."""
    stamp_path = bin_dir / STAMP_NAME
    try:
        stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(stamp, dict) or stamp.get("version") != version or stamp.get("inputs") != digest:
        return False
    names = (*GO_PROGRAMS, *SDK_SCRIPTS)
    return all(os.access(bin_dir / name, os.X_OK) for name in names)


def go_environment() -> dict[str, str]:
    env = dict(os.environ)
    # The installed Go builds it; never let go.mod's go line fetch a toolchain.
    env["GOTOOLCHAIN"] = "local"
    return env


def find_go() -> str:
    go = shutil.which("go")
    if go is None:
        raise BuildError(
            "Go is not installed (no `go` on PATH). Building the Pulumi CLI needs Go >= the "
            f"version in {MODULE_DIR / 'go.mod'} (its `go` line), with the Go module proxy "
            "reachable."
        )
    return go


def run_go(go: str, args: list[str], env: Mapping[str, str], what: str) -> str:
    """Run go in the wrapper module; turn a failure into a BuildError that says why."""
    completed = subprocess.run(
        [go, *args],
        cwd=MODULE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode == 0:
        return completed.stdout
    # go's own messages name modules, versions and URLs only: safe to show.
    tail = "\n".join(completed.stderr.strip().splitlines()[-15:])
    if any(sign in completed.stderr for sign in _NETWORK_SIGNS):
        proxy = env.get("GOPROXY") or "(go's default)"
        raise BuildError(
            f"{what} failed: the Go module proxy did not serve the modules "
            f"(GOPROXY={proxy}); is it reachable from here?\n{tail}"
        )
    raise BuildError(f"{what} failed (go {' '.join(args[:2])} exited {completed.returncode}):\n{tail}")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Serialise builds of one version (pytest workers, a demo and a test run at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def log(message: str) -> None:
    print(f"build.py: {message}", file=sys.stderr, flush=True)


def build(version: str, digest: str, bin_dir: Path) -> None:
    go = find_go()
    env = go_environment()
    staging = Path(tempfile.mkdtemp(prefix="bin.", dir=bin_dir.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the cache is for every user of the checkout
    try:
        started = time.monotonic()
        # Download first, apart from compiling, so that a proxy failure is named as
        # such and the two phases are timed apart.
        run_go(go, ["mod", "download"], env, "Downloading the Go modules")
        downloaded = time.monotonic()
        log(f"modules downloaded in {downloaded - started:.1f}s")

        # As pulumi's release build stamps it: the Automation API refuses an unversioned CLI.
        ldflags = f"-X {VERSION_VARIABLE}={version}"
        # -mod=readonly: exactly the go.mod/go.sum in the repository, never rewritten.
        run_go(
            go,
            [
                "build",
                "-mod=readonly",
                "-trimpath",
                "-tags",
                BUILD_TAGS,
                "-ldflags",
                ldflags,
                "-o",
                str(staging) + os.sep,
                f"{PKG_MODULE}/cmd/pulumi",
                LANGUAGE_HOST_PACKAGE,
            ],
            env,
            f"Compiling pulumi {version}",
        )
        compiled = time.monotonic()
        log(f"compiled in {compiled - downloaded:.1f}s")

        sdk_dir = Path(
            run_go(
                go,
                ["list", "-mod=readonly", "-m", "-f", "{{.Dir}}", SDK_MODULE],
                env,
                "Locating the sdk module",
            ).strip()
        )
        for name, relative in SDK_SCRIPTS.items():
            source = sdk_dir / relative
            if not source.is_file():
                raise BuildError(f"{SDK_MODULE} {version} has no {relative}")
            target = staging / name
            # The module cache is read-only: copy the bytes, then set the exec bits
            # (the zip the proxy serves keeps none).
            target.write_bytes(source.read_bytes())
            target.chmod(0o755)

        reported = subprocess.run(
            [str(staging / "pulumi"), "version"],
            env={**env, "PULUMI_SKIP_UPDATE_CHECK": "true", "PULUMI_HOME": str(staging / ".pulumi-home")},
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        shutil.rmtree(staging / ".pulumi-home", ignore_errors=True)
        if reported != version:
            raise BuildError(f"the built CLI reports version {reported!r}, expected {version}")

        (staging / STAMP_NAME).write_text(
            json.dumps(
                {
                    "version": version,
                    "inputs": digest,
                    "download_seconds": round(downloaded - started, 1),
                    "compile_seconds": round(compiled - downloaded, 1),
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
        # Swap the complete folder in; a reader never sees a half-built one.
        if bin_dir.exists():
            shutil.rmtree(bin_dir)
        staging.rename(bin_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def ensure_cli(force: bool = False) -> Path:
    """Return the bin folder of the pinned CLI, building it when needed."""
    version = pinned_version()
    digest = inputs_digest()
    version_dir = cache_root() / f"pulumi-{version}"
    bin_dir = version_dir / "bin"
    if not force and is_complete(bin_dir, version, digest):
        return bin_dir
    with locked(version_dir / ".lock"):
        # Another process may have finished the build while this one waited.
        if force or not is_complete(bin_dir, version, digest):
            for stale in version_dir.glob("bin.*"):
                # Left by a build that was killed; nobody else builds while we hold the lock.
                shutil.rmtree(stale, ignore_errors=True)
            log(f"building pulumi {version} into {bin_dir}")
            build(version, digest, bin_dir)
    return bin_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--force", action="store_true", help="rebuild even when the cache is complete")
    args = parser.parse_args(argv)
    try:
        bin_dir = ensure_cli(force=args.force)
    except BuildError as error:
        print(f"build.py: error: {error}", file=sys.stderr)
        return 1
    print(bin_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
