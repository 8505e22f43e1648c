"""Tokenisation with jieba: one shared tokenizer, pack-supplied user words.

Terms are matched on the prepared text and then kept only where they start and end on a
token boundary, so 路口交通 (路口 / 交通) never yields 口交. Packs add their domain phrases
(法院传票, 爆通讯录 …) as user words so they come out as one token.

jieba cuts a text into blocks of Han characters, letters and digits (``HAN_BLOCK``) and
segments each block on its own; outside the blocks every character is a token of its own,
except that "\\r\\n" is one. So the tokens of one block never depend on the rest of the
text, and :class:`linter.analysis.Analysis` segments only the blocks it asks about.
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
    """A jieba tokenizer with the user words of the loaded packs.

    Building jieba's prefix dictionary takes ~0.6 s and ~60 MB, so the dictionary is
    built once per process and shared; each Tokenizer only adds its user words.
    """

    _shared: jieba.Tokenizer | None = None
    _lock = threading.Lock()

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self._jieba = self._shared_jieba()
        self.user_words = frozenset(w for w in user_words if len(w) > 1)
        with self._lock:
            for word in self.user_words:
                self._jieba.add_word(word, freq=_USER_WORD_FREQ)

    @classmethod
    def _shared_jieba(cls) -> jieba.Tokenizer:
        with cls._lock:
            if cls._shared is None:
                tok = jieba.Tokenizer()
                tok.initialize()
                cls._shared = tok
            return cls._shared

    def tokenize(self, text: str) -> list[Token]:
        # HMM off: unknown runs split into single characters, which only adds
        # boundaries (a term is never hidden inside a guessed word), and it is faster.
        return [Token(w, s, e) for w, s, e in self._jieba.tokenize(text, HMM=False)]

    def segment_block(self, block: str) -> list[str]:
        """The words of one ``HAN_BLOCK`` run, as :meth:`tokenize` cuts it inside a text."""
        return list(self._jieba.cut(block, HMM=False))


def warm_up() -> None:
    """Build jieba's dictionary now (start-up of a server, image build)."""
    Tokenizer()
