"""The ephemeral.aws Galaxy tarball, built with the project venv's ansible-galaxy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

COLLECTION = Path(__file__).resolve().parents[2] / "ansible_collections/ephemeral/aws"


def build_galaxy_tarball(out: Path) -> Path:
    """`ansible-galaxy collection build` into `out`; the tarball's path."""
    subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible-galaxy"),
            "collection",
            "build",
            str(COLLECTION),
            "--output-path",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (tarball,) = out.glob("ephemeral-aws-*.tar.gz")
    return tarball
