"""A real PostgreSQL server for the tests: initdb into a temporary folder, start it on a free
port of 127.0.0.1, hand out fresh databases, stop and remove it at the end.

Debian's ``postgresql`` package provides the binaries (``.ci/run`` installs it). PostgreSQL
refuses to run as root, so as root the server runs as the ``postgres`` user (``runuser``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from http_server import free_port


def postgres_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` holding initdb and pg_ctl."""
    found = [
        Path(p).parent
        for p in glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")
        if Path(p).with_name("initdb").exists()
    ]
    return max(found, key=lambda p: int(p.parent.name), default=None)


def _runuser() -> str | None:
    """util-linux's runuser: on PATH, or in the sbin folders a root PATH may leave out."""
    return shutil.which("runuser") or next(
        (p for p in ("/usr/sbin/runuser", "/sbin/runuser") if os.access(p, os.X_OK)), None
    )


def _as_user() -> list[str]:
    """The prefix that runs a command as a user PostgreSQL accepts."""
    if os.geteuid() != 0:
        return []
    return [_runuser() or "runuser", "-u", "postgres", "--"]


def unavailable_reason() -> str | None:
    if postgres_bin() is None:
        return "PostgreSQL binaries not installed (apt-get install postgresql; .ci/run does)"
    if os.geteuid() == 0:
        if _runuser() is None:
            return "running as root without runuser: PostgreSQL refuses to run as root"
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run the server as"
    return None


@dataclass
class PostgresServer:
    bin: Path
    root: Path
    port: int

    def run(self, *command: str) -> None:
        subprocess.run(
            [*_as_user(), *command], check=True, capture_output=True, cwd="/", timeout=120
        )

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self, name: str) -> str:
        self.run(
            str(self.bin / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            name,
        )
        return self.url(name)

    def stop(self) -> None:
        try:
            self.run(
                str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-m", "fast", "-w", "stop"
            )
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_postgres() -> PostgresServer:
    pg_bin = postgres_bin()
    assert pg_bin is not None
    # not under pytest's tmp_path: that is private to root, and the server runs as postgres
    root = Path(tempfile.mkdtemp(prefix="msglint-pg-"))
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(root, entry.pw_uid, entry.pw_gid)
    root.chmod(0o700)
    server = PostgresServer(bin=pg_bin, root=root, port=free_port())
    data, log = root / "data", root / "server.log"
    try:
        server.run(
            str(pg_bin / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
        )
        options = f"-p {server.port} -h 127.0.0.1 -k {root} -c fsync=off"
        server.run(
            str(pg_bin / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "start",
        )
    except subprocess.CalledProcessError as exc:
        text = log.read_text(errors="replace") if log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(
            f"PostgreSQL did not start: {exc.stderr.decode(errors='replace')}\n{text}"
        ) from None
    return server
