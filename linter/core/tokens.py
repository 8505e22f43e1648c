"""Tokenisation with jieba: one tokenizer per engine, with its packs' user words.

Terms are matched on the prepared text and then kept only where they start and end on a
token boundary, so 路口交通 (路口 / 交通) never yields 口交. Packs add their domain phrases
(法院传票, 爆通讯录 …) as user words so they come out as one token.

jieba cuts a text into blocks of Han characters, letters and digits (``HAN_BLOCK``) and
segments each block on its own; outside the blocks every character is a token of its own,
except that "\\r\\n" is one. So the tokens of one block never depend on the rest of the
text, and :class:`linter.core.analysis.Analysis` segments only the blocks it asks about.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import jieba

# jieba logs its progress (never message text) at DEBUG/INFO; keep it quiet.
jieba.setLogLevel(logging.WARNING)

#: The runs of text jieba segments independently of each other (jieba's own pattern).
HAN_BLOCK = jieba.re_han_default

#: A user word gets this frequency so the segmenter prefers it over splitting it up.
_USER_WORD_FREQ = 200_000


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


class Tokenizer:
    """A jieba tokenizer with the user words of one engine's packs, and no others.

    Building jieba's prefix dictionary takes ~1 s and ~60 MB, so the main dictionary is
    loaded once per process into a base tokenizer that is never changed. A Tokenizer with
    user words gets its own ``jieba.Tokenizer`` whose frequency table is a copy of the
    base's (~40 ms, ~15 MB) plus those words; one without shares the base. So what one
    engine's packs add never shows in another engine's segmentation, and an engine built
    again without a word (a reload) no longer knows it.
    """

    _base: jieba.Tokenizer | None = None
    _lock = threading.Lock()

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self.user_words = frozenset(w for w in user_words if len(w) > 1)
        base = self._base_jieba()
        self._jieba = _with_words(base, sorted(self.user_words)) if self.user_words else base

    @classmethod
    def _base_jieba(cls) -> jieba.Tokenizer:
        with cls._lock:
            if cls._base is None:
                tok = jieba.Tokenizer()
                tok.initialize()
                cls._base = tok
            return cls._base

    def tokenize(self, text: str) -> list[Token]:
        # HMM off: unknown runs split into single characters, which only adds
        # boundaries (a term is never hidden inside a guessed word), and it is faster.
        return [Token(w, s, e) for w, s, e in self._jieba.tokenize(text, HMM=False)]

    def frequency(self, word: str) -> int:
        """How common ``word`` is in jieba's dictionary (0: not a word of it)."""
        return int(self._jieba.FREQ.get(word) or 0)

    def segment_block(self, block: str) -> list[str]:
        """The words of one ``HAN_BLOCK`` run, as :meth:`tokenize` cuts it inside a text."""
        return list(self._jieba.cut(block, HMM=False))


def _with_words(base: jieba.Tokenizer, words: list[str]) -> jieba.Tokenizer:
    """A new jieba tokenizer: ``base``'s dictionary (copied, ``base`` is untouched) plus
    ``words``, each added once, so the result depends on the words alone."""
    tok = jieba.Tokenizer(base.dictionary)
    tok.FREQ = dict(base.FREQ)
    tok.total = base.total
    tok.initialized = True  # the copied table is the loaded dictionary: never load it again
    for word in words:
        tok.add_word(word, freq=_USER_WORD_FREQ)
    return tok


def warm_up() -> None:
    """Build jieba's dictionary now (start-up of a server, image build)."""
    Tokenizer()
