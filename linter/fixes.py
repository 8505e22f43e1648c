"""Fixes: what to write instead, and applying replacements to a text."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Applicability, Fix, MessageContext, Violation
from .pack_schema import FixSpec

_ORG_VAR = "{organization}"


def build_fix(spec: FixSpec, matched_prepared: str, context: MessageContext, lang: str) -> Fix:
    description = spec.description.zh if lang == "zh" else spec.description.en
    replacement = spec.replacements.get(matched_prepared, spec.replacement)
    applicability = spec.applicability
    if replacement is not None and _ORG_VAR in replacement:
        orgs = [o for o in context.organization if o.strip()]
        # with no organisation to sign with, only a person can write it
        replacement = replacement.replace(_ORG_VAR, orgs[0]) if orgs else None
    if replacement is None:
        applicability = Applicability.manual
    return Fix(description=description, replacement=replacement, applicability=applicability)


def applicable(violations: Iterable[Violation], levels: set[Applicability]) -> list[Violation]:
    """Violations whose fix may be applied at these levels, without overlapping each other."""
    chosen: list[Violation] = []
    taken: list[tuple[int, int]] = []
    for v in sorted(violations, key=lambda v: (v.start, -v.end)):
        fix = v.fix
        if fix is None or fix.replacement is None or fix.applicability not in levels:
            continue
        if any(v.start < e and s < v.end for s, e in taken) or any(
            v.start == v.end == s for s, _ in taken
        ):
            continue
        chosen.append(v)
        taken.append((v.start, v.end))
    return chosen


def apply_fixes(text: str, violations: Iterable[Violation]) -> str:
    """Replace each violation's span by its replacement (spans must not overlap)."""
    out = text
    for v in sorted(violations, key=lambda v: (v.start, v.end), reverse=True):
        assert v.fix is not None and v.fix.replacement is not None
        out = out[: v.start] + v.fix.replacement + out[v.end :]
    return out
