"""The HTTP pre-send gate: FastAPI endpoints over the same ``Engine.lint`` as the CLI.

Start it with ``msglint serve`` (or ``uvicorn linter.http.app:create_app --factory``). Packs
and jieba load before uvicorn binds the port (in ``msglint serve``, or in each worker's
lifespan start-up), and every request then shares them. Endpoints are ``async def`` on
purpose: linting is short CPU work, and the threadpool that a plain ``def`` gets only adds
hand-offs under the GIL (shared/research/perf.md).

The ASGI stack, outside in: ``GateMiddleware`` (request id, auth, fault guard, access log,
request metrics) → ``LintEndpoints`` (POST /v1/lint and /v1/lint/batch, the hot path, answered
without FastAPI's router) → FastAPI (rules, admin, health, metrics, docs). /openapi.json is
built in ``http.openapi``; /docs and /redoc load their scripts from this server, not a CDN.

Fail closed: every answer that is not a 200 with a message's decision carries
``"decision": "error"``; a gate must treat it (and a timeout or refused connection) as
"do not send".
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..core.engine_version import MSGLINT_VERSION
from ..core.models import problem_text
from ..packs.docs import rule_detail, rule_summary
from .engine_holder import EngineHolder, ReloadRefused, ServeOptions, Snapshot, probe
from .feedback import add_feedback_routes
from .gate import (
    DOCS_ASSETS,
    SERVER_LOG,
    GateMiddleware,
    error_body,
    fault_site,
    lean_log_records,
)
from .lint import GateError, LintEndpoints, field_path, packs_fields
from .metrics import GateMetrics
from .openapi import gate_openapi
from .ui import router as ui_router


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status, headers, media_type="application/json")


# ---- the app -------------------------------------------------------------------------------


def create_app(options: ServeOptions | None = None) -> FastAPI:
    """The gate app; ``options`` default to the MSGLINT_* environment ``msglint serve`` sets."""
    holder = EngineHolder(options or ServeOptions.from_env())
    lean_log_records()
    if threading.current_thread() is threading.main_thread():
        # Until the lifespan installs the reload handler, a SIGHUP (its default action is to
        # terminate) must not kill a worker that is still loading the packs it would reload.
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    metrics = GateMetrics()
    reload_lock = asyncio.Lock()

    async def reload(trigger: str) -> tuple[str | None, Snapshot]:
        """Build new packs in a thread (requests keep being answered), then swap them in."""
        async with reload_lock:
            before = holder.current.packs_version if holder.ready else None
            try:
                snap = await asyncio.to_thread(holder.reload)
            except ReloadRefused as exc:
                metrics.reloads.labels("refused").inc()
                SERVER_LOG.error("reload (%s) refused, old packs keep serving: %s", trigger, exc)
                raise
            metrics.reloads.labels("ok").inc()
            metrics.serving(snap.packs_version)
            SERVER_LOG.info("reload (%s): packs %s -> %s", trigger, before, snap.packs_version)
            return before, snap

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not holder.ready:  # ``msglint serve`` with one worker has loaded them already
            try:
                holder.reload()  # before the port opens: nothing to serve yet
            except ReloadRefused as exc:
                SERVER_LOG.error("cannot start: %s", exc)
                raise
        snap = holder.current
        metrics.serving(snap.packs_version)
        SERVER_LOG.info(
            "serving %d rules from %d packs, packs_version %s",
            len(snap.engine.rules),
            len(snap.packs),
            snap.packs_version,
        )
        loop = asyncio.get_running_loop()
        pending: set[asyncio.Task[Any]] = set()

        def on_sighup() -> None:
            task = loop.create_task(reload("SIGHUP"))
            pending.add(task)
            task.add_done_callback(pending.discard)
            # a refused reload is logged in reload(); the task must not warn about it again
            task.add_done_callback(lambda t: t.cancelled() or t.exception())

        with suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signal.SIGHUP, on_sighup)
        try:
            yield
        finally:
            with suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(signal.SIGHUP)
            metrics.process_exits()

    # /docs and /redoc with Swagger UI, ReDoc and the favicon served from fastapi-offline's
    # package files under DOCS_ASSETS: the pages work with no internet access.
    app = FastAPIOffline(
        static_url=DOCS_ASSETS,
        # Swagger UI would otherwise send the document to an online validator for a badge.
        swagger_ui_parameters={"validatorUrl": None},
        title="msglint pre-send gate",
        version=MSGLINT_VERSION,
        description="May this debt-collection message be sent? allow / review / block, "
        "with the violations, their legal basis and the safe-fixed text.",
        lifespan=lifespan,
        # FastAPI's built-in OpenTelemetry checks its providers on every request (~20 µs,
        # a few % of a lint call); the gate reports through /metrics and its access log.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.holder = holder
    app.state.metrics = metrics

    @app.exception_handler(GateError)
    async def gate_error(request: Request, exc: GateError) -> Response:
        body = error_body(exc.code, exc.message, request.state.request_id, **exc.extra)
        return Response(body, exc.status, media_type="application/json")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        codes = {404: "not_found", 405: "method_not_allowed"}
        body = error_body(
            codes.get(exc.status_code, "http_error"), str(exc.detail), request.state.request_id
        )
        return Response(body, exc.status_code, exc.headers, media_type="application/json")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        body = error_body(
            "invalid_request",
            problem_text(first),
            request.state.request_id,
            field=field_path(tuple(first["loc"])) or None,
        )
        return Response(body, 422, media_type="application/json")

    @app.get("/v1/rules", summary="Every loaded rule; selected = applied by this deployment")
    async def rules(request: Request) -> Response:
        snap: Snapshot = request.state.snapshot
        selected = {r.spec.id for r in snap.engine.rules}
        rows = [rule_summary(r, r.spec.id in selected) for r in snap.engine.all_rules]
        return json_response({"rules": rows, **packs_fields(snap)})

    @app.get("/v1/rules/{rule_id}", summary="One rule in full: basis, match, fix, examples")
    async def rule(request: Request, rule_id: str) -> Response:
        snap: Snapshot = request.state.snapshot
        found = snap.engine.rule(rule_id.upper())
        if found is None:
            raise GateError(404, "unknown_rule", "no such rule; GET /v1/rules lists them")
        selected = any(r is found for r in snap.engine.rules)
        detail = {**rule_detail(found), "selected": selected}
        return json_response({**detail, "packs_version": snap.packs_version})

    @app.post("/v1/admin/reload", summary="Load the packs again; a broken pack is refused")
    async def admin_reload(request: Request) -> Response:
        try:
            before, snap = await reload("admin")
        except ReloadRefused as exc:
            raise GateError(
                422, "reload_refused", str(exc), packs_version=holder.current.packs_version
            ) from None
        # With several workers this one has loaded and probed the packs; the supervisor now
        # replaces every worker, one at a time, each only once its successor has loaded them.
        replacing = holder.options.replace_workers()
        if replacing:
            SERVER_LOG.info("reload (admin): asked the supervisor to replace every worker")
        return json_response(
            {
                "reloaded": True,
                "changed": snap.packs_version != before,
                "previous_packs_version": before,
                "replacing_workers": replacing,
                **packs_fields(snap),
            }
        )

    add_feedback_routes(app)

    @app.get("/healthz", summary="The process is up")
    async def healthz() -> Response:
        return json_response({"status": "ok"})

    @app.get("/readyz", summary="Packs are loaded and the engine answers a probe message")
    async def readyz() -> Response:
        if not holder.ready:
            return json_response({"status": "starting"}, 503)
        snap = holder.current
        try:
            probe(snap.engine)
        except Exception as exc:
            SERVER_LOG.error(
                "readiness probe failed: %s at %s", type(exc).__name__, fault_site(exc)
            )
            return json_response({"status": "failing", "packs_version": snap.packs_version}, 503)
        return json_response(
            {"status": "ready", "packs_version": snap.packs_version, "packs": snap.packs}
        )

    @app.get("/metrics", summary="Prometheus metrics")
    async def metrics_endpoint() -> Response:
        return Response(metrics.render(), media_type=metrics.content_type)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = gate_openapi(app.title, app.version, app.description, app.routes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.include_router(ui_router)  # the reviewer's page at / and /rules (linter/http/ui.py)
    # Added first, so it sits inside GateMiddleware (auth, request id, access log, metrics).
    app.add_middleware(LintEndpoints, metrics=metrics)
    app.add_middleware(GateMiddleware, holder=holder, metrics=metrics)
    return app


logging.getLogger("msglint").addHandler(logging.NullHandler())
