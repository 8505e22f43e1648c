"""Where a message came from: its file, its place in the file, and a file that cannot be read.

The source-location model every layer above shares: readers build it, reports carry it,
formats turn it into file lines and columns.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

CONTEXT_KEYS = (
    "recipient",
    "channel",
    "send_at",
    "timezone",
    "organization",
    "gateway_signature",
)


class ReadError(Exception):
    """A file (or one line of it) that cannot be read as messages; the rest go on."""

    def __init__(self, source: str, line: int | None, reason: str) -> None:
        self.source, self.line, self.reason = source, line, reason
        super().__init__(f"{source}:{line}: {reason}" if line else f"{source}: {reason}")


@dataclass
class SourceFile:
    """The text of one input file, and where its lines start."""

    path: str | None
    text: str
    line_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]

    def position(self, index: int) -> tuple[int, int]:
        """1-based line and column of a character index."""
        line = bisect.bisect_right(self.line_starts, index) - 1
        return line + 1, index - self.line_starts[line] + 1


@dataclass
class SourceMessage:
    source: str | None
    id: str
    text: str
    line: int | None
    column: int | None
    context: dict[str, Any] = field(default_factory=dict)
    #: file character index of each text character, when the text stands verbatim
    offsets: list[int] | None = None
    file: SourceFile | None = None
    #: 1-based file lines that name this message in YAML/JSON: the line of its key (for a
    #: mapping with ``text``, the mapping's key and the ``text`` key) and of its value's start
    key_lines: tuple[int, ...] = ()

    def position(self, offset: int) -> tuple[int | None, int | None]:
        """File line:column of a character offset in ``text`` (the message's, as a fallback)."""
        if self.file is None or self.offsets is None:
            return self.line, self.column
        if offset < len(self.offsets):
            return self.file.position(self.offsets[offset])
        if self.offsets:
            line, col = self.file.position(self.offsets[-1])
            return line, col + 1
        return self.line, self.column


def verbatim(file_text: str, value: str, candidates: list[int]) -> list[int] | None:
    """The candidate map if each value char is the file char it points at, else None."""
    if len(candidates) != len(value):
        return None
    for i, ch in zip(candidates, value, strict=True):
        if i >= len(file_text) or file_text[i] != ch:
            return None
    return candidates
