"""Rule selection: which rules a selector (``ALL``, a rule id or id prefix, a category or a
rule name) picks, and the error for one that picks none.

A selector that matches nothing is a typo (``threats`` for ``threat``), never a choice: left
alone it lints with fewer rules, or none, and exits 0. Checking needs the loaded rules, so it
runs where the engine is built (the CLI, the server's loader); the caller names where the
selector came from.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a type only: a config checks selectors without loading the pack schema
    from .rule_spec import RuleSpec


def selector_matches(selector: str, rule: RuleSpec) -> bool:
    return (
        selector == "ALL"
        or rule.id.startswith(selector)
        or selector in (rule.category.value, rule.name)
    )


class UnknownSelector(ValueError):
    """A selector (rule id, id prefix, category or rule name) that matches no loaded rule.

    ``where`` names what holds it (``--select``, ``select``, ``severity``); the caller adds
    the config file, so the message is one line: ``where: 'threats' matches no rule (…)``.
    """

    def __init__(self, where: str, selector: str, reason: str) -> None:
        self.where, self.selector, self.reason = where, selector, reason
        super().__init__(f"{where}: {selector!r} {reason}")


def _matches_any(selector: str, rules: Sequence[RuleSpec], also: Iterable[str]) -> bool:
    if not selector.strip():
        return False  # "" would prefix every id: a stray comma, not a choice of all rules
    return any(selector_matches(selector, r) for r in rules) or any(
        i.startswith(selector) for i in also
    )


def _unknown_reason(selector: str, rules: Sequence[RuleSpec], exact: bool) -> str:
    if not selector.strip():
        return "is empty (a stray comma?)"
    ids = sorted({r.id for r in rules})
    categories = sorted({r.category.value for r in rules})
    prefixes = sorted({i.rsplit("-", 1)[0] for i in ids})
    pool = ids if exact else [*categories, *prefixes, *ids, *sorted({r.name for r in rules})]
    folded = {c.lower(): c for c in pool}
    key = selector.strip().lower()
    close = [key] if key in folded else difflib.get_close_matches(key, folded, n=3)
    what = "is not a rule id" if exact else "matches no rule"
    if close:
        return f"{what} (did you mean {' or '.join(repr(folded[c]) for c in close)}?)"
    if exact:
        return f"{what} (`msglint rules` lists them)"
    return (
        f"{what} (categories: {', '.join(categories)}; or a rule id, an id prefix such as "
        f"{prefixes[0] if prefixes else 'ZH-THR'}, a rule name, or ALL)"
    )


def check_selectors(
    where: str,
    selectors: Iterable[str],
    rules: Sequence[RuleSpec],
    *,
    also: Iterable[str] = (),
    exact: bool = False,
) -> None:
    """Raise :class:`UnknownSelector` for the first selector that matches no rule.

    ``also``: ids of pseudo-rules a selector may name (``MSGLINT-SUP-…``); ``exact``: each
    must be a whole rule id (``[severity]`` keys), not a prefix, category or name.
    """
    extra = list(also)
    known = {r.id for r in rules} | set(extra)
    for selector in selectors:
        ok = selector in known if exact else _matches_any(selector, rules, extra)
        if not ok:
            raise UnknownSelector(where, selector, _unknown_reason(selector, rules, exact))
