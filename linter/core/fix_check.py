"""Checking a fix cheaply: which rules can find anything where the replacement was put?

``Engine.lint`` keeps a fix's replacement only if the fixed text raises nothing in the
text the fix put at ``[lo, hi)`` (see :func:`still_wrong`). Running every rule on the
fixed text answers that, but most rules cannot find a span there, and that is known from
the term hits alone, before running them:

- a rule whose spans are always empty (an absence, a send time, a missing signature)
  only counts for the rule the fix was for;
- a span of a terms pattern is one of its terms' hits;
- a regex match contains one of the regex's anchors and is at most ``max_width`` wide, so
  it lies within ``[anchor_end - width, anchor_start + width)`` of an anchor hit.

A rule's exceptions, ``unless``/``requires`` and the keeping of outermost spans only ever
drop spans, so a rule none of whose possible spans touches ``[lo, hi]`` (closed: wider
than :func:`still_wrong` asks) finds nothing there however it runs: skipping it gives the
same answer. Every other rule (near pairs, signatures, unbounded regexes or regexes
without anchors) runs as in a full find.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Literal

from .analysis import Span, present
from .prepare import PreparedMessage


@dataclass(frozen=True, slots=True)
class Reach:
    """Where the spans of a rule can lie, known before running it."""

    #: "empty": every span is empty; "hits": every span is a hit of ``terms`` or lies within
    #: ``width`` of a hit of ``anchors``; "anywhere": nothing is known
    kind: Literal["empty", "hits", "anywhere"]
    terms: frozenset[str] = frozenset()
    anchors: frozenset[str] = frozenset()
    width: int = 0


ANYWHERE = Reach("anywhere")


def still_wrong(rule: str, start: int, end: int, fixed_rule: str, lo: int, hi: int) -> bool:
    """Does a span found after a fix (on the fixed text) lie in the text the fix put at
    [lo, hi)?"""
    if start == end:  # an absence: only the rule the fix was for counts
        return rule == fixed_rule
    if hi > lo:
        return start < hi and lo < end
    inside = start < lo < end
    return inside or (rule == fixed_rule and start <= lo <= end)


@dataclass(frozen=True, slots=True)
class Region:
    """The original text ``[lo, hi]`` a fix put, as prepared character positions.

    A prepared span ``[s, e)`` maps to original ``[starts[s], ends[e - 1]]``; both maps
    ascend, so that touches ``[lo, hi]`` exactly when ``s <= last`` and ``e - 1 >= first``.
    """

    #: the first prepared character whose original end is at or after ``lo``
    first: int
    #: the last prepared character whose original start is at or before ``hi``
    last: int
    #: the length of the prepared text
    size: int
    #: the rule the fix was for
    rule: str

    @classmethod
    def of(cls, prepared: PreparedMessage, lo: int, hi: int, rule: str) -> Region:
        return cls(
            first=bisect.bisect_left(prepared.ends, lo),
            last=bisect.bisect_right(prepared.starts, hi) - 1,
            size=len(prepared.text),
            rule=rule,
        )

    def may_find(self, rule: str, reach: Reach, hits: dict[str, list[Span]]) -> bool:
        """Can ``rule`` find a span :func:`still_wrong` accepts (False only when surely not)?"""
        if reach.kind == "empty":
            return rule == self.rule
        if reach.kind == "anywhere":
            return True
        # Even with no prepared character in the region (last < first) a span around it
        # touches it: no shortcut there.
        first, last = self.first, self.last
        for term in present(reach.terms, hits):
            for s, e in hits[term]:
                if s <= last and e - 1 >= first:
                    return True
        width, size = reach.width, self.size
        for anchor in present(reach.anchors, hits):
            for s, e in hits[anchor]:
                if max(0, e - width) <= last and min(size, s + width) - 1 >= first:
                    return True
        return False
