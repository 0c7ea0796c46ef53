"""Constants of the Pulumi tests (a module of its own: `conftest` is not safely importable
when several test directories have one)."""

from __future__ import annotations

PLANTED_ACCESS_KEY = "AKIAPLANTEDKEY000001"
PLANTED_SECRET_KEY = "planted-secret-key-8c1d2e3f-DO-NOT-LEAK"
PLANTED_SESSION_TOKEN = "planted-session-token-5a6b7c8d-DO-NOT-LEAK"
# Static credentials given as the stack's secret configuration (aws:accessKey ...).
STACK_ACCESS_KEY = "AKIASTACKCONFIG00001"
STACK_SECRET_KEY = "stack-secret-key-4e5f6a7b-DO-NOT-LEAK"
STACK_SESSION_TOKEN = "stack-session-token-9c0d1e2f-DO-NOT-LEAK"
PLANTED = (
    PLANTED_ACCESS_KEY,
    PLANTED_SECRET_KEY,
    PLANTED_SESSION_TOKEN,
    STACK_ACCESS_KEY,
    STACK_SECRET_KEY,
    STACK_SESSION_TOKEN,
)
REGION = "us-east-1"
