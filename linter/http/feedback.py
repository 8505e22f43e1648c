"""POST /v1/feedback and GET /v1/stats: reviewers' verdicts in, per-rule precision out.

The verdicts go to the store of ``linter.run.feedback_store`` (the ``[feedback]`` table of the
serving config). A database that cannot be reached is a 503 ``feedback_unavailable`` on these
two routes only: the lint endpoints never touch it. The body is read and checked here as the
lint endpoints do (``http.lint``), so every error has the gate's one shape and names its field.
Nothing here logs the text or the notes.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import unquote

import orjson
from fastapi import FastAPI, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..core.models import Category
from ..run.feedback_store import (
    FeedbackStore,
    FeedbackUnavailable,
    NewVerdict,
    Stats,
    Submission,
    database_url,
)
from .engine_holder import Snapshot
from .gate import SERVER_LOG
from .lint import GateError, parse_body, read_json_body
from .models import ContextIn

REVIEWER_HEADER = "x-msglint-reviewer"
Note = Annotated[str, StringConstraints(max_length=2000)]


class VerdictIn(BaseModel):
    """A verdict on one finding (``kind: finding``) or a miss on the message (``missed``)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["finding", "missed"]
    rule: str | None = Field(default=None, description="finding: the rule id of the finding")
    start: int | None = Field(default=None, ge=0, description="finding: the span's start")
    end: int | None = Field(default=None, ge=0, description="finding: the span's end")
    verdict: Literal["correct", "wrong"] | None = Field(
        default=None, description="finding: was the finding right?"
    )
    category: Category | None = Field(
        default=None, description="missed: the category msglint should have caught"
    )
    note: Note | None = None


class FeedbackIn(BaseModel):
    """One message and the reviewer's verdicts on it. Reviewer: the X-Msglint-Reviewer header."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)
    context: ContextIn | None = None
    packs_version: str | None = Field(
        default=None, max_length=128, description="the packs that judged it (default: serving)"
    )
    verdicts: list[VerdictIn] = Field(min_length=1, max_length=1000)


class FeedbackOut(BaseModel):
    stored: int
    ids: list[int]


def _invalid(field: str, message: str) -> GateError:
    return GateError(
        422,
        "invalid_body",
        f"{field}: {message}",
        field=field,
        details=[{"field": field, "message": message}],
    )


def reviewer_of(request: Request) -> str:
    raw = next((v for k, v in request.scope["headers"] if k == REVIEWER_HEADER.encode()), None)
    try:
        # a browser's fetch() sends only Latin-1 header values: a name in Chinese comes
        # percent-encoded (encodeURIComponent); raw UTF-8 bytes are read as UTF-8
        reviewer = unquote(raw.decode("utf-8"), errors="strict").strip() if raw else ""
    except UnicodeDecodeError:
        raise _invalid("reviewer", "the X-Msglint-Reviewer header is not UTF-8") from None
    if not 1 <= len(reviewer) <= 100:
        raise _invalid(
            "reviewer", "send the reviewer's name (1-100 characters) in X-Msglint-Reviewer"
        )
    return reviewer


def checked_verdicts(body: FeedbackIn, snap: Snapshot) -> list[NewVerdict]:
    """The verdicts with each finding's category, severity and matched words from the rule;
    an unknown rule, a missing field or a span outside the text is a 422 naming the field."""
    out: list[NewVerdict] = []
    for i, v in enumerate(body.verdicts):
        at = f"verdicts.{i}"
        if v.kind == "missed":
            if v.category is None:
                raise _invalid(f"{at}.category", "a miss needs the category msglint missed")
            for name in ("rule", "start", "end", "verdict"):
                if getattr(v, name) is not None:
                    raise _invalid(f"{at}.{name}", "not a field of a miss")
            out.append(NewVerdict(kind="missed", category=v.category.value, note=v.note))
            continue
        if v.rule is None:
            raise _invalid(f"{at}.rule", "a finding's verdict needs its rule id")
        rule = snap.engine.rule(v.rule.upper())
        if rule is None:
            raise _invalid(f"{at}.rule", f"no rule {v.rule!r}; GET /v1/rules lists them")
        if v.verdict is None:
            raise _invalid(f"{at}.verdict", "say whether the finding is correct or wrong")
        if v.category is not None and v.category != rule.spec.category:
            raise _invalid(
                f"{at}.category",
                f"{rule.spec.id} is in {rule.spec.category.value}, not {v.category}",
            )
        if v.start is None or v.end is None:
            raise _invalid(
                f"{at}.{'start' if v.start is None else 'end'}", "a finding needs its span"
            )
        if v.end > len(body.text):
            raise _invalid(f"{at}.end", f"{v.end} is past the end of the text ({len(body.text)})")
        if v.start > v.end:
            raise _invalid(f"{at}.start", f"{v.start} is after the end {v.end}")
        out.append(
            NewVerdict(
                kind="finding",
                verdict=v.verdict,
                rule=rule.spec.id,
                category=rule.spec.category.value,
                severity=rule.severity.value,
                matched=body.text[v.start : v.end],
                start=v.start,
                end=v.end,
                note=v.note,
            )
        )
    return out


class Stores:
    """One store per configured database, made on first use (a reload may change it)."""

    def __init__(self) -> None:
        self._stores: dict[tuple[str, str], FeedbackStore] = {}

    def get(self, snap: Snapshot) -> FeedbackStore:
        config = snap.config
        url = database_url(config)
        key = (url, config.feedback.model_dump_json())
        store = self._stores.get(key)
        if store is None:
            store = self._stores[key] = FeedbackStore(url, config.feedback)
        return store


def _unavailable(exc: FeedbackUnavailable) -> GateError:
    SERVER_LOG.error("feedback store unavailable: %s", exc)
    return GateError(503, "feedback_unavailable", str(exc))


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status, media_type="application/json")


def add_feedback_routes(app: FastAPI) -> None:
    """Register POST /v1/feedback and GET /v1/stats on the gate app."""
    stores = Stores()
    app.state.feedback_stores = stores

    @app.post(
        "/v1/feedback",
        summary="Store a reviewer's verdicts on one message's findings, and its misses",
        status_code=201,
        responses={201: {"model": FeedbackOut, "description": "stored"}},
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/FeedbackIn"}}
                },
            },
            "parameters": [
                {
                    "name": "X-Msglint-Reviewer",
                    "in": "header",
                    "required": True,
                    "description": "the reviewer's name, 1-100 characters: UTF-8, "
                    "percent-encoded where the client sends only Latin-1 (fetch)",
                    "schema": {"type": "string", "minLength": 1, "maxLength": 100},
                }
            ],
        },
    )
    async def feedback(request: Request) -> Response:
        snap: Snapshot = request.state.snapshot
        reviewer = reviewer_of(request)
        raw = await read_json_body(request.scope, request.receive, snap.limits.max_request_bytes)
        body = parse_body(FeedbackIn, raw)
        if len(body.text) > snap.limits.max_message_chars:
            raise GateError(
                413,
                "message_too_large",
                f"the message is {len(body.text)} characters, over "
                f"{snap.limits.max_message_chars} (max-message-chars)",
                field="text",
            )
        submission = Submission(
            reviewer=reviewer,
            text=body.text,
            context=body.context.model_dump(mode="json", exclude_none=True) if body.context else {},
            packs_version=body.packs_version or snap.packs_version,
            verdicts=checked_verdicts(body, snap),
        )
        try:
            ids = await asyncio.to_thread(stores.get(snap).record, submission)
        except FeedbackUnavailable as exc:
            raise _unavailable(exc) from None
        return _json({"stored": len(ids), "ids": ids}, 201)

    @app.get(
        "/v1/stats",
        summary="Per rule and category: findings reviewed, precision, misses",
        responses={200: {"model": Stats, "description": "the figures"}},
    )
    async def stats(
        request: Request,
        since: Annotated[date | None, Query(description="verdicts from this day on (UTC)")] = None,
        packs_version: Annotated[str | None, Query(description="only these packs")] = None,
    ) -> Response:
        snap: Snapshot = request.state.snapshot
        try:
            figures = await asyncio.to_thread(stores.get(snap).stats, since, packs_version)
        except FeedbackUnavailable as exc:
            raise _unavailable(exc) from None
        return _json(figures.model_dump(mode="json"))
