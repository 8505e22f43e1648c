"""Fixing template files in place: only the characters of each fixed span change.

A violation's span (offsets into the message text) goes to file characters through
``SourceMessage.offsets``; a message that does not stand verbatim in its file (escapes, a
folded scalar) or a span broken by a block scalar's line break cannot be fixed in place and
is reported, never guessed. Every edited file is read back: each fixed message must read as
its fixed text and every other message as before, or that message's fixes are not applied
(a replacement with a quote in a quoted scalar, say). Text is written back in the encoding
it was read in (UTF-8, UTF-16/32 or GB18030/GBK, a BOM kept; see read_encoding), so every
byte outside the spans — comments, key order, quoting, newlines — stays as it was.
Several passes, as a fix can make room for another one.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.edits import applicable, apply_fixes, fix_span
from ..core.engine import Engine
from ..core.models import Applicability, Violation
from ..core.source import ReadError, SourceMessage
from ..formats.file_spans import file_span
from ..formats.report import MessageReport
from .check_run import lint_messages
from .config import Config
from .readers import decode, read_file, read_text
from .suppressions import apply_suppressions

MAX_PASSES = 5
NOT_VERBATIM = "the message is not written verbatim in the file (escapes or folding): fix by hand"
BROKEN_SPAN = "the text to replace is split across lines of a block scalar: fix by hand"
SPREADSHEET = "a spreadsheet is not rewritten: fix the cell by hand"
READS_BACK_WRONG = "the fixed text would not read back the same from the file: fix by hand"


@dataclass(frozen=True)
class NotFixed:
    source: str
    message_id: str
    rule: str
    line: int | None
    column: int | None
    reason: str


@dataclass
class FilePlan:
    path: Path
    before: bytes
    after: bytes
    applied: int = 0
    not_fixed: list[NotFixed] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass
class _Edit:
    start: int
    end: int
    replacement: str
    violation: Violation


@dataclass
class _MessageEdits:
    report: MessageReport
    edits: list[_Edit]

    @property
    def first(self) -> int:
        return min(e.start for e in self.edits)

    def fixed_text(self) -> str:
        return apply_fixes(self.report.text, [e.violation for e in self.edits])


def _splice(text: str, edits: list[_Edit]) -> str:
    for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: e.start] + e.replacement + text[e.end :]
    return text


def _not_fixed(m: MessageReport, v: Violation, reason: str) -> NotFixed:
    return NotFixed(str(m.source), m.id, v.rule, v.line, v.column, reason)


class _FileFixer:
    def __init__(
        self,
        path: Path,
        engine: Engine,
        config: Config,
        overrides: dict[str, Any],
        levels: Collection[Applicability],
    ) -> None:
        self.path, self.shown = path, str(path)
        self.engine, self.config, self.overrides = engine, config, overrides
        self.levels = set(levels)

    def read(self, text: str) -> tuple[list[SourceMessage], int]:
        errors: list[ReadError] = []
        return read_text(self.shown, text, self.path, errors), len(errors)

    def one_pass(self, text: str) -> tuple[str, int, list[NotFixed]]:
        messages, n_errors = self.read(text)
        reports, _ = lint_messages(self.engine, self.config, messages, self.overrides)
        ignores = {self.shown: self.config.ignored_for(self.shown)}
        apply_suppressions(reports, self.engine, ignores)  # suppressed findings stay as written
        planned: list[_MessageEdits] = []
        not_fixed: list[NotFixed] = []
        for m in reports:
            sm = m.source_message
            assert sm is not None
            edits = []
            for v in applicable(m.violations, self.levels):
                assert v.fix is not None and v.fix.replacement is not None
                span = file_span(sm, *fix_span(v))
                if span is None:
                    reason = NOT_VERBATIM if sm.offsets is None else BROKEN_SPAN
                    not_fixed.append(_not_fixed(m, v, reason))
                    continue
                edits.append(_Edit(span[0], span[1], v.fix.replacement, v))
            if edits:
                planned.append(_MessageEdits(m, edits))
        if not planned:
            return text, 0, not_fixed
        everything = _splice(text, [e for p in planned for e in p.edits])
        if self.reads_back(everything, messages, n_errors, planned):
            return everything, sum(len(p.edits) for p in planned), not_fixed
        # one message at a time, last first so earlier file offsets stay valid
        applied = 0
        for p in sorted(planned, key=lambda p: p.first, reverse=True):
            candidate = _splice(text, p.edits)
            if self.reads_back(candidate, messages, n_errors, [p]):
                text, applied = candidate, applied + len(p.edits)
            else:
                not_fixed += [_not_fixed(p.report, e.violation, READS_BACK_WRONG) for e in p.edits]
        return text, applied, not_fixed

    def reads_back(
        self,
        text: str,
        before: list[SourceMessage],
        n_errors: int,
        planned: list[_MessageEdits],
    ) -> bool:
        """Does ``text`` hold the same messages, with the planned ones fixed?"""
        expected = {id(p.report.source_message): p.fixed_text() for p in planned}
        try:
            after, errors = self.read(text)
        except ReadError:
            return False
        if errors != n_errors or len(after) != len(before):
            return False
        return all(
            a.id == b.id and a.context == b.context and a.text == expected.get(id(b), b.text)
            for a, b in zip(after, before, strict=True)
        )


def plan_file(
    path: Path,
    engine: Engine,
    config: Config,
    overrides: dict[str, Any],
    levels: Collection[Applicability],
) -> FilePlan:
    """What fixing ``path`` would write. Raises ReadError as the readers do."""
    if path.suffix.lower() == ".xlsx":
        return _spreadsheet_plan(path, engine, config, overrides, levels)
    raw = path.read_bytes()
    text, encoding = decode(str(path), raw)
    writes_back = encoding.encode(text) == raw
    fixer = _FileFixer(path, engine, config, overrides, levels)
    plan = FilePlan(path, raw, raw)
    for _ in range(MAX_PASSES):
        text, applied, plan.not_fixed = fixer.one_pass(text)
        plan.applied += applied
        if not applied:
            break
    if plan.applied:
        if not writes_back:  # bytes with two readings in this encoding: never rewrite them
            raise ReadError(str(path), None, f"{encoding.label} that would not write back as read")
        plan.after = encoding.encode(text)
    return plan


def _spreadsheet_plan(
    path: Path,
    engine: Engine,
    config: Config,
    overrides: dict[str, Any],
    levels: Collection[Applicability],
) -> FilePlan:
    """A workbook is never rewritten: each fix it could take is reported as not fixed."""
    reports, _ = lint_messages(engine, config, read_file(path, []), overrides)
    apply_suppressions(reports, engine, {str(path): config.ignored_for(str(path))})
    plan = FilePlan(path, b"", b"")
    plan.not_fixed = [
        _not_fixed(m, v, SPREADSHEET)
        for m in reports
        for v in applicable(m.violations, set(levels))
    ]
    return plan
