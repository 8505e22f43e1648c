"""Plain data shared by every layer: message context, violations, results."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


class Category(StrEnum):
    threat = "threat"
    third_party_disclosure = "third_party_disclosure"
    misleading_legal = "misleading_legal"
    missing_identification = "missing_identification"
    abusive_language = "abusive_language"
    contact_time = "contact_time"


class Recipient(StrEnum):
    debtor = "debtor"
    guarantor = "guarantor"
    third_party = "third_party"


class Channel(StrEnum):
    sms = "sms"
    app = "app"
    im = "im"
    call_script = "call_script"


class Applicability(StrEnum):
    safe = "safe"
    unsafe = "unsafe"
    manual = "manual"


class Decision(StrEnum):
    allow = "allow"
    review = "review"
    block = "block"


class MessageContext(BaseModel):
    """Who a message goes to, how, when, and who may sign it."""

    model_config = ConfigDict(extra="forbid")

    recipient: Recipient = Recipient.debtor
    channel: Channel = Channel.sms
    send_at: datetime | None = None
    #: Names the sender may sign with (e.g. the lender's registered SMS signature).
    organization: list[str] = Field(default_factory=list)


class Fix(BaseModel):
    description: str
    replacement: str | None = None
    applicability: Applicability = Applicability.manual
    #: the characters of the message the replacement takes the place of (the violation's
    #: span, or the clause around it); absent when there is no replacement
    start: int | None = None
    end: int | None = None


class Violation(BaseModel):
    rule: str
    category: Category
    severity: Severity
    message: str
    basis: list[str]
    start: int
    end: int
    matched: str
    line: int | None = None
    column: int | None = None
    fix: Fix | None = None


def decide(violations: list[Violation]) -> Decision:
    severities = {v.severity for v in violations}
    if Severity.error in severities:
        return Decision.block
    if Severity.warning in severities:
        return Decision.review
    return Decision.allow
