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
import marshal
import mmap
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from .user_cache import cache_dir, mark_used, write_cache

#: jieba dictionary caches kept (one per jieba install: venvs, checkouts), ~9 MB each
SHARDS_KEEP = 4


def _import_jieba() -> ModuleType:
    """jieba, imported without pkg_resources: jieba only uses it to open its own data files
    (falling back to a plain open() beside its module when it is absent), and importing it
    scans every installed distribution, a quarter of ``msglint check``'s start-up."""
    if "pkg_resources" in sys.modules:
        import jieba as module

        return module
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # "import" raises ImportError
    try:
        import jieba as module
    finally:
        del sys.modules["pkg_resources"]
    return module


jieba = _import_jieba()

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

    jieba's main dictionary (~350k prefixes) takes ~1 s to load even from jieba's own
    cache, longer than linting a file of messages. jieba segments a run of text by looking
    up substrings of it, each starting at one of its characters; so this tokenizer's
    ``jieba.Tokenizer`` starts with only its user words, and before segmenting a text it
    adds the dictionary's entries for the characters of that text it has not seen
    (:class:`_Shards`, read from a cache file built once per dictionary). Every lookup jieba
    makes then answers exactly as with the whole dictionary loaded, so segmentation is the
    same. Each Tokenizer has its own table: what one engine's packs add never shows in
    another engine's segmentation, and an engine built again without a word (a reload) no
    longer knows it.
    """

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self.user_words = frozenset(w for w in user_words if len(w) > 1)
        self._shards = _Shards.default()
        self._jieba = _with_words(self._shards, sorted(self.user_words))
        #: characters whose dictionary entries are in ``self._jieba.FREQ``
        self._seen: set[str] = set()

    def __getstate__(self) -> dict[str, frozenset[str]]:
        """A cached engine (linter.packs.engine_cache) keeps the user words only: the table
        is filled again from the dictionary's cache as texts need it."""
        return {"user_words": self.user_words}

    def __setstate__(self, state: dict[str, frozenset[str]]) -> None:
        self.__init__(state["user_words"])  # type: ignore[misc]

    def _fill(self, text: str) -> None:
        """Add the dictionary's entries for the characters of ``text`` not seen yet."""
        new = set(text).difference(self._seen)
        if new:
            freq, user_words = self._jieba.FREQ, self.user_words
            for char in new:
                for word, count in self._shards.entries(char).items():
                    if word not in user_words:  # a user word keeps its own frequency
                        freq[word] = count
                self._seen.add(char)  # after its entries: another thread may read it

    def load_all(self) -> None:
        """Every dictionary entry now (a server, before it freezes its heap)."""
        self._fill("".join(self._shards.characters()))

    def tokenize(self, text: str) -> list[Token]:
        self._fill(text)
        # HMM off: unknown runs split into single characters, which only adds
        # boundaries (a term is never hidden inside a guessed word), and it is faster.
        return [Token(w, s, e) for w, s, e in self._jieba.tokenize(text, HMM=False)]

    def frequency(self, word: str) -> int:
        """How common ``word`` is in jieba's dictionary (0: not a word of it). Its characters'
        entries are loaded first: the dictionary is loaded by character as text needs it."""
        self._fill(word)
        return int(self._jieba.FREQ.get(word) or 0)

    def segment_block(self, block: str) -> list[str]:
        """The words of one ``HAN_BLOCK`` run, as :meth:`tokenize` cuts it inside a text."""
        self._fill(block)
        return list(self._jieba.cut(block, HMM=False))


def _with_words(shards: _Shards, words: list[str]) -> jieba.Tokenizer:
    """A jieba tokenizer with no dictionary entries yet and ``words``, each added once as
    ``add_word`` adds it to the whole dictionary: its frequency raises the total, and its
    prefixes the dictionary lacks get 0 (:meth:`Tokenizer._fill` keeps the dictionary's)."""
    tok = jieba.Tokenizer()
    tok.FREQ = {}
    tok.total = shards.total
    tok.initialized = True  # never load the whole dictionary: _fill adds what is needed
    for word in words:
        tok.add_word(word, freq=_USER_WORD_FREQ)
    return tok


class _Shards:
    """jieba's main dictionary (words and prefixes → frequency), by first character.

    Built from jieba's dictionary once and kept in a cache file in the user's cache folder
    (``$XDG_CACHE_HOME/msglint``, else ``~/.cache/msglint``, else the temporary folder),
    named after jieba's version and the dictionary's size and time: the length of a
    header, the header (the dictionary's total and, per character, where its entries lie),
    then each character's entries as a marshal blob, read (mapped) on demand. Where no
    cache can be written, it is built in memory.
    """

    _default: _Shards | None = None
    _lock = threading.Lock()

    def __init__(
        self, data: bytes | mmap.mmap, start: int, index: dict[str, int], total: int
    ) -> None:
        #: jieba's sum of the dictionary's frequencies
        self.total = total
        self._data = data
        self._start = start
        #: character → where its blob ends (relative to ``start``); it begins where the
        #: blob before it ends, in the order of the index
        self._ends = index
        self._begins = dict(zip(index, [0, *index.values()], strict=False))

    @classmethod
    def default(cls) -> _Shards:
        with cls._lock:
            if cls._default is None:
                cls._default = cls._open(Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME)
            return cls._default

    def characters(self) -> list[str]:
        return list(self._ends)

    def entries(self, char: str) -> dict[str, int]:
        """The dictionary's words and prefixes that start with ``char``."""
        end = self._ends.get(char)
        if end is None:
            return {}
        return marshal.loads(self._data[self._start + self._begins[char] : self._start + end])

    @classmethod
    def _open(cls, dictionary: Path) -> _Shards:
        stat = dictionary.stat()
        name = f"msglint-jieba2-{jieba.__version__}-{stat.st_size}-{int(stat.st_mtime)}.shards"
        cache = cache_dir() / name
        try:
            with cache.open("rb") as f:
                data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            size = int.from_bytes(data[:8], "little")
            total, index = marshal.loads(data[8 : 8 + size])
            if len(data) == 8 + size + (max(index.values()) if index else 0):  # else cut short
                mark_used(cache)
                return cls(data, 8 + size, index, total)
        except (OSError, EOFError, ValueError, TypeError, AttributeError):
            pass
        with dictionary.open("rb") as f:
            freq, total = jieba.Tokenizer.gen_pfdict(f)
        by_char: dict[str, dict[str, int]] = {}
        for word, count in freq.items():
            by_char.setdefault(word[0], {})[word] = count
        blobs = {c: marshal.dumps(d) for c, d in by_char.items()}
        ends, offset = {}, 0
        for char, blob in blobs.items():
            offset += len(blob)
            ends[char] = offset
        header = marshal.dumps((total, ends))
        body = b"".join(blobs.values())
        # each jieba install (a new venv, a new mtime) names a new file: keep a few
        write_cache(
            cache,
            len(header).to_bytes(8, "little") + header + body,
            family="msglint-jieba2-*.shards",
            keep=SHARDS_KEEP,
        )
        return cls(body, 0, ends, total)


def warm_up() -> None:
    """Build the cache of jieba's dictionary now (image build) and load all of it."""
    Tokenizer().load_all()
