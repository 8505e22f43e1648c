"""Which characters any match of a pattern must contain, so most messages skip the regex.

A pack has dozens of regex rules and a message is ~80 characters: running every pattern
costs far more than asking whether the message holds one character the pattern cannot
match without (起诉|传票 needs 起 or 传). The set is derived from the parsed pattern and is
sound or absent: where the pattern uses syntax this parser cannot read exactly the way the
``regex`` module does (V1 nested sets, \\p{…}, named lists, lookbehind tricks), there is
no prefilter and the regex always runs.
"""

from __future__ import annotations

import re
from typing import Any

try:  # the parser of the standard library's re (moved in 3.11; the old name still works)
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older layouts
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_MAX_RANGE = 32
#: regex-module syntax that the stdlib parser reads differently or not at all
_UNSAFE = re.compile(
    r"\\[pPLXmMGKNQE]|\(\?[rVfbe]|\(\?\(|\\[0-9]|--|&&|\|\||~~|\(\?\||\{[eisd]\s*[<=]"
)

Needs = frozenset[str] | None


def _inner_bracket_in_class(pattern: str) -> bool:
    """An unescaped '[' inside a class opens a nested set in regex V1, not in re."""
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            if ch == "[":
                return True
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                i += 1
            if pattern[i + 1 : i + 2] == "]":  # a literal ] first in the class
                i += 1
        i += 1
    return False


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


def _needs_item(op: Any, arg: Any) -> Needs:
    if op is sre_constants.LITERAL:
        return frozenset(chr(arg))
    if op is sre_constants.IN:
        return _class_chars(arg)
    if op is sre_constants.BRANCH:
        union: set[str] = set()
        for alternative in arg[1]:
            need = _needs_seq(alternative)
            if need is None:
                return None
            union |= need
        return frozenset(union)
    if op is sre_constants.SUBPATTERN:
        _group, add_flags, _del_flags, sub = arg
        if add_flags & sre_constants.SRE_FLAG_IGNORECASE:
            return None
        return _needs_seq(sub)
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) or (
        op is getattr(sre_constants, "POSSESSIVE_REPEAT", None)
    ):
        low, _high, sub = arg
        return _needs_seq(sub) if low >= 1 else None
    if op is getattr(sre_constants, "ATOMIC_GROUP", None):
        return _needs_seq(arg)
    return None  # ANY, AT, ASSERT, GROUPREF …: no requirement we can rely on


def _needs_seq(seq: Any) -> Needs:
    best: Needs = None
    for op, arg in seq:
        need = _needs_item(op, arg)
        if need is not None and (best is None or len(need) < len(best)):
            best = need
    return best


def _without_lookarounds(pattern: str) -> str | None:
    """The pattern with every lookahead and lookbehind removed (None if unbalanced).

    A lookaround consumes nothing, so without it the pattern matches a superset of what it
    matched: a character every match of the looser pattern needs, every original match
    needs too. (It also gets variable-width lookbehinds past the stdlib parser.)
    """
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        if pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            depth, j, in_class = 0, i, False
            while j < n:
                ch = pattern[j]
                if ch == "\\":
                    j += 2
                    continue
                if in_class:
                    in_class = ch != "]"
                elif ch == "[":
                    in_class = True
                elif ch == "(":
                    depth += 1
                elif ch == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= n:
                return None
            i = j + 1
            continue
        if pattern[i] == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        out.append(pattern[i])
        i += 1
    return "".join(out)


def _without_comments(pattern: str) -> str:
    """A verbose pattern without its ``# …`` comments (which may hold stray brackets)."""
    out: list[str] = []
    i, n, in_class = 0, len(pattern), False
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "#":
            end = pattern.find("\n", i)
            i = n if end < 0 else end
            continue
        out.append(ch)
        i += 1
    return "".join(out)


_PROPERTY = re.compile(r"\\[pP]\{[^}]*\}|\\[pP][A-Za-z]")


def required_chars(pattern: str) -> Needs:
    """Characters of which every match contains at least one; None when unknown."""
    if "(?x" in pattern:
        pattern = _without_comments(pattern)
    if _inner_bracket_in_class(pattern):
        return None
    loose = _without_lookarounds(pattern)
    if loose is None:
        return None
    # \p{Han} outside a class matches one of many characters: any character will do.
    outside_classes = re.sub(r"\[(?:\\.|[^\]\\])*\]", "", loose)
    if len(_PROPERTY.findall(outside_classes)) == len(_PROPERTY.findall(loose)):
        loose = _PROPERTY.sub("(?s:.)", loose)
    if _UNSAFE.search(loose):
        return None
    try:
        parsed = sre_parse.parse(loose)
    except (re.error, ValueError, TypeError, OverflowError, RecursionError):
        return None
    if parsed.state.flags & sre_constants.SRE_FLAG_IGNORECASE:
        return None
    need = _needs_seq(parsed)
    if need is None or not need:
        return None
    return need
