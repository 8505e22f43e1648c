"""The tables of the verdict store (SQLAlchemy 2). The schema is made by the Alembic
migrations in ``feedback_migrations/``, never by ``create_all``: a change here needs a new
migration there."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class VerdictRow(Base):
    """One reviewer's verdict: on a finding (correct / wrong), or a miss on the message."""

    __tablename__ = "verdicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    reviewer: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))  # finding | missed
    verdict: Mapped[str | None] = mapped_column(String(16))  # correct | wrong; None for missed
    rule: Mapped[str | None] = mapped_column(String(64), index=True)
    category: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str | None] = mapped_column(String(16))
    #: the words the finding matched (the span's text): allowed, unlike the message
    matched: Mapped[str | None] = mapped_column(Text)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    #: HMAC-SHA256 of the message text, hex: the same message is recognised, not kept
    text_hash: Mapped[str] = mapped_column(String(64), index=True)
    #: the message itself, only with ``[feedback] store-text = true``
    text: Mapped[str | None] = mapped_column(Text)
    context: Mapped[dict[str, Any]] = mapped_column(JSON)
    packs_version: Mapped[str | None] = mapped_column(String(128), index=True)


class SettingRow(Base):
    """Values the store keeps for itself (the generated hash key)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
