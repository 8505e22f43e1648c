"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` per finding.

GitHub turns them into annotations on the lines of the pull request's diff. The data is
escaped as the runner expects (``%``, CR, LF) and property values also escape ``:`` and ``,``.
"""

from __future__ import annotations

from ..core.merge_findings import also_line
from ..core.models import Severity
from ..core.plural import counted
from .file_spans import file_region
from .report import FileProblem, MessageReport, Report, SuppressionProblem

COMMANDS = {Severity.error: "error", Severity.warning: "warning", Severity.info: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **props: object) -> str:
    shown = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
    head = f"{kind} {shown}" if shown else kind
    return f"::{head}::{escape_data(message)}"


def _violations(m: MessageReport) -> list[str]:
    out = []
    for v in m.violations:
        end_line = end_col = None
        msg = m.source_message
        region = file_region(msg, v.start, v.end) if msg is not None else None
        if msg is not None and msg.file is not None and region is not None:
            end_line, end_col = msg.file.position(region[1])
        text = f"{v.message} — {m.id}" + (f": 「{v.matched}」" if v.matched else "")
        if also := also_line(v):
            text += f"\n{also}"
        if v.fix is not None:
            text += f"\n修改建议 fix ({v.fix.applicability.value}): {v.fix.description}"
        if v.basis:
            text += "\n依据 basis: " + "；".join(v.basis)
        out.append(
            command(
                COMMANDS[v.severity],
                text,
                file=m.source,
                line=v.line,
                col=v.column,
                endLine=end_line if end_line == v.line else None,
                endColumn=end_col if end_line == v.line else None,
                title=", ".join(v.rules),
            )
        )
    return out


def _directive(p: SuppressionProblem) -> str:
    return command(
        COMMANDS[p.severity], p.message, file=p.source, line=p.line, col=p.column, title=p.rule
    )


def _problem(p: FileProblem) -> str:
    kind = "error" if p.level == "error" else "warning"
    source = None if p.source == "<stdin>" else p.source
    return command(kind, p.message, file=source, line=p.line, title="msglint")


#: annotations of one kind GitHub shows per step; the rest only appear in the log
ANNOTATIONS_PER_KIND = 10


def render_github(report: Report) -> str:
    out = [line for m in report.messages for line in _violations(m)]
    out += [_directive(p) for p in report.suppression_problems]
    out += [_problem(p) for p in report.problems]
    for kind in ("error", "warning", "notice"):
        n = sum(
            1 for line in out if line.startswith(f"::{kind} ") or line.startswith(f"::{kind}::")
        )
        if n > ANNOTATIONS_PER_KIND:
            out.append(
                command(
                    "notice",
                    f"{n} {kind} annotations: GitHub shows {ANNOTATIONS_PER_KIND} per step; "
                    "all are in this step's log and in the SARIF report",
                    title="msglint",
                )
            )
    s = report.summary
    out.append(
        f"msglint: {counted(s.messages, 'message')}, {counted(s.violations, 'violation')}"
        + (
            f", {counted(s.suppression_problems, 'suppression problem')}"
            if s.suppression_problems
            else ""
        )
        + (f", {s.suppressed} suppressed inline" if s.suppressed else "")
        + (f", {s.baselined} in the baseline" if s.baselined else "")
        + (f", {counted(s.errors, 'input error')}" if s.errors else "")
    )
    return "\n".join(out)
