"""The ASGI layer around every request: request id, bearer auth, fault guard, access log, metrics.

A plain ASGI middleware (not Starlette's BaseHTTPMiddleware, which costs a task and a stream per
request). It takes the serving snapshot once per request and leaves it in ``scope["state"]``, so
the auth check and the lint that follows see the same packs even if a reload lands between.

Nothing here logs message text: the access line is method, path, status, latency and request
id; a path that matches no route is not logged verbatim (a client could put text in it).
"""

from __future__ import annotations

import logging
import re
import secrets
import traceback
from collections.abc import Awaitable, Callable, MutableMapping
from time import perf_counter
from typing import Any

import orjson

from .engine_holder import EngineHolder
from .metrics import GateMetrics

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ACCESS_LOG = logging.getLogger("msglint.access")
SERVER_LOG = logging.getLogger("msglint.server")

#: A caller's X-Request-ID is echoed only if it looks like an id (no text, no log injection).
REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")
RULE_PATH = re.compile(r"/v1/rules/[A-Za-z0-9-]{1,32}")
#: Where /docs and /redoc load Swagger UI, ReDoc and the favicon from (no CDN).
DOCS_ASSETS = "/docs/assets"
ASSET_PATH = re.compile(re.escape(DOCS_ASSETS) + r"/[A-Za-z0-9_-]{1,64}(?:\.[a-z]{1,8})?")
#: Where the reviewer's page (GET / and /rules, linter/http/ui.py) loads its script and style.
UI_ASSETS = "/ui"
UI_ASSET_PATH = re.compile(re.escape(UI_ASSETS) + r"/[A-Za-z0-9_-]{1,64}(?:\.[a-z]{1,8})?")

ROUTES = frozenset(
    (
        "/v1/lint",
        "/v1/lint/batch",
        "/v1/rules",
        "/v1/admin/reload",
        "/v1/feedback",
        "/v1/stats",
        "/healthz",
        "/readyz",
        "/metrics",
        "/docs",
        "/docs/oauth2-redirect",
        "/redoc",
        "/openapi.json",
        "/",
        "/rules",
    )
)


def lean_log_records() -> None:
    """Skip what a log record gathers and no line here prints: the caller's file and line,
    the thread and process names (the logging HOWTO's "Optimization" section). The access
    line is written once per request, so this is on the hot path."""
    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def endpoint_of(path: str) -> str:
    """The route template of a path: a closed set, fit for a metrics label."""
    if path in ROUTES:
        return path
    if RULE_PATH.fullmatch(path):
        return "/v1/rules/{id}"
    if ASSET_PATH.fullmatch(path):
        return DOCS_ASSETS + "/{file}"
    if UI_ASSET_PATH.fullmatch(path):
        return UI_ASSETS + "/{file}"
    return "other"


def error_body(code: str, message: str, request_id: str, **extra: Any) -> bytes:
    """The one shape of every non-2xx answer. ``decision: error`` means: do not send."""
    error: dict[str, Any] = {"code": code, "message": message}
    error.update({k: v for k, v in extra.items() if k in ("field", "details")})
    body: dict[str, Any] = {"decision": "error", "error": error, "request_id": request_id}
    body.update({k: v for k, v in extra.items() if k not in ("field", "details")})
    return orjson.dumps(body)


def fault_site(exc: BaseException) -> str:
    """Where an exception was raised, as file:line, without its message (which may hold text)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{last.filename.rsplit('/', 1)[-1]}:{last.lineno} in {last.name}"


Headers = list[tuple[bytes, bytes]]


async def send_json(send: Send, status: int, body: bytes, headers: Headers) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _bearer(value: str | None) -> str | None:
    if value is None:
        return None
    scheme, _, token = value.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


class GateMiddleware:
    def __init__(self, app: ASGIApp, holder: EngineHolder, metrics: GateMetrics) -> None:
        self.app = app
        self.holder = holder
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started_at = perf_counter()
        request_id: str | None = None
        authorization: str | None = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                request_id = value.decode("latin-1")
            elif name == b"authorization":
                authorization = value.decode("latin-1")
        if request_id is None or not REQUEST_ID.fullmatch(request_id):
            request_id = secrets.token_hex(16)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        path: str = scope["path"]
        endpoint = endpoint_of(path)
        id_header = (b"x-request-id", request_id.encode())
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message = {**message, "headers": [*message.get("headers", ()), id_header]}
            await send(message)

        try:
            denied = self._check_access(path, authorization, state)
            if denied is not None:
                code, reason, headers = denied
                body = error_body(reason[0], reason[1], request_id)
                await send_json(send_with_id, code, body, headers)
            else:
                await self.app(scope, receive, send_with_id)
        except Exception as exc:  # the fault guard: never a traceback with text in it
            SERVER_LOG.error(
                "unhandled %s at %s request_id=%s", type(exc).__name__, fault_site(exc), request_id
            )
            state["decision"] = "error"
            if not response_started:
                body = error_body(
                    "internal_error",
                    "the server failed to answer; treat the message as not cleared to send",
                    request_id,
                )
                await send_json(send_with_id, 500, body, [])
        finally:
            seconds = perf_counter() - started_at
            decision = state.get("decision") or ("error" if status >= 400 else "none")
            self.metrics.observe_request(endpoint, scope["method"], status, decision, seconds)
            shown = path if endpoint != "other" else f"<unrouted {len(path)} chars>"
            ACCESS_LOG.info(
                "method=%s path=%s status=%d ms=%.2f request_id=%s",
                scope["method"],
                shown,
                status,
                seconds * 1000,
                request_id,
            )

    def _check_access(
        self, path: str, authorization: str | None, state: dict[str, Any]
    ) -> tuple[int, tuple[str, str], Headers] | None:
        """Take the snapshot for a /v1 call and check its token; None = let it through."""
        if not path.startswith("/v1/"):
            return None
        if not self.holder.ready:
            return 503, ("not_ready", "packs are not loaded yet"), [(b"retry-after", b"1")]
        snap = self.holder.current
        state["snapshot"] = snap
        if not snap.auth.enabled:
            state["role"] = "admin"
            return None
        role = snap.auth.role(_bearer(authorization))
        if role is None:
            challenge = [(b"www-authenticate", b'Bearer realm="msglint"')]
            return 401, ("unauthorized", "send Authorization: Bearer <token>"), challenge
        if path.startswith("/v1/admin/") and role != "admin":
            return 403, ("forbidden", "this call needs an admin token"), []
        state["role"] = role
        return None
