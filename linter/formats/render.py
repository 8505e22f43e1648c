"""Renderers of a Report: small functions from the one model to text. Nothing else here."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from ..core.edits import fix_span
from ..core.merge_findings import also_matched
from ..core.models import Violation
from ..core.plural import counted
from .github import render_github
from .junit import render_junit
from .report import MessageReport, Report
from .sarif import render_sarif


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _marked_line(text: str, start: int, end: int) -> tuple[str, str]:
    """The message line holding the span, and a caret line under the span."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end]
    span_end = min(end, line_end)
    pad = _width(text[line_start:start])
    carets = max(1, _width(text[start:span_end]))
    return line, " " * pad + "^" * carets


def _where(m: MessageReport, line: int | None, column: int | None) -> str:
    source = m.source or "<stdin>"
    if line is None:
        return f"{source}: [{m.id}]" if m.source else source
    return f"{source}:{line}:{column}"


def explained(v: Violation) -> list[str]:
    """A concept rule's finding, explained: which words filled which role, which cue set
    which attribute (nothing for other findings)."""
    out: list[str] = []
    if v.roles:
        out.append("roles: " + "; ".join(f"{role} {words}" for role, words in v.roles.items()))
    if v.context:
        out.append("context: " + "; ".join(f"{a} {value}" for a, value in v.context.items()))
    return out


def render_text(report: Report, verbose: bool = False) -> str:
    """The findings for a person; ``verbose`` adds what explains a concept rule's finding."""
    out: list[str] = []
    for m in report.messages:
        for v in m.violations:
            where = _where(m, v.line, v.column)
            out.append(f"{where}: {v.rule} [{v.severity.value}] {v.message}  ({v.category.value})")
            if v.evidence is not None:  # a learned model's finding: its score, not words
                out.append(f"    evidence: {v.evidence}, score {v.score}")
            if m.source:
                out.append(f"    in {m.id}")
            out.extend(
                f"    also {o.rule} [{o.severity.value}] {o.message}" for o in also_matched(v)
            )
            line, carets = _marked_line(m.text, v.start, v.end)
            out.append(f"    | {line}")
            out.append(f"    | {carets}")
            if verbose:
                out.extend(f"    {line}" for line in explained(v))
            if v.fix is not None:
                fix = v.fix
                if fix.replacement is not None:
                    start, end = fix_span(v)
                    change = f"{m.text[start:end]!r} → {fix.replacement!r}"
                    out.append(f"    fix ({fix.applicability.value}): {change}: {fix.description}")
                else:
                    out.append(f"    fix (manual): {fix.description}")
            out.append("")
    for p in report.suppression_problems:
        out.append(f"{p.source}:{p.line}:{p.column}: {p.rule} [{p.severity.value}] {p.message}")
        out.append("")
    s = report.summary
    decisions = ", ".join(f"{k} {v}" for k, v in s.by_decision.items()) or "none"
    categories = ", ".join(f"{k} {v}" for k, v in s.by_category.items())
    summary = (
        f"{counted(s.messages, 'message')}, {counted(s.violations, 'violation')} ({decisions})"
    )
    if categories:
        summary += f"; {categories}"
    if s.suppression_problems:
        summary += f"; {counted(s.suppression_problems, 'suppression problem')}"
    if s.suppressed:
        summary += f"; {s.suppressed} suppressed inline"
    if s.baselined:
        summary += f"; {s.baselined} in the baseline"
    if s.errors:
        summary += f"; {counted(s.errors, 'input error')}"
    out.append(summary)
    return "\n".join(out)


def render_json(report: Report) -> str:
    return report.model_dump_json(indent=2, exclude_none=False)


FORMATTERS: dict[str, Callable[[Report], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
    "junit": render_junit,
}
