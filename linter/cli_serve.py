"""``msglint serve``: the HTTP pre-send gate under uvicorn.

One worker (the default, and the recommended unit to replicate behind a load balancer): the
packs and jieba are loaded here, before uvicorn binds the port, so a broken pack is one line on
stderr and exit 2. With ``--workers N`` uvicorn spawns N fresh processes; each loads its own
(about 120 MB each) and the options reach them through the MSGLINT_* environment.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .engine_holder import (
    ENV_CONFIG,
    ENV_LANG,
    ENV_PACKS,
    ENV_SUPERVISOR,
    ReloadRefused,
    ServeOptions,
)

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


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .http_app import create_app

    if args.workers < 1:
        print("msglint: error: --workers must be at least 1", file=sys.stderr)
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
            app.state.holder.reload()
        except ReloadRefused as exc:
            print(f"msglint: error: {exc}", file=sys.stderr)
            return 2
        uvicorn.run(app, **common)
        return 0
    # POST /v1/admin/reload in one worker hands the reload to this process (see ServeOptions)
    os.environ[ENV_SUPERVISOR] = str(os.getpid())
    with _shared_metrics_dir(args.workers):
        uvicorn.run(
            "linter.http_app:create_app",
            factory=True,
            workers=args.workers,
            # SIGHUP to the parent replaces workers one by one, each only once its
            # replacement has loaded the packs (a broken pack aborts the restart). Loading
            # takes a few seconds on a busy host: uvicorn's default 5 s wait is too short.
            timeout_worker_healthcheck=60,
            **common,
        )
    return 0
