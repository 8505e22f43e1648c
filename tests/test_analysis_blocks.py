"""Segmenting only the jieba blocks a check asks about gives what segmenting it all gives."""

from __future__ import annotations

import bisect
import random

import pytest

from linter.core.analysis import Analysis, TermIndex, analyse
from linter.core.models import MessageContext
from linter.core.tokens import Tokenizer
from linter.packs.loader import build_engine

TEXTS = [
    "",
    "a",
    "\r\n",
    "ab\r\ncd",
    "\r\n你好\r",
    " 失信被执行人，",
    "你好\r\n\r\r\n世界 abc123 失信被执行人 爆通讯录 法院传票",
    "【安信消费金融】张先生，您尾号3821的借款已逾期5天，当前应还¥2,316.40。",
    "再不还钱就找人收拾你，你全家都别想好过，加微信 cs12388 处理。",
    "您的朋友王伟在我司借款1,200.00元已逾期3天，请督促他尽快还款，否则将爆通讯录。",
]


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return build_engine().tokenizer


def _texts() -> list[str]:
    rng = random.Random(7)
    alphabet = list("你好失信被执行人法院传票爆通讯录起诉上门 \r\n,，。abc123-_.%#&+\ue000")
    noise = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24))) for _ in range(300)]
    return TEXTS + noise


def _whole(tokenizer: Tokenizer, text: str) -> tuple[set[int], list[int]]:
    """Boundaries and token starts from segmenting the whole text (the old way)."""
    tokens = tokenizer.tokenize(text)
    boundaries = {t.start for t in tokens} | {t.end for t in tokens}
    for t in tokens:
        if t.end - t.start > 2 and t.text in tokenizer.user_words:
            boundaries.update(range(t.start + 1, t.end))
    return boundaries, [t.start for t in tokens]


def _analysis(text: str, tokenizer: Tokenizer) -> Analysis:
    return analyse(text, MessageContext(), tokenizer, TermIndex([]))


def test_boundaries_match_whole_segmentation(tokenizer: Tokenizer):
    for original in _texts():
        analysis = _analysis(original, tokenizer)
        text = analysis.text
        boundaries, _ = _whole(tokenizer, text)
        for pos in range(-1, len(text) + 2):
            assert analysis.on_boundaries((pos, pos)) == (pos in boundaries), (text, pos)


def test_token_distance_matches_token_index(tokenizer: Tokenizer):
    for original in _texts():
        analysis = _analysis(original, tokenizer)
        text = analysis.text
        _, starts = _whole(tokenizer, text)

        def index(pos: int, starts: list[int] = starts) -> int:
            return max(0, bisect.bisect_right(starts, pos) - 1)

        for a in range(len(text)):
            for b in range(a, len(text)):
                assert analysis.token_distance(a, b) == index(b) - index(a), (text, a, b)
