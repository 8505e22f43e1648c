"""The widest text a pack regex can match, for where a search may start and a fix may reach.

Read from the stdlib parser's view of a looser version of the pattern (lookarounds
removed, \\p{…} as any character): sound or absent. Where the pattern uses syntax that
parser cannot read exactly the way the ``regex`` module does (V1 nested sets, named
lists, …) the width is unknown (None). Computed only for a regex that runs, on its first
run, never at start-up; nothing here chooses which rules run.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

try:  # the parser of the standard library's re (moved in 3.11; the old name still works)
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older layouts
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

IGNORECASE = int(sre_constants.SRE_FLAG_IGNORECASE)  # an int: enum "&" is slow in a hot loop
#: regex-module syntax that the stdlib parser reads differently or not at all
_UNSAFE = re.compile(
    r"\\[pPLXmMGKNQE]|\(\?[rVfbe]|\(\?\(|\\[0-9]|--|&&|\|\||~~|\(\?\||\{[eisd]\s*[<=]"
)


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


@lru_cache(maxsize=4096)
def parse_loosely(pattern: str) -> Any:
    """The stdlib parse of a looser version of the pattern, or None when unsafe."""
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
    if int(parsed.state.flags) & IGNORECASE:
        return None
    return parsed


def max_match_width(pattern: str) -> int | None:
    """The most characters one match can span (lookarounds consume none); None if unbounded."""
    parsed = parse_loosely(pattern)
    if parsed is None:
        return None
    try:
        _low, high = parsed.getwidth()
    except (OverflowError, RecursionError):
        return None
    return None if high >= sre_constants.MAXREPEAT else int(high)
