"""``msglint serve``: the HTTP pre-send gate under uvicorn.

One worker (the default, and the recommended unit to replicate behind a load balancer): the
packs and jieba are loaded here, before uvicorn binds the port, so a broken pack is one line on
stderr and exit 2. With ``--workers N`` uvicorn spawns N fresh processes; each loads its own
(about 120 MB each) and the options reach them through the MSGLINT_* environment.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..http.engine_holder import (
    ENV_CONFIG,
    ENV_LANG,
    ENV_PACKS,
    ENV_SUPERVISOR,
    Auth,
    ReloadRefused,
    ServeOptions,
)
from ..run.config import ConfigError, load_config

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")  # no "trace": it dumps ASGI events


def add_parser(sub: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    p = sub.add_parser("serve", help="start the HTTP pre-send gate (uvicorn)")
    add_common(p)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--log-level", choices=LOG_LEVELS, default="info")
    p.add_argument(
        "--timeout-keep-alive",
        type=int,
        default=5,
        help="seconds an idle keep-alive connection stays open; behind a load balancer set it "
        "above the balancer's idle timeout",
    )
    p.add_argument(
        "--timeout-graceful-shutdown",
        type=int,
        default=30,
        help="seconds to let requests in flight finish after SIGTERM",
    )
    p.set_defaults(func=cmd_serve)


class LineFormatter(logging.Formatter):
    """The standard format, with the date and time text made once a second, not per line
    (one access line per request: strftime was a quarter of the line's cost)."""

    _second = -1
    _date = ""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        if datefmt is not None:
            return super().formatTime(record, datefmt)
        second = int(record.created)
        if second != self._second:
            self._date = time.strftime(self.default_time_format, self.converter(second))
            self._second = second
        return self.default_msec_format % (self._date, record.msecs)


def log_config(level: str) -> dict[str, Any]:
    """One line format for uvicorn's own messages and msglint's access and server logs."""
    handler = {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}
    upper = level.upper()
    line = "%(asctime)s %(levelname)s %(name)s %(message)s"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"()": f"{__name__}.LineFormatter", "format": line}},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": upper, "propagate": False},
            "uvicorn.error": {"level": upper},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "msglint": {"handlers": ["stderr"], "level": upper, "propagate": False},
        },
    }


def _export_options(args: argparse.Namespace) -> ServeOptions:
    """Put the options where every worker process can read them, and return them."""
    if args.config is not None:
        os.environ[ENV_CONFIG] = str(Path(args.config).resolve())
    if args.pack:
        os.environ[ENV_PACKS] = os.pathsep.join(str(Path(p).resolve()) for p in args.pack)
    if args.lang:
        os.environ[ENV_LANG] = args.lang
    return ServeOptions.from_env()


@contextmanager
def _shared_metrics_dir(workers: int) -> Iterator[None]:
    """Several workers write their metrics to one folder so /metrics adds them all up."""
    if workers <= 1 or os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="msglint-metrics-") as folder:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
        try:
            yield
        finally:
            del os.environ["PROMETHEUS_MULTIPROC_DIR"]


class CannotListen(Exception):
    """The address cannot be bound (in use, not this machine's, not allowed)."""


def _where(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def check_listen(host: str, port: int) -> bool:
    """Bind ``host:port`` as uvicorn will (SO_REUSEADDR, TCP) and let it go again; True when
    the address is loopback only. Raises CannotListen with the reason, in lower case."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
            bound = sock.getsockname()[0]
    except (OSError, OverflowError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CannotListen(f"cannot listen on {_where(host, port)}: {reason.lower()}") from None
    return ipaddress.ip_address(bound.split("%", 1)[0]).is_loopback


def _open_warning(host: str, port: int) -> str:
    return (
        f"msglint: warning: listening on {_where(host, port)} with no tokens: anyone who can "
        "reach it can call every endpoint, admin reload included; set [server] tokens and "
        "admin-tokens (or MSGLINT_API_TOKENS and MSGLINT_ADMIN_TOKENS)"
    )


def cmd_serve(args: argparse.Namespace) -> int:
    # Start-up cost only (no import circle): FastAPI and uvicorn take ~0.25 s to load, which
    # every other command (check, fix, rules) would pay if they loaded with this module.
    import uvicorn

    from ..http.app import create_app

    if args.workers < 1:
        print("msglint: error: --workers must be at least 1", file=sys.stderr)
        return 2
    # Before the packs load (seconds), so a port in use is one line at once, not uvicorn's
    # start-up log and exit 3 after the load.
    try:
        loopback = check_listen(args.host, args.port)
    except CannotListen as exc:
        print(f"msglint: error: {exc}", file=sys.stderr)
        return 2
    options = _export_options(args)
    common: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_config": log_config(args.log_level),
        "log_level": args.log_level,
        "access_log": False,  # GateMiddleware writes the one access line
        "server_header": False,
        "timeout_keep_alive": args.timeout_keep_alive,
        "timeout_graceful_shutdown": args.timeout_graceful_shutdown,
    }
    if args.workers == 1:
        app = create_app(options)
        try:
            auth = app.state.holder.reload().auth
            loopback = check_listen(args.host, args.port)  # taken while the packs loaded?
        except (ReloadRefused, CannotListen) as exc:
            print(f"msglint: error: {exc}", file=sys.stderr)
            return 2
        if not loopback and not auth.enabled:
            print(_open_warning(args.host, args.port), file=sys.stderr)
        uvicorn.run(app, **common)
        return 0
    try:  # each worker reads the config itself; here only to know whether tokens are set
        auth = Auth.from_config(load_config(options.config_path, options.cwd).server)
    except ConfigError as exc:
        print(f"msglint: error: {exc}", file=sys.stderr)
        return 2
    if not loopback and not auth.enabled:
        print(_open_warning(args.host, args.port), file=sys.stderr)
    # POST /v1/admin/reload in one worker hands the reload to this process (see ServeOptions)
    os.environ[ENV_SUPERVISOR] = str(os.getpid())
    with _shared_metrics_dir(args.workers):
        uvicorn.run(
            "linter.http.app:create_app",
            factory=True,
            workers=args.workers,
            # SIGHUP to the parent replaces workers one by one, each only once its
            # replacement has loaded the packs (a broken pack aborts the restart). Loading
            # takes a few seconds on a busy host: uvicorn's default 5 s wait is too short.
            timeout_worker_healthcheck=60,
            **common,
        )
    return 0
