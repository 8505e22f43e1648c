"""A prepared message with everything the matchers look at: tokens and term hits."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field

import ahocorasick

from .models import MessageContext
from .prepare import PreparedMessage, prepare
from .tokens import Token, Tokenizer

Span = tuple[int, int]


class TermIndex:
    """Every term of every loaded rule in one Aho-Corasick automaton: one pass per message."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._automaton = ahocorasick.Automaton()
        count = 0
        for term in set(terms):
            if term:
                self._automaton.add_word(term, term)
                count += 1
        self._empty = count == 0
        if not self._empty:
            self._automaton.make_automaton()

    def find_all(self, text: str) -> dict[str, list[Span]]:
        hits: dict[str, list[Span]] = {}
        if self._empty:
            return hits
        for end_index, term in self._automaton.iter(text):
            hits.setdefault(term, []).append((end_index + 1 - len(term), end_index + 1))
        return hits


@dataclass
class Analysis:
    prepared: PreparedMessage
    tokens: list[Token]
    term_hits: dict[str, list[Span]]
    context: MessageContext
    _token_starts: list[int] = field(default_factory=list)
    _boundaries: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        self._token_starts = [t.start for t in self.tokens]
        self._boundaries = frozenset(t.start for t in self.tokens) | frozenset(
            t.end for t in self.tokens
        )

    @property
    def text(self) -> str:
        return self.prepared.text

    def on_boundaries(self, span: Span) -> bool:
        return span[0] in self._boundaries and span[1] in self._boundaries

    def token_index(self, pos: int) -> int:
        """Index of the token containing character ``pos``."""
        return max(0, bisect.bisect_right(self._token_starts, pos) - 1)


def analyse(text: str, context: MessageContext, tokenizer: Tokenizer, index: TermIndex) -> Analysis:
    prepared = prepare(text)
    return Analysis(
        prepared=prepared,
        tokens=tokenizer.tokenize(prepared.text),
        term_hits=index.find_all(prepared.text),
        context=context,
    )
