"""Capture every log record of the process, for tests that look for leaks (fixture: debug_logs
in tests/conftest.py)."""

from __future__ import annotations

import logging


class CapturedLogs(logging.Handler):
    """Every log record as "<logger> <LEVEL> <message>", for tests that look for leaks."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(f"{record.name} {record.levelname} {record.getMessage()}")
