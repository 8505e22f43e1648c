"""Finding the words of a role (or a cue) in an analysed message: concept templates matched
from the engine's automaton hits (:mod:`linter.core.templates`), kept on token boundaries and
outside the concepts' exclusions; ``A…B`` entries (both parts in order, in one clause); short
concept regexes."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from .analysis import Analysis, Span
from .concepts import GAP, ConceptLibrary, TemplateError, one_concept, split_alternatives
from .cues import CLAUSE_BREAK, allowed_by_phrase
from .templates import Choice, need, sequence_spans, spans, strings

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
        #: (tree, template) of each entry, in the order written (the first names a hit)
        self._choices: list[tuple[Choice, str]] = []
        #: (first part, second part, template) of each A…B entry
        self._gaps: list[tuple[Choice, Choice, str]] = []
        compiled = [(regex.compile(p, regex.V1), p) for p in patterns]
        exclusions: list[str] = []
        # an entry's alternatives one by one: 可能 | 保留…权利 is a word and an A…B entry
        written = [alt for t in templates for alt in split_alternatives(t)]
        expanded = [g for t in written for g in (library.gaps_of(t) if GAP not in t else ())]
        for template in [*written, *expanded]:
            if GAP in template:
                first, _, second = template.partition(GAP)
                a, b = library.node(first), library.node(second)
                if not a or not b:
                    raise TemplateError(f"{template!r}: both sides of {GAP} need words")
                self._gaps.append((a, b, template))
            else:
                name = one_concept(template)
                regexes = library.patterns_of(template)
                # a concept with patterns stands alone: its words and its regexes
                if name is not None and regexes:
                    compiled += [(regex.compile(p, regex.V1), template) for p in regexes]
                    node = library.get(name).node
                    assert node is not None
                else:
                    node = library.node(template)
                self._choices.append((node, template))
            exclusions.extend(library.exclusions_of(template))
        self._patterns = compiled
        self.exclusions = tuple(dict.fromkeys(exclusions))
        #: each plain word of its templates → the first template it is a word of
        self._label: dict[str, int] = {}
        for i, (choice, _) in enumerate(self._choices):
            for word in choice.words:
                self._label.setdefault(word, i)
        self._words = frozenset(self._label)
        #: the templates with sequences to walk (see :mod:`linter.core.templates`)
        self._walked = [(i, c) for i, (c, _) in enumerate(self._choices) if c.sequences]
        trees = [c for c, _ in self._choices] + [c for a, b, _ in self._gaps for c in (a, b)]
        #: every string the automaton must find for this finder
        self.terms: frozenset[str] = frozenset().union(*(strings(c) for c in trees))
        #: one of these is among the term hits whenever this finds anything (None: unknown)
        self.anchors: frozenset[str] | None = None
        if not compiled:
            needs = [need(c) for c, _ in self._choices] + [need(a) for a, _, _ in self._gaps]
            if all(n is not None for n in needs):
                self.anchors = frozenset().union(*needs)  # type: ignore[arg-type]

    def __bool__(self) -> bool:
        return bool(self.templates)

    def find(self, analysis: Analysis) -> list[RoleHit]:
        """Every hit of these templates in the message. Frames of many rules and the cue
        table ask for the same templates again and again: the answer is kept with the
        analysis (one message), keyed by the templates."""
        # keys() against a set walks the smaller side in C; a set against a dict walks the dict
        if self.anchors is not None and analysis.term_hits.keys().isdisjoint(self.anchors):
            return []  # most finders asked about a message: none of their words is in it
        key = self._note_key
        hits = analysis.notes.get(key)
        if hits is None:
            hits = analysis.notes[key] = self._find(analysis)
        return hits  # type: ignore[return-value]

    def _find(self, analysis: Analysis) -> list[RoleHit]:
        text = analysis.text
        hits = analysis.term_hits
        # span → the first template that finds it
        first: dict[Span, int] = {}
        # its words found by the automaton, intersected in C (a message has a few dozen
        # distinct hits; a finder may have thousands of words)
        for term in self._words.intersection(hits):
            i = self._label[term]
            for span in analysis.aligned(term):
                if first.get(span, i) >= i:
                    first[span] = i
        for i, choice in self._walked:
            for span in sequence_spans(choice, analysis):
                if first.get(span, i) >= i:
                    first[span] = i
        found: dict[Span, str] = {s: self._choices[i][1] for s, i in first.items()}
        # only the exclusions the text holds can exclude anything: a hit inside one is no
        # hit, and an excluded word begins or ends no A…B entry either (法院路支行…已受理)
        present = [x for x in self.exclusions if x in text]

        def kept(part: list[Span]) -> list[Span]:
            return [s for s in part if not allowed_by_phrase(text, s, present)] if present else part

        for a_choice, b_choice, template in self._gaps:
            firsts = kept(spans(a_choice, analysis))
            if not firsts:
                continue
            seconds = kept(spans(b_choice, analysis))
            for a in firsts:
                for b in seconds:
                    near = b[0] >= a[1] and b[0] - a[1] <= GAP_REACH
                    if near and not CLAUSE_BREAK.search(text, a[1], b[0]):
                        found.setdefault((a[0], b[1]), template)
        for pattern, template in self._patterns:
            for span in _pattern_spans(pattern, analysis):
                found.setdefault(span, template)
        return [RoleHit(s, found[s]) for s in kept(sorted(found))]


def finder_for(
    templates: list[str], library: ConceptLibrary, patterns: list[str] = ()
) -> RoleFinder:
    """The role finder of these templates over ``library``, built once and shared: the same
    list (``{新闻出处}``, ``{通知框架}``) is named by dozens of rules, and a finder holds every
    word of its concepts, so one each would multiply what an engine builds and keeps. A finder
    changes nothing of its own after it is built (its hits are kept with the analysis)."""
    key = (tuple(templates), tuple(patterns))
    finder = library.finders.get(key)
    if finder is None:
        finder = library.finders[key] = RoleFinder(templates, library, patterns)
    return finder


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
