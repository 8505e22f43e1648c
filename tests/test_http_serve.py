"""``msglint serve`` itself, run through the venv's own command: how it refuses to start, and
what it warns about when it does."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from http_server import Server, start_server

MSGLINT = Path(sys.executable).parent / "msglint"


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSGLINT_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return env


@pytest.fixture()
def taken_port() -> Iterator[int]:
    """A port another program listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield int(other.getsockname()[1])


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path, taken_port: int, workers: str):
    r = subprocess.run(
        [MSGLINT, "serve", "--host", "127.0.0.1", "--port", str(taken_port), "--workers", workers],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(),
        timeout=300,
    )
    assert r.returncode == 2, r.stderr
    assert r.stderr.splitlines() == [
        f"msglint: error: cannot listen on 127.0.0.1:{taken_port}: address already in use"
    ]


def _warnings(server: Server) -> list[str]:
    server.stop()
    return [line for line in server.log_text().splitlines() if line.startswith("msglint: warn")]


def test_an_open_address_with_no_tokens_is_warned_about(tmp_path: Path):
    server = start_server(tmp_path, ["--host", "0.0.0.0"], command=[str(MSGLINT)])
    try:
        (warning,) = _warnings(server)
    finally:
        server.stop()
    assert warning.startswith("msglint: warning: listening on 0.0.0.0:")
    assert "no tokens" in warning and "anyone" in warning and "admin" in warning


@pytest.mark.parametrize(
    ("host", "env"),
    [("0.0.0.0", {"MSGLINT_API_TOKENS": "api-token-0123456789abcdef"}), ("127.0.0.1", {})],
)
def test_no_warning_with_tokens_or_on_loopback(tmp_path: Path, host: str, env: dict[str, str]):
    server = start_server(tmp_path, ["--host", host], env=env, command=[str(MSGLINT)])
    try:
        assert _warnings(server) == []
    finally:
        server.stop()
