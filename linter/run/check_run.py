"""One lint run over read messages, as ``check`` and ``fix`` need it: lint, inline
suppressions, baseline, and the report every format renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.engine import Engine
from ..core.models import Severity
from ..core.plural import counted
from ..core.source import ReadError, SourceMessage
from ..formats.report import FileProblem, MessageReport, Report, summarise
from . import baseline as bl
from .catalog import rule_catalog
from .config import Config
from .lint_run import lint_message
from .suppressions import apply_suppressions, drop_ignored

FAIL_LEVELS = {"error": 3, "warning": 2, "info": 1, "never": 99}


@dataclass
class RunOptions:
    overrides: dict[str, Any] = field(default_factory=dict)
    fail_on: str = "error"
    #: rules ignored on the command line (pseudo-rules MSGLINT-SUP-… included)
    ignore: list[str] = field(default_factory=list)
    baseline: Path | None = None
    update_baseline: bool = False
    #: every file this run read (a file with no message left is still "linted")
    files: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    report: Report
    #: one-line notes for stderr (baseline written, stale entries)
    notes: list[str] = field(default_factory=list)


def lint_messages(
    engine: Engine, config: Config, messages: list[SourceMessage], overrides: dict[str, Any]
) -> tuple[list[MessageReport], list[FileProblem]]:
    reports: list[MessageReport] = []
    problems: list[FileProblem] = []
    for msg in messages:
        try:
            reports.append(lint_message(engine, config, msg, overrides))
        except ReadError as exc:
            problems.append(FileProblem.of(exc))
    return reports, problems


def run(
    engine: Engine,
    config: Config,
    messages: list[SourceMessage],
    problems: list[FileProblem],
    options: RunOptions,
) -> RunResult:
    """Lint ``messages`` and build the report (``problems``: what reading already found)."""
    reports, lint_problems = lint_messages(engine, config, messages, options.overrides)
    problems = [*problems, *lint_problems]
    sources = {m.source for m in reports if m.source}
    file_ignores = {s: config.ignored_for(s) for s in sources}
    directive_problems = apply_suppressions(reports, engine, file_ignores)
    directive_problems = drop_ignored(directive_problems, [*config.ignore, *options.ignore])
    notes: list[str] = []
    baselined = 0
    if options.baseline is not None:
        base = bl.load(options.baseline)
        unreadable = {p.source for p in problems}
        files = [f for f in options.files if f not in unreadable]
        if options.update_baseline:
            base = bl.rebuilt(base, reports, files)
            bl.save(base)
            total = sum(base.entries.values())
            notes.append(f"wrote {options.baseline} ({counted(total, 'finding')})")
        result = bl.apply(base, reports, files)
        baselined = result.baselined
        if result.stale:
            notes.append(
                f"{counted(result.stale, 'baseline entry', 'baseline entries')} "
                f"{'matches' if result.stale == 1 else 'match'} nothing any more (fixed?); "
                "--update-baseline drops them"
            )
    errors = sum(1 for p in problems if p.level == "error")
    report = Report(
        packs_version=engine.version,
        messages=reports,
        summary=summarise(
            reports, errors, baselined=baselined, suppression_problems=len(directive_problems)
        ),
        problems=problems,
        suppression_problems=directive_problems,
        rules=rule_catalog(engine),
        fail_on=options.fail_on,
    )
    return RunResult(report=report, notes=notes)


def exit_code(report: Report) -> int:
    """2 when an input could not be read, 1 when a finding is at or above --fail-on, else 0."""
    if any(p.level == "error" for p in report.problems):
        return 2
    ranks = [Severity(v.severity).rank for m in report.messages for v in m.violations]
    ranks += [Severity(p.severity).rank for p in report.suppression_problems]
    return 1 if max(ranks, default=0) >= FAIL_LEVELS[report.fail_on] else 0
