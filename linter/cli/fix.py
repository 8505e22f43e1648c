"""``msglint fix PATH…``: apply safe fixes in place (``--unsafe`` adds unsafe ones), or show
them as a unified diff (``--diff``, changes nothing); then lint again and report what remains.

Exit codes as ``check``: 0 nothing left at or above --fail-on, 1 something is, 2 an input or
config error. ``--diff`` changes nothing, so its exit code is ``check``'s on the files as they
are; it prints the diff on stdout and what would remain after it on stderr.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from ..core.models import Applicability
from ..core.plural import counted
from ..core.source import ReadError, SourceMessage
from ..formats.render import FORMATTERS
from ..formats.report import FileProblem, Report
from ..run import check_run
from ..run.atomic import write_atomic
from ..run.baseline import BaselineError
from ..run.inplace import FilePlan, NotFixed, plan_file
from ..run.lint_run import empty_folder_problems, find_files, nothing_to_lint, read_inputs
from ..run.readers import decode, read_text
from .check import (
    add_input_options,
    add_lint_options,
    cli_overrides,
    no_message_note,
    print_problems,
)
from .common import UsageError, load_engine


def add_parser(sub: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    p = sub.add_parser("fix", help="apply safe fixes in place (--diff to only show them)")
    add_common(p)
    p.add_argument("paths", nargs="+", type=Path, help="files or folders")
    p.add_argument("--diff", action="store_true", help="print a unified diff, change nothing")
    p.add_argument("--unsafe", action="store_true", help="also apply unsafe fixes")
    p.add_argument("--format", choices=sorted(FORMATTERS), default="text", help="what remains")
    add_lint_options(p)
    add_input_options(p)
    p.set_defaults(func=cmd_fix)


def _diff(plan: FilePlan) -> str:
    before = decode(str(plan.path), plan.before)[0].splitlines(keepends=True)
    after = decode(str(plan.path), plan.after)[0].splitlines(keepends=True)
    name = Path(plan.path).as_posix()
    out = []
    for line in difflib.unified_diff(before, after, f"a/{name}", f"b/{name}"):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _not_fixed_line(n: NotFixed) -> str:
    where = f"{n.source}:{n.line}:{n.column}" if n.line else n.source
    return f"{where}: {n.rule} in {n.message_id} not fixed: {n.reason}"


def _plans(
    args: argparse.Namespace, engine: Any, config: Any, files: list[Path]
) -> tuple[list[FilePlan], list[FileProblem]]:
    levels = {Applicability.safe} | ({Applicability.unsafe} if args.unsafe else set())
    overrides = cli_overrides(args)
    plans: list[FilePlan] = []
    problems: list[FileProblem] = []
    for path in files:
        if not path.exists():
            problems.append(FileProblem(source=str(path), message="no such file or folder"))
            continue
        try:
            plans.append(plan_file(path, engine, config, overrides, levels))
        except ReadError as exc:
            problems.append(FileProblem.of(exc))
        except OSError as exc:
            problems.append(FileProblem(source=str(path), message=f"cannot read: {exc.strerror}"))
    return plans, problems


def _unsafe_hint(report: Report) -> int:
    return sum(
        1
        for m in report.messages
        for v in m.violations
        if v.fix is not None
        and v.fix.replacement is not None
        and v.fix.applicability == Applicability.unsafe
    )


def _fixed_messages(
    plans: list[FilePlan], now: list[SourceMessage], now_problems: list[FileProblem]
) -> tuple[list[SourceMessage], list[FileProblem]]:
    """The messages the planned files would hold once fixed: a changed file read from its
    planned bytes, any other (a workbook is never changed) as it is ``now``."""
    messages: list[SourceMessage] = []
    problems: list[FileProblem] = []
    for plan in plans:
        shown = str(plan.path)
        if not plan.changed:
            messages += [m for m in now if m.source == shown]
            problems += [p for p in now_problems if p.source == shown]
            continue
        errors: list[ReadError] = []
        try:
            messages += read_text(shown, decode(shown, plan.after)[0], plan.path, errors)
        except ReadError as exc:
            problems.append(FileProblem.of(exc))
        problems += [FileProblem.of(e) for e in errors]
    return messages, problems


def _lint(
    args: argparse.Namespace,
    engine: Any,
    config: Any,
    messages: list[SourceMessage],
    problems: list[FileProblem],
    files: list[Path],
) -> check_run.RunResult:
    """What ``check`` reports on these messages, with this command's options."""
    options = check_run.RunOptions(
        overrides=cli_overrides(args),
        fail_on=args.fail_on or config.fail_on,
        ignore=args.ignore or [],
        baseline=args.baseline,
        files=[str(f) for f in files],
    )
    try:
        return check_run.run(engine, config, messages, problems, options)
    except BaselineError as exc:
        raise UsageError(str(exc)) from None


def _remains(report: Report, unsafe: bool) -> str:
    """``2 violations remain``, with how many an ``--unsafe`` run would fix."""
    n = report.summary.violations
    out = f"{counted(n, 'violation')} {'remains' if n == 1 else 'remain'}"
    if hidden := (0 if unsafe else _unsafe_hint(report)):
        out += f" ({hidden} fixable with --unsafe)"
    return out


def cmd_fix(args: argparse.Namespace) -> int:
    engine, config = load_engine(args)
    found = find_files(list(args.paths), config, engine, args.exclude)
    if not found.files:
        raise UsageError(nothing_to_lint(args.paths))
    plans, plan_problems = _plans(args, engine, config, found.files)
    plan_problems += empty_folder_problems(found)
    changed = [p for p in plans if p.changed]
    fixes = sum(p.applied for p in changed)
    files = counted(len(changed), "file")
    not_fixed = [n for p in plans for n in p.not_fixed]
    if args.diff:
        for plan in changed:
            sys.stdout.write(_diff(plan))
        for n in not_fixed:
            print(f"msglint: {_not_fixed_line(n)}", file=sys.stderr)
        now, now_problems = read_inputs(found.files)
        # what would remain once the diff is applied, where a diff cannot be: on stderr
        messages, problems = _fixed_messages(plans, now, now_problems)
        after = _lint(
            args, engine, config, messages, [*plan_problems, *problems], found.files
        ).report
        sys.stderr.write(FORMATTERS[args.format](after) + "\n")
        print_problems(after.problems)
        remains = _remains(after, args.unsafe)
        if fixes:
            remains = (
                f"{counted(fixes, 'fix', 'fixes')} in {files}, not applied; after them " + remains
            )
        else:
            remains = "nothing to fix; " + remains
        print(f"msglint: {remains}", file=sys.stderr)
        # nothing was changed: the exit code is check's on the files as they are
        as_they_are = _lint(args, engine, config, now, now_problems, found.files)
        return check_run.exit_code(as_they_are.report)
    for plan in changed:
        write_atomic(plan.path, plan.after)
    log: TextIO = sys.stdout if args.format == "text" else sys.stderr
    for plan in changed:
        print(f"fixed {plan.applied} in {plan.path}", file=log)
    for n in not_fixed:
        print(_not_fixed_line(n), file=log)
    messages, problems = read_inputs(found.files)
    problems += empty_folder_problems(found)
    result = _lint(args, engine, config, messages, problems, found.files)
    report = result.report
    sys.stdout.write(FORMATTERS[args.format](report) + "\n")
    print_problems(report.problems)
    for note in [*result.notes, *no_message_note(report, found.files)]:
        print(f"msglint: {note}", file=sys.stderr)
    print(f"fixed {fixes} in {files}, {_remains(report, args.unsafe)}", file=log)
    return check_run.exit_code(report)
