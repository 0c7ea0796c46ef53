"""The engine-like test engine, for the tests of tests/pulumi and tests/floors.

It lives with the example that runs under it (examples/pulumi/pulumi_test_engine.py, which
examples/pulumi/run_under_test_engine.py imports by its bare name, and examples never
import from tests/), so it is imported here, once, from that folder: the tests import it
from this module, and mypy checks it once, as the example's ``pulumi_test_engine``.
"""

from __future__ import annotations

import sys
from pathlib import Path

_EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "pulumi")
if _EXAMPLE not in sys.path:
    sys.path.append(_EXAMPLE)

from pulumi_test_engine import PROVIDER_KEY, CheckFailedError, EngineSide, TestEngine  # noqa: E402

__all__ = ["PROVIDER_KEY", "CheckFailedError", "EngineSide", "TestEngine"]
