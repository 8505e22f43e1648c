"""The one output model every format renders: messages with their violations, and a summary."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field

from . import __version__
from .models import Decision, Violation


class ToolInfo(BaseModel):
    name: str = "msglint"
    version: str = __version__


class MessageReport(BaseModel):
    source: str | None
    id: str
    line: int | None
    column: int | None
    text: str
    decision: Decision
    violations: list[Violation]


class FileProblem(BaseModel):
    """A file or line that could not be linted (``level: error``) or was skipped (warning)."""

    source: str
    line: int | None = None
    level: str = "error"
    message: str


class Summary(BaseModel):
    messages: int
    violations: int
    by_category: dict[str, int]
    by_decision: dict[str, int] = Field(default_factory=dict)
    errors: int = 0


class Report(BaseModel):
    tool: ToolInfo = Field(default_factory=ToolInfo)
    packs_version: str | None = None
    messages: list[MessageReport]
    summary: Summary
    problems: list[FileProblem] = Field(default_factory=list)


def summarise(messages: list[MessageReport], errors: int = 0) -> Summary:
    categories = Counter(v.category.value for m in messages for v in m.violations)
    decisions = Counter(m.decision.value for m in messages)
    return Summary(
        messages=len(messages),
        violations=sum(len(m.violations) for m in messages),
        by_category=dict(sorted(categories.items())),
        by_decision=dict(sorted(decisions.items())),
        errors=errors,
    )
