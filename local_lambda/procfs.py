"""The process table, read from /proc: which processes live, their parents, groups and start
times. The launcher uses it to prove that a stopped endpoint left no process behind; tests
use it to watch runtimes come and go. Linux only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ProcessInfo:
    """One /proc/<pid>/stat entry. `start` (clock ticks after boot) tells a process apart
    from a later one that got the same pid: pids wrap quickly (pid_max is often 32768)."""

    pid: int
    state: str
    ppid: int
    pgid: int
    start: int

    @property
    def alive(self) -> bool:
        return self.state not in ("Z", "X")


def process_info(pid: int) -> ProcessInfo | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            data = handle.read().decode("utf-8", "replace")
    except OSError:
        return None
    fields = data[data.rindex(")") + 2 :].split()  # the command name may contain spaces
    return ProcessInfo(pid, fields[0], int(fields[1]), int(fields[2]), int(fields[19]))


def process_start(pid: int) -> int | None:
    """Start time of a living process, to pass to process_alive later; None if it is gone."""
    info = process_info(pid)
    return info.start if info is not None and info.alive else None


def process_alive(pid: int, start: int | None = None) -> bool:
    """True if `pid` exists, is not a zombie and (if given) started at `start`."""
    info = process_info(pid)
    return info is not None and info.alive and (start is None or info.start == start)


def process_table() -> dict[int, ProcessInfo]:
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            info = process_info(int(entry))
            if info is not None:
                table[info.pid] = info
    return table


def now_ticks() -> int:
    """Now, in the clock ticks after boot that ProcessInfo.start counts."""
    with open("/proc/uptime") as handle:
        return int(float(handle.read().split()[0]) * os.sysconf("SC_CLK_TCK")) + 1


def descendants(pid: int) -> dict[int, int]:
    """Living processes below `pid` in the process tree: pid -> start."""
    table = process_table()
    children: dict[int, list[int]] = {}
    for info in table.values():
        children.setdefault(info.ppid, []).append(info.pid)
    found: dict[int, int] = {}
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found and table[child].alive:
                found[child] = table[child].start
                todo.append(child)
    return found


def in_process_groups(groups: Mapping[int, int], until: int | None = None) -> set[int]:
    """Living members of the process groups `groups` (pgid -> the leader's start).

    Runtimes lead their own group; a member counts if it started after its leader (and
    before `until`), so a new group that reuses an old pid is not mistaken for ours.
    """
    return {
        info.pid
        for info in process_table().values()
        if info.alive
        and info.pgid in groups
        and info.start >= groups[info.pgid]
        and (until is None or info.start <= until)
    }
