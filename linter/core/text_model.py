"""A learned second opinion: a linear model per category over characters, jieba words and
the concepts whose words a message holds.

The rules say exactly what they catch; a model trained on the labelled messages catches
phrasings nobody wrote a rule for. It reads the **prepared** text (simplified, half width,
lower case, placeholders as one slot character), so it sees what the rules see.

It reads the message's words, not its manners (:func:`content_view`): the 【signatures】 are
cut out and 您 reads as 你 (prepare has made 妳 你). Who signs is the identification rules'
business, and the written sets, whose unsigned messages are mostly violations and whose
compliant ones mostly say 您, had taught it "unsigned, or 你, means a violation": it flagged
plain IM reminders.

Features are binary: every character n-gram, 1 to 3 characters long unless the weights
file says otherwise (``c:`` + the characters); every jieba word of two or more characters
(``w:`` + the word), cut by jieba's own dictionary with no pack's user words, so that a pack
edit never shifts what the model reads; every concept of the shipped packs one of whose
words the text holds (``k:`` + the concept's name, :class:`ConceptWords`), so that what the
heads learn of one word reaches the others a compliance officer listed beside it; and the
recipient when it is not the debtor (``r:third_party``). The concepts' words are those of
the packs the heads were fit with, kept in the weights file: editing a concept changes what
the model reads only once it is trained again. A message's vector is scaled to length 1, so
its score is::

    P = sigmoid(bias + sum(weight[f] for f in features) / sqrt(len(features)))

Training (``bench/train_model.py``, scikit-learn) writes the weights as JSON; scoring here
is plain Python over a dict: inference never needs scikit-learn or numpy.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .analysis import TermIndex
from .cues import CLAUSE_BREAK
from .signatures import signatures
from .tokens import Tokenizer

#: what the featuriser does; a weights file made for another version does not load
FEATURES_VERSION = 3
#: the character n-grams a model reads unless its weights file says otherwise
NGRAMS: tuple[int, ...] = (1, 2, 3)
#: the weights that ship with msglint (a package resource beside this module)
SHIPPED_WEIGHTS = "zh-CN.json"


@cache
def plain_tokenizer() -> Tokenizer:
    """jieba with its own dictionary and no pack's words (what the model reads), one per
    process: a Tokenizer fills its table per character as texts need it, so a new one per
    message would read the dictionary's shards again each time."""
    return Tokenizer()


@dataclass(frozen=True, eq=False)
class ConceptWords:
    """The plain words of concepts (name → words, prepared text), found in one pass.

    A concept's words are those its entries spell out, with the words of every concept an
    entry names on its own (``{家人}`` in 亲属's terms); templates joining concepts
    (``{你}的?{家人}``) add none: their parts are words of their own concepts already."""

    words: Mapping[str, tuple[str, ...]]
    #: word → the concepts that list it
    _owners: dict[str, tuple[str, ...]] = field(init=False, repr=False)
    #: every word in the engine's one-pass term index
    _index: TermIndex = field(init=False, repr=False)

    def __post_init__(self) -> None:
        owners: dict[str, list[str]] = {}
        for name in sorted(self.words):
            for word in self.words[name]:
                if word:
                    owners.setdefault(word, []).append(name)
        object.__setattr__(self, "_owners", {w: tuple(ns) for w, ns in owners.items()})
        object.__setattr__(self, "_index", TermIndex(owners))

    @classmethod
    def of(cls, words: Mapping[str, Iterable[str]]) -> ConceptWords:
        return cls({name: tuple(sorted(set(ws))) for name, ws in sorted(words.items())})

    def names_in(self, text: str) -> set[str]:
        """The concepts one of whose words ``text`` holds."""
        found: set[str] = set()
        for word in self._index.find_all(text):
            found.update(self._owners[word])
        return found

    @property
    def sha256(self) -> str:
        blob = orjson.dumps(self.words, option=orjson.OPT_SORT_KEYS)
        return hashlib.sha256(blob).hexdigest()


#: a model fit without concepts reads none
NO_CONCEPTS = ConceptWords({})


def features(
    text: str,
    tokenizer: Tokenizer | None = None,
    recipient: str = "debtor",
    ngrams: tuple[int, ...] = NGRAMS,
    concepts: ConceptWords = NO_CONCEPTS,
) -> set[str]:
    """The binary features of a prepared text: character 1-3-grams, jieba words, the
    concepts whose words it holds, and who it goes to when that is not the debtor (any debt
    detail told to a third party discloses)."""
    tokenizer = tokenizer or plain_tokenizer()
    text = content_view(text)
    chars = "".join(text.split())  # spacing carries nothing a sender means
    out: set[str] = set()
    for n in ngrams:
        out.update("c:" + chars[i : i + n] for i in range(len(chars) - n + 1))
    words = tokenizer.tokenize(text)
    out.update("w:" + t.text for t in words if len(t.text) > 1 and not t.text.isspace())
    out.update("k:" + name for name in concepts.names_in(text))
    if recipient != "debtor":
        out.add("r:" + recipient)
    return out


#: the polite "you" read as the plain one (prepare has already made 妳 你)
_PLAIN_YOU = str.maketrans({"您": "你"})


def content_view(text: str) -> str:
    """What the model reads of a prepared text: its 【signatures】 cut out (they stand only at
    the start or the end) and 您 read as 你."""
    for (start, end), _ in sorted(signatures(text), reverse=True):
        text = text[:start] + text[end:]
    return text.translate(_PLAIN_YOU)


class Head(BaseModel):
    """One category's linear model."""

    model_config = ConfigDict(extra="forbid")

    bias: float
    weights: dict[str, float]


class WeightsFile(BaseModel):
    """The weights file as written by ``bench/train_model.py``."""

    model_config = ConfigDict(extra="forbid")

    format: int = Field(ge=1)
    features_version: int
    #: sha256 of the training examples (texts and labels, in order) the heads were fit on
    training_data_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    #: the character n-gram lengths it reads
    ngrams: list[int] = Field(default_factory=lambda: list(NGRAMS), min_length=1)
    #: how it was trained (regularisation, sources, counts): for a reader, not for scoring
    training: dict[str, object] = Field(default_factory=dict)
    heads: dict[str, Head]
    #: the words of each concept a head weighs (``k:`` features), as the packs had them
    concepts: dict[str, list[str]] = Field(default_factory=dict)


class ModelLoadError(ValueError):
    """A weights file that cannot be used; ``str()`` is one line naming it."""


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@dataclass(frozen=True)
class TextModel:
    """Loaded weights: scores a prepared text for one category."""

    heads: dict[str, Head]
    training_data_sha256: str
    ngrams: tuple[int, ...]
    #: sha256 of the weights file's bytes
    sha256: str
    #: the concepts whose presence it reads (``k:`` features)
    concepts: ConceptWords = NO_CONCEPTS

    def score(self, category: str, feats: AbstractSet[str]) -> float:
        head = self.heads[category]
        if not feats:
            return _sigmoid(head.bias)
        weights = head.weights
        total = sum(weights.get(f, 0.0) for f in feats)
        return _sigmoid(head.bias + total / math.sqrt(len(feats)))

    def contribution(self, category: str, feats: AbstractSet[str]) -> float:
        """What these features add to a message's score (before scaling): the sum of their
        weights. A clause's features, so summed, say how much that clause drove the score."""
        weights = self.heads[category].weights
        return sum(weights.get(f, 0.0) for f in feats)

    def score_text(
        self,
        category: str,
        text: str,
        tokenizer: Tokenizer | None = None,
        recipient: str = "debtor",
    ) -> float:
        return self.score(
            category, features(text, tokenizer, recipient, self.ngrams, self.concepts)
        )

    @property
    def version(self) -> str:
        """What the engine's version folds in: the training data and the weights."""
        return f"{self.training_data_sha256[:16]}:{self.sha256[:16]}"


def parse_weights(raw: bytes, shown: str) -> TextModel:
    try:
        data = WeightsFile.model_validate(orjson.loads(raw))
    except orjson.JSONDecodeError as exc:
        raise ModelLoadError(f"{shown}: not a JSON weights file: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ModelLoadError(f"{shown}: {where}: {first['msg']}") from None
    if data.features_version != FEATURES_VERSION:
        raise ModelLoadError(
            f"{shown}: features_version {data.features_version}, this msglint reads "
            f"{FEATURES_VERSION}: train it again (bench/train_model.py)"
        )
    return TextModel(
        heads=data.heads,
        training_data_sha256=data.training_data_sha256,
        ngrams=tuple(data.ngrams),
        sha256=hashlib.sha256(raw).hexdigest(),
        concepts=ConceptWords.of(data.concepts),
    )


def shipped_weights_path() -> Path:
    return Path(str(resources.files("linter.core") / "model_weights" / SHIPPED_WEIGHTS))


@lru_cache(maxsize=1)
def shipped_model() -> TextModel:
    """The shipped weights, read once per process."""
    path = shipped_weights_path()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ModelLoadError(f"{path}: cannot read: {exc.strerror}") from None
    return parse_weights(raw, str(path))


def clauses(text: str) -> list[tuple[int, int]]:
    """The clauses of a prepared text (between ，。！？； and 但/否则 …), spaces trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in [*CLAUSE_BREAK.finditer(text), None]:
        end = m.start() if m is not None else len(text)
        lo, hi = start, end
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        if hi > lo:
            spans.append((lo, hi))
        if m is not None:
            start = m.end()
    return spans
