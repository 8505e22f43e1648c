"""The verdict store: reviewers' verdicts on findings, kept in a database, turned into precision.

SQLite file by default (``[feedback] path``, relative to the config file, created on first use),
PostgreSQL (psycopg 3) when ``[feedback] database-url`` is given. The schema is made and kept up
to date by the Alembic migrations shipped in ``feedback_migrations/``, run on first use.

Message text is personal data: a verdict keeps a keyed hash of the text (HMAC-SHA256) and the
matched words; the text itself only with ``store-text = true``. Nothing here logs text.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Engine, create_engine, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from .config import Config, FeedbackConfig
from .feedback_models import SettingRow, VerdictRow

MIGRATIONS = Path(__file__).resolve().parent / "feedback_migrations"
ENV_KEY = "MSGLINT_FEEDBACK_KEY"
KEY_SETTING = "text_hash_key"
#: Seconds to wait for a database server before the store is called unavailable.
CONNECT_TIMEOUT = 5


class FeedbackUnavailable(Exception):
    """The database cannot be reached or used (the message names no text)."""


class NewVerdict(BaseModel):
    """One verdict to store, already checked against the packs by the caller."""

    kind: Literal["finding", "missed"]
    verdict: Literal["correct", "wrong"] | None = None
    rule: str | None = None
    category: str
    severity: str | None = None
    matched: str | None = None
    start: int | None = None
    end: int | None = None
    note: str | None = None


class Submission(BaseModel):
    """The verdicts of one reviewer on one message."""

    reviewer: str = Field(min_length=1, max_length=100)
    text: str
    context: dict[str, Any] = {}
    packs_version: str | None = None
    verdicts: list[NewVerdict] = Field(min_length=1)


class RuleStats(BaseModel):
    rule: str
    category: str
    reviewed: int
    correct: int
    wrong: int
    precision: float | None
    below_floor: bool


class CategoryStats(BaseModel):
    category: str
    reviewed: int
    correct: int
    wrong: int
    precision: float | None
    missed: int


class Stats(BaseModel):
    since: date | None
    packs_version: str | None
    precision_floor: float
    rules: list[RuleStats]
    categories: list[CategoryStats]
    missed: dict[str, int]


def database_url(config: Config) -> str:
    """The configured database: ``database-url``, else the SQLite file ``path``."""
    fb = config.feedback
    if fb.database_url:
        return fb.database_url
    path = Path(fb.path)
    if not path.is_absolute():
        path = config.root / path
    return f"sqlite+pysqlite:///{path.resolve()}"


def _precision(correct: int, reviewed: int) -> float | None:
    return round(correct / reviewed, 4) if reviewed else None


def since_moment(since: date | None) -> datetime | None:
    return None if since is None else datetime.combine(since, time(0), tzinfo=UTC)


class FeedbackStore:
    """One database of verdicts. Connects and migrates on first use, not when made."""

    def __init__(self, url: str, settings: FeedbackConfig) -> None:
        self.url = url
        self.settings = settings
        self._engine: Engine | None = None
        self._key: bytes | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: Config) -> FeedbackStore:
        return cls(database_url(config), config.feedback)

    @property
    def backend(self) -> str:
        return self.url.split(":", 1)[0].split("+", 1)[0]

    # ---- connection and schema --------------------------------------------------------------

    def _open(self) -> Engine:
        with self._lock:
            if self._engine is not None:
                return self._engine
            args: dict[str, Any] = {}
            if self.backend == "sqlite":
                path = Path(self.url.split("///", 1)[1])
                path.parent.mkdir(parents=True, exist_ok=True)
            elif self.backend == "postgresql":
                args["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT}
            engine = create_engine(self.url, pool_pre_ping=True, **args)
            try:
                migrate(engine)
            except Exception:
                engine.dispose()
                raise
            self._engine = engine
            return engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session on the migrated database; any database failure is FeedbackUnavailable."""
        try:
            engine = self._open()
            with Session(engine) as session:
                yield session
        except (SQLAlchemyError, OSError) as exc:
            # the driver's message names host and port, never a message's text
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
            raise FeedbackUnavailable(
                f"the feedback database ({self.backend}) cannot be used: {reason}"
            ) from None

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # ---- the text hash ----------------------------------------------------------------------

    def _hash_key(self, session: Session) -> bytes:
        if self._key is not None:
            return self._key
        configured = os.environ.get(ENV_KEY) or self.settings.hash_key
        if configured:
            self._key = configured.encode()
            return self._key
        row = session.get(SettingRow, KEY_SETTING)
        if row is None:
            try:
                session.add(SettingRow(key=KEY_SETTING, value=secrets.token_hex(32)))
                session.commit()
            except IntegrityError:  # another process made it first: use theirs
                session.rollback()
            row = session.get(SettingRow, KEY_SETTING)
            assert row is not None
        self._key = row.value.encode()
        return self._key

    def text_hash(self, text: str) -> str:
        with self.session() as session:
            return self._digest(session, text)

    def _digest(self, session: Session, text: str) -> str:
        return hmac.new(self._hash_key(session), text.encode(), hashlib.sha256).hexdigest()

    # ---- writing ----------------------------------------------------------------------------

    def record(self, submission: Submission, now: datetime | None = None) -> list[int]:
        """Store every verdict of ``submission``; their ids, in order."""
        created = now or datetime.now(UTC)
        with self.session() as session:
            digest = self._digest(session, submission.text)
            rows = [
                VerdictRow(
                    created_at=created,
                    reviewer=submission.reviewer,
                    text_hash=digest,
                    text=submission.text if self.settings.store_text else None,
                    context=submission.context,
                    packs_version=submission.packs_version,
                    **v.model_dump(),
                )
                for v in submission.verdicts
            ]
            session.add_all(rows)
            session.commit()
            return [row.id for row in rows]

    # ---- reading ----------------------------------------------------------------------------

    def rows(self, since: date | None = None, packs_version: str | None = None) -> list[VerdictRow]:
        query = select(VerdictRow).order_by(VerdictRow.id)
        if (moment := since_moment(since)) is not None:
            query = query.where(VerdictRow.created_at >= moment)
        if packs_version is not None:
            query = query.where(VerdictRow.packs_version == packs_version)
        with self.session() as session:
            found = list(session.scalars(query))
            session.expunge_all()
            return found

    def stats(self, since: date | None = None, packs_version: str | None = None) -> Stats:
        return summarise(
            self.rows(since, packs_version), self.settings.precision_floor, since, packs_version
        )

    def export(self, since: date | None = None) -> list[dict[str, Any]]:
        """Messages with a wrong finding or a miss, labelled in the dev-set format."""
        return dev_set_messages(self.rows(since))


def summarise(
    rows: Iterable[VerdictRow], floor: float, since: date | None, packs_version: str | None
) -> Stats:
    """Per rule and per category: reviewed, correct, wrong, precision; misses per category.
    Rules under ``floor`` first, then the most reviewed."""
    by_rule: dict[str, Counter[str]] = {}
    rule_category: dict[str, str] = {}
    by_category: dict[str, Counter[str]] = {}
    missed: Counter[str] = Counter()
    for row in rows:
        if row.kind == "missed":
            missed[row.category] += 1
            by_category.setdefault(row.category, Counter())
            continue
        if row.rule is None or row.verdict is None:
            continue
        by_rule.setdefault(row.rule, Counter())[row.verdict] += 1
        rule_category[row.rule] = row.category
        by_category.setdefault(row.category, Counter())[row.verdict] += 1
    rules = []
    for rule, counts in by_rule.items():
        reviewed = counts["correct"] + counts["wrong"]
        precision = _precision(counts["correct"], reviewed)
        rules.append(
            RuleStats(
                rule=rule,
                category=rule_category[rule],
                reviewed=reviewed,
                correct=counts["correct"],
                wrong=counts["wrong"],
                precision=precision,
                below_floor=precision is not None and precision < floor,
            )
        )
    rules.sort(key=lambda r: (not r.below_floor, -r.reviewed, r.rule))
    categories = [
        CategoryStats(
            category=category,
            reviewed=counts["correct"] + counts["wrong"],
            correct=counts["correct"],
            wrong=counts["wrong"],
            precision=_precision(counts["correct"], counts["correct"] + counts["wrong"]),
            missed=missed[category],
        )
        for category, counts in sorted(by_category.items())
    ]
    return Stats(
        since=since,
        packs_version=packs_version,
        precision_floor=floor,
        rules=rules,
        categories=categories,
        missed=dict(sorted(missed.items())),
    )


def dev_set_messages(rows: Iterable[VerdictRow]) -> list[dict[str, Any]]:
    """One dev-set message per stored text with a wrong finding or a miss. Its labels: the
    categories of the findings marked correct plus the categories reported missed."""
    groups: dict[str, list[VerdictRow]] = {}
    for row in rows:
        if row.text is not None:
            groups.setdefault(row.text_hash, []).append(row)
    out: list[dict[str, Any]] = []
    for digest, group in groups.items():
        wrong = [r for r in group if r.kind == "finding" and r.verdict == "wrong"]
        misses = [r for r in group if r.kind == "missed"]
        if not wrong and not misses:
            continue
        correct = {r.category for r in group if r.kind == "finding" and r.verdict == "correct"}
        notes = [f"wrong {r.rule}" + (f" ({r.note})" if r.note else "") for r in wrong]
        notes += [f"missed {r.category}" + (f" ({r.note})" if r.note else "") for r in misses]
        context = {k: v for k, v in (group[0].context or {}).items() if v not in (None, [])}
        message: dict[str, Any] = {"id": f"fb-{digest[:12]}", "text": group[0].text}
        if context:
            message["context"] = context
        message["labels"] = sorted(correct | {r.category for r in misses})
        message["note"] = "reviewer feedback: " + "; ".join(notes)
        out.append(message)
    return out


def migrate(engine: Engine) -> None:
    """Bring the database's schema to the newest migration (Alembic, no ini file)."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    alembic_config = AlembicConfig()
    alembic_config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        alembic_config.attributes["connection"] = connection
        command.upgrade(alembic_config, "head")
