"""Linting many messages read from files: context precedence, per-file ignores, positions.

Context of a message, most specific first: its own fields (a jsonl object's or a YAML
mapping's ``recipient`` …), then the command line, then the config's defaults by path.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..core.engine import Engine
from ..core.errors import RuleTimeout
from ..core.merge_findings import split_parts
from ..core.models import MessageContext, Violation, decide, problem_text
from ..core.selection import selector_matches
from ..core.source import ReadError, SourceMessage
from ..formats.report import FileProblem, MessageReport
from .config import Config
from .readers import read_file
from .walk import LINTABLE_SUFFIXES, Excludes, Found, find_inputs


def message_context(
    msg: SourceMessage, config: Config, overrides: dict[str, Any]
) -> MessageContext:
    fields: dict[str, Any] = {**config.context_for(msg.source), **overrides, **msg.context}
    if isinstance(fields.get("organization"), str):
        fields["organization"] = [fields["organization"]]
    try:
        return MessageContext.model_validate(fields)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise ReadError(
            str(msg.source or "<stdin>"), msg.line, f"{field}: {problem_text(err)}"
        ) from None


def _located(v: Violation, msg: SourceMessage) -> Violation:
    line, column = msg.position(v.start)
    return v.model_copy(update={"line": line, "column": column})


def lint_message(
    engine: Engine, config: Config, msg: SourceMessage, overrides: dict[str, Any]
) -> MessageReport:
    context = message_context(msg, config, overrides)
    try:
        outcome = engine.lint(msg.text, context)
    except RuleTimeout as exc:
        raise ReadError(
            str(msg.source or "<stdin>"), msg.line, f"{msg.id}: a pack regex timed out ({exc})"
        ) from None
    ignored = config.ignored_for(msg.source)

    def is_ignored(v: Violation) -> bool:
        return any(selector_matches(s, engine.rule(v.rule).spec) for s in ignored)  # type: ignore[union-attr]

    # an ignored rule leaves out its own matches; other rules on the same words stay
    kept, _ = split_parts(outcome.violations, msg.text, is_ignored)
    violations = [_located(v, msg) for v in kept]
    return MessageReport(
        source=msg.source,
        id=msg.id,
        line=msg.line,
        column=msg.column,
        text=msg.text,
        decision=decide(violations),
        violations=violations,
        source_message=msg,
    )


def read_inputs(files: list[Path]) -> tuple[list[SourceMessage], list[FileProblem]]:
    """Every message of every file (:func:`find_files` lists them); a file that fails is a
    problem, the others are read."""
    messages: list[SourceMessage] = []
    problems: list[FileProblem] = []
    for path in files:
        if not path.exists():
            problems.append(FileProblem(source=str(path), message="no such file or folder"))
            continue
        line_errors: list[ReadError] = []
        try:
            messages.extend(read_file(path, line_errors))
        except ReadError as exc:
            problems.append(FileProblem.of(exc))
        problems.extend(FileProblem.of(e) for e in line_errors)
    return messages, problems


def find_files(
    paths: list[Path], config: Config, engine: Engine, exclude: Sequence[str] = ()
) -> Found:
    """The files a run reads: ``--exclude`` globs are relative to the current folder, the
    config's ``exclude`` to the config file; the packs the engine loaded are never messages."""
    excludes = Excludes(((Path.cwd(), tuple(exclude)), (config.root, tuple(config.exclude))))
    return find_inputs(paths, excludes, skip=[Path(p.path) for p in engine.packs])


def nothing_to_lint(paths: Sequence[object]) -> str:
    """The one-line error when the paths named hold no file to read."""
    kinds = ", ".join(LINTABLE_SUFFIXES)
    named = " ".join(str(p) for p in paths)
    return (
        f"nothing to lint in {named}: no {kinds} file "
        "(hidden, .gitignored and excluded files are left out)"
    )


def empty_folder_problems(found: Found) -> list[FileProblem]:
    return [
        FileProblem(source=str(f), level="warning", message="no file to lint in this folder")
        for f in found.empty_folders
    ]
