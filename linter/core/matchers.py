"""The rule kinds. Each matcher takes an Analysis and returns candidate spans in prepared text.

A kind is one class here (a :class:`Matcher`; the learned model's is in
:mod:`linter.core.model_matcher`) and one model in :mod:`linter.core.rule_spec`.
The class answers everything the engine asks of a kind (what triggers it, where its spans
can lie, how exceptions read its spans), so nothing outside this module branches on kind.
"""

from __future__ import annotations

import re as stdlib_re
from collections.abc import Callable, Iterable
from datetime import time
from functools import cached_property, lru_cache
from typing import Any, Protocol

import regex

from .analysis import Analysis, Span, present
from .errors import RuleTimeout
from .fix_check import ANYWHERE, Reach
from .model_matcher import ModelMatcher
from .models import DEFAULT_TIMEZONE, Category, Severity, zone
from .options import EngineOptions
from .prepare import SLOT, prepare, to_simplified_phrases
from .regex_width import max_match_width
from .rule_spec import (
    NearMatch,
    Pattern,
    RegexMatch,
    RequiredMatch,
    SendTimeMatch,
    SignatureMatch,
    TermsMatch,
    compile_pack_regex,
)

#: No regex of any pack may run longer than this on one message.
REGEX_TIMEOUT_SECONDS = 0.05
#: a regex whose first anchor is this near the start scans from the start
_SCAN_FROM_START = 64


def normalise_term(term: str) -> str:
    """A pack term in the same form as prepared text (simplified, half-width, lower case)."""
    return prepare(term).text


def _prepared_forms(strings: list[str]) -> list[str]:
    """:func:`normalise_term` of each string, in one call when all are in prepared form
    already (as tools/pack_anchors.py writes anchors): a line break stops every rewrite of
    :func:`prepare` (a phrase conversion, a dropped separator, a placeholder), so the lines
    come out unchanged exactly when each one alone would."""
    joined = "\n".join(strings)
    # (t2s as a whole too: where a phrase changes length, prepare converts char by char)
    if normalise_term(joined) == joined and to_simplified_phrases(joined) == joined:
        return strings
    return [normalise_term(s) for s in strings]


class PackRegex:
    """A pack pattern, compiled on its first run, skipped when it cannot match.

    Which messages it can match is what the pack declares, never derived from the pattern:
    ``anchors`` (the pack's ``anchors:``, checked when the pack loads and proved sound in
    CI) are strings one of which every match contains; without them the regex always runs.
    """

    def __init__(self, pattern: str, anchors: Iterable[str] | None = None) -> None:
        self.pattern = pattern
        #: any match contains one of these strings; they join the engine's term automaton
        self.anchors: frozenset[str] | None = (
            None if anchors is None else frozenset(_prepared_forms(list(anchors))) - {""}
        )

    @cached_property
    def compiled(self) -> regex.Pattern[str]:
        """Compiled the first time a message may match it (most never run in a process)."""
        return compile_pack_regex(self.pattern)

    @cached_property
    def max_width(self) -> int | None:
        """The longest text one match can cover (None: unbounded or unknown)."""
        return max_match_width(self.pattern)

    def _start(self, analysis: Analysis) -> int | None:
        """Where the search may start (None: this regex cannot match the message).

        A match contains one of the anchors, so it starts at most ``max_width`` characters
        before the first anchor found; nothing before that needs scanning. Near the start
        of the text that saves nothing worth parsing the pattern for its width.
        """
        if self.anchors is None:
            return 0
        hits = analysis.term_hits
        if hits.keys().isdisjoint(self.anchors):  # in C: ~10x faster than walking either
            return None
        first = min(hits[a][0][0] for a in present(self.anchors, hits))
        if first <= _SCAN_FROM_START or self.max_width is None:
            return 0
        return max(0, first - self.max_width)

    def find(self, analysis: Analysis) -> list[Span]:
        start = self._start(analysis)
        if start is None:
            return []
        try:
            return [
                (m.start(), m.end())
                for m in self.compiled.finditer(
                    analysis.text, pos=start, timeout=REGEX_TIMEOUT_SECONDS
                )
                if m.end() > m.start()
            ]
        except TimeoutError:
            raise RuleTimeout(self.pattern) from None


class PatternFinder:
    """Finds one Pattern (terms and/or a regex) in an analysed message."""

    def __init__(self, spec: Pattern, expand: Callable[[list[str]], list[str]]) -> None:
        self.terms = sorted({normalise_term(t) for t in expand(spec.terms)} - {""})
        self._term_set = frozenset(self.terms)
        self.regex = PackRegex(spec.pattern, spec.anchors) if spec.pattern else None
        self.token_aligned = spec.boundary == "token"

    def triggers(self) -> frozenset[str] | None:
        """Strings one of which must be in the term hits for this to find anything."""
        if self.regex is None:
            return self._term_set
        if self.regex.anchors is None:
            return None
        return self._term_set | self.regex.anchors

    def find(self, analysis: Analysis) -> list[Span]:
        spans: list[Span] = []
        hits = analysis.term_hits
        for term in present(self._term_set, hits):
            for span in hits[term]:
                if not self.token_aligned or analysis.on_boundaries(span):
                    spans.append(span)
        if self.regex is not None:
            spans.extend(self.regex.find(analysis))
        return sorted(set(spans))


class Matcher(Protocol):
    """What the engine asks of a rule kind."""

    #: negation and hedge cues count inside a span as well as before it (不会…上门: a
    #: pair of words with the cue between them)
    cues_inside: bool
    #: of a rule's overlapping spans keep the outermost (False: the kind picks its spans)
    outermost_only: bool
    #: its spans may lie in a 【signature】 (other kinds' spans there are dropped unless the
    #: rule's exceptions say ``in_signature``)
    sees_signature: bool
    #: it decides negation, hedging and quotation itself (the concept kinds' context table):
    #: the engine's own cue checks do not run on its spans
    decides_context: bool
    #: it is asked only after the other rules, as they allow (a model's second opinion,
    #: ``when: rules-silent`` or ``category-silent``): see :meth:`second_opinion_score`
    second_opinion_only: bool

    def second_opinion_score(
        self, said: frozenset[Category], weighed: frozenset[Category]
    ) -> float | None:
        """The score a second opinion needs where the rules found what the message says in
        ``said`` categories and let words go in ``weighed`` ones (None: it is not asked)."""
        ...

    def find(self, analysis: Analysis) -> list[Span]:
        """Candidate spans in the prepared text, before exceptions."""
        ...

    def finders(self) -> Iterable[PatternFinder]:
        """The patterns it looks for (their terms join the engine's term automaton)."""
        ...

    def regexes(self) -> Iterable[PackRegex]:
        """Every pack regex it runs (their declared anchors join the term automaton)."""
        ...

    def triggers(self) -> frozenset[str] | None:
        """Strings one of which must be among the term hits for it to find anything (None:
        it always runs)."""
        ...

    def reach(self) -> Reach:
        """Where its spans can lie (see :mod:`linter.core.fix_check`)."""
        ...

    def configured(self, options: EngineOptions) -> Matcher:
        """This matcher under a deployment's options (most kinds take none: itself)."""
        ...

    def evidence(self, analysis: Analysis, span: Span) -> Any:
        """What it found out about a span it returned (roles, context), or None."""
        ...

    #: the highest severity its rule may have (None: any); a config asking more is capped
    max_severity: Severity | None
    #: a span it finds in a fixed text takes the fix back (see Engine._wrong_after_fix)
    judges_fixes: bool

    def model_evidence(self, analysis: Analysis, span: Span) -> tuple[str, float] | None:
        """What a finding says it rests on beyond its words: ("model", score) or None."""
        ...

    def versions(self) -> Iterable[str]:
        """What besides the packs decides its findings (a model's weights), for the
        engine's version."""
        ...


class _Kind:
    """What most kinds answer; each class overrides what it does differently."""

    cues_inside = False
    outermost_only = True
    sees_signature = False
    decides_context = False
    second_opinion_only = False

    def second_opinion_score(
        self, said: frozenset[Category], weighed: frozenset[Category]
    ) -> float | None:
        return None

    def evidence(self, analysis: Analysis, span: Span) -> Any:
        return None

    max_severity: Severity | None = None
    judges_fixes = True

    def model_evidence(self, analysis: Analysis, span: Span) -> tuple[str, float] | None:
        return None

    def versions(self) -> Iterable[str]:
        return ()

    def finders(self) -> Iterable[PatternFinder]:
        return ()

    def regexes(self) -> Iterable[PackRegex]:
        return [f.regex for f in self.finders() if f.regex is not None]

    def triggers(self) -> frozenset[str] | None:
        return None

    def reach(self) -> Reach:
        return ANYWHERE

    def configured(self, options: EngineOptions) -> Matcher:
        return self  # type: ignore[return-value]


def _hits_reach(terms: frozenset[str], regex: PackRegex | None) -> Reach:
    """Spans that are hits of ``terms`` or matches of ``regex`` near one of its anchors."""
    if regex is None:
        return Reach("hits", terms)
    if regex.anchors is None or regex.max_width is None:
        return ANYWHERE
    return Reach("hits", terms, regex.anchors, regex.max_width)


_EMPTY = Reach("empty")


class TermsMatcher(_Kind):
    def __init__(self, spec: TermsMatch, expand: Callable[[list[str]], list[str]]) -> None:
        self.finder = PatternFinder(spec, expand)

    def find(self, analysis: Analysis) -> list[Span]:
        return self.finder.find(analysis)

    def finders(self) -> Iterable[PatternFinder]:
        return (self.finder,)

    def triggers(self) -> frozenset[str] | None:
        return self.finder.triggers()

    def reach(self) -> Reach:
        return _hits_reach(frozenset(self.finder.terms), self.finder.regex)


class RegexMatcher(_Kind):
    def __init__(self, spec: RegexMatch, expand: Callable[[list[str]], list[str]]) -> None:
        self.regex = PackRegex(spec.pattern, spec.anchors)

    def find(self, analysis: Analysis) -> list[Span]:
        return self.regex.find(analysis)

    def regexes(self) -> Iterable[PackRegex]:
        return (self.regex,)

    def triggers(self) -> frozenset[str] | None:
        return self.regex.anchors

    def reach(self) -> Reach:
        return _hits_reach(frozenset(), self.regex)


_CLAUSE_BREAK = stdlib_re.compile(r"[，。！？；,.!?;\n：:]|但是|但|不过|可是")


class NearMatcher(_Kind):
    """A span of ``first`` and a span of ``second`` within N tokens, in one clause."""

    cues_inside = True
    outermost_only = False  # the tightest pairings (see _innermost)

    def __init__(self, spec: NearMatch, expand: Callable[[list[str]], list[str]]) -> None:
        self.first = PatternFinder(spec.first, expand)
        self.second = PatternFinder(spec.second, expand)
        self.within = spec.within
        self.ordered = spec.ordered

    def finders(self) -> Iterable[PatternFinder]:
        return (self.first, self.second)

    def triggers(self) -> frozenset[str] | None:
        # both sides must be present: either will do
        first, second = self.first.triggers(), self.second.triggers()
        if first is None or second is None:
            return first or second
        return min(first, second, key=len)

    def find(self, analysis: Analysis) -> list[Span]:
        firsts = self.first.find(analysis)
        if not firsts:
            return []
        seconds = self.second.find(analysis)
        spans: set[Span] = set()
        for a in firsts:
            for b in seconds:
                if a == b or (a[0] < b[1] and b[0] < a[1]):
                    continue  # the same words cannot be both sides
                if self.ordered and b[0] < a[1]:
                    continue
                left, right = (a, b) if a[0] <= b[0] else (b, a)
                # the clause first: it needs no segmenting
                if _CLAUSE_BREAK.search(analysis.text, left[1], right[0]):
                    continue
                gap = analysis.token_distance(left[1] - 1, right[0])
                if gap - 1 > self.within:
                    continue
                spans.add((left[0], right[1]))
        return _innermost(spans)


def _innermost(spans: set[Span]) -> list[Span]:
    """Drop spans that contain another span (keep the tightest pairing)."""
    ordered = sorted(spans, key=lambda s: (s[1] - s[0], s))
    kept: list[Span] = []
    for span in ordered:
        if not any(span[0] <= k[0] and k[1] <= span[1] for k in kept):
            kept.append(span)
    return sorted(kept)


class RequiredMatcher(_Kind):
    """Fires (with an empty span at 0) when the required thing is absent."""

    def __init__(self, spec: RequiredMatch, expand: Callable[[list[str]], list[str]]) -> None:
        self.present = PatternFinder(spec.present, expand)
        self.where = spec.where
        self.edge = spec.edge_chars

    def finders(self) -> Iterable[PatternFinder]:
        return (self.present,)

    def reach(self) -> Reach:
        return _EMPTY

    def find(self, analysis: Analysis) -> list[Span]:
        found = self.present.find(analysis)
        if self.where == "edge":
            limit = len(analysis.text) - self.edge
            found = [s for s in found if s[0] < self.edge or s[1] > limit]
        return [] if found else [(0, 0)]


class SendTimeMatcher(_Kind):
    """Fires when ``send_at``, on the recipient's clock, is outside ``[earliest, latest)``.

    The recipient's clock is the context's ``timezone``, else the engine's default zone:
    ``send_at`` with an offset (``Z``, ``+00:00`` …) is converted into it, a naive one is
    read as already in it.
    """

    def __init__(self, spec: SendTimeMatch, expand: Callable[[list[str]], list[str]]) -> None:
        self.earliest = time.fromisoformat(spec.earliest)
        self.latest = time.fromisoformat(spec.latest)
        self.default_zone = DEFAULT_TIMEZONE

    def reach(self) -> Reach:
        return _EMPTY

    def configured(self, options: EngineOptions) -> SendTimeMatcher:
        """This window narrowed to the options' ``contact_hours`` (never widened), judged in
        their ``timezone`` when a message's context names none.

        The pack's window is the legal one: a deployment's hours can only take from it.
        """
        contact_hours, default_zone = options.contact_hours, options.timezone
        clone = object.__new__(SendTimeMatcher)
        clone.earliest, clone.latest = self.earliest, self.latest
        if contact_hours is not None:
            earliest, latest = (time.fromisoformat(h) for h in contact_hours)
            clone.earliest, clone.latest = max(self.earliest, earliest), min(self.latest, latest)
        zone(default_zone)  # an unknown name fails here, when the engine is built
        clone.default_zone = default_zone
        return clone

    def find(self, analysis: Analysis) -> list[Span]:
        context = analysis.context
        sent = context.send_at
        if sent is None:
            return []
        tz = zone(context.timezone or self.default_zone)
        local = sent.replace(tzinfo=tz) if sent.tzinfo is None else sent.astimezone(tz)
        if self.earliest <= local.time() < self.latest:
            return []
        return [(0, 0)]


@lru_cache(maxsize=1024)
def _org_form(name: str) -> str:
    """An organisation name as prepared text; the same few names come with every message
    (the deployment's defaults, a sender's own), so each is prepared once."""
    return normalise_term(name)


def _names_org(signature: str, org: str) -> bool:
    # 【招商银行】 signs for 招商银行信用卡中心; a two-character 【银行】 does not.
    return org in signature or (len(signature) >= 4 and signature in org)


class SignatureMatcher(_Kind):
    sees_signature = True

    def __init__(self, spec: SignatureMatch, expand: Callable[[list[str]], list[str]]) -> None:
        self.check = spec.check
        self.generic = {normalise_term(g) for g in expand(spec.generic)}
        self._verdicts: dict[str, bool] = {}

    def reach(self) -> Reach:
        return _EMPTY if self.check == "missing" else ANYWHERE  # a missing one: at 0, empty

    def _is_generic(self, name: str) -> bool:
        """Made only of generic words: 逾期 + 管理中心 names nobody, 招商银行 + 中心 does."""
        # a sender signs every message the same way: remember the answer per signature
        known = self._verdicts.get(name)
        if known is None:
            known = self._verdicts[name] = self._covered_by_generic_words(name)
            if len(self._verdicts) > 10_000:
                self._verdicts.clear()
        return known

    def _covered_by_generic_words(self, name: str) -> bool:
        name = name.replace(" ", "")
        if name in self.generic:
            return True
        longest = max((len(g) for g in self.generic), default=0)
        covered = [True] + [False] * len(name)
        for end in range(1, len(name) + 1):
            covered[end] = any(
                covered[start] and name[start:end] in self.generic
                for start in range(max(0, end - longest), end)
            )
        return covered[-1]

    def find(self, analysis: Analysis) -> list[Span]:
        sigs = analysis.signatures
        if self.check == "missing":
            return [] if sigs else [(0, 0)]
        if not sigs or any(SLOT in name for _, name in sigs):
            return []
        if self.check == "generic":
            if all(self._is_generic(name) for _, name in sigs):
                return [sigs[0][0]]
            return []
        # not_organization
        orgs = [_org_form(o) for o in analysis.context.organization if o.strip()]
        if not orgs:
            return []
        if any(_names_org(name, org) for _, name in sigs for org in orgs):
            return []
        return [sigs[0][0]]


#: each kind of ``match:`` in a pack → its matcher
MATCHER_BY_KIND: dict[str, Callable[[Any, Callable[[list[str]], list[str]]], Matcher]] = {
    "terms": TermsMatcher,
    "regex": RegexMatcher,
    "near": NearMatcher,
    "required": RequiredMatcher,
    "send_time": SendTimeMatcher,
    "signature": SignatureMatcher,
    "model": ModelMatcher,
}
