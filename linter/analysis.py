"""A prepared message with everything the matchers look at: tokens and term hits."""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

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
    """Tokens are computed on first use: a message no term hits is never segmented."""

    prepared: PreparedMessage
    term_hits: dict[str, list[Span]]
    context: MessageContext
    tokenizer: Tokenizer
    _tokens: list[Token] | None = None
    _token_starts: list[int] = field(default_factory=list)
    _boundaries: frozenset[int] = frozenset()

    @property
    def text(self) -> str:
        return self.prepared.text

    @cached_property
    def signatures(self) -> list[tuple[Span, str]]:
        """The 【signatures】 at the start and end of the message, with their names."""
        from .matchers import signatures  # the matchers build on this module

        return signatures(self.prepared.text)

    @cached_property
    def signature_spans(self) -> list[Span]:
        """Where the 【signatures】 at the start and end of the message stand."""
        return [span for span, _name in self.signatures]

    @cached_property
    def chars(self) -> frozenset[str]:
        """The distinct characters of the prepared text (for regex prefilters)."""
        return frozenset(self.prepared.text)

    @property
    def tokens(self) -> list[Token]:
        if self._tokens is None:
            tokens = self.tokenizer.tokenize(self.prepared.text)
            self._token_starts = [t.start for t in tokens]
            boundaries = set(self._token_starts) | {t.end for t in tokens}
            # A user word keeps a domain phrase whole against its neighbours; it must not
            # hide a shorter term inside it (失信 in 失信被执行人), so its inside is open.
            for t in tokens:
                if t.end - t.start > 2 and t.text in self.tokenizer.user_words:
                    boundaries.update(range(t.start + 1, t.end))
            self._boundaries = frozenset(boundaries)
            self._tokens = tokens
        return self._tokens

    def on_boundaries(self, span: Span) -> bool:
        self.tokens  # noqa: B018 - computes the boundaries on first use
        return span[0] in self._boundaries and span[1] in self._boundaries

    def token_index(self, pos: int) -> int:
        """Index of the token containing character ``pos``."""
        self.tokens  # noqa: B018 - computes the token starts on first use
        return max(0, bisect.bisect_right(self._token_starts, pos) - 1)


class VariantSpeller:
    """Reads homophone spellings (法阮, 起苏) as the words they stand for, in prepared text."""

    def __init__(self, variants: dict[str, str]) -> None:
        self._variants = variants
        keys = sorted(variants, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, keys))) if keys else None

    def __call__(self, prepared: PreparedMessage) -> PreparedMessage:
        if self._pattern is None or not self._pattern.search(prepared.text):
            return prepared
        text = self._pattern.sub(lambda m: self._variants[m.group()], prepared.text)
        return dataclasses.replace(prepared, text=text)  # same length: the map still holds


def analyse(
    text: str,
    context: MessageContext,
    tokenizer: Tokenizer,
    index: TermIndex,
    speller: VariantSpeller | None = None,
) -> Analysis:
    prepared = prepare(text)
    if speller is not None:
        prepared = speller(prepared)
    return Analysis(
        prepared=prepared,
        term_hits=index.find_all(prepared.text),
        context=context,
        tokenizer=tokenizer,
    )
