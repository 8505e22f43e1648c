"""Bodies of the HTTP gate: what a request may hold, and (for /docs) what a response holds.

Requests are strict (``extra="forbid"``): a misspelt ``contxt`` or ``recipent`` would otherwise
be dropped silently and a message to a third party judged as one to the debtor. Responses are
built as plain dicts and encoded with orjson (see ``http.app``); the response models here only
document them in the OpenAPI schema.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..core.models import (
    Channel,
    GatewaySignature,
    MessageContext,
    Recipient,
    SendAt,
    TimeZoneName,
    Violation,
)
from ..formats.report import MessageReport, Summary, ToolInfo

MessageId = Annotated[str, StringConstraints(min_length=1, max_length=256)] | int


class ContextIn(BaseModel):
    """Who the message goes to, on which channel, when, and who may sign it."""

    model_config = ConfigDict(extra="forbid")

    recipient: Recipient | None = None
    channel: Channel | None = None
    send_at: SendAt | None = Field(
        default=None,
        description="ISO 8601 date and time; with an offset (Z, +08:00) it is converted into "
        "timezone, without one it is read in timezone. A date alone is refused.",
    )
    timezone: TimeZoneName | None = Field(
        default=None,
        description="the recipient's IANA time zone, e.g. Asia/Shanghai (default: the "
        "server config's timezone, else Asia/Shanghai)",
    )
    organization: (
        Annotated[str, StringConstraints(min_length=1)]
        | list[Annotated[str, StringConstraints(min_length=1)]]
        | None
    ) = Field(default=None, description="a name (or names) the sender may sign with")
    gateway_signature: GatewaySignature | None = Field(
        default=None,
        description="the 【signature】 the SMS gateway adds to every message, e.g. "
        "【安信消费金融】 (default: the server config's gateway-signature); a message without "
        "its own is judged as sent",
    )

    def to_context(self) -> MessageContext:
        fields: dict[str, Any] = self.model_dump(exclude_none=True)
        if isinstance(fields.get("organization"), str):
            fields["organization"] = [fields["organization"]]
        return MessageContext.model_validate(fields)


class LintIn(BaseModel):
    """One message to judge."""

    model_config = ConfigDict(extra="forbid")

    text: str
    id: MessageId | None = Field(default=None, description="echoed back; default: its position")
    context: ContextIn | None = None


class BatchIn(BaseModel):
    """Up to ``max-batch`` messages (default 1000), each judged on its own."""

    model_config = ConfigDict(extra="forbid")

    messages: list[LintIn] = Field(min_length=1)


# ---- responses (documentation only) -------------------------------------------------------


class PackRef(BaseModel):
    name: str
    sha256: str


class MessageOut(MessageReport):
    """A message object exactly as in ``msglint check --format json``, plus ``fixed_text``."""

    fixed_text: str = Field(description="the text with every safe fix applied")


class LintOut(MessageOut):
    tool: ToolInfo
    packs: list[PackRef]
    packs_version: str = Field(
        description="hash of what decided: packs, user words, options, msglint and library versions"
    )


class FieldProblem(BaseModel):
    field: str
    message: str


class ErrorInfo(BaseModel):
    code: str
    message: str
    field: str | None = None
    details: list[FieldProblem] | None = Field(
        default=None, description="invalid_body: up to 20 problems, one per field"
    )


class MessageErrorOut(BaseModel):
    """A batch entry that could not be judged: treat it as do-not-send."""

    source: None = None
    id: str
    line: None = None
    column: None = None
    text: str
    decision: Literal["error"] = "error"
    violations: list[Violation] = []
    fixed_text: None = None
    error: ErrorInfo


class BatchOut(BaseModel):
    tool: ToolInfo
    packs: list[PackRef]
    packs_version: str
    messages: list[MessageOut | MessageErrorOut]
    summary: Summary


class ErrorOut(BaseModel):
    """Every non-2xx answer. ``decision`` is always ``error``: a gate must not send."""

    decision: Literal["error"] = "error"
    error: ErrorInfo
    request_id: str
