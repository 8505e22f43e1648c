"""Plain data shared by every layer: message context, violations, results."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, computed_field
from pydantic_core import PydanticCustomError


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


#: what a message says, as against who sends it and when (the learned model's categories,
#: and the ones whose findings make a second opinion unneeded)
CONTENT_CATEGORIES = frozenset(
    {
        Category.threat,
        Category.third_party_disclosure,
        Category.misleading_legal,
        Category.abusive_language,
    }
)


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


#: The recipient's time zone when neither the message, the command line nor the config names one.
DEFAULT_TIMEZONE = "Asia/Shanghai"

# A date and a time of day, with seconds, fraction and offset optional: 2026-11-28T21:30,
# 2026-11-28 21:30:00+08:00, 2026-11-28T13:30Z. No date alone, no week dates, no timestamps.
_SEND_AT = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?"
)


def _send_at(value: Any) -> datetime:
    """ISO 8601 date and time; an offset is optional, a time of day is not.

    pydantic alone would take ``2026-11-28`` as midnight and ``1764343800`` as a Unix time:
    a message's send time is judged by its hour, so either would be a silent wrong answer.
    """
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        raise PydanticCustomError(
            "send_at", "a date with no time of day; give e.g. 2026-11-28T21:30"
        )
    if not isinstance(value, str):
        raise PydanticCustomError(
            "send_at", "needs an ISO 8601 date and time, e.g. 2026-11-28T21:30"
        )
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise PydanticCustomError(
            "send_at",
            "'{value}' is a date with no time of day; give e.g. {value}T21:30",
            {"value": text},
        )
    if not _SEND_AT.fullmatch(text):
        raise PydanticCustomError(
            "send_at",
            "'{value}' is not an ISO 8601 date and time (e.g. 2026-11-28T21:30+08:00)",
            {"value": text[:40]},
        )
    try:
        return datetime.fromisoformat(text.replace(",", "."))
    except ValueError as exc:
        raise PydanticCustomError(
            "send_at",
            "'{value}' is not a valid date and time: {reason}",
            {"value": text, "reason": str(exc)},
        ) from None


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (``ValueError`` naming it when there is none)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"{name!r} is not an IANA time zone name (e.g. Asia/Shanghai)") from None


def _timezone(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("timezone", "needs an IANA time zone name, e.g. Asia/Shanghai")
    try:
        zone(value)
    except ValueError as exc:
        raise PydanticCustomError("timezone", str(exc)) from None
    return value


#: ``send_at`` as every boundary reads it (CLI, files, HTTP): date and time, offset optional.
SendAt = Annotated[datetime, BeforeValidator(_send_at)]
#: An IANA time zone name that this machine's zone database knows.
TimeZoneName = Annotated[str, BeforeValidator(_timezone)]


def _gateway_signature(value: object) -> str:
    """【安信消费金融】 or 安信消费金融 → 安信消费金融: the name inside the brackets."""
    if not isinstance(value, str):
        raise PydanticCustomError("signature", "needs a signature such as 【安信消费金融】")
    name = value.strip()
    if name.startswith("【") and name.endswith("】"):
        name = name[1:-1].strip()
    if not name or len(name) > 30 or any(c in name for c in "【】\n"):
        raise PydanticCustomError(
            "signature", "needs one signature of 1–30 characters, such as 【安信消费金融】"
        )
    return name


#: The 【signature】 an SMS gateway adds to every message it sends, as its name.
GatewaySignature = Annotated[str, BeforeValidator(_gateway_signature)]


class MessageContext(BaseModel):
    """Who a message goes to, how, when, and who may sign it."""

    model_config = ConfigDict(extra="forbid")

    recipient: Recipient = Recipient.debtor
    channel: Channel = Channel.sms
    #: when it is sent; a naive time is read in ``timezone``
    send_at: SendAt | None = None
    #: the recipient's IANA time zone; None: the deployment's default (``Asia/Shanghai``)
    timezone: TimeZoneName | None = None
    #: Names the sender may sign with (e.g. the lender's registered SMS signature).
    organization: list[str] = Field(default_factory=list)
    #: The 【signature】 the SMS gateway adds to every message (a template stored without
    #: one is judged as sent); None: the message carries its own, or none.
    gateway_signature: GatewaySignature | None = None


class Fix(BaseModel):
    description: str
    replacement: str | None = None
    applicability: Applicability = Applicability.manual
    #: the characters of the message the replacement takes the place of (the violation's
    #: span, or the clause around it); absent when there is no replacement
    start: int | None = None
    end: int | None = None


class RuleMatch(BaseModel):
    """One rule's own match inside a merged violation (see :attr:`Violation.matches`)."""

    rule: str
    severity: Severity
    message: str
    start: int
    end: int
    matched: str
    #: "model" when a learned model's score found it (see :attr:`Violation.evidence`)
    evidence: str | None = None
    score: float | None = None


class Violation(BaseModel):
    """A finding: words of a message that break a rule.

    Matches of one category on overlapping or touching words are one violation (see
    :mod:`linter.core.merge_findings`): ``rule`` is the most severe of the rules that matched (a
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
    #: "model" when a learned model's score found it (a ``kind: model`` rule), its span the
    #: clause that scored highest; None when a rule's words did
    evidence: str | None = None
    #: the model's score of the message for the category (0-1), with ``evidence: model``
    score: float | None = None
    matches: list[RuleMatch] = Field(default_factory=list)
    #: a concept rule's roles: role → the words that filled it ← the template that found them
    roles: dict[str, str] | None = None
    #: a concept rule's context: attribute → value (the cue that set it, or "no cue")
    context: dict[str, str] | None = None
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


def problem_text(error: Mapping[str, Any]) -> str:
    """A pydantic error's message as a person reads it: without pydantic's ``Value error, ``
    prefix, which says nothing to someone who wrote a config, a pack or a request."""
    return str(error["msg"]).removeprefix("Value error, ")
