"""``msglint rules``, ``explain`` and ``test-rules``: the packs' rules, listed, explained and
run against their own examples."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..core.plural import counted
from ..formats.render import explained
from ..packs.docs import close_rules, explain_rule, find_rule, rules_listing
from ..packs.examples import run_rule_examples
from ..packs.loader import build_engine, check_shipped_in_full, pack_files
from .common import EXIT_OK, EXIT_VIOLATIONS, UsageError, add_common, load_engine


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
    engine, _ = load_engine(args)
    only: set[str] | None = None
    if args.packs:
        named = _named_pack_files(args.packs)
        loaded = {str(Path(p.path).resolve()): p.path for p in engine.packs}
        missing = [p for p in named if str(p.resolve()) not in loaded]
        if missing:  # packs named here that the config did not load: add them
            engine = build_engine([*args.pack, *missing], engine.options)
            loaded = {str(Path(p.path).resolve()): p.path for p in engine.packs}
        only = {loaded[str(p.resolve())] for p in named}
    engine.warm()  # every pattern compiles, even one no example reaches
    check_shipped_in_full(engine)
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
    engine, _ = load_engine(args)
    print(rules_listing(engine, args.format))
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    engine, _ = load_engine(args)
    rule = find_rule(engine, args.rule_id)
    if rule is None:
        close = close_rules(engine, args.rule_id)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        raise UsageError(f"no rule {args.rule_id!r} ({hint}`msglint rules` lists them)")
    print(explain_rule(rule, args.format, engine.options.lang))
    if args.text is not None:  # the rule on one message: each finding, explained
        found = [
            v for v in engine.lint(args.text, merge=False).violations if v.rule == rule.spec.id
        ]
        print("", f"On the text given: {counted(len(found), 'finding')}", sep="\n")
        for v in found:
            print(f"  {v.matched!r} at {v.start}-{v.end}")
            print("\n".join(f"    {line}" for line in explained(v)))
    return EXIT_OK


def add_parsers(sub: Any) -> None:
    """``msglint rules``, ``explain`` and ``test-rules``."""
    p = sub.add_parser("rules", help="list rules")
    add_common(p)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("explain", help="a rule in full: basis, examples, fix")
    add_common(p)
    p.add_argument("rule_id", help="a rule id (any case) or name, e.g. ZH-THR-001")
    p.add_argument(
        "--text", help="also run the rule on this message and explain each finding (roles, context)"
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("test-rules", help="run the examples embedded in packs")
    add_common(p)
    p.add_argument("packs", nargs="*", type=Path, help="only these pack files or folders")
    p.set_defaults(func=cmd_test_rules)
