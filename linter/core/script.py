"""Which script a message is written in, and writing a replacement in that script.

A fix for a message in traditional characters is written in traditional characters: the
packs write replacements in simplified characters, and OpenCC converts them (s2t, or s2tw /
s2hk when the message spells its words the Taiwan or Hong Kong way).
"""

from __future__ import annotations

from functools import lru_cache

import opencc

from .prepare import _to_simplified

#: the placeholder a replacement signs with (filled in from the message's context)
ORG_VAR = "{organization}"


@lru_cache(maxsize=4)
def _converter(config: str) -> opencc.OpenCC:
    # building a converter costs 5-40 ms: one per process and configuration
    return opencc.OpenCC(config)


def is_traditional(text: str) -> bool:
    """Is ``text`` written in traditional characters (``script_of(text) is not None``)?"""
    return _traditional_simplified(text) is not None


def _traditional_simplified(text: str) -> str | None:
    """``text`` in simplified characters if it is written in traditional ones, else None."""
    simplified = _to_simplified(text)
    traditional = sum(1 for a, b in zip(text, simplified, strict=True) if a != b)
    if traditional == 0:
        return None
    # characters written in their simplified form though they have a traditional one
    simplified_only = sum(
        1 for a, b in zip(text, _converter("s2t").convert(text), strict=False) if a != b
    )
    return None if simplified_only >= traditional else simplified


def script_of(text: str) -> str | None:
    """The OpenCC configuration that writes simplified text in ``text``'s script.

    None when ``text`` is in simplified characters (or has no Han characters); else the
    one of s2t, s2tw and s2hk that spells ``text`` back best (s2t on a tie).
    """
    simplified = _traditional_simplified(text)
    if simplified is None:
        return None
    best, best_score = "s2t", _agreement(text, _converter("s2t").convert(simplified))
    for config in ("s2tw", "s2hk"):
        score = _agreement(text, _converter(config).convert(simplified))
        if score > best_score:
            best, best_score = config, score
    return best


def _agreement(a: str, b: str) -> int:
    return sum(1 for x, y in zip(a, b, strict=False) if x == y) if len(a) == len(b) else -1


def in_script(replacement: str, config: str | None) -> str:
    """``replacement`` (written in simplified characters) in the script ``config`` names."""
    if config is None or not replacement:
        return replacement
    parts = replacement.split(ORG_VAR)  # an organisation's name is written as registered
    return ORG_VAR.join(_converter(config).convert(p) for p in parts)
