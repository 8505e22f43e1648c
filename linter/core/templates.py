"""Concept templates as small trees, matched in a message without expanding them.

``{你}?的?{家人}的?{单位}`` stands for every combination of its parts: tens of thousands of
strings once the concepts are nested. Writing all of them into the engine's automaton made
building an engine cost seconds. A template is kept instead as a :class:`Choice`: the plain
words it may be (``words``, found by the automaton's one pass) or sequences of parts, each a
literal run (``的``, ``找``) or another choice, each part optional or not. A message is
matched by walking these trees from the places where the automaton found something: every
match begins with a word or a literal run (:func:`firsts`), and both are in the automaton.

What a template matches is exactly the set of strings it expands into (:func:`enumerate_strings`),
found where they stand on token boundaries; :func:`need` gives the strings one of which
any match holds, so a finder is skipped, and a rule not triggered, unless one is present.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Union

from .analysis import Analysis, Span, present

#: a part of a sequence: a literal run (prepared) or a choice, and whether it is optional
Part = tuple[Union[str, "Choice"], bool]
Sequence = tuple[Part, ...]

#: a sequence standing for at most this many strings is kept as those strings (the
#: automaton finds them whole, the cheapest match there is); a larger one as a sequence
SMALL = 256


@dataclass(eq=False)
class Choice:
    """Any of ``words`` (plain prepared strings) or of ``sequences``. Never the empty string."""

    words: frozenset[str] = frozenset()
    sequences: tuple[Sequence, ...] = ()
    _need: frozenset[str] | None = field(default=None, repr=False)
    _need_known: bool = field(default=False, repr=False)
    _strings: frozenset[str] | None = field(default=None, repr=False)
    _firsts: frozenset[str] | None = field(default=None, repr=False)
    _sequence_firsts: frozenset[str] | None = field(default=None, repr=False)
    _size: int | None = field(default=None, repr=False)
    _expansion: frozenset[str] | None = field(default=None, repr=False)

    def __bool__(self) -> bool:
        return bool(self.words or self.sequences)

    @classmethod
    def union(cls, choices: Iterable[Choice]) -> Choice:
        words: set[str] = set()
        sequences: dict[Sequence, None] = {}
        for choice in choices:
            words |= choice.words
            sequences.update(dict.fromkeys(choice.sequences))
        return cls(frozenset(words), tuple(sequences))


def literal_or_sequence(parts: list[Part]) -> Choice:
    """The choice one written alternative stands for: plain words when it names no concept
    (``家?人`` → 家人, 人), else one sequence with adjacent required literals joined."""
    if all(isinstance(p, str) for p, _ in parts):
        options = [[p, ""] if optional else [p] for p, optional in parts]
        words = {"".join(combo) for combo in itertools.product(*options)} - {""}
        return Choice(frozenset(words))
    joined: list[Part] = []
    for part, optional in parts:
        if joined and isinstance(part, str) and not optional:
            last, last_optional = joined[-1]
            if isinstance(last, str) and not last_optional:
                joined[-1] = (last + part, False)
                continue
        joined.append((part, optional))
    if len(joined) == 1 and not joined[0][1] and isinstance(joined[0][0], Choice):
        return joined[0][0]  # {家人} alone: the concept itself
    sequence = tuple(joined)
    if _sequence_size(sequence) <= SMALL:  # a few words: the automaton finds them whole
        return Choice(_sequence_strings(sequence))
    return Choice(sequences=(sequence,))


def size(choice: Choice) -> int:
    """How many strings ``choice`` stands for at most."""
    if choice._size is None:
        choice._size = len(choice.words) + sum(map(_sequence_size, choice.sequences))
    return choice._size


def _sequence_size(sequence: Sequence) -> int:
    count = 1
    for part, optional in sequence:
        count *= (1 if isinstance(part, str) else size(part)) + optional
    return count


def _sequence_strings(sequence: Sequence) -> frozenset[str]:
    options = [
        ([part] if isinstance(part, str) else sorted(enumerate_strings(part)))
        + ([""] if optional else [])
        for part, optional in sequence
    ]
    return frozenset("".join(combo) for combo in itertools.product(*options)) - {""}


def need(choice: Choice) -> frozenset[str] | None:
    """Strings of the automaton one of which every match of ``choice`` holds (None: none
    known, which a choice built from concepts never is)."""
    if not choice._need_known:
        parts: set[str] = set(choice.words)
        for sequence in choice.sequences:
            needed = _sequence_need(sequence)
            if needed is None:
                parts = set()
                choice._need = None
                break
            parts |= needed
        else:
            choice._need = frozenset(parts)
        choice._need_known = True
    return choice._need


def _sequence_need(sequence: Sequence) -> frozenset[str] | None:
    options: list[frozenset[str]] = []
    for part, optional in sequence:
        if optional:
            continue
        needed = frozenset({part}) if isinstance(part, str) else need(part)
        if needed:
            options.append(needed)
    if not options:
        return None
    # the most telling: no one-character string (的 is in every message), then the fewest
    return min(options, key=lambda s: (min(map(len, s)) == 1, len(s)))


def strings(choice: Choice) -> frozenset[str]:
    """Every string the automaton must find for ``choice`` to be matched."""
    if choice._strings is None:
        out: set[str] = set(choice.words)
        for sequence in choice.sequences:
            for part, _ in sequence:
                if isinstance(part, str):
                    out.add(part)
                else:
                    out |= strings(part)
        choice._strings = frozenset(out)
    return choice._strings


def firsts(choice: Choice) -> frozenset[str]:
    """The strings of the automaton a match of ``choice`` may begin with."""
    if choice._firsts is None:
        choice._firsts = choice.words | sequence_firsts(choice)
    return choice._firsts


def sequence_firsts(choice: Choice) -> frozenset[str]:
    """The strings of the automaton a match of one of its sequences may begin with."""
    if choice._sequence_firsts is None:
        out: set[str] = set()
        for sequence in choice.sequences:
            for part, optional in sequence:
                out |= {part} if isinstance(part, str) else firsts(part)
                if not optional:
                    break
        choice._sequence_firsts = frozenset(out)
    return choice._sequence_firsts


def enumerate_strings(choice: Choice) -> frozenset[str]:
    """Every string ``choice`` stands for (for checks of a concept's examples, not matching)."""
    if choice._expansion is None:
        out: set[str] = set(choice.words)
        for sequence in choice.sequences:
            out |= _sequence_strings(sequence)
        choice._expansion = frozenset(out)
    return choice._expansion


def _starts(analysis: Analysis) -> dict[int, list[tuple[str, int]]]:
    """Where each of the automaton's hits begins: position → (string, end)."""
    key = "template starts"
    starts = analysis.notes.get(key)
    if starts is None:
        starts = {}
        for term, spans in analysis.term_hits.items():
            for start, end in spans:
                starts.setdefault(start, []).append((term, end))
        analysis.notes[key] = starts
    return starts  # type: ignore[return-value]


def _ends(choice: Choice, pos: int, analysis: Analysis, starts: dict, memo: dict) -> set[int]:
    """Where a match of ``choice`` beginning at ``pos`` may end (never ``pos`` itself)."""
    key = (id(choice), pos)
    known = memo.get(key)
    if known is None:
        known = _sequence_ends(choice, pos, analysis, starts, memo)
        words = choice.words
        if words:
            known.update(end for term, end in starts.get(pos, ()) if term in words)
        memo[key] = known
    return known


def _sequence_ends(
    choice: Choice, pos: int, analysis: Analysis, starts: dict, memo: dict
) -> set[int]:
    """Where a match of one of ``choice``'s sequences beginning at ``pos`` may end."""
    out: set[int] = set()
    text = analysis.text
    for sequence in choice.sequences:
        current = {pos}
        for part, optional in sequence:
            following = set(current) if optional else set()
            for at in current:
                if isinstance(part, str):
                    if text.startswith(part, at):
                        following.add(at + len(part))
                else:
                    following |= _ends(part, at, analysis, starts, memo)
            current = following
            if not current:
                break
        out |= current
    out.discard(pos)
    return out


def spans(choice: Choice, analysis: Analysis) -> list[Span]:
    """Every span of the message ``choice`` matches with both ends on token boundaries."""
    known: dict[int, list[Span]] = analysis.notes.setdefault("template all spans", {})  # type: ignore[assignment]
    found = known.get(id(choice))
    if found is None:
        matched = set(sequence_spans(choice, analysis))
        for term in choice.words.intersection(analysis.term_hits):
            matched.update(analysis.aligned(term))
        found = known[id(choice)] = sorted(matched)
    return found


def sequence_spans(choice: Choice, analysis: Analysis) -> list[Span]:
    """Every span of the message one of ``choice``'s sequences matches, with both ends on
    token boundaries (the same choice is asked about by many finders: worked out once per
    message)."""
    if not choice.sequences:
        return []
    found: dict[int, list[Span]] = analysis.notes.setdefault("template spans", {})  # type: ignore[assignment]
    known = found.get(id(choice))
    if known is None:
        known = found[id(choice)] = _sequence_spans(choice, analysis)
    return known


def _sequence_spans(choice: Choice, analysis: Analysis) -> list[Span]:
    return [
        (start, end)
        for start, ends in _walks(choice, analysis)
        for end in ends
        if analysis.on_boundaries((start, end))
    ]


def occurs(choice: Choice, analysis: Analysis) -> bool:
    """Does ``choice`` match anywhere in the message, token boundaries or not (to tell an
    entry jieba cuts apart from one that is not there)?"""
    if not choice.words.isdisjoint(analysis.term_hits):
        return True
    return any(ends for _, ends in _walks(choice, analysis))


def _walks(choice: Choice, analysis: Analysis) -> Iterator[tuple[int, set[int]]]:
    """Each place a sequence of ``choice`` may begin (where the automaton found a string
    one may begin with), and where the sequences beginning there end."""
    hits = analysis.term_hits
    starts = _starts(analysis)
    memo = analysis.notes.setdefault("template ends", {})
    for start in {s for term in present(sequence_firsts(choice), hits) for s, _ in hits[term]}:
        yield start, _sequence_ends(choice, start, analysis, starts, memo)  # type: ignore[arg-type]
