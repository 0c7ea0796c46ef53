"""The project's one version: pyproject.toml reads it (hatch), the user agent is built from
it, and tests/test_distribution.py checks that galaxy.yml and the collection's changelog
carry the same (Galaxy needs a literal version in galaxy.yml)."""

__version__ = "0.2.0"
