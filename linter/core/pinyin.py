"""Latin letters inside Chinese read as the pack words they spell (fa院 → 法院, TXL → 通讯录).

Collectors dodge keyword filters by typing part of a word in pinyin or its initials
(``shi信被执行人``, ``tong讯录``, ``qian款``, ``sxbzxr``) or a common abbreviation (``vx``,
``zfb``). Ordinary messages are full of Latin too (APP, VIP, ETC, 5G, codes, brand names),
so a run of letters is read as Chinese only when the result is a word the packs know:

* the run spells, in full pinyin or (two characters or more) in initials, a stretch of a
  pack word, and the Han characters written right beside the run are the rest of that word
  (``fa`` + ``院`` = 法院; ``sx`` + ``被执行人`` = 失信被执行人; lone a, e, o are syllables); or
* the run (three letters or more) spells one whole pack word and no other, in full pinyin or
  in initials of three characters or more (``tongxunlu``, ``sxbzxr``), next to Chinese; or
* the run is in a pack's ``abbreviations`` table (``vx: 微信``, ``V信: 微信``).

Never read: runs touching digits or address characters (5G, a1b2, fayuan.gov.cn), one
letter repeated (xx, xxxx: masks). Between homophones the word the context confirms
furthest wins, then the more common word in jieba's dictionary (追tao欠款 = 追讨, not 追逃);
a tie nothing breaks is not read.

The vocabulary is the packs' own: their terms, the anchors their regexes need, their user
words, variants and abbreviations. Readings come from pypinyin as it reads each word in
context (执行 = zhixing; 还 = fu, a rare reading, does not count). A message without
letters next to Chinese costs one regex search; pypinyin (~0.2 s to import) is loaded on
the first message whose letters sit beside the characters of some pack word. The respelt
word replaces the run in the prepared text only; spans map back to the letters that were
written (:func:`~linter.core.prepare.respell`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from .heap import collector_paused
from .prepare import PreparedMessage, Respelling, respell

_HAN = "\u4e00-\u9fff\u3400-\u4dbf"
_HAN_WORD = re.compile(f"[{_HAN}]{{2,12}}")
#: what an abbreviation stands for: Chinese characters only
HAN_WORD = re.compile(f"[{_HAN}]+")
#: the cheap test every message takes: letters touching Han, directly or across one space
_LATIN_NEXT_TO_HAN = re.compile(f"[a-z] ?[{_HAN}]|[{_HAN}] ?[a-z]")
_LATIN_RUN = re.compile("[a-z]+")
#: a run touching one of these is part of a code, an address or a number (5G, a1b2, x.cn)
_NOT_A_WORD_NEIGHBOUR = frozenset("0123456789.@/_-=&%#\\'")
#: an abbreviations key: Latin letters, with Han written on either side (V信)
ABBREVIATION_KEY = re.compile(f"([{_HAN}]*)([a-z]+)([{_HAN}]*)")


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


class _Reading(NamedTuple):
    """The letters spell ``word[i:j]``, ``lengths`` letters for each of its characters."""

    word: str
    i: int
    j: int
    initials: bool
    lengths: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _Abbreviation:
    before: str  # Han that must precede the letters (part of the key)
    after: str  # Han that must follow them
    word: str


#: the syllables of one letter (e心 = 恶心); any other lone letter is an initial at most
_ONE_LETTER_SYLLABLES = frozenset("aeo")
#: how many runs of letters keep their whole-word readings
_WHOLE_WORD_CACHE = 4096
#: marks the end of a word in the vocabulary trie
_END = ""
#: the longest pinyin syllable (zhuang, shuang)
_MAX_SYLLABLE = 6


class _Readings:
    """Readings from pypinyin, toneless, ü typed v (pypinyin's form) or u; imported on first
    use (~0.2 s) and kept per character and per word.

    A word is read as pypinyin reads it in context (执行 = zhi xing, 还上 = huan shang): a
    character's rare readings (还 = fu) would turn ordinary letters into the wrong word.
    The whole-word search uses every reading of a character to find candidates, then checks
    each candidate against its reading in context.
    """

    def __init__(self) -> None:
        from pypinyin import Style, lazy_pinyin, pinyin

        self._lazy_pinyin = lazy_pinyin
        self._pinyin = pinyin
        self._style = Style.NORMAL
        self._chars: dict[str, tuple[str, ...]] = {}
        self._words: dict[str, tuple[tuple[str, ...], ...]] = {}

    def of_char(self, ch: str) -> tuple[str, ...]:
        """Every reading of ``ch`` (行 = xing, hang, heng)."""
        found = self._chars.get(ch)
        if found is None:
            readings = self._pinyin(ch, style=self._style, heteronym=True, errors="ignore")
            found = self._chars[ch] = _spellings(readings[0] if readings else [])
        return found

    def of_word(self, word: str) -> tuple[tuple[str, ...], ...]:
        """The spellings of each character of ``word`` as read in that word; () when some
        character has no reading."""
        found = self._words.get(word)
        if found is None:
            syllables = self._lazy_pinyin(word, style=self._style, errors="ignore")
            found = ()
            if len(syllables) == len(word):
                found = tuple(_spellings([s]) for s in syllables)
                if not all(found):
                    found = ()
            self._words[word] = found
        return found

    def spell(
        self, letters: str, word: str, i: int, j: int, initials: bool
    ) -> tuple[int, ...] | None:
        """How many of ``letters`` spell each character of ``word[i:j]`` (all of them, in
        order, in full pinyin or by initials), or None."""
        readings = self.of_word(word)[i:j]
        if len(readings) != j - i:
            return None
        if initials:
            if len(letters) != j - i or j - i < 2:
                return None
            pairs = zip(letters, readings, strict=True)
            ok = all(any(r[0] == c for r in spellings) for c, spellings in pairs)
            return (1,) * len(letters) if ok else None
        return _spell_full(letters, 0, readings)


def _spellings(readings: Iterable[str]) -> tuple[str, ...]:
    spellings = dict.fromkeys(r for r in readings if r.isascii() and r.isalpha())
    for r in list(spellings):  # ü is typed v (lv, pypinyin's form) or u (lu)
        spellings.setdefault(r.replace("v", "u"))
    return tuple(spellings)


def _spell_full(
    letters: str, pos: int, readings: tuple[tuple[str, ...], ...]
) -> tuple[int, ...] | None:
    if not readings:
        return () if pos == len(letters) else None
    for r in readings[0]:
        if letters.startswith(r, pos):
            rest = _spell_full(letters, pos + len(r), readings[1:])
            if rest is not None:
                return (len(r), *rest)
    return None


def _unknown_frequency(word: str) -> int:
    return 0


class LatinReader:
    """Reads Latin runs inside Chinese as the pack words they spell; see the module docstring."""

    def __init__(
        self,
        vocabulary: Iterable[str],
        abbreviations: Mapping[str, str],
        frequency: Callable[[str], int] = _unknown_frequency,
    ) -> None:
        #: how common a word is (jieba's dictionary): picks between homophones
        self._frequency = frequency
        self._words = sorted({w for w in vocabulary if _HAN_WORD.fullmatch(w)})
        self._abbreviations: dict[str, list[_Abbreviation]] = {}
        for key, word in abbreviations.items():
            m = ABBREVIATION_KEY.fullmatch(key)
            if m is None:
                raise ValueError(f"abbreviation {key!r}: Latin letters, with Han on either side")
            entry = _Abbreviation(m.group(1), m.group(3), word)
            self._abbreviations.setdefault(m.group(2), []).append(entry)
        for entries in self._abbreviations.values():  # the longest key first
            entries.sort(key=lambda e: -len(e.before) - len(e.after))
        self._lock = threading.Lock()
        #: letters → the whole words they spell (APP, VIP, ETC come again and again)
        self._whole_word_cache: dict[str, list[_Reading]] = {}
        self._contexts: (
            tuple[dict[str, list[tuple[str, int]]], dict[str, list[tuple[str, int]]]] | None
        ) = None
        self._readings: _Readings | None = None
        self._vocabulary_trie: dict[str, Any] | None = None
        self._sounds: tuple[dict[str, set[str]], dict[str, set[str]]] | None = None

    #: built on first use (pypinyin's readings among them): never kept in a pickle
    _LAZY = ("_contexts", "_readings", "_vocabulary_trie", "_sounds")

    def __getstate__(self) -> dict[str, Any]:
        """What a cached engine keeps (linter.packs.engine_cache): the words, not the lock
        nor what is built on first use."""
        state = {k: v for k, v in self.__dict__.items() if k != "_lock"}
        state.update(dict.fromkeys(self._LAZY), _whole_word_cache={})
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def _context_index(
        self,
    ) -> tuple[dict[str, list[tuple[str, int]]], dict[str, list[tuple[str, int]]]]:
        """Where a word may go on after letters, and where it may have begun before them.

        ``after``: the one or two characters that must follow the letters (``word[j:j+2]``,
        or the last character) → (word, j); ``before``: the one or two that must precede
        them (``word[i-2:i]``, or the first) → (word, i). Keyed by two characters where the
        word has them, so a common character (的, 你) does not bring every word holding it.
        """
        if self._contexts is None:
            with collector_paused():
                self._contexts = _build_context_index(self._words)
        return self._contexts

    def _pinyin(self) -> _Readings:
        if self._readings is None:
            with self._lock, collector_paused():
                if self._readings is None:
                    self._readings = _Readings()
        return self._readings

    def _trie(self) -> dict[str, Any]:
        """The vocabulary character by character; built on first use, then read only."""
        if self._vocabulary_trie is None:
            root: dict[str, Any] = {}
            with collector_paused():
                for word in self._words:
                    node = root
                    for ch in word:
                        node = node.setdefault(ch, {})
                    node[_END] = word
            self._vocabulary_trie = root
        return self._vocabulary_trie

    def _by_sound(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """Vocabulary characters by each of their full readings and by each initial."""
        if self._sounds is None:
            readings = self._pinyin()
            by_full: dict[str, set[str]] = {}
            by_initial: dict[str, set[str]] = {}
            with collector_paused():
                for ch in {c for w in self._words for c in w}:
                    for r in readings.of_char(ch):
                        by_full.setdefault(r, set()).add(ch)
                        by_initial.setdefault(r[0], set()).add(ch)
            self._sounds = by_full, by_initial
        return self._sounds

    def _whole_words(self, letters: str) -> Iterator[_Reading]:
        """Vocabulary words ``letters`` spell on their own: in full pinyin, or in initials
        when the word has three characters or more (two letters name too many words)."""
        by_full, by_initial = self._by_sound()

        def walk(node: dict[str, Any], pos: int, lengths: tuple[int, ...]) -> Iterator[_Reading]:
            if pos == len(letters):
                word = node.get(_END)
                if word is not None and len(word) >= 2:
                    yield _Reading(word, 0, len(word), False, lengths)
                return
            for k in range(1, min(_MAX_SYLLABLE, len(letters) - pos) + 1):
                for ch in by_full.get(letters[pos : pos + k], ()):
                    if ch in node:
                        yield from walk(node[ch], pos + k, (*lengths, k))

        def walk_initials(node: dict[str, Any], pos: int) -> Iterator[_Reading]:
            if pos == len(letters):
                word = node.get(_END)
                if word is not None and len(word) >= 3:
                    yield _Reading(word, 0, len(word), True, (1,) * len(word))
                return
            chars = by_initial.get(letters[pos], set())
            for ch in chars if len(chars) < len(node) else node:
                if ch in chars and ch in node:
                    yield from walk_initials(node[ch], pos + 1)

        trie = self._trie()
        readings = self._pinyin()
        for found in (*walk(trie, 0, ()), *walk_initials(trie, 0)):
            # found through some reading of each character: keep it if the word reads so
            n = len(found.word)
            lengths = readings.spell(letters, found.word, 0, n, found.initials)
            if lengths is not None:
                yield found._replace(lengths=lengths)

    def __call__(self, prepared: PreparedMessage) -> PreparedMessage:
        if not _LATIN_NEXT_TO_HAN.search(prepared.text):
            return prepared
        # A second pass reads letters whose word the first pass completed (shi信bei执行人:
        # bei is 被 once shi is 失); respell() composes the offset maps.
        for _ in range(2):
            text = prepared.text
            found = [r for m in _LATIN_RUN.finditer(text) if (r := self._read(text, m))]
            if not found:
                break
            prepared = respell(prepared, found)
        return prepared

    def _read(self, text: str, run: re.Match[str]) -> Respelling | None:
        start, end = run.span()
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if before in _NOT_A_WORD_NEIGHBOUR or after in _NOT_A_WORD_NEIGHBOUR:
            return None
        if not (_is_han(before) or _is_han(after) or _han_across_space(text, start, end)):
            return None
        letters = run.group()
        if len(letters) > 1 and letters == letters[0] * len(letters):
            return None  # xx, xxxx: a mask for a name, a number or a date, not a word
        for entry in self._abbreviations.get(letters, ()):
            a, b = start - len(entry.before), end + len(entry.after)
            if a >= 0 and text[a:start] == entry.before and text[end:b] == entry.after:
                return Respelling(a, b, entry.word, _one_to_one(a, b, entry.word))
        if len(letters) < 2 and letters not in _ONE_LETTER_SYLLABLES:
            return None
        readings = list(self._in_context(text, start, end, before, after))
        if not readings and len(letters) >= 3:
            # a whole word in letters: read only when they name one word (txl, not sb)
            readings = self._whole_word_cache.get(letters)
            if readings is None:
                readings = list(self._whole_words(letters))
                if len(self._whole_word_cache) < _WHOLE_WORD_CACHE:
                    self._whole_word_cache[letters] = readings
            if len({r.word for r in readings}) > 1:
                return None
        if not readings:
            return None
        best = max(readings, key=self._rank)
        if any(_spelt(r) != _spelt(best) and self._rank(r) == self._rank(best) for r in readings):
            return None  # homophones nothing chooses between (ta找: 他 or 她)
        parts, pos = [], start
        for length in best.lengths:
            parts.append((pos, pos + length))
            pos += length
        return Respelling(start, end, best.word[best.i : best.j], tuple(parts))

    def _rank(self, reading: _Reading) -> tuple[int, int, int, int]:
        """The longest word the context confirms, full pinyin before initials, then the
        more common word and characters (追tao欠款: 追讨 before 追逃; dai不下去: 待 before 呆)."""
        spelt = _spelt(reading)
        return (
            len(reading.word),
            0 if reading.initials else 1,
            self._frequency(reading.word),
            self._frequency(spelt),
        )

    def _in_context(
        self, text: str, start: int, end: int, before: str, after: str
    ) -> Iterator[_Reading]:
        """Readings of ``text[start:end]`` as part of a word the Han beside it completes."""
        letters = text[start:end]
        follows, precedes = self._context_index()
        if _is_han(after):  # the word goes on after the letters: word[j:] follows them
            for key in {text[end : end + 2], after}:
                for word, j in follows.get(key, ()):
                    if text.startswith(word[j:], end):
                        for i in range(min(j, start + 1)):
                            if text[start - i : start] == word[:i]:
                                yield from self._spellings(letters, word, i, j)
        if _is_han(before):  # the word began before the letters and ends with them
            for key in {text[max(0, start - 2) : start], before}:
                for word, i in precedes.get(key, ()):
                    if start >= i and text[start - i : start] == word[:i]:
                        yield from self._spellings(letters, word, i, len(word))

    def _spellings(self, letters: str, word: str, i: int, j: int) -> Iterator[_Reading]:
        if not j - i <= len(letters) <= _MAX_SYLLABLE * (j - i):
            return  # too few or too many letters for these characters
        readings = self._pinyin()
        of_word = readings.of_word(word)
        if not of_word or not any(r[0] == letters[0] for r in of_word[i]):
            return  # the first letter already disagrees (the usual case)
        for initials in (False, True):
            lengths = readings.spell(letters, word, i, j, initials)
            if lengths is not None:
                yield _Reading(word, i, j, initials, lengths)


def _build_context_index(
    words: Iterable[str],
) -> tuple[dict[str, list[tuple[str, int]]], dict[str, list[tuple[str, int]]]]:
    after: dict[str, list[tuple[str, int]]] = {}
    before: dict[str, list[tuple[str, int]]] = {}
    for word in words:
        for k in range(1, len(word)):
            after.setdefault(word[k : k + 2], []).append((word, k))
            before.setdefault(word[max(0, k - 2) : k], []).append((word, k))
    return after, before


def _spelt(reading: _Reading) -> str:
    return reading.word[reading.i : reading.j]


def _han_across_space(text: str, start: int, end: int) -> bool:
    return (start >= 2 and text[start - 1] == " " and _is_han(text[start - 2])) or (
        end + 1 < len(text) and text[end] == " " and _is_han(text[end + 1])
    )


def _one_to_one(a: int, b: int, word: str) -> tuple[tuple[int, int], ...]:
    """Each character of ``word`` on one character of the key when the lengths agree."""
    if b - a != len(word):
        return ()
    return tuple((k, k + 1) for k in range(a, b))
