"""The ``msglint`` command: a thin face over the engine. Exit 0 clean, 1 violations, 2 errors."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .cli_check import add_check_parser
from .cli_fix import add_parser as add_fix_parser
from .cli_serve import add_parser as add_serve_parser
from .config import Config, ConfigError, load_config
from .engine import Engine, build_engine
from .pack_loader import PackError, pack_files
from .plural import counted
from .rule_tests import run_rule_examples
from .selection import UnknownSelector, check_selectors
from .suppressions import SUPPRESSION_RULES

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """A problem with what the user asked for: one line on stderr, exit 2."""


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", type=Path, help="config file (default: msglint.toml, pyproject)")
    p.add_argument(
        "--pack", action="append", type=Path, default=[], help="extra pack file or folder"
    )
    p.add_argument("--lang", choices=["zh", "en"], help="language of messages (default zh)")


def _engine(args: argparse.Namespace) -> tuple[Engine, Config]:
    config = load_config(args.config, Path.cwd())
    if getattr(args, "lang", None):
        config = config.model_copy(update={"lang": args.lang})
    options = config.engine_options(
        select=getattr(args, "select", None), ignore=getattr(args, "ignore", None)
    )
    engine = build_engine([*config.extra_pack_paths(), *args.pack], options)
    rules = [r.spec for r in engine.all_rules]
    config.check_selectors(rules)
    try:
        check_selectors("--select", getattr(args, "select", None) or [], rules)
        check_selectors(
            "--ignore", getattr(args, "ignore", None) or [], rules, also=SUPPRESSION_RULES
        )
    except UnknownSelector as exc:
        raise UsageError(str(exc)) from None
    return engine, config


def _named_pack_files(paths: list[Path]) -> list[Path]:
    """Pack files named on the command line, folders expanded as ``--pack`` expands them."""
    files: list[Path] = []
    for path in paths:
        found = pack_files([path])
        if path.is_dir() and not found:
            raise UsageError(f"{path}: no pack file (.yaml/.yml) in this folder")
        files += found
    return files


def cmd_test_rules(args: argparse.Namespace) -> int:
    engine, _ = _engine(args)
    only: set[str] | None = None
    if args.packs:
        named = _named_pack_files(args.packs)
        loaded = {str(Path(p.path).resolve()): p.path for p in engine.packs}
        missing = [p for p in named if str(p.resolve()) not in loaded]
        if missing:  # packs named here that the config did not load: add them
            engine = build_engine([*args.pack, *missing], engine.options)
            loaded = {str(Path(p.path).resolve()): p.path for p in engine.packs}
        only = {loaded[str(p.resolve())] for p in named}
    report = run_rule_examples(engine, only)
    for f in report.failures:
        print(f"FAIL {f.rule} ({f.pack_path}) {f.kind}[{f.index}]: {f.reason}")
        print(f"     text: {f.text}")
    status = "FAILED" if report.failures else "ok"
    print(
        f"{counted(report.rules, 'rule')}, {counted(report.examples, 'example')}: "
        f"{report.examples - len(report.failures)} passed, {len(report.failures)} failed — {status}"
    )
    return EXIT_VIOLATIONS if report.failures else EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    from .rule_docs import rules_listing

    engine, _ = _engine(args)
    print(rules_listing(engine, args.format))
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from .rule_docs import close_rules, explain_rule, find_rule

    engine, _ = _engine(args)
    rule = find_rule(engine, args.rule_id)
    if rule is None:
        close = close_rules(engine, args.rule_id)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        raise UsageError(f"no rule {args.rule_id!r} ({hint}`msglint rules` lists them)")
    print(explain_rule(rule, args.format, engine.options.lang))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="msglint", description="Compliance linter for debt-collection messages."
    )
    parser.add_argument("--version", action="version", version=f"msglint {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    add_check_parser(sub, _add_common)

    p = sub.add_parser("rules", help="list rules")
    _add_common(p)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("explain", help="a rule in full: basis, examples, fix")
    _add_common(p)
    p.add_argument("rule_id", help="a rule id (any case) or name, e.g. ZH-THR-001")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("test-rules", help="run the examples embedded in packs")
    _add_common(p)
    p.add_argument("packs", nargs="*", type=Path, help="only these pack files or folders")
    p.set_defaults(func=cmd_test_rules)

    add_fix_parser(sub, _add_common)
    add_serve_parser(sub, _add_common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (UsageError, ConfigError, PackError) as exc:
        print(f"msglint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
