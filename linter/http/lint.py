"""POST /v1/lint and /v1/lint/batch: the gate's hot path, as a plain ASGI layer.

Every message a pipeline sends passes through these two endpoints, so they skip FastAPI's
router, ``Request`` object and exception middleware: the body is read straight from the ASGI
receive channel, validated with pydantic's ``model_validate_json``, judged by the same
``Engine.lint`` as the CLI, and answered with orjson. Every other path goes on to FastAPI.
``GateMiddleware`` (outside this layer) has already taken the snapshot, checked the token and
set the request id; it writes the access line and the request metrics.

Fail closed: every answer that is not a 200 with a message's decision carries
``"decision": "error"``; a gate must treat it (and a timeout or refused connection) as
"do not send".
"""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from ..core.engine import LintOutcome
from ..core.engine_version import MSGLINT_VERSION
from ..core.errors import RuleTimeout
from ..core.models import Decision, MessageContext, problem_text
from ..formats.report import MessageReport, summarise
from .engine_holder import Snapshot
from .gate import SERVER_LOG, ASGIApp, Receive, Scope, Send, error_body, fault_site, send_json
from .metrics import GateMetrics
from .models import BatchIn, LintIn

TOOL = {"name": "msglint", "version": MSGLINT_VERSION}
DEFAULT_CONTEXT = MessageContext()
#: A batch gives the event loop back this often, so single calls are not stuck behind it.
YIELD_EVERY = 16
#: How bad a decision is, for the one decision label of a batch request.
DECISION_RANK = {"allow": 0, "review": 1, "block": 2, "error": 3}
LINT_PATHS = frozenset(("/v1/lint", "/v1/lint/batch"))
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


class ClientGone(Exception):
    """The client closed the connection before its body arrived: nobody to answer."""


# ---- request bodies ------------------------------------------------------------------------


def is_json(content_type: str | None) -> bool:
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


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


async def read_json_body(scope: Scope, receive: Receive, max_bytes: int) -> bytes:
    """The whole body, refused early when it is not JSON or over ``max_bytes``."""
    if not is_json(_header(scope, b"content-type")):
        raise GateError(415, "unsupported_media_type", "send Content-Type: application/json")
    declared = _header(scope, b"content-length")
    too_large = f"the body is over {max_bytes} bytes (max-request-bytes)"
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise GateError(413, "request_too_large", too_large)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_bytes:
            raise GateError(413, "request_too_large", too_large)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def field_path(loc: tuple[Any, ...]) -> str:
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
        details = [{"field": field_path(e["loc"]), "message": problem_text(e)} for e in errors[:20]]
        field = field_path(first["loc"])
        message = f"{field}: {problem_text(first)}" if field else problem_text(first)
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
        metrics.fault("rule_timeout_retried")
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


def packs_fields(snap: Snapshot) -> dict[str, Any]:
    return {"tool": TOOL, "packs": snap.packs, "packs_version": snap.packs_version}


# ---- the layer -----------------------------------------------------------------------------


class LintEndpoints:
    """Answers the two lint paths itself; passes every other request on to ``app``."""

    def __init__(self, app: ASGIApp, metrics: GateMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in LINT_PATHS:
            await self.app(scope, receive, send)
            return
        state = scope["state"]
        if scope["method"] != "POST":
            body = error_body("method_not_allowed", "Method Not Allowed", state["request_id"])
            await send_json(send, 405, body, [(b"allow", b"POST")])
            return
        snap: Snapshot = state["snapshot"]
        try:
            raw = await read_json_body(scope, receive, snap.limits.max_request_bytes)
            if scope["path"] == "/v1/lint":
                out, decision = self.lint_one(raw, snap, state["request_id"])
            else:
                out, decision = await self.lint_batch(raw, snap, state["request_id"])
        except ClientGone:
            state["decision"] = "error"
            return
        except GateError as exc:
            body = error_body(exc.code, exc.message, state["request_id"], **exc.extra)
            await send_json(send, exc.status, body, [])
            return
        state["decision"] = decision
        version = (b"x-msglint-packs-version", snap.packs_version.encode())
        await send_json(send, 200, orjson.dumps(out), [version])

    def _fault(self, fault: EngineFault, request_id: str) -> None:
        self.metrics.fault(fault.code)
        SERVER_LOG.warning("message not judged: %s request_id=%s", fault.code, request_id)

    def lint_one(self, raw: bytes, snap: Snapshot, request_id: str) -> tuple[dict[str, Any], str]:
        limits = snap.limits
        item = parse_body(LintIn, raw)
        if reason := _too_long(item.text, limits.max_message_chars):
            raise GateError(413, "message_too_large", reason, field="text")
        try:
            report, fixed = judge(snap, item, _message_id(item, 0), self.metrics)
        except EngineFault as fault:
            self._fault(fault, request_id)
            raise GateError(500, fault.code, fault.message + "; do not send") from None
        decision = report.decision.value
        self.metrics.observe_message(decision, report.violations)
        out = message_object(report, fixed)
        out.update(packs_fields(snap))
        return out, decision

    async def lint_batch(
        self, raw: bytes, snap: Snapshot, request_id: str
    ) -> tuple[dict[str, Any], str]:
        limits = snap.limits
        items = parse_body(BatchIn, raw)
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
                report, fixed = judge(snap, item, message_id, self.metrics)
            except EngineFault as fault:
                if fault.code != "message_too_large":
                    self._fault(fault, request_id)
                self.metrics.observe_message("error", ())
                entries.append(error_entry(message_id, item.text, fault.code, fault.message))
                worst = "error"
                continue
            decision = report.decision.value
            self.metrics.observe_message(decision, report.violations)
            if DECISION_RANK[decision] > DECISION_RANK[worst]:
                worst = decision
            reports.append(report)
            entries.append(message_object(report, fixed))
        out = {
            **packs_fields(snap),
            "messages": entries,
            "summary": batch_summary(reports, len(entries) - len(reports)),
        }
        return out, worst


def batch_summary(judged: list[MessageReport], errors: int) -> dict[str, Any]:
    """The summary of a batch: as the CLI's, ``messages`` counts every entry of
    ``messages``; ``errors`` (and ``by_decision["error"]``) the entries not judged."""
    summary = summarise(judged, errors=errors)
    summary.messages += errors
    if errors:
        summary.by_decision = dict(sorted({**summary.by_decision, "error": errors}.items()))
    return summary.model_dump()
