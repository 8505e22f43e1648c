"""The pack format of the concept kinds: ``frame``, ``phrase``, the combinators ``all``/``any``.

::

    match:
      kind: frame
      act: ['{上门}', '{告知}']               # templates over concepts (see linter.core.concepts)
      object: ['{你}?的?{住处}', '{你}?的?{家人}']
      actor: ['{我方}']
      condition: ['{不还款}', '{否则}', '{期限}']
      need: [object, {any: [condition, actor]}]
      context: {polarity: affirmed, mention: asserted}
      not_inside: [{terms: ['{通知框架}'], scope: sentence}]

See ``docs/rule-format.md`` ("Concepts and frames") for what each role and scope means.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ROLES = ("act", "actor", "object", "place", "time", "condition")
Role = Literal["act", "actor", "object", "place", "time", "condition"]
ConceptScope = Literal["clause", "sentence", "message"]


class _Strict(BaseModel):
    # validators built on first use: an engine read from the cache validates no pack
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)


def _listed(value: object) -> object:
    """A role written as one template is a list of one."""
    return [value] if isinstance(value, str) else value


class NeedAny(_Strict):
    any: list[Role] = Field(min_length=1)


class ScopedTerms(_Strict):
    """Templates that must (``inside``) or must not (``not_inside``) stand near the match."""

    terms: list[str] = Field(min_length=1)
    scope: ConceptScope = "sentence"

    _one_or_many = field_validator("terms", mode="before")(_listed)


class _Filtered(_Strict):
    #: the match counts only with one of these in its clause / sentence / message
    inside: list[ScopedTerms] = Field(default_factory=list)
    #: the match is dropped with one of these in its clause / sentence / message
    not_inside: list[ScopedTerms] = Field(default_factory=list, alias="not-inside")

    @field_validator("inside", "not_inside", mode="before")
    @classmethod
    def _one_or_many_scoped(cls, value: object) -> object:
        return [value] if isinstance(value, dict) else value


class PhraseMatch(_Filtered):
    """Any of the templates, on token boundaries; ``A…B``: both parts in order in one clause."""

    kind: Literal["phrase"]
    terms: list[str] = Field(min_length=1)

    _one_or_many = field_validator("terms", mode="before")(_listed)


class FrameMatch(_Filtered):
    """An act and the roles found around it (see :mod:`linter.core.frames`)."""

    kind: Literal["frame"]
    act: list[str] = Field(min_length=1)
    actor: list[str] = Field(default_factory=list)
    object: list[str] = Field(default_factory=list)
    place: list[str] = Field(default_factory=list)
    time: list[str] = Field(default_factory=list)
    condition: list[str] = Field(default_factory=list)
    #: the roles a match needs besides the act; ``{any: [a, b]}``: one of them
    need: list[Role | NeedAny] = Field(default_factory=list)
    #: at most this many jieba tokens between the act and its object / place
    within: int = Field(default=6, ge=1, le=30)
    #: attribute → the values allowed (see the context table). Unsaid: polarity affirmed and
    #: mention asserted; ``any`` allows every value
    context: dict[str, str | list[str]] = Field(default_factory=dict)
    #: which role is the reported span: ``act`` alone, or (the default) from the act to its
    #: object or place when there is one
    focus: Role | Literal["act-object"] = "act-object"

    _one_or_many = field_validator(
        "act", "actor", "object", "place", "time", "condition", mode="before"
    )(_listed)

    @model_validator(mode="after")
    def _needed_roles_are_given(self) -> FrameMatch:
        for item in self.need:
            for role in [item] if isinstance(item, str) else item.any:
                if role != "act" and not getattr(self, role):
                    raise ValueError(f"'need' names {role!r}, which the frame does not give")
        return self


class AllMatch(_Filtered):
    """Every sub-match in one ``scope`` (clause, sentence or message) and none of ``not``;
    the span is that of sub-match ``focus``."""

    kind: Literal["all"]
    of: list[SubMatch] = Field(min_length=1)
    none: list[SubMatch] = Field(default_factory=list, alias="not")
    scope: ConceptScope = "sentence"
    focus: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _focus_exists(self) -> AllMatch:
        if self.focus >= len(self.of):
            raise ValueError(f"focus {self.focus}: 'of' has {len(self.of)} sub-matches")
        return self


class AnyMatch(_Filtered):
    """The spans of every sub-match."""

    kind: Literal["any"]
    of: list[SubMatch] = Field(min_length=1)


SubMatch = Annotated[FrameMatch | PhraseMatch | AllMatch | AnyMatch, Field(discriminator="kind")]
AllMatch.model_rebuild()
AnyMatch.model_rebuild()


def roles_of(match: object) -> frozenset[str]:
    """The roles a match's findings can report (``roles`` in JSON): a frame's act and the
    roles it gives; ``all`` those of its ``focus`` sub-match, ``any`` those of each; none
    for a phrase or a kind without concepts."""
    if isinstance(match, FrameMatch):
        return frozenset(r for r in ROLES if r == "act" or getattr(match, r))
    if isinstance(match, AllMatch):
        return roles_of(match.of[match.focus])
    if isinstance(match, AnyMatch):
        return frozenset().union(*(roles_of(m) for m in match.of))
    return frozenset()


#: the concept kinds, for the pack format's union of match kinds
CONCEPT_KINDS = (FrameMatch, PhraseMatch, AllMatch, AnyMatch)
