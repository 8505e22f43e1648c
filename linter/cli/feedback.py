"""``msglint stats`` and ``msglint feedback export``: the reviewers' verdicts, from the
configured database (``[feedback]`` in the config), as figures or as dev-set messages."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..run.atomic import write_atomic
from ..run.config import load_config
from .common import EXIT_OK, UsageError

if TYPE_CHECKING:  # SQLAlchemy and Alembic load only for the commands that use the store
    from ..run.feedback_store import FeedbackStore, Stats


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


def _store(args: argparse.Namespace) -> FeedbackStore:
    from ..run.feedback_store import FeedbackStore

    return FeedbackStore.from_config(load_config(args.config, Path.cwd()))


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def stats_text(figures: Stats) -> str:
    lines = [f"precision floor {figures.precision_floor:.0%}"]
    if figures.since or figures.packs_version:
        lines.append(f"since {figures.since or '—'}, packs_version {figures.packs_version or '—'}")
    lines.append("rule          category                  reviewed  correct  wrong  precision")
    for r in figures.rules:
        flag = "  under floor" if r.below_floor else ""
        lines.append(
            f"{r.rule:<13} {r.category:<25} {r.reviewed:>8} {r.correct:>8} {r.wrong:>6} "
            f"{_pct(r.precision):>10}{flag}"
        )
    lines.append("category                  reviewed  correct  wrong  precision  missed")
    for c in figures.categories:
        lines.append(
            f"{c.category:<25} {c.reviewed:>8} {c.correct:>8} {c.wrong:>6} "
            f"{_pct(c.precision):>10} {c.missed:>7}"
        )
    if not figures.rules and not figures.categories:
        lines.append("no verdicts recorded yet")
    return "\n".join(lines)


def cmd_stats(args: argparse.Namespace) -> int:
    from ..run.feedback_store import FeedbackUnavailable

    store = _store(args)
    try:
        figures = store.stats(args.since, args.packs_version)
    except FeedbackUnavailable as exc:
        raise UsageError(str(exc)) from None
    finally:
        store.close()
    if args.format == "json":
        print(json.dumps(figures.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        print(stats_text(figures))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from ..run.feedback_store import FeedbackUnavailable

    store = _store(args)
    if not store.settings.store_text:
        raise UsageError(
            "message text is not stored ([feedback] store-text = false): nothing to export"
        )
    try:
        messages = store.export(args.since)
    except FeedbackUnavailable as exc:
        raise UsageError(str(exc)) from None
    finally:
        store.close()
    document: dict[str, Any] = {"messages": messages}
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=1000)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_atomic(args.output, text.encode())
        print(f"{len(messages)} messages written to {args.output}", file=sys.stderr)
    return EXIT_OK


def add_parsers(sub: Any) -> None:
    """``msglint stats`` and ``msglint feedback export``."""
    p = sub.add_parser("stats", help="reviewers' verdicts: precision per rule and category")
    p.add_argument("--config", type=Path, help="config file (default: msglint.toml, pyproject)")
    p.add_argument("--since", type=_day, help="only verdicts from this day on (YYYY-MM-DD, UTC)")
    p.add_argument("--packs-version", help="only verdicts on findings of these packs")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("feedback", help="reviewers' verdicts")
    actions = p.add_subparsers(dest="feedback_command", required=True)
    e = actions.add_parser(
        "export", help="wrong findings and misses as labelled dev-set YAML (needs store-text)"
    )
    e.add_argument("--config", type=Path, help="config file (default: msglint.toml, pyproject)")
    e.add_argument("--output", type=Path, help="write here (default: standard output)")
    e.add_argument("--since", type=_day, help="only verdicts from this day on (YYYY-MM-DD, UTC)")
    e.set_defaults(func=cmd_export)
