"""Constants of the Pulumi tests (a module of its own: `conftest` is not safely importable
when several test directories have one)."""

from __future__ import annotations

PLANTED_ACCESS_KEY = "AKIAPLANTEDKEY000001"
PLANTED_SECRET_KEY = "planted-secret-key-8c1d2e3f-DO-NOT-LEAK"
PLANTED_SESSION_TOKEN = "planted-session-token-5a6b7c8d-DO-NOT-LEAK"
PLANTED = (PLANTED_ACCESS_KEY, PLANTED_SECRET_KEY, PLANTED_SESSION_TOKEN)
REGION = "us-east-1"
