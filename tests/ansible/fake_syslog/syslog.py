"""Stand-in for the stdlib ``syslog`` module, first on PYTHONPATH in the integration tests.

Ansible modules log their invocation to syslog (no journal here); this records every
message in the file named by FAKE_SYSLOG_FILE so that a test can read what a module on the
target would have logged.
"""

from __future__ import annotations

import os
from typing import Any

LOG_EMERG, LOG_ALERT, LOG_CRIT, LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG = range(8)
LOG_PID, LOG_CONS, LOG_NDELAY, LOG_NOWAIT, LOG_PERROR = 1, 2, 8, 16, 32
LOG_KERN, LOG_USER, LOG_MAIL, LOG_DAEMON, LOG_AUTH = 0, 8, 16, 24, 32
LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3 = 128, 136, 144, 152
LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7 = 160, 168, 176, 184


def __getattr__(name: str) -> int:  # any other LOG_* constant
    if name.startswith("LOG_"):
        return 0
    raise AttributeError(name)


def openlog(*args: Any, **kwargs: Any) -> None:
    pass


def closelog() -> None:
    pass


def setlogmask(mask: int) -> int:
    return 0


def syslog(*args: Any) -> None:
    path = os.environ.get("FAKE_SYSLOG_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"{args[-1]}\n")
