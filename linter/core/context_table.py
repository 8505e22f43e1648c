"""Context as data: the cue table of ``concepts/context.yaml`` gives each frame its attributes.

A row says which words are a cue, what attribute value it sets, where the act may stand from
it (``forward``: after the cue; ``backward``: before it; ``both``), how many characters may lie
between (``window``; 0: anywhere in the scope) and how far it reaches (``clause``, stopped by
punctuation and the table's ``terminators``; ``sentence``; ``message``). A pseudo-cue (不得不,
难道…不会) switches off every cue inside it. Each attribute has values in order: the first is
the default, and a later value wins over an earlier one set by another cue (可能 + 明天 is
``possible``). Quotation is the one thing still read by code
(:func:`linter.core.cues.quoted_mention`): an act a warning quotes (骗子常说“…”) is
``mention: quoted``.

The attributes are computed once per frame, for its act; a rule states which values it
allows (``context: {polarity: affirmed, modality: [certain, imminent]}``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .analysis import Analysis, Span
from .concepts import ConceptLibrary, ContextSpec, CueSpec, TemplateError, Where
from .cues import CLAUSE_BREAK, SENTENCE_BREAK, quoted_mention, scope_region
from .role_finder import RoleFinder, finder_for

#: the attributes every frame has even with no table loaded
DEFAULT_ATTRIBUTES: dict[str, list[str]] = {
    "polarity": ["affirmed", "negated"],
    "mention": ["asserted", "quoted"],
}
#: what a frame needs when its rule says nothing about an attribute
DEFAULT_NEEDS: dict[str, tuple[str, ...]] = {"polarity": ("affirmed",), "mention": ("asserted",)}


@dataclass(frozen=True)
class Setting:
    """An attribute's value for one frame, and the cue that set it (None: the default)."""

    value: str
    cue: str | None = None

    def shown(self) -> str:
        return f"{self.value} ({self.cue})" if self.cue else f"{self.value} (no cue)"


@dataclass(frozen=True)
class _Row:
    spec: CueSpec
    finder: RoleFinder


class ContextTable:
    def __init__(self, spec: ContextSpec | None, library: ConceptLibrary) -> None:
        spec = spec or ContextSpec(attributes=DEFAULT_ATTRIBUTES)
        self.attributes = {**DEFAULT_ATTRIBUTES, **spec.attributes}
        where = library.context_where or Where("<context>", None, "context")
        self.rows: list[_Row] = []
        for i, row in enumerate(spec.cues):
            field = f"context.cues[{i}]"
            for attr, value in row.sets.items():
                if value not in self.attributes.get(attr, ()):
                    known = ", ".join(f"{a}: {v}" for a, v in self.attributes.items())
                    raise Where(where.path, where.line, field).error(
                        f"sets {attr}: {value}, not an attribute value ({known})"
                    )
            if row.pseudo == bool(row.sets):
                raise Where(where.path, where.line, field).error(
                    "a cue either sets attributes or is pseudo: true"
                )
            try:
                finder = finder_for(row.cue, library, row.patterns)
            except TemplateError as exc:
                raise Where(where.path, where.line, field).error(str(exc)) from None
            self.rows.append(_Row(row, finder))
        breaks = "|".join(re.escape(t) for t in sorted(spec.terminators, key=len, reverse=True))
        self.clause_break = re.compile(CLAUSE_BREAK.pattern + (f"|{breaks}" if breaks else ""))

    def finders(self) -> list[RoleFinder]:
        return [row.finder for row in self.rows]

    def clause(self, text: str, span: Span) -> Span:
        start = 0
        for m in self.clause_break.finditer(text, 0, span[0]):
            start = m.end()
        found = self.clause_break.search(text, span[1])
        return start, found.start() if found else len(text)

    def _region(self, text: str, span: Span, scope: str) -> Span:
        if scope == "clause":
            return self.clause(text, span)
        if scope == "sentence":
            return scope_region(text, span, "sentence")
        return 0, len(text)

    def attributes_of(self, analysis: Analysis, act: Span) -> dict[str, Setting]:
        """Each attribute's value for the frame whose act stands at ``act`` (computed once
        per act and message, however many rules' frames share the act)."""
        key = ("attributes", id(self), act)
        known = analysis.notes.get(key)
        if known is None:
            known = analysis.notes[key] = self._attributes_of(analysis, act)
        return known  # type: ignore[return-value]

    def _attributes_of(self, analysis: Analysis, act: Span) -> dict[str, Setting]:
        text = analysis.text
        found = {i: [h.span for h in row.finder.find(analysis)] for i, row in enumerate(self.rows)}
        pseudo = [s for i, row in enumerate(self.rows) if row.spec.pseudo for s in found[i]]
        settings = {attr: Setting(values[0]) for attr, values in self.attributes.items()}
        for i, row in enumerate(self.rows):
            cue = row.spec
            if cue.pseudo or not found[i]:
                continue
            region = self._region(text, act, cue.scope)
            for span in found[i]:
                if any(p[0] <= span[0] and span[1] <= p[1] and p != span for p in pseudo):
                    continue
                if not (region[0] <= span[0] and span[1] <= region[1]):
                    continue
                if not _reaches(span, act, cue.direction, cue.window):
                    continue
                for attr, value in cue.sets.items():
                    order = self.attributes[attr]
                    if order.index(value) >= order.index(settings[attr].value):
                        settings[attr] = Setting(value, text[span[0] : span[1]])
        if "quoted" in self.attributes["mention"] and quoted_mention(text, act):
            current = settings["mention"]
            order = self.attributes["mention"]
            if order.index("quoted") >= order.index(current.value):
                settings["mention"] = Setting("quoted", "“…”")
        return settings


def _reaches(cue: Span, act: Span, direction: str, window: int) -> bool:
    """Does a cue at ``cue`` reach an act at ``act`` (characters between ≤ window; 0: any)?"""
    if cue[0] < act[1] and act[0] < cue[1]:
        return True  # the cue overlaps the act (已起诉 holds 起诉)
    before = cue[1] <= act[0]
    if direction == "forward" and not before:
        return False
    if direction == "backward" and before:
        return False
    gap = act[0] - cue[1] if before else cue[0] - act[1]
    return window == 0 or gap <= window


def sentence_bounds(text: str, pos: int) -> Span:
    """The sentence around position ``pos``."""
    start = 0
    for m in SENTENCE_BREAK.finditer(text, 0, pos):
        start = m.end()
    found = SENTENCE_BREAK.search(text, pos)
    return start, found.start() if found else len(text)
