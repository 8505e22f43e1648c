"""The 【signatures】 at the start and end of a message: where they stand and what they name.

The analysis of a message finds them once; the signature rule kind judges them.
"""

from __future__ import annotations

import re as stdlib_re

Span = tuple[int, int]  # as in analysis: [start, end) in prepared text

# Start or end of the message: 【…】, allowing spaces and a closing full stop after it.
_SIGNATURE_HEAD = stdlib_re.compile(r"^\s*【([^【】\n]{1,30})】")
# An opt-out note may follow the closing signature: …【招商银行】回T退订.
_SIGNATURE_TAIL = stdlib_re.compile(
    r"【([^【】\n]{1,30})】[\s.。,，]*(?:[^【】\n]{0,8}(?:退订|拒收)[^【】\n]{0,6})?[\s.。]*$"
)


def signatures(text: str) -> list[tuple[Span, str]]:
    """The 【signatures】 at the start and end of prepared text, with the span of each."""
    found: list[tuple[Span, str]] = []
    for rx in (_SIGNATURE_HEAD, _SIGNATURE_TAIL):
        if m := rx.search(text):
            span = (m.start(0) + m.group(0).index("【"), m.start(0) + m.group(0).index("】") + 1)
            if not found or found[0][0] != span:
                found.append((span, m.group(1).strip()))
    return found
