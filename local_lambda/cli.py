"""Command line: `python -m local_lambda --config FILE [options]`.

The first line on stdout is the endpoint URL (useful with --port 0); --ready-file PATH is
written (atomically, containing the URL) once the endpoint accepts calls. SIGTERM, SIGINT
and SIGHUP (any number of them, at any moment) stop it and kill every runtime process group.
--exit-with-pid PID stops it the same way once process PID has exited (lifetime.py), so an
endpoint started by a script that is killed with SIGKILL does not serve on for good.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from .config import DEFAULT_TIMEOUT, Config, ConfigError, load_config, parse_function_shortcut
from .lifetime import ProcessWatch
from .preflight import PreflightError, check_runtime
from .runtime import RuntimeSettings
from .server import Endpoint

# Variables a runtime process inherits from ours; everything else is Lambda's or the function's.
_INHERITED_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "SYSTEMROOT")
# The signals that stop the endpoint (handled while it runs, ignored once it has stopped).
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
# Set by --background for the detached endpoint: its parent has run the start-up check.
_CHECKED_ENV = "_LOCAL_LAMBDA_CHECKED"


def runtime_base_env() -> dict[str, str]:
    """The variables a runtime process inherits from ours."""
    return {key: os.environ[key] for key in _INHERITED_ENV if key in os.environ}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m local_lambda",
        description="Local AWS Lambda Invoke API running real Python handlers with awslambdaric. "
        "For local development and tests only: request signatures are not verified.",
    )
    parser.add_argument("--config", "-c", type=Path, help="function configuration (.json, or .toml on 3.11+)")
    parser.add_argument(
        "--function",
        "-f",
        action="append",
        default=[],
        metavar="NAME=DIR:MODULE.HANDLER",
        help="serve one function without a config file (repeatable)",
    )
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, help="timeout in seconds for --function functions"
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", "-p", type=int, default=0, help="port (default 0: any free port)")
    parser.add_argument("--ready-file", type=Path, help="write the URL to this file once ready")
    parser.add_argument(
        "--background",
        action="store_true",
        help="start in the background, wait until ready, print the URL and exit (stop it with kill PID)",
    )
    parser.add_argument("--pid-file", type=Path, help="with --background: write the endpoint's pid here")
    parser.add_argument(
        "--exit-with-pid",
        type=int,
        metavar="PID",
        help="stop (runtimes included) once process PID has exited, however it ended; "
        "e.g. --background --exit-with-pid $$ in a script",
    )
    parser.add_argument("--log-file", type=Path, help="with --background: the endpoint's stdout and stderr")
    parser.add_argument(
        "--max-concurrency",
        type=int,
        default=32,
        help="concurrent invocations over all functions without reserved concurrency (default 32)",
    )
    parser.add_argument(
        "--python", default=sys.executable, help="interpreter for runtimes (needs awslambdaric)"
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="copy function logs to stderr")
    parser.add_argument(
        "--check",
        action="store_true",
        help="validate the configuration, run the start-up check (awslambdaric, every handler), exit",
    )
    return parser


def load(args: argparse.Namespace) -> Config:
    config = load_config(args.config) if args.config else Config({})
    extra = {}
    for text in args.function:
        spec = parse_function_shortcut(text, Path.cwd(), args.timeout)
        extra[spec.name] = spec
    config = config.merged(extra)
    if not config.functions:
        raise ConfigError("no functions: give --config FILE and/or --function NAME=DIR:MODULE.HANDLER")
    return config


def _loopback(host: str) -> str:
    if host == "localhost":
        return "127.0.0.1"
    try:
        if ipaddress.ip_address(host).is_loopback:
            return host
    except ValueError:
        pass
    raise ConfigError(f"--host {host}: only loopback addresses are allowed (this endpoint has no auth)")


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def run_foreground(args: argparse.Namespace, config: Config) -> int:
    host = _loopback(args.host)
    owner = None
    if args.exit_with_pid is not None:
        try:
            owner = ProcessWatch(args.exit_with_pid)
        except ProcessLookupError:
            # Checked by main() already; it can only have exited since (the launcher of
            # --background waits for us): its endpoint has nobody left to serve.
            print(
                f"local_lambda: --exit-with-pid {args.exit_with_pid}: the process has exited", file=sys.stderr
            )
            return 1
    # The write end stays open in this process only; runtimes kill themselves at its EOF.
    lifeline_read, lifeline_write = os.pipe()
    out_lock = threading.Lock()

    def log_sink(function: str, chunk: bytes) -> None:
        with out_lock:
            sys.stderr.buffer.write(chunk)
            sys.stderr.buffer.flush()

    settings = RuntimeSettings(
        python=args.python,
        region=config.region,
        lifeline_fd=lifeline_read,
        log_sink=log_sink if args.verbose else None,
        base_env=runtime_base_env(),
    )
    endpoint = Endpoint(config, settings, host=host, port=args.port, max_concurrency=args.max_concurrency)
    # A signal handler must take no lock and make no blocking call: a second signal can
    # arrive while the first handler runs. The C-level handler writes the signal number to
    # this non-blocking pipe (signal.set_wakeup_fd) and the main thread waits on it; the
    # Python handler does nothing.
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write, warn_on_full_buffer=False)

    def on_signal(signum: int, frame: FrameType | None) -> None:
        pass

    for sig in _STOP_SIGNALS:
        signal.signal(sig, on_signal)
    if owner is not None:
        threading.Thread(
            target=_stop_when_gone, args=(owner, wake_write), name="exit-with-pid", daemon=True
        ).start()
    endpoint.start()
    print(endpoint.url, flush=True)
    if args.ready_file:
        _write_atomically(args.ready_file, endpoint.url + "\n")
    print(
        f"local_lambda: serving {', '.join(sorted(config.functions))} at {endpoint.url} (pid {os.getpid()})",
        file=sys.stderr,
        flush=True,
    )
    try:
        while not os.read(wake_read, 64):
            pass
    finally:
        leftovers = endpoint.close()
        os.close(lifeline_write)
        os.close(lifeline_read)
        if args.ready_file:
            args.ready_file.unlink(missing_ok=True)
        # Interpreter shutdown resets Python handlers to the default action, so a late signal
        # would turn this exit status into "killed"; the work is done, ignore the rest.
        for sig in _STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
    if leftovers:
        print(f"local_lambda: runtime processes did not exit: {leftovers}", file=sys.stderr)
        return 1
    return 0


def _stop_when_gone(owner: ProcessWatch, wake_write: int) -> None:
    """Wake the main thread, as a stop signal would, once `owner` has exited."""
    owner.wait()
    print(
        f"local_lambda: process {owner.pid} (--exit-with-pid) has exited; stopping",
        file=sys.stderr,
        flush=True,
    )
    # A full pipe holds signal numbers already: the main thread is waking up anyway.
    with contextlib.suppress(BlockingIOError):
        os.write(wake_write, b"\0")


def run_background(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Re-run ourselves detached, wait for the ready file, print the URL."""
    ready = args.ready_file or Path(f"/tmp/local_lambda.{os.getpid()}.{time.monotonic_ns()}.ready")
    child_args = [a for a in argv if a != "--background"]
    if not args.ready_file:
        child_args += ["--ready-file", str(ready)]
    ready.unlink(missing_ok=True)
    env = dict(os.environ)
    env[_CHECKED_ENV] = "1"
    package_root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    log_fd = (
        os.open(args.log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        if args.log_file
        else subprocess.DEVNULL
    )
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "local_lambda", *child_args],
            stdin=subprocess.DEVNULL,
            stdout=log_fd,
            stderr=log_fd,
            env=env,
            # Survives the shell that started it (and its Ctrl-C), unless --exit-with-pid names it.
            start_new_session=True,
        )
    finally:
        if args.log_file:
            os.close(log_fd)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if ready.exists():
            url = ready.read_text().strip()
            if args.pid_file:
                _write_atomically(args.pid_file, f"{child.pid}\n")
            print(url, flush=True)
            return 0
        if child.poll() is not None:
            print(
                f"local_lambda: endpoint exited with status {child.returncode} before it was ready",
                file=sys.stderr,
            )
            return 1
        time.sleep(0.02)
    child.kill()
    print("local_lambda: endpoint not ready after 30 s", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = load(args)
        _loopback(args.host)
    except ConfigError as exc:
        print(f"local_lambda: {exc}", file=sys.stderr)
        return 2
    if os.environ.pop(_CHECKED_ENV, None) != "1":
        try:
            check_runtime(config, args.python, runtime_base_env())
        except PreflightError as exc:
            for line in str(exc).splitlines():
                print(f"local_lambda: {line}", file=sys.stderr)
            return 2
    if args.exit_with_pid is not None:
        try:
            ProcessWatch(args.exit_with_pid).close()
        except ProcessLookupError as exc:
            print(f"local_lambda: --exit-with-pid: {exc}", file=sys.stderr)
            return 2
    if args.check:
        print(f"ok: {len(config.functions)} function(s): {', '.join(sorted(config.functions))}")
        return 0
    if args.background:
        return run_background(args, argv)
    return run_foreground(args, config)
