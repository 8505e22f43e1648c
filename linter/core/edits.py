"""Applying fixes to a text: where a fix goes, which fixes may go together, the text after.

Pure text work on violations (no segmenting, no script conversion), shared by the engine,
the merging of findings, the formats and ``msglint fix``.
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import Applicability, Violation


def fix_span(v: Violation) -> tuple[int, int]:
    """The characters of the message ``v``'s replacement takes the place of."""
    fix = v.fix
    if fix is not None and fix.start is not None and fix.end is not None:
        return fix.start, fix.end
    return v.start, v.end


def applicable(violations: Iterable[Violation], levels: set[Applicability]) -> list[Violation]:
    """Violations whose fix may be applied at these levels, without overlapping each other."""
    chosen: list[Violation] = []
    taken: list[tuple[int, int]] = []
    for v in sorted(violations, key=lambda v: (fix_span(v)[0], -fix_span(v)[1])):
        fix = v.fix
        if fix is None or fix.replacement is None or fix.applicability not in levels:
            continue
        start, end = fix_span(v)
        if any(start < e and s < end for s, e in taken) or any(start == end == s for s, _ in taken):
            continue
        chosen.append(v)
        taken.append((start, end))
    return chosen


def apply_fixes(text: str, violations: Iterable[Violation]) -> str:
    """Replace each violation's fix span by its replacement (spans must not overlap)."""
    out = text
    for v in sorted(violations, key=fix_span, reverse=True):
        assert v.fix is not None and v.fix.replacement is not None
        start, end = fix_span(v)
        out = out[:start] + v.fix.replacement + out[end:]
    return out
