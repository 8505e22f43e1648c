"""Plain data shared by every layer: message context, violations, results."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, computed_field


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


class RuleMatch(BaseModel):
    """One rule's own match inside a merged violation (see :attr:`Violation.matches`)."""

    rule: str
    severity: Severity
    message: str
    start: int
    end: int
    matched: str


class Violation(BaseModel):
    """A finding: words of a message that break a rule.

    Matches of one category on overlapping or touching words are one violation (see
    :mod:`linter.merge_findings`): ``rule`` is the most severe of the rules that matched (a
    string, as always), ``severity`` the highest, ``start``/``end``/``matched`` the union of
    their spans, ``basis`` every rule's basis. ``matches`` then lists each rule's own match
    (id, severity, message, span), in text order; it is empty when one rule matched. ``rules``
    is every rule id of the violation, ``rule`` first.
    """

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
    matches: list[RuleMatch] = Field(default_factory=list)
    #: the violations merged into this one, each as its rule found it (not serialised)
    _parts: tuple[Violation, ...] = PrivateAttr(default=())

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rules(self) -> list[str]:
        """Every rule that matched these words, ``rule`` first."""
        return list(dict.fromkeys([self.rule, *(m.rule for m in self.matches)]))


def decide(violations: list[Violation]) -> Decision:
    severities = {v.severity for v in violations}
    if Severity.error in severities:
        return Decision.block
    if Severity.warning in severities:
        return Decision.review
    return Decision.allow
