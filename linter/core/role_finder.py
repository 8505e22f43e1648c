"""Finding the words of a role (or a cue) in an analysed message: concept templates expanded
into terms the engine's automaton finds, kept on token boundaries and outside the concepts'
exclusions; ``A…B`` entries (both parts in order, in one clause); short concept regexes."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from .analysis import Analysis, Span
from .concepts import GAP, ConceptLibrary, TemplateError, split_alternatives
from .cues import CLAUSE_BREAK, allowed_by_phrase

#: characters between the two parts of an ``A…B`` entry at most
GAP_REACH = 12


@dataclass(frozen=True)
class RoleHit:
    span: Span
    #: the template that found it (for explanations: 你家 ← {你}?的?{住处})
    template: str


class RoleFinder:
    """One role's templates, compiled against a concept library."""

    #: the engine asks every finder for its regex (this kind has none of the pack's)
    regex = None

    def __init__(
        self, templates: list[str], library: ConceptLibrary, patterns: list[str] = ()
    ) -> None:
        self.templates = [*templates, *patterns]
        #: what its hits depend on besides the message (one engine has one library)
        self._key = (id(library), tuple(templates), tuple(patterns))
        self._note_key = ("roles", self._key)
        #: prepared term → the template it came from
        self._label: dict[str, str] = {}
        #: (first-part terms, second-part terms, template) of each A…B entry
        self._gaps: list[tuple[frozenset[str], frozenset[str], str]] = []
        compiled = [(regex.compile(p, regex.V1), p) for p in patterns]
        exclusions: list[str] = []
        # an entry's alternatives one by one: 可能 | 保留…权利 is a word and an A…B entry
        written = [alt for t in templates for alt in split_alternatives(t)]
        expanded = [g for t in written for g in (library.gaps_of(t) if GAP not in t else ())]
        for template in [*written, *expanded]:
            if GAP in template:
                first, _, second = template.partition(GAP)
                a, b = library.expand(first), library.expand(second)
                if not a or not b:
                    raise TemplateError(f"{template!r}: both sides of {GAP} need words")
                self._gaps.append((frozenset(a), frozenset(b), template))
            else:
                regexes = library.patterns_of(template)
                if regexes:
                    compiled += [(regex.compile(p, regex.V1), template) for p in regexes]
                    terms = library.get(template.strip()[1:-1].strip()).terms
                else:
                    terms = frozenset(library.expand(template))
                for term in terms:
                    self._label.setdefault(term, template)
            exclusions.extend(library.exclusions_of(template))
        self._patterns = compiled
        self.exclusions = tuple(dict.fromkeys(exclusions))
        self._terms = frozenset(self._label)
        gap_terms = {t for a, b, _ in self._gaps for t in a | b}
        #: every string the automaton must find for this finder
        self.terms = sorted(self._terms | gap_terms)
        #: one of these is among the term hits whenever this finds anything (None: unknown)
        self.anchors: frozenset[str] | None = (
            None if compiled else self._terms | {t for a, _, _ in self._gaps for t in a}
        )

    def __bool__(self) -> bool:
        return bool(self.templates)

    def find(self, analysis: Analysis) -> list[RoleHit]:
        """Every hit of these templates in the message. Frames of many rules and the cue
        table ask for the same templates again and again: the answer is kept with the
        analysis (one message), keyed by the templates."""
        if self.anchors is not None and self.anchors.isdisjoint(analysis.term_hits):
            return []  # most finders asked about a message: none of their words is in it
        key = self._note_key
        hits = analysis.notes.get(key)
        if hits is None:
            hits = analysis.notes[key] = self._find(analysis)
        return hits  # type: ignore[return-value]

    def _find(self, analysis: Analysis) -> list[RoleHit]:
        text = analysis.text
        hits = analysis.term_hits
        aligned = analysis.aligned
        found: dict[Span, str] = {}
        # the terms of this finder the automaton found, intersected in C (a message has a
        # few dozen distinct hits; a finder may have thousands of terms)
        for term in self._terms.intersection(hits):
            template = self._label[term]
            for span in aligned(term):
                found.setdefault(span, template)
        for first, second, template in self._gaps:
            firsts = first.intersection(hits)
            if not firsts:
                continue
            seconds = [s for t in second.intersection(hits) for s in aligned(t)]
            if not seconds:
                continue
            for a in [s for t in firsts for s in aligned(t)]:
                for b in seconds:
                    near = b[0] >= a[1] and b[0] - a[1] <= GAP_REACH
                    if near and not CLAUSE_BREAK.search(text, a[1], b[0]):
                        found.setdefault((a[0], b[1]), template)
        for pattern, template in self._patterns:
            for span in _pattern_spans(pattern, analysis):
                found.setdefault(span, template)
        if found and self.exclusions:
            # only the exclusions the text holds can exclude anything
            present = [x for x in self.exclusions if x in text]
            if present:
                found = {s: t for s, t in found.items() if not allowed_by_phrase(text, s, present)}
        return [RoleHit(s, t) for s, t in sorted(found.items())]


def _pattern_spans(pattern: regex.Pattern[str], analysis: Analysis) -> list[Span]:
    """Where a concept regex matches the message (many finders share a concept's regexes:
    each runs once per message)."""
    key = ("pattern", pattern.pattern)
    spans = analysis.notes.get(key)
    if spans is None:
        spans = analysis.notes[key] = [
            (m.start(), m.end()) for m in pattern.finditer(analysis.text) if m.end() > m.start()
        ]
    return spans  # type: ignore[return-value]
