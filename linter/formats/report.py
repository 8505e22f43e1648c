"""The one output model every format renders: messages with their violations, and a summary."""

from __future__ import annotations

from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from ..core.engine_version import MSGLINT_VERSION
from ..core.models import Decision, Severity, Violation
from ..core.source import ReadError, SourceMessage


class ToolInfo(BaseModel):
    name: str = "msglint"
    version: str = MSGLINT_VERSION


class SuppressedViolation(Violation):
    """A violation an inline ``# msglint: disable=… -- reason`` comment accepted."""

    kind: Literal["inline"] = "inline"
    reason: str


class MessageReport(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    source: str | None
    id: str
    line: int | None
    column: int | None
    text: str
    decision: Decision
    violations: list[Violation]
    suppressed: list[SuppressedViolation] = Field(default_factory=list)
    #: where the message came from (file positions for fixes and SARIF); not rendered
    source_message: SkipJsonSchema[SourceMessage | None] = Field(
        default=None, exclude=True, repr=False
    )


class FileProblem(BaseModel):
    """A file or line that could not be linted (``level: error``) or was skipped (warning)."""

    source: str
    line: int | None = None
    level: str = "error"
    message: str

    @classmethod
    def of(cls, error: ReadError) -> FileProblem:
        """The problem a reader's error makes (its file, line and reason)."""
        return cls(source=error.source, line=error.line, message=error.reason)


class SuppressionProblem(BaseModel):
    """A finding about a ``# msglint:`` comment itself (pseudo-rules ``MSGLINT-SUP-…``)."""

    source: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    #: the message the comment stands on, when it stands on one
    message_id: str | None = None


class RuleMeta(BaseModel):
    """What a renderer needs to describe a rule (SARIF ``tool.driver.rules``)."""

    id: str
    name: str
    category: str
    severity: Severity
    message_zh: str
    message_en: str
    basis: list[str] = Field(default_factory=list)
    fix_applicability: str = "manual"
    fix_zh: str = ""
    fix_en: str = ""
    replacement: str | None = None
    trigger_examples: list[str] = Field(default_factory=list)
    pass_examples: list[str] = Field(default_factory=list)


class Summary(BaseModel):
    """Counts over a report. ``messages`` counts every entry of its ``messages`` list and
    ``by_decision`` splits them; ``errors`` counts what could not be judged: in the CLI the
    files, lines and messages listed in ``problems`` (not in ``messages``), in an HTTP batch
    the entries whose decision is ``error`` (counted in ``messages`` too)."""

    messages: int
    violations: int
    by_category: dict[str, int]
    by_decision: dict[str, int] = Field(default_factory=dict)
    errors: int = 0
    #: violations accepted by an inline suppression / by the baseline
    suppressed: int = 0
    baselined: int = 0
    suppression_problems: int = 0


class Report(BaseModel):
    tool: ToolInfo = Field(default_factory=ToolInfo)
    packs_version: str | None = None
    messages: list[MessageReport]
    summary: Summary
    problems: list[FileProblem] = Field(default_factory=list)
    suppression_problems: list[SuppressionProblem] = Field(default_factory=list)
    #: rule descriptions for renderers that carry them (SARIF); not rendered in JSON
    rules: SkipJsonSchema[list[RuleMeta]] = Field(default_factory=list, exclude=True)
    #: the --fail-on level, for renderers that mark pass / fail (JUnit); not rendered
    fail_on: SkipJsonSchema[str] = Field(default="error", exclude=True)


def summarise(
    messages: list[MessageReport],
    errors: int = 0,
    *,
    baselined: int = 0,
    suppression_problems: int = 0,
) -> Summary:
    categories = Counter(v.category.value for m in messages for v in m.violations)
    decisions = Counter(m.decision.value for m in messages)
    return Summary(
        messages=len(messages),
        violations=sum(len(m.violations) for m in messages),
        by_category=dict(sorted(categories.items())),
        by_decision=dict(sorted(decisions.items())),
        errors=errors,
        suppressed=sum(len(m.suppressed) for m in messages),
        baselined=baselined,
        suppression_problems=suppression_problems,
    )
