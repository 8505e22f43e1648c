"""From a span of a message's text to the characters of its file that hold it."""

from __future__ import annotations

from itertools import pairwise

from ..core.source import SourceMessage


def file_region(msg: SourceMessage, start: int, end: int) -> tuple[int, int] | None:
    """File character range from the first to just past the last character of ``text[start:end]``.

    For showing where a finding is; an empty span is an insertion point. None when the message
    does not stand verbatim in its file (escapes, folded scalars) or has no file.
    """
    offsets = msg.offsets
    if msg.file is None or offsets is None or not offsets or not 0 <= start <= end:
        return None
    if start == end:
        pos = offsets[start] if start < len(offsets) else offsets[-1] + 1
        return pos, pos
    if end > len(offsets):
        return None
    return offsets[start], offsets[end - 1] + 1


def file_span(msg: SourceMessage, start: int, end: int) -> tuple[int, int] | None:
    """Like :func:`file_region`, but only when the file holds ``text[start:end]`` as one
    unbroken run of characters, so replacing that run replaces exactly the span."""
    region = file_region(msg, start, end)
    if region is None or msg.offsets is None:
        return None
    run = msg.offsets[start:end]
    if any(b != a + 1 for a, b in pairwise(run)):
        return None  # the span crosses a line break of a block scalar: indentation between
    return region
