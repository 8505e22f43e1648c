"""``msglint check``: lint files, folders or stdin and render the report."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..core.models import MessageContext, problem_text
from ..core.plural import counted
from ..core.source import CONTEXT_KEYS
from ..formats.render import FORMATTERS, render_text
from ..formats.report import FileProblem, Report
from ..run import check_run
from ..run.baseline import BaselineError
from ..run.lint_run import empty_folder_problems, find_files, nothing_to_lint, read_inputs
from ..run.readers import read_stdin
from .common import UsageError, load_engine

FAIL_LEVELS = check_run.FAIL_LEVELS


def add_lint_options(p: argparse.ArgumentParser) -> None:
    """Context, rule selection, fail level and baseline: shared by check and fix."""
    p.add_argument("--recipient", choices=["debtor", "guarantor", "third_party"])
    p.add_argument("--channel", choices=["sms", "app", "im", "call_script"])
    p.add_argument(
        "--send-at",
        dest="send_at",
        help="ISO 8601 send time, e.g. 2026-11-28T21:30 (recipient's local time) or …T13:30Z",
    )
    p.add_argument(
        "--timezone",
        help="recipient's IANA time zone, e.g. Asia/Shanghai (default: config, else Asia/Shanghai)",
    )
    p.add_argument("--organization", action="append", help="a name the sender may sign with")
    p.add_argument(
        "--gateway-signature",
        dest="gateway_signature",
        metavar="【NAME】",
        help="the SMS signature your gateway adds to every message (templates stored without one)",
    )
    p.add_argument("--select", type=lambda s: s.split(","), help="rule ids, prefixes, categories")
    p.add_argument("--ignore", type=lambda s: s.split(","), help="rules to leave out")
    p.add_argument("--fail-on", dest="fail_on", choices=list(FAIL_LEVELS))
    p.add_argument("--baseline", type=Path, metavar="FILE", help="report only findings not in FILE")


def add_input_options(p: argparse.ArgumentParser) -> None:
    """Which files of the folders named are read: shared by check and fix."""
    p.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="leave out files and folders matching this gitignore-style glob (repeatable); "
        "paths named on the command line are still read",
    )


def add_check_parser(sub: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    p = sub.add_parser("check", help="lint files, folders (recursively) or stdin")
    add_common(p)
    p.add_argument("paths", nargs="*", default=[], help="files or folders; - for stdin")
    p.add_argument("--format", choices=sorted(FORMATTERS), default="text")
    p.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="text format: say which words filled each role of a concept rule and which cue "
        "set each attribute",
    )
    add_lint_options(p)
    add_input_options(p)
    p.add_argument("--stdin-format", choices=["txt", "jsonl", "csv"], default="txt")
    p.add_argument("--output", "-o", type=Path, help="write the report here instead of stdout")
    p.add_argument(
        "--update-baseline",
        dest="update_baseline",
        action="store_true",
        help="write the current findings to the --baseline FILE",
    )
    p.set_defaults(func=cmd_check)


def cli_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """Context given by flags, checked once (a bad flag is one error, not one per message)."""
    out: dict[str, Any] = {}
    for key in CONTEXT_KEYS:
        if getattr(args, key, None):
            out[key] = getattr(args, key)
    try:
        MessageContext.model_validate(out)
    except ValidationError as exc:
        err = exc.errors()[0]
        flag = "--" + str(err["loc"][0]).replace("_", "-")
        raise UsageError(f"{flag}: {problem_text(err)}") from None
    return out


def cmd_check(args: argparse.Namespace) -> int:
    if not args.paths:
        raise UsageError("nothing to check: give files, folders, or - for stdin")
    if args.update_baseline and args.baseline is None:
        raise UsageError("--update-baseline needs --baseline FILE")
    engine, config = load_engine(args)
    overrides = cli_overrides(args)
    problems: list[FileProblem] = []
    files: list[Path] = []
    if args.paths == ["-"]:
        messages, errors = read_stdin(sys.stdin.read(), args.stdin_format)
        problems += [FileProblem(source="<stdin>", line=e.line, message=e.reason) for e in errors]
    elif "-" in args.paths:
        raise UsageError("'-' (stdin) cannot be mixed with paths")
    else:
        found = find_files([Path(p) for p in args.paths], config, engine, args.exclude)
        if not found.files:
            raise UsageError(nothing_to_lint(args.paths))
        files = found.files
        messages, problems = read_inputs(files)
        problems += empty_folder_problems(found)
    options = check_run.RunOptions(
        overrides=overrides,
        fail_on=args.fail_on or config.fail_on,
        ignore=args.ignore or [],
        baseline=args.baseline,
        files=[str(f) for f in files],
        update_baseline=args.update_baseline,
    )
    try:
        result = check_run.run(engine, config, messages, problems, options)
    except BaselineError as exc:
        raise UsageError(str(exc)) from None
    report = result.report
    if args.format == "text" and args.verbose:
        rendered = render_text(report, verbose=True)
    else:
        rendered = FORMATTERS[args.format](report)
    if args.output:
        args.output.write_text(rendered + "\n", encoding="utf-8")
    else:
        sys.stdout.write(rendered + "\n")
    print_problems(report.problems)
    for note in [*result.notes, *no_message_note(report, files)]:
        print(f"msglint: {note}", file=sys.stderr)
    return check_run.exit_code(report)


def print_problems(problems: list[FileProblem]) -> None:
    """Input errors and warnings on stderr, one line each, whatever the report's format."""
    for p in problems:
        where = f"{p.source}:{p.line}" if p.line else p.source
        print(f"msglint: {p.level}: {where}: {p.message}", file=sys.stderr)


def no_message_note(report: Report, files: list[Path]) -> list[str]:
    """Files were read but held no message: say so rather than print a quiet zero."""
    if files and not report.messages and not report.problems:
        return [f"warning: no message found in the {counted(len(files), 'file')} read"]
    return []
