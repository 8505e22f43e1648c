"""The HTTP pre-send gate: FastAPI endpoints over the same ``Engine.lint`` as the CLI.

Start it with ``msglint serve`` (or ``uvicorn linter.http_app:create_app --factory``). Packs
and jieba load before uvicorn binds the port (in ``msglint serve``, or in each worker's
lifespan start-up), and every request then shares them. Endpoints are ``async def`` on
purpose: linting is short CPU work, and the threadpool that a plain ``def`` gets only adds
hand-offs under the GIL (shared/research/perf.md).
Bodies are read and validated by hand (pydantic ``model_validate_json``) and answered with
orjson, which skips FastAPI's ``jsonable_encoder`` on the hot path; the models still document
the bodies in /docs.

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
from typing import Any, TypeVar

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route

from . import __version__
from .engine import LintOutcome
from .engine_holder import EngineHolder, ReloadRefused, ServeOptions, Snapshot, probe
from .http_gate import SERVER_LOG, GateMiddleware, error_body, fault_site
from .http_metrics import GateMetrics
from .http_models import (
    BatchIn,
    BatchOut,
    ErrorOut,
    LintIn,
    LintOut,
    component_schemas,
    lint_operation,
)
from .matchers import RuleTimeout
from .models import Decision, MessageContext
from .report import MessageReport, summarise
from .rule_docs import rule_detail, rule_summary

TOOL = {"name": "msglint", "version": __version__}
DEFAULT_CONTEXT = MessageContext()
#: A batch gives the event loop back this often, so single calls are not stuck behind it.
YIELD_EVERY = 16
#: How bad a decision is, for the one decision label of a batch request.
DECISION_RANK = {"allow": 0, "review": 1, "block": 2, "error": 3}
Model = TypeVar("Model", bound=BaseModel)


class GateError(Exception):
    """An answer other than 200, in the one error shape."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


class EngineFault(Exception):
    """The engine could not judge one message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status, headers, media_type="application/json")


# ---- request bodies ------------------------------------------------------------------------


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    media, _, params = content_type.partition(";")
    media = media.strip().lower()
    if media != "application/json" and not (
        media.startswith("application/") and media.endswith("+json")
    ):
        return False
    charset = params.strip().lower().removeprefix("charset=").strip('"')
    return not params.strip() or charset in ("utf-8", "utf8")


async def read_json_body(request: Request, max_bytes: int) -> bytes:
    if not _is_json(request.headers.get("content-type")):
        raise GateError(415, "unsupported_media_type", "send Content-Type: application/json")
    declared = request.headers.get("content-length")
    too_large = f"the body is over {max_bytes} bytes (max-request-bytes)"
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise GateError(413, "request_too_large", too_large)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise GateError(413, "request_too_large", too_large)
        chunks.append(chunk)
    return b"".join(chunks)


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc)


def parse_body(model: type[Model], body: bytes) -> Model:
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
        # An unknown field usually explains a missing one (a typo, or a batch sent to
        # /v1/lint): name it first, whatever order the validator reported them in.
        errors.sort(key=lambda e: e["type"] != "extra_forbidden")
        first = errors[0]
        if first["type"] == "json_invalid":
            raise GateError(422, "invalid_json", f"the body is not JSON: {first['msg']}") from None
        details = [{"field": _field(e["loc"]), "message": e["msg"]} for e in errors[:20]]
        field = _field(first["loc"])
        message = f"{field}: {first['msg']}" if field else first["msg"]
        raise GateError(
            422, "invalid_body", message, field=field or None, details=details
        ) from None


# ---- judging -------------------------------------------------------------------------------


def _lint(snap: Snapshot, text: str, context: MessageContext, metrics: GateMetrics) -> LintOutcome:
    """``Engine.lint``, run a second time if a pack regex runs out of time.

    The regex budget is wall-clock time, so a CPU-starved moment (a busy host, or a reload
    compiling packs in the thread beside the requests) can trip it on an ordinary message.
    A regex that really backtracks runs out of time again, and the message is an error.
    """
    try:
        return snap.engine.lint(text, context)
    except RuleTimeout:
        metrics.faults.labels("rule_timeout_retried").inc()
        return snap.engine.lint(text, context)


def judge(
    snap: Snapshot, item: LintIn, message_id: str, metrics: GateMetrics
) -> tuple[MessageReport, str]:
    """The message object of one message (as the CLI's JSON), and its safe-fixed text."""
    context = item.context.to_context() if item.context is not None else DEFAULT_CONTEXT
    try:
        outcome = _lint(snap, item.text, context, metrics)
    except RuleTimeout as exc:
        raise EngineFault("rule_timeout", f"a pack regex ran out of time ({exc})") from None
    except Exception as exc:
        # The exception's message may quote the text: log where it happened, not what it said.
        SERVER_LOG.error("engine fault %s at %s", type(exc).__name__, fault_site(exc))
        raise EngineFault("engine_error", f"the engine failed ({type(exc).__name__})") from None
    report = MessageReport(
        source=None,
        id=message_id,
        line=None,
        column=None,
        text=item.text,
        decision=outcome.decision,
        violations=outcome.violations,
    )
    return report, outcome.fixed_text


def message_object(report: MessageReport, fixed_text: str) -> dict[str, Any]:
    out = report.model_dump(mode="json")
    out["fixed_text"] = fixed_text
    return out


def error_entry(message_id: str, text: str, code: str, message: str) -> dict[str, Any]:
    """A batch entry for a message that was not judged: the message object's fields, no
    violations, ``decision: error`` (do not send) and the reason."""
    empty = MessageReport(
        source=None,
        id=message_id,
        line=None,
        column=None,
        text=text,
        decision=Decision.allow,
        violations=[],
    )
    out = message_object(empty, "")
    out.update(decision="error", fixed_text=None, error={"code": code, "message": message})
    return out


def _message_id(item: LintIn, position: int) -> str:
    return str(item.id) if item.id is not None else str(position)


def _too_long(text: str, limit: int) -> str | None:
    if len(text) > limit:
        return f"the message is {len(text)} characters, over {limit} (max-message-chars)"
    return None


def _packs_fields(snap: Snapshot) -> dict[str, Any]:
    return {"tool": TOOL, "packs": snap.packs, "packs_version": snap.packs_version}


# ---- the app -------------------------------------------------------------------------------


def create_app(options: ServeOptions | None = None) -> FastAPI:
    """The gate app; ``options`` default to the MSGLINT_* environment ``msglint serve`` sets."""
    holder = EngineHolder(options or ServeOptions.from_env())
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

    def note_fault(request: Request, fault: EngineFault) -> None:
        metrics.faults.labels(fault.code).inc()
        SERVER_LOG.warning(
            "message not judged: %s request_id=%s", fault.code, request.state.request_id
        )

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

    app = FastAPI(
        title="msglint pre-send gate",
        version=__version__,
        description="May this debt-collection message be sent? allow / review / block, "
        "with the violations, their legal basis and the safe-fixed text.",
        lifespan=lifespan,
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
            str(first["msg"]),
            request.state.request_id,
            field=_field(tuple(first["loc"])) or None,
        )
        return Response(body, 422, media_type="application/json")

    # The two lint endpoints are plain Starlette routes: FastAPI's per-request dependency
    # solving cost ~60 µs of nothing here (the body is read and validated by hand anyway).
    # openapi() below describes them.
    async def lint(request: Request) -> Response:
        snap: Snapshot = request.state.snapshot
        limits = snap.limits
        item = parse_body(LintIn, await read_json_body(request, limits.max_request_bytes))
        if reason := _too_long(item.text, limits.max_message_chars):
            raise GateError(413, "message_too_large", reason, field="text")
        try:
            report, fixed = judge(snap, item, _message_id(item, 0), metrics)
        except EngineFault as fault:
            note_fault(request, fault)
            raise GateError(500, fault.code, fault.message + "; do not send") from None
        metrics.observe_message(report.decision.value, report.violations)
        request.state.decision = report.decision.value
        out = message_object(report, fixed)
        out.update(_packs_fields(snap))
        return json_response(out, headers={"x-msglint-packs-version": snap.packs_version})

    async def lint_batch(request: Request) -> Response:
        snap: Snapshot = request.state.snapshot
        limits = snap.limits
        items = parse_body(BatchIn, await read_json_body(request, limits.max_request_bytes))
        if len(items.messages) > limits.max_batch:
            raise GateError(
                413,
                "batch_too_large",
                f"{len(items.messages)} messages, over {limits.max_batch} (max-batch)",
                field="messages",
            )
        entries: list[dict[str, Any]] = []
        reports: list[MessageReport] = []
        worst = "allow"
        for position, item in enumerate(items.messages):
            if position and position % YIELD_EVERY == 0:
                await asyncio.sleep(0)
            message_id = _message_id(item, position)
            try:
                if reason := _too_long(item.text, limits.max_message_chars):
                    raise EngineFault("message_too_large", reason)
                report, fixed = judge(snap, item, message_id, metrics)
            except EngineFault as fault:
                if fault.code != "message_too_large":
                    note_fault(request, fault)
                metrics.messages.labels("error").inc()
                entries.append(error_entry(message_id, item.text, fault.code, fault.message))
                worst = "error"
                continue
            decision = report.decision.value
            metrics.observe_message(decision, report.violations)
            if DECISION_RANK[decision] > DECISION_RANK[worst]:
                worst = decision
            reports.append(report)
            entries.append(message_object(report, fixed))
        request.state.decision = worst
        summary = summarise(reports, errors=len(entries) - len(reports))
        out = {**_packs_fields(snap), "messages": entries, "summary": summary.model_dump()}
        return json_response(out, headers={"x-msglint-packs-version": snap.packs_version})

    @app.get("/v1/rules", summary="Every loaded rule; selected = applied by this deployment")
    async def rules(request: Request) -> Response:
        snap: Snapshot = request.state.snapshot
        selected = {r.spec.id for r in snap.engine.rules}
        rows = [rule_summary(r, r.spec.id in selected) for r in snap.engine.all_rules]
        return json_response({"rules": rows, **_packs_fields(snap)})

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
        return json_response(
            {
                "reloaded": True,
                "changed": snap.packs_version != before,
                "previous_packs_version": before,
                **_packs_fields(snap),
            }
        )

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
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(component_schemas(LintIn, BatchIn, LintOut, BatchOut, ErrorOut))
            paths = schema["paths"]
            paths["/v1/lint"] = lint_operation("lint", "Judge one message", LintIn, LintOut)
            paths["/v1/lint/batch"] = lint_operation(
                "lint_batch", "Judge up to max-batch messages, each on its own", BatchIn, BatchOut
            )
            app.openapi_schema = schema
        return app.openapi_schema

    app.router.routes.append(Route("/v1/lint", lint, methods=["POST"]))
    app.router.routes.append(Route("/v1/lint/batch", lint_batch, methods=["POST"]))
    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(GateMiddleware, holder=holder, metrics=metrics)
    return app


logging.getLogger("msglint").addHandler(logging.NullHandler())
