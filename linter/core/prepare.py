"""Text preparation: normalise a message for matching, keeping a map back to the original.

Every character of the prepared text remembers which original characters it came from, so
a span found in the prepared text is reported on the original text (法 院 傳 票 → 法院传票
and back). Template placeholders become one slot character each: they are never matched
as text, and a phrase on either side of them is matched as usual.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import opencc

#: The one character that stands for a placeholder in prepared text (a private-use code point).
SLOT = "\ue000"

_PLACEHOLDER = re.compile(
    r"\{\{\s*[^{}\n]{1,60}?\s*\}\}"  # {{ name }}  (jinja / mustache)
    r"|\$\{[^{}\n]{1,60}\}"  # ${name}
    r"|\{[A-Za-z_\u4e00-\u9fff][\w.\u4e00-\u9fff]{0,40}\}"  # {name} {姓名}
    # ｛name｝, typed with a Chinese input method (letters may be full width too)
    r"|｛[A-Za-z_\uff21-\uff3a\uff41-\uff5a\u4e00-\u9fff][\w.\u4e00-\u9fff]{0,40}｝"
    r"|%\([A-Za-z_]\w{0,40}\)[sdif]"  # %(name)s
    r"|%[sdif]"  # %s
    r"|#[A-Za-z_\u4e00-\u9fff][\w.\u4e00-\u9fff]{0,40}#"  # #name#
)

_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u180e")
#: Characters people put inside a word to dodge keyword filters (法*院, 法-院, 法 院).
_ASCII_SEPARATORS = "*-_.~|/\\^+=`"
#: ... and their full-width forms (法－院), which fold to the same characters
_INSERTED_SEPARATORS = frozenset(
    " \t\u3000·•・－" + _ASCII_SEPARATORS + "".join(chr(ord(c) + 0xFEE0) for c in _ASCII_SEPARATORS)
)
_MAX_SEPARATOR_RUN = 3


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    # Building a converter costs 5-40 ms, so there is one per process.
    return opencc.OpenCC("t2s")


def to_simplified_phrases(text: str) -> str:
    """OpenCC's t2s of ``text`` as a whole (phrases converted, lengths may change)."""
    return _t2s().convert(text)


def _to_simplified(text: str) -> str:
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    # A phrase conversion changed the length: convert character by character so the
    # one-to-one correspondence (and so the offset map) holds.
    return "".join(c if len(c := _t2s().convert(ch)) == 1 else ch for ch in text)


def _fold_table() -> dict[int, str]:
    """One character for one: full width → half width, digits → ASCII, upper → lower case,
    and 妳 (the "you" written to a woman, common in Taiwan and Hong Kong) → 你."""
    table: dict[int, str] = {0x3000: " ", ord("妳"): "你"}
    for code in range(0x10000):
        ch = chr(code)
        if 0xFF01 <= code <= 0xFF5E:
            folded = chr(code - 0xFEE0).lower()
        elif ch.isdecimal() and not ch.isascii():  # category Nd, asked 3x faster
            folded = str(unicodedata.digit(ch, 0))
        else:
            folded = ch.lower()
        if folded != ch and len(folded) == 1:
            table[code] = folded
    return table


_FOLD = _fold_table()
_HAN = "\u4e00-\u9fff\u3400-\u4dbf"
_NEEDS_CHARACTER_PASS = re.compile(
    "["
    + "".join(_ZERO_WIDTH)
    + "]"
    + f"|[{_HAN}][{re.escape(''.join(_INSERTED_SEPARATORS))}]{{1,{_MAX_SEPARATOR_RUN}}}[{_HAN}]"
)


@dataclass(frozen=True, slots=True)
class Placeholder:
    start: int  # in the original text
    end: int
    name: str


@dataclass(frozen=True, slots=True)
class PreparedMessage:
    """The original text, its normalised form, and where each normalised char came from."""

    original: str
    text: str
    #: For each character of ``text``: the original index where it starts and ends.
    starts: Sequence[int]
    ends: Sequence[int]
    placeholders: tuple[Placeholder, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the prepared text to the span of the original text it came from."""
        if start >= end:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def find_placeholders(text: str) -> list[Placeholder]:
    return [Placeholder(m.start(), m.end(), m.group()) for m in _PLACEHOLDER.finditer(text)]


def prepare(original: str) -> PreparedMessage:
    """Normalise ``original`` for matching; see the module docstring."""
    placeholders = find_placeholders(original)
    simplified = _to_simplified(original)
    if not placeholders and not _NEEDS_CHARACTER_PASS.search(original):
        # Nothing is removed or merged: one prepared character per original character.
        n = len(original)
        return PreparedMessage(
            original=original,
            text=simplified.translate(_FOLD),
            starts=range(n),
            ends=range(1, n + 1),
            placeholders=(),
        )
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    slot_at = {p.start: p for p in placeholders}
    i = 0
    n = len(original)
    while i < n:
        if (ph := slot_at.get(i)) is not None:
            chars.append(SLOT)
            starts.append(ph.start)
            ends.append(ph.end)
            i = ph.end
            continue
        ch = original[i]
        if ch in _ZERO_WIDTH:
            i += 1
            continue
        if ch in _INSERTED_SEPARATORS and chars and _is_han(chars[-1]):
            # Drop a short run of separators that sits between two Han characters.
            j = i
            while (
                j < n
                and j - i < _MAX_SEPARATOR_RUN + 1
                and (original[j] in _INSERTED_SEPARATORS or original[j] in _ZERO_WIDTH)
            ):
                j += 1
            if (
                j - i <= _MAX_SEPARATOR_RUN
                and j < n
                and j not in slot_at
                and _is_han(simplified[j])
            ):
                i = j
                continue
        chars.append(simplified[i].translate(_FOLD))
        starts.append(i)
        ends.append(i + 1)
        i += 1

    return PreparedMessage(
        original=original,
        text="".join(chars),
        starts=tuple(starts),
        ends=tuple(ends),
        placeholders=tuple(placeholders),
    )


def prepare_text(original: str) -> str:
    """``prepare(original).text`` without building the offset map (for the many terms a
    concept template expands into)."""
    if _PLACEHOLDER.search(original) is None and not _NEEDS_CHARACTER_PASS.search(original):
        return _to_simplified(original).translate(_FOLD)
    return prepare(original).text


@dataclass(frozen=True, slots=True)
class Respelling:
    """``word`` read in place of the prepared text ``[start, end)`` (fa院 → 法院).

    ``parts`` gives, for each character of ``word``, the prepared span it was spelt with
    (``fa`` for 法); without it every character stands for the whole span.
    """

    start: int
    end: int
    word: str
    parts: tuple[tuple[int, int], ...] = ()


def respell(prepared: PreparedMessage, respellings: Sequence[Respelling]) -> PreparedMessage:
    """``prepared`` with each respelling's word in place of its span (sorted, disjoint);
    the offset map is rebuilt, so a span on a word still points at what was written."""
    if not respellings:
        return prepared
    old_starts, old_ends, text = prepared.starts, prepared.ends, prepared.text
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for r in respellings:
        chars.append(text[pos : r.start])
        starts.extend(old_starts[pos : r.start])
        ends.extend(old_ends[pos : r.start])
        parts = r.parts or ((r.start, r.end),) * len(r.word)
        for a, b in parts:
            starts.append(old_starts[a])
            ends.append(old_ends[b - 1])
        chars.append(r.word)
        pos = r.end
    chars.append(text[pos:])
    starts.extend(old_starts[pos:])
    ends.extend(old_ends[pos:])
    return PreparedMessage(
        original=prepared.original,
        text="".join(chars),
        starts=tuple(starts),
        ends=tuple(ends),
        placeholders=prepared.placeholders,
    )
