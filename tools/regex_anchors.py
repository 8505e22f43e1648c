"""Strings and characters any match of a pack regex must contain: a DEVELOPMENT tool.

Nothing in ``linter/`` imports this module. It derives, from the parsed pattern, strings of
which every match contains one (``required_literals``): sound or absent — where the
pattern uses syntax the stdlib parser cannot read exactly the way the ``regex`` module
does (V1 nested sets, named lists, lookbehind tricks) nothing is derived.

It serves two purposes: ``tools/pack_anchors.py`` writes the ``anchors:`` each pack regex
declares from it, and ``tests/test_pack_anchors.py`` proves with it that the declared
anchors are sound (every match of the pattern contains one), so a pack edit that adds a
branch without an anchor fails CI. At run time the engine reads the declared anchors and
never parses a pattern to choose which rules run.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from linter.core.matchers import normalise_term
from linter.core.regex_width import IGNORECASE as _IGNORECASE
from linter.core.regex_width import parse_loosely as _parse_loosely
from linter.core.regex_width import sre_constants

_MAX_RANGE = 32
Needs = frozenset[str] | None
#: sets of characters a match must hit, each at least once (empty: nothing known)
Conjunction = tuple[frozenset[str], ...]
_MAX_SETS = 4


def _class_chars(items: list[tuple[Any, Any]]) -> Needs:
    chars: set[str] = set()
    for op, arg in items:
        if op is sre_constants.LITERAL:
            chars.add(chr(arg))
        elif op is sre_constants.RANGE:
            lo, hi = arg
            if hi - lo > _MAX_RANGE:
                return None
            chars.update(chr(c) for c in range(lo, hi + 1))
        else:  # NEGATE, CATEGORY, …: anything may match
            return None
    return frozenset(chars)


def _needs_item(op: Any, arg: Any) -> Conjunction:
    if op is sre_constants.LITERAL:
        return (frozenset(chr(arg)),)
    if op is sre_constants.IN:
        chars = _class_chars(arg)
        return () if chars is None else (chars,)
    if op is sre_constants.BRANCH:
        # One of the alternatives matches: the union of each one's tightest set is needed.
        union: set[str] = set()
        for alternative in arg[1]:
            need = _needs_seq(alternative)
            if not need:
                return ()
            union |= min(need, key=len)
        return (frozenset(union),)
    if op is sre_constants.SUBPATTERN:
        _group, add_flags, _del_flags, sub = arg
        if int(add_flags) & _IGNORECASE:
            return ()
        return _needs_seq(sub)
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) or (
        op is getattr(sre_constants, "POSSESSIVE_REPEAT", None)
    ):
        low, _high, sub = arg
        return _needs_seq(sub) if low >= 1 else ()
    if op is getattr(sre_constants, "ATOMIC_GROUP", None):
        return _needs_seq(arg)
    return ()  # ANY, AT, ASSERT, GROUPREF …: no requirement we can rely on


def _needs_seq(seq: Any) -> Conjunction:
    """Every mandatory part of a sequence adds its own requirement."""
    out: list[frozenset[str]] = []
    for op, arg in seq:
        out.extend(_needs_item(op, arg))
    return tuple(out)


# --- literal anchors: strings of which every match contains at least one ---------------

Anchors = frozenset[str] | None
_MAX_ANCHORS = 200
#: the most strings one run of few-string parts may stand for. Past it an alternation of
#: runs falls back to single parts, so a smaller cap keeps more runs: on the bench corpus
#: and the data sets 64 left the fewest regex runs per message (32: 10.8 and 8.2, 64: 9.9
#: and 7.5, 200: 11.2 and 9.3; single parts only: 11.5 and 10.2).
_MAX_RUN = 64


AnchorCost = Callable[[str], float]


def length_cost(anchor: str) -> float:
    """Without a sample of messages: the longer the string, the rarer."""
    return 1.0 if len(anchor) == 1 else 0.1 if len(anchor) == 2 else 0.02


def sample_cost(sample: str, count: int) -> AnchorCost:
    """How often an anchor occurs per message of a sample (messages joined by newlines)."""
    cache: dict[str, float] = {}
    # Most candidate strings of a run (打你, 已起诉 …) are in no message of the sample: a
    # pair of adjacent characters the sample never has says so without scanning it.
    pairs = {sample[i : i + 2] for i in range(len(sample) - 1)}

    def cost(anchor: str) -> float:
        if anchor not in cache:
            absent = any(anchor[i : i + 2] not in pairs for i in range(len(anchor) - 1))
            found = 0 if absent else sample.count(anchor)
            cache[anchor] = (found + 0.01 * length_cost(anchor)) / max(count, 1)
        return cache[anchor]

    return cost


def _one_character(op: Any, arg: Any) -> Anchors:
    """The characters a literal or a small class matches (None: another part, or too many)."""
    if op is sre_constants.LITERAL:
        return frozenset(chr(arg))
    if op is sre_constants.IN:
        chars = _class_chars(arg)
        return chars if chars is not None and len(chars) <= _MAX_RANGE else None
    return None


def _anchors_item(op: Any, arg: Any, cost: AnchorCost, runs: bool) -> Anchors:
    if op is sre_constants.LITERAL or op is sre_constants.IN:
        return _one_character(op, arg)
    if op is sre_constants.BRANCH:
        union: set[str] = set()
        for alternative in arg[1]:
            found = _anchors_seq(alternative, cost, runs)
            if found is None:
                return None
            union |= found
        if len(union) <= _MAX_ANCHORS:
            return frozenset(union)
        # Long runs in every alternative add up to too many strings: single parts may not.
        return _anchors_item(op, arg, cost, runs=False) if runs else None
    if op is sre_constants.SUBPATTERN:
        _group, add_flags, _del_flags, sub = arg
        return None if int(add_flags) & _IGNORECASE else _anchors_seq(sub, cost, runs)
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) or (
        op is getattr(sre_constants, "POSSESSIVE_REPEAT", None)
    ):
        low, _high, sub = arg
        return _anchors_seq(sub, cost, runs) if low >= 1 else None
    if op is getattr(sre_constants, "ATOMIC_GROUP", None):
        return _anchors_seq(arg, cost, runs)
    return None


def _product(left: frozenset[str], right: frozenset[str]) -> frozenset[str] | None:
    if len(left) * len(right) > _MAX_RUN:
        return None
    return frozenset(a + b for a in left for b in right)


def _exact_item(op: Any, arg: Any) -> Anchors:
    """Every string this part can match, when they are few (None: many, or unknown).

    ``打[你他]`` matches exactly 打你 or 打他: as anchors those two are far rarer in a message
    than 打 alone. "" in the set means the part may match nothing.
    """
    if op is sre_constants.LITERAL or op is sre_constants.IN:
        return _one_character(op, arg)
    if op is sre_constants.BRANCH:
        union: set[str] = set()
        for alternative in arg[1]:
            exact = _exact_seq(alternative)
            if exact is None:
                return None
            union |= exact
        return frozenset(union) if len(union) <= _MAX_RUN else None
    if op is sre_constants.SUBPATTERN:
        _group, add_flags, _del_flags, sub = arg
        return None if int(add_flags) & _IGNORECASE else _exact_seq(sub)
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) or (
        op is getattr(sre_constants, "POSSESSIVE_REPEAT", None)
    ):
        low, high, sub = arg
        exact = _exact_seq(sub)
        if exact is None or high > 2:
            return None
        once = exact | {""} if low == 0 else exact
        return once if high == 1 else _product(once, exact | {""} if low < 2 else exact)
    if op is getattr(sre_constants, "ATOMIC_GROUP", None):
        return _exact_seq(arg)
    return None


def _literal(op: Any, arg: Any) -> Anchors:
    return frozenset(chr(arg)) if op is sre_constants.LITERAL else None


def _exact_seq(seq: Any) -> Anchors:
    out: frozenset[str] | None = frozenset([""])
    for op, arg in seq:
        exact = _exact_item(op, arg)
        if exact is None or (out := _product(out, exact)) is None:
            return None
    return out


def _without_superstrings(strings: frozenset[str]) -> frozenset[str]:
    """起诉 and 起诉你 as anchors: 起诉 alone says the same (any text with 起诉你 has 起诉)."""
    if len(strings) < 2:
        return strings
    lengths = sorted({len(s) for s in strings})
    if len(lengths) == 1:
        return strings
    kept: set[str] = set()
    for s in sorted(strings, key=len):
        inside = (s[i : i + n] for n in lengths if n < len(s) for i in range(len(s) - n + 1))
        if not any(part in kept for part in inside):
            kept.add(s)
    return frozenset(kept)


def _anchors_seq(seq: Any, cost: AnchorCost, runs: bool = True) -> Anchors:
    """The cheapest of: each mandatory part's anchors, and each run of parts whose every
    match is one of a few strings (literals, small classes, small alternations; with
    ``runs`` off, only literal characters)."""
    candidates: list[frozenset[str]] = []
    run: frozenset[str] = frozenset([""])

    def close_run() -> None:
        if "" not in run:
            candidates.append(_without_superstrings(run))

    for op, arg in seq:
        exact = _exact_item(op, arg) if runs else _literal(op, arg)
        if exact is not None:
            joined = _product(run, exact)
            if joined is None:  # too many strings: start a new run here
                close_run()
                joined = exact
            run = joined
        else:
            close_run()
            run = frozenset([""])
        optional = exact is not None and "" in exact
        if not optional and (found := _anchors_item(op, arg, cost, runs)) is not None:
            candidates.append(found)
    close_run()
    return _cheapest(candidates, cost)


def _cheapest(candidates: list[frozenset[str]], cost: AnchorCost) -> Anchors:
    """``min(candidates, key=total cost)``, leaving a sum as soon as it cannot win (runs of
    few-string parts make candidates of up to 200 strings: the full sums doubled the time
    an engine takes to build)."""
    best: frozenset[str] | None = None
    best_cost = float("inf")
    for candidate in candidates:
        total = 0.0
        for anchor in candidate:
            total += cost(anchor)
            if total >= best_cost:
                break
        else:
            best, best_cost = candidate, total
    return best


def required_literals(pattern: str, cost: AnchorCost = length_cost) -> Anchors:
    """Strings of which every match contains at least one; None when unknown.

    Where a pattern offers several such sets, the one ``cost`` rates cheapest (least
    likely to be in a message) is chosen.
    """
    parsed = _parse_loosely(pattern)
    if parsed is None:
        return None
    return _anchors_seq(parsed, cost)


def required_sets(pattern: str) -> Conjunction:
    """Character sets such that every match contains a character of each; () when unknown."""
    parsed = _parse_loosely(pattern)
    if parsed is None:
        return ()
    distinct = sorted({s for s in _needs_seq(parsed) if s}, key=lambda s: (len(s), sorted(s)))
    return tuple(distinct[:_MAX_SETS])


def required_chars(pattern: str) -> Needs:
    """The tightest single set of :func:`required_sets`; None when nothing is known."""
    sets = required_sets(pattern)
    return sets[0] if sets else None


def anchors_proved(pattern: str, declared: frozenset[str]) -> bool:
    """Is every match of ``pattern`` sure to contain one of ``declared``?

    The analysis is run with a cost that makes a declared anchor free, a string that
    contains one nearly free, and any other string dear: at every choice it takes the set
    of strings most covered by the declared ones. If the set it ends with is wholly
    covered, every match contains a string of it, hence a declared anchor. A branch added
    without one leaves a string uncovered: not proved. Strings are compared in prepared
    form, the engine's form of anchors and messages alike.
    """

    def cost(anchor: str) -> float:
        seen = normalise_term(anchor)  # as the engine reads anchors and messages
        if seen in declared:
            return 0.0
        return 0.001 if any(d in seen for d in declared) else 1.0

    found = required_literals(pattern, cost)
    return found is not None and all(cost(a) < 1.0 for a in found)
