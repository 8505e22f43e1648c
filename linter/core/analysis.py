"""A prepared message with everything the matchers look at: tokens and term hits."""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

import ahocorasick

from .models import Channel, MessageContext
from .prepare import PreparedMessage, prepare, prepare_text
from .signatures import signatures
from .tokens import HAN_BLOCK, Tokenizer

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


def present(strings: frozenset[str], hits: dict[str, list[Span]]) -> Iterable[str]:
    """The strings that are among a message's term hits, walking the smaller of the two."""
    if len(hits) < len(strings):
        return (s for s in hits if s in strings)
    return (s for s in strings if s in hits)


@dataclass(frozen=True, slots=True)
class _Block:
    """One run of text jieba segments on its own, segmented."""

    #: where each token of the block starts (absolute offsets, ascending)
    starts: list[int]
    #: token starts and ends, and the inside of long user words (see Analysis._block)
    boundaries: frozenset[int]


@dataclass
class Analysis:
    """Tokens are computed on first use: a message no term hits is never segmented.

    Segmenting the whole message costs far more than the checks need: a term's boundaries
    and the token distance of a near rule depend only on the jieba blocks they touch
    (see :mod:`linter.core.tokens`), so each block is segmented when first asked about.
    """

    prepared: PreparedMessage
    term_hits: dict[str, list[Span]]
    context: MessageContext
    tokenizer: Tokenizer
    _blocks: dict[int, _Block] = field(default_factory=dict)
    #: block text → its words; a block's words depend on its text alone, so analyses of
    #: texts that share blocks (a message and the same message with one fix) share this
    segments: dict[str, list[str]] = field(default_factory=dict)
    #: what a matcher found out about its own spans, kept for the finding (frame evidence)
    notes: dict[object, object] = field(default_factory=dict)
    #: spans a rule found and then let go because of what surrounds them (negated, hedged,
    #: quoted or warned about, an exception phrase): the rules read those words and decided
    cleared: list[Span] = field(default_factory=list)
    _aligned: dict[str, list[Span]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.prepared.text

    def aligned(self, term: str) -> list[Span]:
        """Where ``term`` was found with both ends on token boundaries (asked by many rules
        for the same term, worked out once)."""
        spans = self._aligned.get(term)
        if spans is None:
            spans = self._aligned[term] = [
                s for s in self.term_hits.get(term, ()) if self.on_boundaries(s)
            ]
        return spans

    @cached_property
    def signatures(self) -> list[tuple[Span, str]]:
        """The 【signatures】 at the start and end of the message, with their names; an SMS
        gateway's (the context's ``gateway_signature``) stands first, at the empty span
        before the text, where the gateway puts it."""
        own = signatures(self.prepared.text)
        gateway = self.context.gateway_signature
        if gateway is None or self.context.channel is not Channel.sms:
            return own
        return [((0, 0), prepare_text(gateway)), *own]

    @cached_property
    def signature_spans(self) -> list[Span]:
        """Where the 【signatures】 at the start and end of the message stand (a gateway's
        stands in no character of the text)."""
        return [span for span, _name in self.signatures if span[1] > span[0]]

    @cached_property
    def chars(self) -> frozenset[str]:
        """The distinct characters of the prepared text (for regex prefilters)."""
        return frozenset(self.prepared.text)

    @cached_property
    def _block_spans(self) -> tuple[list[int], list[int]]:
        """Starts and ends of the jieba blocks (runs of Han, letters, digits)."""
        starts: list[int] = []
        ends: list[int] = []
        for m in HAN_BLOCK.finditer(self.prepared.text):
            starts.append(m.start())
            ends.append(m.end())
        return starts, ends

    def _block(self, i: int) -> _Block:
        block = self._blocks.get(i)
        if block is None:
            starts, ends = self._block_spans
            pos = starts[i]
            run = self.prepared.text[pos : ends[i]]
            words = self.segments.get(run)
            if words is None:
                words = self.segments[run] = self.tokenizer.segment_block(run)
            token_starts: list[int] = []
            boundaries = {pos}
            user_words = self.tokenizer.user_words
            for word in words:
                end = pos + len(word)
                token_starts.append(pos)
                boundaries.add(end)
                # A user word keeps a domain phrase whole against its neighbours; it must
                # not hide a shorter term inside it (失信 in 失信被执行人): its inside is open.
                if end - pos > 2 and word in user_words:
                    boundaries.update(range(pos + 1, end))
                pos = end
            block = self._blocks[i] = _Block(token_starts, frozenset(boundaries))
        return block

    def _on_boundary(self, pos: int) -> bool:
        text = self.prepared.text
        if pos <= 0 or pos >= len(text):
            return bool(text) and pos in (0, len(text))
        starts, ends = self._block_spans
        i = bisect.bisect_right(starts, pos) - 1
        if i >= 0 and pos <= ends[i]:  # in a block or at its edge
            if pos == starts[i] or pos == ends[i]:
                return True
            return pos in self._block(i).boundaries
        # between two characters outside the blocks: each is a token, but \r\n is one
        return not (text[pos - 1] == "\r" and text[pos] == "\n")

    def on_boundaries(self, span: Span) -> bool:
        """Do both ends of ``span`` fall on token boundaries?"""
        return self._on_boundary(span[0]) and self._on_boundary(span[1])

    def token_distance(self, a: int, b: int) -> int:
        """How many tokens further on character ``b`` lies than character ``a``
        (``0 <= a <= b < len(text)``): the number of tokens starting in (a, b]. Only the blocks
        there are segmented.
        """
        text = self.prepared.text
        starts, ends = self._block_spans
        count = 0
        pos = a + 1  # the first position still to count
        i = max(0, bisect.bisect_right(starts, pos) - 1)
        while pos <= b:
            if i < len(starts) and starts[i] <= b:
                block_start, block_end = starts[i], ends[i]
            else:
                block_start = block_end = b + 1
            if block_end <= pos:  # a block wholly before pos
                i += 1
                continue
            if pos < block_start:  # characters outside blocks: one token each but \r\n
                count += block_start - pos - text.count("\r\n", pos - 1, block_start)
                pos = block_start
                continue
            last = min(block_end - 1, b)
            token_starts = self._block(i).starts
            count += bisect.bisect_right(token_starts, last) - bisect.bisect_left(token_starts, pos)
            pos = block_end
            i += 1
        return count


class VariantSpeller:
    """Reads homophone spellings (法阮, 起苏) as the words they stand for, in prepared text,
    after ``latin`` has read the Latin letters inside Chinese (fa院 → 法院)."""

    def __init__(
        self,
        variants: dict[str, str],
        latin: Callable[[PreparedMessage], PreparedMessage] | None = None,
    ) -> None:
        self._variants = variants
        self._latin = latin
        keys = sorted(variants, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, keys))) if keys else None

    def __call__(self, prepared: PreparedMessage) -> PreparedMessage:
        if self._latin is not None:
            prepared = self._latin(prepared)
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
    segments: dict[str, list[str]] | None = None,
) -> Analysis:
    prepared = prepare(text)
    if speller is not None:
        prepared = speller(prepared)
    return Analysis(
        prepared=prepared,
        term_hits=index.find_all(prepared.text),
        context=context,
        tokenizer=tokenizer,
        segments={} if segments is None else segments,
    )
