"""Tie the endpoint's life to another process (`--exit-with-pid PID`).

A script that starts the endpoint with --background stops it in an EXIT trap, but a script
killed with SIGKILL runs no trap, and the detached endpoint (its own session) would serve
for good. With --exit-with-pid the endpoint watches that process, whichever it is (not
necessarily its parent: a script's `$(...)` runs the launcher in a subshell that is gone
at once), and stops itself, runtimes included, when the process has exited.

Linux gives a handle on a process that cannot be mistaken for a later process with the
same pid (pidfd_open, 5.3+); elsewhere, or where a sandbox refuses the call, the process is
polled, and on Linux its start time in /proc tells it apart from a successor.
"""

from __future__ import annotations

import contextlib
import os
import select
import time

from .procfs import process_start

# Polling fallback: a leftover endpoint lives at most this long after its owner.
_POLL_SECONDS = 0.25
# Start times in /proc tell a process from a later one with its pid (Linux only).
_PROCFS = os.path.isdir("/proc/self")


class ProcessWatch:
    """A handle on a living process; `wait()` returns once it has exited."""

    def __init__(self, pid: int) -> None:
        """Raises ProcessLookupError if `pid` is not a living process."""
        if pid <= 0:
            raise ProcessLookupError(f"{pid} is not a process id")
        self.pid = pid
        self._pidfd: int | None = None
        self._start: int | None = None
        pidfd_open = getattr(os, "pidfd_open", None)
        if pidfd_open is not None:
            try:
                self._pidfd = pidfd_open(pid)
            except ProcessLookupError:
                raise ProcessLookupError(f"no process {pid}") from None
            except OSError:
                self._pidfd = None  # ENOSYS, or refused by seccomp: poll instead
        if self._pidfd is None and _PROCFS:
            self._start = process_start(pid)
            if self._start is None:
                raise ProcessLookupError(f"no process {pid}")
        if not self.alive():
            self.close()
            raise ProcessLookupError(f"no process {pid}")

    def alive(self) -> bool:
        if self._pidfd is not None:
            # Readable once the process has exited (zombie or reaped alike).
            return not select.select([self._pidfd], [], [], 0)[0]
        if self._start is not None:
            return process_start(self.pid) == self._start
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True  # exists, owned by someone else
        return True

    def wait(self) -> None:
        """Block until the process has exited."""
        if self._pidfd is not None:
            select.select([self._pidfd], [], [])
            return
        while self.alive():
            time.sleep(_POLL_SECONDS)

    def close(self) -> None:
        if self._pidfd is not None:
            with contextlib.suppress(OSError):
                os.close(self._pidfd)
            self._pidfd = None
