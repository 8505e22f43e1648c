"""Concepts: small named lists of plain words, shared by every pack.

A compliance officer edits them (``rules/zh-CN/concepts/*.yaml``); rules name them. An
entry is a word or a small template::

    家人 | 家里人 | 亲属          alternatives
    {你}的?{家人}                 any entry of 你, an optional 的, any entry of 家人
    {你}?的?{住处}                the concept itself optional too

``X?`` makes the character (or ``{concept}``) before it optional; ``|`` at the top level of an
entry separates alternatives. A template is kept as a small tree (:mod:`linter.core.templates`):
its plain words join the engine's one Aho-Corasick automaton, its combinations are matched by
walking the tree from the automaton's hits, and a match counts only on jieba token
boundaries. A concept may also have ``patterns``: short regexes for token-level things no list
can hold (``\\d+小时内``).

The file format is checked by pydantic (:class:`ConceptFile`); what the words do under jieba
is checked when an engine is built (:func:`check_concept_examples`): every example must hold an
entry of its concept on token boundaries, so a word jieba cuts apart fails at load, with the
tokens shown, instead of silently never matching.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import regex
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .analysis import Analysis, TermIndex
from .errors import PackError
from .models import MessageContext
from .prepare import prepare, prepare_text
from .templates import (
    Choice,
    Part,
    enumerate_strings,
    literal_or_sequence,
    occurs,
    spans,
    strings,
)
from .tokens import Tokenizer

if TYPE_CHECKING:
    from .role_finder import RoleFinder

#: a concept's regex is for a token-level thing, never a phrase list
MAX_PATTERN_CHARS = 60
#: a gap in a cue or phrase template: the parts stand in order, in one clause
GAP = "…"


class _Strict(BaseModel):
    # validators built on first use: an engine read from the cache validates no concept file
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Label(_Strict):
    zh: str = Field(min_length=1)
    en: str = ""


class ConceptSpec(_Strict):
    """One concept as written in a concept file."""

    label: Label
    #: entries: words or templates (``{你}的?{家人}``), ``A | B`` for alternatives
    terms: list[str] = Field(default_factory=list)
    #: short regexes for what a list cannot hold (``\\d+小时内``); prepared text
    patterns: list[str] = Field(default_factory=list)
    #: phrases that contain an entry and make it something else (家人们 as a greeting)
    exclusions: list[str] = Field(default_factory=list, alias="not")
    #: texts each holding an entry on jieba token boundaries (checked when an engine is built)
    examples: list[str] = Field(default_factory=list)
    #: who may change it (documentation)
    owner: str = "compliance"
    note: str = ""

    @field_validator("patterns")
    @classmethod
    def _short_regexes(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            if len(p) > MAX_PATTERN_CHARS:
                raise ValueError(
                    f"pattern {p!r} is {len(p)} characters; a concept regex holds a "
                    f"token-level thing (≤ {MAX_PATTERN_CHARS}), words go in 'terms'"
                )
            try:
                regex.compile(p, regex.V1)
            except regex.error as exc:
                raise ValueError(f"not a valid regex {p!r}: {exc}") from None
        return patterns


class CueSpec(_Strict):
    """One row of the context cue table (see :mod:`linter.core.context_table`)."""

    #: words or templates; ``A…B`` for two parts in order in one clause (难道…不会)
    cue: list[str] = Field(default_factory=list)
    #: short regexes (``\\d+小时内``)
    patterns: list[str] = Field(default_factory=list)
    #: attribute → value this cue gives the frame it reaches (absent for a pseudo-cue)
    sets: dict[str, str] = Field(default_factory=dict)
    #: a pseudo-cue: it sets nothing and switches off every cue inside it (不得不 holds 不得)
    pseudo: bool = False
    #: where the act may stand from the cue: after it (before), before it (after), or either
    direction: str = Field(default="forward", pattern=r"^(forward|backward|both)$")
    #: characters between cue and act at most (within ``scope``)
    window: int = Field(default=8, ge=0, le=200)
    #: clause (stops at punctuation and terminators), sentence, or message
    scope: str = Field(default="clause", pattern=r"^(clause|sentence|message)$")
    note: str = ""


class ContextSpec(_Strict):
    """The attributes frames have, their values (the first is the default, later ones win
    over earlier ones), and the words that end a cue's reach."""

    attributes: dict[str, list[str]]
    terminators: list[str] = Field(default_factory=list)
    cues: list[CueSpec] = Field(default_factory=list)


class ConceptFile(_Strict):
    """A file of ``concepts/``: concepts, or the context cue table, or both."""

    concepts: dict[str, ConceptSpec] = Field(default_factory=dict)
    context: ContextSpec | None = None


@dataclass(frozen=True)
class Where:
    """Where something was written: for errors that name file, line and field."""

    path: str
    line: int | None
    field: str

    def error(self, reason: str) -> PackError:
        return PackError(self.path, self.line, self.field, reason)


@dataclass
class Concept:
    name: str
    spec: ConceptSpec
    where: Where
    #: where each example and each exclusion was written
    example_where: list[Where] = field(default_factory=list)
    #: one of msglint's own concepts: CI checks its examples, start-up does not
    shipped: bool = False
    #: what its entries match (see :mod:`linter.core.templates`); set when resolved
    node: Choice | None = None
    exclusions: tuple[str, ...] = ()
    #: ``A…B`` entries: both parts in order in one clause (found by the role finder)
    gaps: tuple[str, ...] = ()


def one_concept(template: str) -> str | None:
    """``{name}`` → name, for a template that is one concept and nothing else."""
    name = template.strip()
    if name.startswith("{") and name.endswith("}") and name.count("{") == 1:
        return name[1:-1].strip()
    return None


def split_alternatives(entry: str) -> list[str]:
    """``A | B`` → [A, B]; a ``|`` inside ``{…}`` does not split."""
    parts, depth, current = [], 0, ""
    for ch in entry:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


class TemplateError(ValueError):
    """A template or a frame's settings that cannot be used; ``needle``: the words at fault
    as written in the pack (``{不付款}``), so an error can point at their line."""

    def __init__(self, message: str, needle: str | None = None) -> None:
        super().__init__(message)
        self.needle = needle


class ConceptLibrary:
    """Every concept of the loaded concept files, and the context cue table."""

    def __init__(
        self,
        concepts: dict[str, Concept] | None = None,
        context: ContextSpec | None = None,
        context_where: Where | None = None,
        hashes: Iterable[str] = (),
    ) -> None:
        self.concepts: dict[str, Concept] = concepts or {}
        self.context = context
        self.context_where = context_where
        #: the sha256 of each concept file (part of the engine's version)
        self.hashes = tuple(hashes)
        self._expanding: set[str] = set()
        #: template → its tree (see :meth:`node`)
        self._nodes: dict[str, Choice] = {}
        #: (templates, patterns) → the role finder built over them (see
        #: :func:`linter.core.role_finder.finder_for`): one per distinct list, however many
        #: rules name it
        self.finders: dict[tuple[tuple[str, ...], tuple[str, ...]], RoleFinder] = {}
        for concept in self.concepts.values():
            self._resolve(concept)

    def _resolve(self, concept: Concept) -> None:
        if concept.node is not None:
            return
        if concept.name in self._expanding:
            raise concept.where.error(f"concept {concept.name!r} refers to itself")
        self._expanding.add(concept.name)
        parts: list[Choice] = []
        gaps: list[str] = []
        for i, entry in enumerate(concept.spec.terms):
            try:
                for alternative in split_alternatives(entry):
                    if GAP in alternative:
                        first, _, second = alternative.partition(GAP)
                        if not (self.node(first) and self.node(second)):
                            raise TemplateError(f"{alternative!r}: both sides of {GAP} need words")
                        gaps.append(alternative)
                    else:
                        parts.append(self.node(alternative))
                        # a whole entry naming one concept brings that concept's A…B
                        # entries too: its words alone would leave them silently unmatched
                        named = one_concept(alternative)
                        if named is not None:
                            gaps.extend(self.get(named).gaps)
            except TemplateError as exc:
                raise Where(
                    concept.where.path, concept.where.line, f"{concept.name}.terms[{i}]"
                ).error(str(exc)) from None
        self._expanding.discard(concept.name)
        node = Choice.union(parts)
        if not node and not gaps and not concept.spec.patterns:
            raise concept.where.error(f"concept {concept.name!r} has no terms and no patterns")
        concept.node = node
        concept.gaps = tuple(dict.fromkeys(gaps))  # one entry named twice is walked once
        # its own exclusions first (checked against its entries at load), then those of every
        # concept its entries name: 网上追逃 is not the audience 网上 wherever {受众} is used
        own = [prepare(x).text for x in concept.spec.exclusions]
        inherited = [x for t in concept.spec.terms for x in self.exclusions_of(t)]
        concept.exclusions = (*own, *(x for x in dict.fromkeys(inherited) if x not in own))

    def __contains__(self, name: str) -> bool:
        return name in self.concepts

    def get(self, name: str) -> Concept:
        concept = self.concepts.get(name)
        if concept is None:
            known = ", ".join(sorted(self.concepts)) or "none loaded"
            raise TemplateError(f"unknown concept {{{name}}} (known: {known})", f"{{{name}}}")
        self._resolve(concept)
        return concept

    def node(self, template: str) -> Choice:
        """What a template (alternatives, optional parts, concepts) matches, as a tree
        (see :mod:`linter.core.templates`); worked out once per template."""
        known = self._nodes.get(template)
        if known is None:
            alternatives = [self._parts(a) for a in split_alternatives(template)]
            known = self._nodes[template] = Choice.union(
                literal_or_sequence(p) for p in alternatives if p
            )
        return known

    def expand(self, template: str) -> set[str]:
        """Every prepared term a template stands for (to check a concept's examples; matching
        walks the template's tree instead of these)."""
        return set(enumerate_strings(self.node(template)))

    def _parts(self, text: str) -> list[Part]:
        """A template as a sequence of parts: prepared literal characters and concepts, each
        optional (``X?``) or not."""
        parts: list[list] = []
        #: a concept with A…B entries: only its words could take part in a longer template
        gapped: str | None = None
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "{":
                end = text.find("}", i)
                if end < 0:
                    raise TemplateError(f"{text!r}: '{{' without '}}'")
                name = text[i + 1 : end].strip()
                concept = self.get(name)
                if concept.spec.patterns:
                    raise TemplateError(
                        f"{{{name}}} has patterns, which cannot be joined into a template; "
                        "name it alone in a role"
                    )
                gapped = gapped or (name if concept.gaps else None)
                assert concept.node is not None
                parts.append([concept.node, False])
                i = end + 1
            elif ch == "?":
                if not parts:
                    raise TemplateError(f"{text!r}: '?' with nothing before it")
                parts[-1][1] = True
                i += 1
            elif ch in "}|":
                raise TemplateError(f"{text!r}: stray {ch!r}")
            elif ch.isspace():
                i += 1
            else:
                parts.append([prepare_text(ch), False])
                i += 1
        # a whole entry naming it brings its A…B entries along (see _resolve); joined into a
        # longer template they would be dropped without a word, so that is refused
        if gapped is not None and one_concept(text) is None:
            raise TemplateError(
                f"{text!r}: {{{gapped}}} has A{GAP}B entries, which cannot be joined into a "
                "longer template (only its words would match there); name it alone, or join "
                "a concept of its words only",
                f"{{{gapped}}}",
            )
        # a character that prepares to nothing stands for nothing (as in the joined term)
        return [(p, o) for p, o in parts if p != ""]

    def patterns_of(self, template: str) -> list[str]:
        """The regexes of a template that is one ``{concept}`` with patterns, else none."""
        name = one_concept(template)
        return list(self.get(name).spec.patterns) if name is not None else []

    def gaps_of(self, template: str) -> list[str]:
        """The ``A…B`` entries of a template that is one ``{concept}`` (with those of the
        concepts its own whole entries name), else none."""
        name = one_concept(template)
        return list(self.get(name).gaps) if name is not None else []

    def exclusions_of(self, template: str) -> tuple[str, ...]:
        """The exclusions of every concept a template names."""
        out: list[str] = []
        for name in regex.findall(r"\{([^{}]+)\}", template):
            out.extend(self.get(name.strip()).exclusions)
        return tuple(out)


def _boundaries(tokenizer: Tokenizer, text: str) -> tuple[set[int], list[str]]:
    tokens = tokenizer.tokenize(text)
    bounds = {t.start for t in tokens} | {t.end for t in tokens}
    return bounds, [t.text for t in tokens]


def _gap_in(library: ConceptLibrary, entry: str, text: str, bounds: set[int]) -> bool:
    first, _, second = entry.partition(GAP)
    starts = [
        i + len(a)
        for a in library.expand(first)
        for i in _occurrences(text, a)
        if i in bounds and i + len(a) in bounds
    ]
    return any(
        j >= end and j in bounds and j + len(b) in bounds
        for b in library.expand(second)
        for j in _occurrences(text, b)
        for end in starts
    )


def _occurrences(text: str, term: str) -> list[int]:
    out, i = [], text.find(term)
    while i >= 0:
        out.append(i)
        i = text.find(term, i + 1)
    return out


def check_concept_examples(
    library: ConceptLibrary, tokenizer: Tokenizer, *, shipped_too: bool = False
) -> None:
    """Every example of every concept holds one of its entries on jieba token boundaries, and
    every exclusion holds an entry (else it excludes nothing). Raises :class:`PackError`
    naming the file, line and field, with jieba's tokens. msglint's own concepts are skipped
    unless ``shipped_too`` (CI checks them; segmenting their examples at every start-up
    would load much of jieba's dictionary for one message)."""
    for concept in library.concepts.values():
        if concept.shipped and not shipped_too:
            continue
        spec = concept.spec
        compiled = [regex.compile(p, regex.V1) for p in spec.patterns]
        node = concept.node
        assert node is not None
        index = TermIndex(strings(node))
        for i, example in enumerate(spec.examples):
            # walked as a message is (never every combination written out), on the same
            # token boundaries a message's matches must keep
            analysis = _analysis(example, index, tokenizer)
            text = analysis.text
            bounds, tokens = _boundaries(tokenizer, text)
            aligned = bool(spans(node, analysis))
            found_any = aligned or occurs(node, analysis)
            if not aligned and any(p.search(text) for p in compiled):
                aligned = True
            if not aligned and any(_gap_in(library, g, text, bounds) for g in concept.gaps):
                aligned = True
            if aligned:
                continue
            where = concept.example_where[i] if i < len(concept.example_where) else concept.where
            shown = "/".join(tokens)
            if found_any:
                reason = (
                    f"example {example!r} holds an entry of {concept.name} only across jieba "
                    f"tokens ({shown}); add the word to the pack's user_words or write the "
                    "entry as jieba cuts it"
                )
            else:
                reason = f"example {example!r} holds no entry of {concept.name} (jieba: {shown})"
            raise where.error(reason)
        for i, exclusion in enumerate(concept.exclusions[: len(spec.exclusions)]):
            if not occurs(node, _analysis(exclusion, index, tokenizer)):
                where = Where(concept.where.path, concept.where.line, f"{concept.name}.not[{i}]")
                raise where.error(
                    f"exclusion {spec.exclusions[i]!r} holds no entry of {concept.name}, so it "
                    "excludes nothing"
                )


def _analysis(text: str, index: TermIndex, tokenizer: Tokenizer) -> Analysis:
    prepared = prepare(text)
    return Analysis(prepared, index.find_all(prepared.text), MessageContext(), tokenizer)
