"""The concept kinds: ``frame``, ``phrase`` and the combinators ``all`` and ``any``.

A frame is an act (上门, 告诉, 起诉 …) and the roles found around it, on surface positions
(no parser), within one sentence:

- ``actor``: before the act, in its clause (我们 / 我司 / 催收员 …);
- ``object`` and ``place``: after the act within ``within`` jieba tokens in its clause, or
  before it in its clause (你家人我们也会找);
- ``time``: anywhere in the act's clause (明天, 马上);
- ``condition``: anywhere else in the act's sentence (再不还钱，… / …，否则 … after a
  demand), or in the sentence before it.

``need`` names the roles a match must have; the context table gives the act its attributes
(:mod:`linter.core.context_table`), and the rule's ``context`` says which values it allows.
Every term comes from concept templates and joins the engine's one Aho-Corasick automaton;
a frame is triggered by its act's terms, which any match of it contains (so the prefilter
never skips a frame that would match).

Each kept span leaves its evidence (which template filled which role, which cue set which
attribute) in the analysis, for the finding to explain itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .analysis import Analysis, Span
from .concepts import ConceptLibrary, TemplateError
from .context_table import DEFAULT_NEEDS, ContextTable, Setting, sentence_bounds
from .cues import scope_region
from .fix_check import ANYWHERE, Reach
from .frame_spec import (
    ROLES,
    AllMatch,
    AnyMatch,
    FrameMatch,
    NeedAny,
    PhraseMatch,
    ScopedTerms,
)
from .matchers import _Kind
from .role_finder import RoleFinder, RoleHit, finder_for


@dataclass(frozen=True)
class Evidence:
    """Why a concept rule matched: role → words (template), attribute → value (cue)."""

    roles: dict[str, str]
    context: dict[str, str]


class ConceptSetup:
    """The concept library and its context table, shared by every concept rule of an engine."""

    def __init__(self, library: ConceptLibrary) -> None:
        self.library = library
        self.table = ContextTable(library.context, library)


def _setup(expand: Callable[[list[str]], list[str]]) -> ConceptSetup:
    setup = getattr(expand, "concepts", None)
    if not isinstance(setup, ConceptSetup):
        raise TemplateError("a concept kind needs concept files (rules/zh-CN/concepts/)")
    return setup


def _in(region: Span, span: Span) -> bool:
    return region[0] <= span[0] and span[1] <= region[1]


def _gap(hit: Span, act: Span) -> int:
    """Characters between a role's words and the act."""
    return act[0] - hit[1] if hit[1] <= act[0] else max(0, hit[0] - act[1])


def _overlap(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


class _ConceptKind(_Kind):
    """What the concept kinds share: ``inside`` / ``not-inside`` filters and evidence."""

    #: negation, hedging and quotation are the context table's: the engine's own cue checks
    #: (made for regex spans) do not run on these spans
    decides_context = True
    #: of overlapping spans (派人 / 上门 / 派人上门, each an act) keep the outermost
    outermost_only = True

    def __init__(self, spec: Any, setup: ConceptSetup) -> None:
        self.setup = setup
        lib = setup.library
        self._inside = [(finder_for(s.terms, lib), s.scope) for s in spec.inside]
        self._not_inside = [(finder_for(s.terms, lib), s.scope) for s in spec.not_inside]

    def _filter_finders(self) -> Iterable[RoleFinder]:
        yield from (f for f, _ in self._inside)
        yield from (f for f, _ in self._not_inside)

    def _region(self, analysis: Analysis, span: Span, scope: str) -> Span:
        if scope == "clause":
            return self.setup.table.clause(analysis.text, span)
        return scope_region(analysis.text, span, scope)  # type: ignore[arg-type]

    def _filtered(self, analysis: Analysis, spans: list[Span]) -> list[Span]:
        if not spans or not (self._inside or self._not_inside):
            return spans
        found_in = [(f.find(analysis), sc) for f, sc in self._inside]
        found_out = [(f.find(analysis), sc) for f, sc in self._not_inside]
        kept = []
        for span in spans:
            ok = all(
                any(_overlap(self._region(analysis, span, sc), h.span) for h in hits)
                for hits, sc in found_in
            )
            if not ok:
                continue
            if any(
                any(_overlap(self._region(analysis, span, sc), h.span) for h in hits)
                for hits, sc in found_out
            ):
                analysis.cleared.append(span)  # inside what the rule says to leave alone
                continue
            kept.append(span)
        return kept

    def reach(self) -> Reach:
        return ANYWHERE

    def evidence(self, analysis: Analysis, span: Span) -> Evidence | None:
        note = analysis.notes.get((id(self), span))
        return note if isinstance(note, Evidence) else None

    def _note(self, analysis: Analysis, span: Span, evidence: Evidence) -> None:
        analysis.notes.setdefault((id(self), span), evidence)


class PhraseMatcher(_ConceptKind):
    def __init__(self, spec: PhraseMatch, expand: Callable[[list[str]], list[str]]) -> None:
        setup = _setup(expand)
        super().__init__(spec, setup)
        self.finder = finder_for(spec.terms, setup.library)

    def finders(self) -> Iterable[RoleFinder]:  # type: ignore[override]
        return (self.finder, *self._filter_finders())

    def triggers(self) -> frozenset[str] | None:
        return self.finder.anchors

    def find(self, analysis: Analysis) -> list[Span]:
        hits = self.finder.find(analysis)
        spans = self._filtered(analysis, [h.span for h in hits])
        for h in hits:
            if h.span in spans:
                text = analysis.text[h.span[0] : h.span[1]]
                self._note(analysis, h.span, Evidence({"phrase": f"{text} ← {h.template}"}, {}))
        return spans


def _nearest(hits: list[RoleHit], key: Callable[[RoleHit], int]) -> RoleHit | None:
    """The nearest hit; of hits as near, the longest (你单位领导 over 你单位)."""
    return min(hits, key=lambda h: (key(h), h.span[0] - h.span[1])) if hits else None


#: the context attributes whose value lets a frame's words go (negated, hedged, quoted or
#: warned about): the engine asks no second opinion there. A question (mood) is not one: a
#: rhetorical question can still threaten, and the rules may simply not read it so.
LET_GO_ATTRIBUTES = frozenset({"polarity", "modality", "mention"})


class FrameMatcher(_ConceptKind):
    def __init__(self, spec: FrameMatch, expand: Callable[[list[str]], list[str]]) -> None:
        setup = _setup(expand)
        super().__init__(spec, setup)
        lib = setup.library
        self.spec = spec
        self.roles = {
            role: finder_for(getattr(spec, role), lib) for role in ROLES if getattr(spec, role)
        }
        table = setup.table
        self.needs: dict[str, tuple[str, ...]] = dict(DEFAULT_NEEDS)
        for attr, values in spec.context.items():
            allowed = (values,) if isinstance(values, str) else tuple(values)
            if attr not in table.attributes:
                raise TemplateError(
                    f"context names {attr!r}; the context table has " + ", ".join(table.attributes)
                )
            if allowed == ("any",):
                self.needs.pop(attr, None)
                continue
            for value in allowed:
                if value not in table.attributes[attr]:
                    raise TemplateError(
                        f"context {attr}: {value!r} is not one of "
                        + ", ".join(table.attributes[attr])
                    )
            self.needs[attr] = allowed

    def finders(self) -> Iterable[RoleFinder]:  # type: ignore[override]
        return (*self.roles.values(), *self.setup.table.finders(), *self._filter_finders())

    def triggers(self) -> frozenset[str] | None:
        return self.roles["act"].anchors

    def _needs_met(self, filled: dict[str, RoleHit]) -> bool:
        for item in self.spec.need:
            if isinstance(item, NeedAny):
                if not any(r in filled for r in item.any):
                    return False
            elif item not in filled:
                return False
        return True

    def find(self, analysis: Analysis) -> list[Span]:
        acts = self.roles["act"].find(analysis)
        if not acts:
            return []
        found = {role: f.find(analysis) for role, f in self.roles.items() if role != "act"}
        text = analysis.text
        table = self.setup.table
        spans: list[Span] = []
        for act in acts:
            a0 = act.span[0]
            clause = table.clause(text, act.span)
            sentence = sentence_bounds(text, a0)
            earlier = sentence_bounds(text, sentence[0] - 1)[0] if sentence[0] > 0 else 0
            filled: dict[str, RoleHit] = {"act": act}
            for role, hits in found.items():
                hit = self._fill(analysis, role, hits, act.span, clause, (earlier, sentence[1]))
                if hit is not None:
                    filled[role] = hit
            if not self._needs_met(filled):
                continue
            settings = table.attributes_of(analysis, act.span)
            failed = {a for a, ok in self.needs.items() if settings[a].value not in ok}
            if failed:
                if failed & LET_GO_ATTRIBUTES:
                    analysis.cleared.append(self._focus(filled))
                continue
            span = self._focus(filled)
            spans.append(span)
            self._note(analysis, span, _evidence(text, filled, settings))
        return self._filtered(analysis, sorted(set(spans)))

    def _fill(
        self,
        analysis: Analysis,
        role: str,
        hits: list[RoleHit],
        act: Span,
        clause: Span,
        reach: Span,
    ) -> RoleHit | None:
        free = [h for h in hits if not _overlap(h.span, act)]
        if role == "actor":
            return _nearest(
                [h for h in free if _in(clause, h.span) and h.span[1] <= act[0]],
                lambda h: act[0] - h.span[1],
            )
        if role in ("object", "place"):
            inner = [h for h in hits if _in(act, h.span) and h.span != act]
            if inner:  # inside an A…B act: 让你全家都知道
                return _nearest(inner, lambda h: h.span[0] - act[0])
            within = self.spec.within
            after = [
                h
                for h in free
                if _in(clause, h.span)
                and h.span[0] >= act[1]
                and analysis.token_distance(act[1] - 1, h.span[0]) - 1 <= within
            ]
            if after:
                return _nearest(after, lambda h: h.span[0] - act[1])
            before = [
                h
                for h in free
                if _in(clause, h.span)
                and h.span[1] <= act[0]
                and analysis.token_distance(h.span[1] - 1, act[0]) - 1 <= within
            ]
            return _nearest(before, lambda h: act[0] - h.span[1])
        if role == "time":
            return _nearest([h for h in free if _in(clause, h.span)], lambda h: _gap(h.span, act))
        # condition: elsewhere in the sentence, or in the sentence before
        return _nearest([h for h in free if _in(reach, h.span)], lambda h: _gap(h.span, act))

    def _focus(self, filled: dict[str, RoleHit]) -> Span:
        focus = self.spec.focus
        act = filled["act"].span
        if focus == "act-object":
            target = filled.get("object") or filled.get("place")
            if target is None:
                return act
            return min(act[0], target.span[0]), max(act[1], target.span[1])
        hit = filled.get(focus)
        return hit.span if hit is not None else act


def _evidence(text: str, filled: dict[str, RoleHit], settings: dict[str, Setting]) -> Evidence:
    roles = {role: f"{text[h.span[0] : h.span[1]]} ← {h.template}" for role, h in filled.items()}
    return Evidence(roles, {attr: s.shown() for attr, s in settings.items()})


def _sub_matcher(spec: Any, expand: Callable[[list[str]], list[str]]) -> _ConceptKind:
    return CONCEPT_MATCHERS[spec.kind](spec, expand)


class AllMatcher(_ConceptKind):
    """Every sub-match in one scope, none of ``not``; the span of sub-match ``focus``."""

    def __init__(self, spec: AllMatch, expand: Callable[[list[str]], list[str]]) -> None:
        super().__init__(spec, _setup(expand))
        self.subs = [_sub_matcher(s, expand) for s in spec.of]
        self.nots = [_sub_matcher(s, expand) for s in spec.none]
        self.scope = spec.scope
        self.focus = spec.focus

    def finders(self) -> Iterable[Any]:
        for m in (*self.subs, *self.nots):
            yield from m.finders()
        yield from self._filter_finders()

    def triggers(self) -> frozenset[str] | None:
        known = [t for t in (m.triggers() for m in self.subs) if t is not None]
        return min(known, key=len) if known else None

    def find(self, analysis: Analysis) -> list[Span]:
        found = [m.find(analysis) for m in self.subs]
        if not all(found):
            return []
        excluded = [m.find(analysis) for m in self.nots]
        focus = self.subs[self.focus]
        spans = []
        for span in found[self.focus]:
            region = self._region(analysis, span, self.scope)
            if not all(any(_overlap(region, s) for s in f) for f in found):
                continue
            if any(any(_overlap(region, s) for s in f) for f in excluded):
                continue
            spans.append(span)
            evidence = focus.evidence(analysis, span)
            if evidence is not None:
                self._note(analysis, span, evidence)
        return self._filtered(analysis, spans)


class AnyMatcher(_ConceptKind):
    def __init__(self, spec: AnyMatch, expand: Callable[[list[str]], list[str]]) -> None:
        super().__init__(spec, _setup(expand))
        self.subs = [_sub_matcher(s, expand) for s in spec.of]

    def finders(self) -> Iterable[Any]:
        for m in self.subs:
            yield from m.finders()
        yield from self._filter_finders()

    def triggers(self) -> frozenset[str] | None:
        out: set[str] = set()
        for m in self.subs:
            t = m.triggers()
            if t is None:
                return None
            out |= t
        return frozenset(out)

    def find(self, analysis: Analysis) -> list[Span]:
        spans: set[Span] = set()
        for m in self.subs:
            for span in m.find(analysis):
                spans.add(span)
                evidence = m.evidence(analysis, span)
                if evidence is not None:
                    self._note(analysis, span, evidence)
        return self._filtered(analysis, sorted(spans))


#: each concept kind of ``match:`` → its matcher (joined to the engine's kinds)
CONCEPT_MATCHERS: dict[str, Callable[[Any, Callable[[list[str]], list[str]]], _ConceptKind]] = {
    "frame": FrameMatcher,
    "phrase": PhraseMatcher,
    "all": AllMatcher,
    "any": AnyMatcher,
}

__all__ = ["CONCEPT_MATCHERS", "ConceptSetup", "Evidence", "ScopedTerms"]
