"""Inline suppressions in YAML templates, accountable the way ruff and ESLint make them.

``# msglint: disable=ZH-THR-001[,ZH-ABU] -- reason`` at the end of the line of a template (its
key or its value), or alone on the line above it, accepts those rules for that message. A
comment alone on its line applies to the next line that is not itself a comment.

The comment itself can be wrong, and CI sees that as findings of pseudo-rules:
``MSGLINT-SUP-001`` (warning) a suppression that suppresses nothing or names no known rule,
``MSGLINT-SUP-002`` (error) a suppression without a reason — it suppresses nothing until it
has one, ``MSGLINT-SUP-003`` (error) a ``# msglint:`` comment that is not a directive.
Formats without comments (JSON, txt, jsonl) use ``per-file-ignores`` in the config.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import yaml

from ..core.merge_findings import split_parts
from ..core.models import Severity, decide
from ..core.selection import selector_matches
from ..core.source import SourceFile
from ..formats.report import MessageReport, RuleMeta, SuppressedViolation, SuppressionProblem

if TYPE_CHECKING:  # a type only: reading a config (SUPPRESSION_RULES) loads no engine
    from ..core.engine import Engine

UNUSED, NO_REASON, MALFORMED = "MSGLINT-SUP-001", "MSGLINT-SUP-002", "MSGLINT-SUP-003"

_FIX_EN = "Write it as `# msglint: disable=RULE-ID -- why this text is acceptable`"
_FIX_ZH = "写成 `# msglint: disable=规则编号 -- 为何此文本可以接受`"
SUPPRESSION_RULES: dict[str, RuleMeta] = {
    UNUSED: RuleMeta(
        id=UNUSED,
        name="unused-suppression",
        category="suppression",
        severity=Severity.warning,
        message_zh="未使用的豁免注释：它没有豁免任何问题",
        message_en="Unused suppression: it suppresses nothing",
        fix_zh="删除该注释，或改正其中的规则编号",
        fix_en="Remove the comment, or correct the rule id in it",
    ),
    NO_REASON: RuleMeta(
        id=NO_REASON,
        name="suppression-without-reason",
        category="suppression",
        severity=Severity.error,
        message_zh="豁免注释缺少理由（在 -- 之后说明），因此不生效",
        message_en="Suppression without a reason (after --); it is not applied",
        fix_zh=_FIX_ZH,
        fix_en=_FIX_EN,
    ),
    MALFORMED: RuleMeta(
        id=MALFORMED,
        name="malformed-directive",
        category="suppression",
        severity=Severity.error,
        message_zh="无法识别的 msglint 注释",
        message_en="A '# msglint:' comment that is not a directive",
        fix_zh=_FIX_ZH,
        fix_en=_FIX_EN,
    ),
}

_MARKER = re.compile(r"#\s*msglint\s*:(?P<body>.*)$")
_DISABLE = re.compile(
    r"\s*disable\s*=\s*(?P<rules>[^\s,]+(?:\s*,\s*[^\s,]+)*)\s*(?:--(?P<reason>.*))?$"
)


@dataclass
class Directive:
    line: int
    column: int
    #: the line it applies to (its own for a trailing comment, else the next non-comment line)
    target: int
    selectors: list[str]
    reason: str | None
    used: set[str] = field(default_factory=set)
    messages: list[MessageReport] = field(default_factory=list)


def _scalar_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges holding scalar text, where a ``#`` is content, not a comment."""
    root = yaml.compose(text)
    spans: list[tuple[int, int]] = []
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            start = node.start_mark.index
            if node.style in ("|", ">"):  # the header line may hold a comment; content follows
                newline = text.find("\n", start)
                start = node.end_mark.index if newline < 0 else newline + 1
            spans.append((start, max(start, node.end_mark.index)))
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += [key, value]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    return sorted(spans)


def _inside(spans: list[tuple[int, int]], index: int) -> bool:
    i = bisect.bisect_right(spans, (index, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= index < spans[i][1]


def _comment_start(line: str, line_start: int, spans: list[tuple[int, int]]) -> int | None:
    """Index in ``line`` of the ``#`` that starts a comment, if the line has one."""
    pos = line.find("#")
    while pos >= 0:
        if (pos == 0 or line[pos - 1] in " \t") and not _inside(spans, line_start + pos):
            return pos
        pos = line.find("#", pos + 1)
    return None


def scan_directives(
    source: SourceFile, lang: str = "zh"
) -> tuple[list[Directive], list[SuppressionProblem]]:
    """The ``# msglint:`` comments of a YAML file, and the ones that are not directives."""
    text = source.text
    if "msglint" not in text:
        return [], []
    try:
        spans = _scalar_spans(text)
    except yaml.YAMLError:
        return [], []  # the reader reports the parse error
    lines = text.split("\n")
    directives: list[Directive] = []
    problems: list[SuppressionProblem] = []
    for n, line in enumerate(lines):
        if "msglint" not in line:
            continue
        col = _comment_start(line, source.line_starts[n], spans)
        if col is None or not (marker := _MARKER.match(line.rstrip("\r"), col)):
            continue
        own_line = not line[:col].strip()
        target = n + 1
        if own_line:
            target += 1
            while target <= len(lines) and lines[target - 1].lstrip().startswith("#"):
                target += 1
        parsed = _DISABLE.match(marker.group("body"))
        if parsed is None:
            problems.append(_problem(source, n + 1, col + 1, MALFORMED, None, lang))
            continue
        reason = (parsed.group("reason") or "").strip() or None
        selectors = [s.strip() for s in parsed.group("rules").split(",")]
        directives.append(Directive(n + 1, col + 1, target, selectors, reason))
    return directives, problems


#: why a suppression is unused, in each message language
_DETAILS = {
    "no_message": ("下一行没有消息", "the next line holds no message"),
    "unknown": ("没有规则 {s}", "there is no rule {s}"),
    "nothing": ("此消息没有 {s} 的问题", "{s} raised nothing in this message"),
}


def _problem(
    source: SourceFile,
    line: int,
    column: int,
    rule: str,
    message_id: str | None,
    lang: str,
    detail: str = "",
    selector: str = "",
) -> SuppressionProblem:
    meta = SUPPRESSION_RULES[rule]
    zh = lang == "zh"
    message = meta.message_zh if zh else meta.message_en
    if detail:
        text = _DETAILS[detail][0 if zh else 1].format(s=selector)
        message += f"（{text}）" if zh else f" ({text})"
    return SuppressionProblem(
        source=str(source.path),
        line=line,
        column=column,
        rule=rule,
        severity=meta.severity,
        message=message,
        message_id=message_id,
    )


def _suppress(m: MessageReport, directives: list[Directive], engine: Engine) -> None:
    """Move the matches of the rules the directives name to ``m.suppressed``.

    A directive accepts the rules it names, one by one: of a violation merged from several
    rules' matches (:mod:`linter.core.merge_findings`) it takes out those rules' matches, and the
    words another rule found stay reported under that rule.
    """
    hits: dict[str, tuple[Directive, str] | None] = {}

    def hit(rule_id: str) -> tuple[Directive, str] | None:
        if rule_id not in hits:
            rule = engine.rule(rule_id)
            hits[rule_id] = next(
                (
                    (d, s)
                    for d in directives
                    for s in d.selectors
                    if rule is not None and selector_matches(s, rule.spec)
                ),
                None,
            )
        return hits[rule_id]

    sm = m.source_message
    kept, gone = split_parts(
        m.violations, m.text, lambda v: hit(v.rule) is not None, sm.position if sm else None
    )
    for v in gone:
        for part in v.rules:
            if (found := hit(part)) is not None:
                found[0].used.add(found[1])
        d, _ = hit(v.rule)  # type: ignore[misc]
        assert d.reason is not None
        m.suppressed.append(SuppressedViolation(**v.model_dump(), reason=d.reason))
    m.violations = kept
    m.decision = decide(kept)


def _active(selector: str, engine: Engine, file_ignores: list[str]) -> bool | None:
    """None: no rule has this name; False: no rule of it runs on this file; True: one does."""
    specs = [r.spec for r in engine.all_rules if selector_matches(selector, r.spec)]
    if not specs:
        return None
    running = {r.spec.id for r in engine.rules}
    return any(
        s.id in running and not any(selector_matches(i, s) for i in file_ignores) for s in specs
    )


def apply_suppressions(
    reports: Iterable[MessageReport], engine: Engine, file_ignores: dict[str, list[str]]
) -> list[SuppressionProblem]:
    """Move suppressed violations of YAML messages to ``suppressed``; report bad directives.

    ``file_ignores`` maps a source to its per-file-ignored rules (a directive for one of
    them is harmless, not unused).
    """
    files: dict[int, tuple[SourceFile, list[MessageReport]]] = {}
    for m in reports:
        sm = m.source_message
        if sm is None or sm.file is None or not str(sm.source).lower().endswith((".yaml", ".yml")):
            continue
        files.setdefault(id(sm.file), (sm.file, []))[1].append(m)
    problems: list[SuppressionProblem] = []
    for source, messages in files.values():
        directives, malformed = scan_directives(source, engine.options.lang)
        problems += malformed
        if not directives:
            continue
        by_target: dict[int, list[Directive]] = {}
        for d in directives:
            by_target.setdefault(d.target, []).append(d)
        for m in messages:
            assert m.source_message is not None
            here = [d for ln in m.source_message.key_lines for d in by_target.get(ln, [])]
            here = list({id(d): d for d in here}.values())
            for d in here:
                d.messages.append(m)
            _suppress(m, [d for d in here if d.reason], engine)
        ignores = file_ignores.get(str(source.path), [])
        for d in directives:
            problems += _directive_problems(source, d, engine, ignores)
    return sorted(problems, key=lambda p: (p.source, p.line, p.column, p.rule))


def _directive_problems(
    source: SourceFile, d: Directive, engine: Engine, ignores: list[str]
) -> list[SuppressionProblem]:
    msg_id = d.messages[0].id if len(d.messages) == 1 else None
    lang = engine.options.lang
    if d.reason is None:
        return [_problem(source, d.line, d.column, NO_REASON, msg_id, lang)]
    if not d.messages:
        return [_problem(source, d.line, d.column, UNUSED, None, lang, "no_message")]
    out = []
    for s in d.selectors:
        if s in d.used:
            continue
        active = _active(s, engine, ignores)
        if active is None or active:
            detail = "unknown" if active is None else "nothing"
            out.append(_problem(source, d.line, d.column, UNUSED, msg_id, lang, detail, s))
    return out


def drop_ignored(problems: list[SuppressionProblem], ignore: list[str]) -> list[SuppressionProblem]:
    """Leave out pseudo-rules named (or prefixed) by ``--ignore`` / ``ignore``."""
    return [p for p in problems if not any(p.rule.startswith(s) for s in ignore if s)]
