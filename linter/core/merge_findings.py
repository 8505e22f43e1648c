"""Deciding what to show: the matches of one category on the same words are one finding.

Rules overlap on purpose (a broad rule and a narrow one for the same kind of threat), and a
rule can match a repeated phrase twice (🔪🔪). Shown one by one, that is the same words
reported several times. After matching, :func:`merge_findings` joins the violations of ONE
category whose spans overlap or touch (no character between them) into one violation that
names every rule that matched:

- ``rule``, ``message`` and ``fix`` advice: the most severe rule (then the first in the
  text, then the longest span);
- ``severity``: the highest, so the decision is the one the separate violations gave;
- span: the union of the spans, so the finding points at all the words it is about (the
  words of each rule stay in ``matches``);
- ``basis``: every rule's basis, in order, once each;
- ``fix``: a replacement the rules' own (verified) fixes make over the union, of the safest
  applicability any of them has (safe, then unsafe, then manual) — at that applicability a
  rule whose fix covers the union, else the rules' non-overlapping replacements put
  together — so applying it changes the text as applying those fixes one by one did; with
  no replacement, the first rule's advice;
- the same rule on the same span twice is kept once.

An empty span (an absence, a send time) merges only with an empty span at the same place.
Each merged violation keeps its parts (:func:`parts`): suppressions and the baseline work on
the rules one by one, and :func:`merge_findings` of what is left gives the violations shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .edits import applicable, apply_fixes, fix_span
from .models import Applicability, Fix, RuleMatch, Violation


def parts(v: Violation) -> list[Violation]:
    """The violations, one per rule match, that ``v`` was merged from (``[v]`` if none)."""
    return list(v._parts) or [v]


def split_parts(
    violations: list[Violation],
    text: str,
    drop: Callable[[Violation], bool],
    position: Callable[[int], tuple[int | None, int | None]] | None = None,
) -> tuple[list[Violation], list[Violation]]:
    """(kept, dropped): the rule matches (:func:`parts`) ``drop`` names taken out of
    ``violations``, each side merged again and, given ``position`` (offset → line, column),
    located. A suppression or baseline entry for one rule thus takes out that rule's match
    only: the words another rule found there stay reported."""
    kept: list[Violation] = []
    dropped: list[Violation] = []
    for v in violations:
        for p in parts(v):
            (dropped if drop(p) else kept).append(p)
    if not dropped:
        return violations, []

    def located(vs: list[Violation]) -> list[Violation]:
        if position is None:
            return vs
        out = []
        for v in vs:
            line, column = position(v.start)
            out.append(v.model_copy(update={"line": line, "column": column}))
        return out

    return located(merge_findings(kept, text)), located(merge_findings(dropped, text))


def also_matched(v: Violation) -> list[RuleMatch]:
    """The other rules a merged violation names (each rule's first match), for renderers."""
    seen = {v.rule}
    out = []
    for m in v.matches:
        if m.rule not in seen:
            seen.add(m.rule)
            out.append(m)
    return out


def also_line(v: Violation) -> str:
    """``also: ZH-THR-019 [error] …; ZH-THR-022 [error] …`` ('' for a single rule's match)."""
    others = also_matched(v)
    if not others:
        return ""
    return "also: " + "; ".join(f"{m.rule} [{m.severity.value}] {m.message}" for m in others)


def merge_findings(violations: Iterable[Violation], text: str) -> list[Violation]:
    """``violations`` of ``text`` with each group of one category on overlapping or
    touching spans merged into one; sorted by position, then rule."""
    single = _dedup(p for v in violations for p in parts(v))
    by_category: dict[str, list[Violation]] = {}
    for v in single:
        by_category.setdefault(v.category.value, []).append(v)
    out: list[Violation] = []
    for group in by_category.values():
        out.extend(_merged(cluster, text) for cluster in _clusters(group))
    out.sort(key=lambda v: (v.start, v.end, v.rule))
    return out


def _dedup(violations: Iterable[Violation]) -> list[Violation]:
    """One violation per (rule, span): the first."""
    seen: dict[tuple[str, int, int], Violation] = {}
    for v in violations:
        seen.setdefault((v.rule, v.start, v.end), v)
    return list(seen.values())


def _clusters(group: list[Violation]) -> list[list[Violation]]:
    """Violations of one category, grouped where their spans overlap or touch."""
    empty: dict[int, list[Violation]] = {}
    clusters: list[list[Violation]] = []
    end = -1
    for v in sorted(group, key=lambda v: (v.start, v.end, v.rule)):
        if v.start == v.end:
            empty.setdefault(v.start, []).append(v)
        elif clusters and v.start <= end:
            clusters[-1].append(v)
            end = max(end, v.end)
        else:
            clusters.append([v])
            end = v.end
    return clusters + list(empty.values())


def _rank(v: Violation) -> tuple[int, int, int, str]:
    """Most severe first, then first in the text, then longest, then by id."""
    return (-v.severity.rank, v.start, v.start - v.end, v.rule)


def _merged(cluster: list[Violation], text: str) -> Violation:
    if len(cluster) == 1:
        return cluster[0]
    first = min(cluster, key=_rank)
    start = min(v.start for v in cluster)
    end = max(v.end for v in cluster)
    merged = first.model_copy(
        update={
            "start": start,
            "end": end,
            "matched": text[start:end],
            "basis": list(dict.fromkeys(b for v in sorted(cluster, key=_rank) for b in v.basis)),
            "fix": _fix(cluster, first, start, end, text),
            "matches": [
                RuleMatch(
                    rule=v.rule,
                    severity=v.severity,
                    message=v.message,
                    start=v.start,
                    end=v.end,
                    matched=v.matched,
                    evidence=v.evidence,
                    score=v.score,
                )
                for v in cluster
            ],
        }
    )
    merged._parts = tuple(cluster)
    return merged


def _fix(cluster: list[Violation], first: Violation, start: int, end: int, text: str) -> Fix | None:
    """The fix of the merged violation (see the module's docstring).

    A fix may replace more than its violation's words (a whole clause: :func:`fix_span`), so
    "covers the union" and "put together" are judged on the fixes' own spans."""
    for level in (Applicability.safe, Applicability.unsafe, Applicability.manual):
        # a safe fix is never given up for a less safe one: applied at the safe level, the
        # merged fix must change the text as the rules' safe fixes did
        at_level = [
            v
            for v in cluster
            if v.fix is not None and v.fix.replacement is not None and v.fix.applicability == level
        ]
        whole = [v for v in at_level if _covers(fix_span(v), start, end)]
        if whole:
            lead = min(whole, key=_rank)
            lo, hi = fix_span(lead)
            assert lead.fix is not None
            return lead.fix.model_copy(update={"start": lo, "end": hi})
        chosen = applicable(at_level, {level})
        if chosen:
            lo = min(start, *(fix_span(v)[0] for v in chosen))
            hi = max(end, *(fix_span(v)[1] for v in chosen))
            shifted = [_shifted(v, lo) for v in chosen]
            lead_fix = min(chosen, key=_rank).fix
            return Fix(
                description=lead_fix.description if lead_fix is not None else "",
                replacement=apply_fixes(text[lo:hi], shifted),
                applicability=level,
                start=lo,
                end=hi,
            )
    if first.fix is None:
        return None
    return Fix(description=first.fix.description, applicability=Applicability.manual)


def _covers(span: tuple[int, int], start: int, end: int) -> bool:
    return span[0] <= start and end <= span[1]


def _shifted(v: Violation, by: int) -> Violation:
    """``v`` with its span and its fix's span moved ``by`` characters to the left."""
    fix = v.fix
    if fix is not None and fix.start is not None and fix.end is not None:
        fix = fix.model_copy(update={"start": fix.start - by, "end": fix.end - by})
    return v.model_copy(update={"start": v.start - by, "end": v.end - by, "fix": fix})
