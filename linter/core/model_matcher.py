"""The ``model`` rule kind: the learned second opinion (:mod:`linter.core.text_model`) as a
matcher. Its own module so the scoring stays apart from the pattern kinds of
:mod:`linter.core.matchers`, which registers it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from .analysis import Analysis, Span
from .fix_check import ANYWHERE, Reach
from .models import Category, Severity
from .options import EngineOptions
from .rule_spec import ModelMatch
from .text_model import ConceptWords, TextModel, clauses, content_view, features, shipped_model

if TYPE_CHECKING:  # types only: matchers imports this module
    from .matchers import PackRegex, PatternFinder


@lru_cache(maxsize=256)
def _message_features(
    text: str, recipient: str, ngrams: tuple[int, ...], concepts: ConceptWords
) -> frozenset[str]:
    """A prepared text's model features; the model rules of every category share them."""
    return frozenset(features(text, None, recipient, ngrams, concepts))


class ModelMatcher:
    """The learned second opinion (:mod:`linter.core.text_model`): when the message scores
    at least ``threshold`` for the category, the clause that scores highest on its own is
    the span. It always runs (no term can say it will not fire)."""

    cues_inside = False
    outermost_only = True
    sees_signature = False
    #: a model can send a message to review, never block it alone
    max_severity = Severity.warning
    # A rewrite is checked by the rules, which say what exactly is wrong: a score of the
    # whole rewritten message does not take a rule's fix back.
    judges_fixes = False
    #: the engine's negation, hedging and quotation checks apply to its span as to a rule's
    decides_context = False

    def __init__(self, spec: ModelMatch, expand: Callable[[list[str]], list[str]]) -> None:
        self.category = spec.category.value
        self.threshold = spec.threshold
        self.when = spec.when
        self.beside_findings = spec.beside_findings
        #: asked after the other rules, as they allow (see ``ModelMatch.when``)
        self.second_opinion_only = spec.when != "always"
        self._model: TextModel | None = None

    def second_opinion_score(
        self, said: frozenset[Category], weighed: frozenset[Category]
    ) -> float | None:
        """``rules-silent``: its threshold where no content rule found what the message
        says or let words of it go, else not asked. ``category-silent``: not asked where a
        rule of its own category did either; its threshold where no rule did;
        ``beside_findings`` where only other categories' rules did."""
        if self.when == "always":
            return self.threshold
        if self.when == "rules-silent":
            return None if said or weighed else self.threshold
        own = Category(self.category)
        if own in said or own in weighed:
            return None
        return self.beside_findings if said or weighed else self.threshold

    @property
    def model(self) -> TextModel:
        """The shipped weights, read on first use: an engine none of whose selected rules is
        a model rule never reads them. The engine reads them when it is built (its version
        names them), so they are kept with it in the engine cache: a check that reads the
        engine from there does not read the weights file and build their concept automaton
        again."""
        if self._model is None:
            self._model = shipped_model()
        return self._model

    def finders(self) -> Iterable[PatternFinder]:
        return ()

    def evidence(self, analysis: Analysis, span: Span) -> None:
        return None  # roles and context are a concept rule's; a model's is its score

    def regexes(self) -> Iterable[PackRegex]:
        return ()

    def triggers(self) -> frozenset[str] | None:
        return None  # no term says a model will not fire: it always runs

    def reach(self) -> Reach:
        return ANYWHERE

    def configured(self, options: EngineOptions) -> ModelMatcher:
        return self

    def versions(self) -> Iterable[str]:
        return (self.model.version,)

    def _score(self, text: str, recipient: str) -> float:
        model = self.model
        feats = _message_features(text, recipient, model.ngrams, model.concepts)
        return model.score(self.category, feats)

    def find(self, analysis: Analysis) -> list[Span]:
        text, recipient = analysis.text, analysis.context.recipient.value
        if _too_short(text) or self._score(text, recipient) < self.threshold:
            return []
        # the clause that drove the score: the one whose words add the most to it (a linear
        # score is a sum over features; a clause scored on its own would favour short ones)
        spans = [
            c for c in (_without(c, analysis.signature_spans) for c in clauses(text)) if c[1] > c[0]
        ] or [(0, len(text))]
        model, category = self.model, self.category

        def drove(c: Span) -> tuple[float, int]:
            feats = _message_features(text[c[0] : c[1]], recipient, model.ngrams, model.concepts)
            return (model.contribution(category, feats), -c[0])

        return [max(spans, key=drove)]

    def model_evidence(self, analysis: Analysis, span: Span) -> tuple[str, float] | None:
        score = self._score(analysis.text, analysis.context.recipient.value)
        return ("model", round(score, 3))


#: a text with fewer letters than this (its signature aside) says too little for a bag of
#: n-grams: a lone 您 scored 0.96 as a threat, its one feature weighing all the more
MIN_LETTERS = 6


def _too_short(text: str) -> bool:
    return sum(ch.isalnum() for ch in content_view(text)) < MIN_LETTERS


def _without(clause: Span, signatures: list[Span]) -> Span:
    """A clause less the 【signature】 at its start or end: the sender's name is no reason."""
    start, end = clause
    for s, e in signatures:
        if start <= s and e <= end:
            if s - start <= end - e:
                start = e
            else:
                end = s
    return start, end
