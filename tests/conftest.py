"""Shared fixtures: one engine over the shipped packs for the whole session (jieba loads once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.core.engine import Engine
from linter.packs.loader import build_engine

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def engine() -> Engine:
    return build_engine()


@pytest.fixture(scope="session")
def benign_messages() -> list[str]:
    path = SHARED_DATA / "benign" / "bank_notifications.txt"
    if not path.is_file():
        pytest.skip(f"benign corpus not present at {path} (it lives in shared/, outside the repo)")
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def postgres():  # type: ignore[no-untyped-def]
    """A real PostgreSQL server for the session (tests/postgres_server.py), or a skip saying why."""
    from postgres_server import start_postgres, unavailable_reason

    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    server = start_postgres()
    yield server
    server.stop()
