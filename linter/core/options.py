"""What a deployment changes without editing packs: the engine's options.

A light module (pydantic only): a config file is read into these without loading the
engine, jieba or OpenCC.
"""

from __future__ import annotations

from pydantic import BaseModel

from .models import DEFAULT_TIMEZONE, Severity


class EngineOptions(BaseModel):
    """What a deployment changes without editing packs (from config or CLI flags)."""

    select: list[str] = ["ALL"]
    ignore: list[str] = []
    severity: dict[str, Severity] = {}
    #: local permitted sending window, e.g. ("08:00", "21:00"); None keeps the pack's.
    #: It only narrows the pack's window, never widens it.
    contact_hours: tuple[str, str] | None = None
    #: the recipient's time zone when a message's context names none
    timezone: str = DEFAULT_TIMEZONE
    #: organisation names used when a message's context names none
    organization: list[str] = []
    #: the SMS gateway's 【signature】 when a message's context names none
    gateway_signature: str | None = None
    lang: str = "zh"
