"""What every ``msglint`` command shares: its exit codes, its usage error, its common
options, and the engine its options ask for."""

from __future__ import annotations

import argparse
import gc
from pathlib import Path

from ..core.engine import Engine
from ..core.heap import collector_paused
from ..core.selection import UnknownSelector, check_selectors
from ..packs.loader import build_engine
from ..run.config import Config, load_config
from ..run.suppressions import SUPPRESSION_RULES

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """A problem with what the user asked for: one line on stderr, exit 2."""


def add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", type=Path, help="config file (default: msglint.toml, pyproject)")
    p.add_argument(
        "--pack", action="append", type=Path, default=[], help="extra pack file or folder"
    )
    p.add_argument("--lang", choices=["zh", "en"], help="language of messages (default zh)")


def load_engine(args: argparse.Namespace) -> tuple[Engine, Config]:
    """The engine and config a command's ``--config``, ``--pack``, ``--lang``, ``--select``
    and ``--ignore`` ask for; a selector that names no rule is a :class:`UsageError`."""
    config = load_config(args.config, Path.cwd())
    if getattr(args, "lang", None):
        config = config.model_copy(update={"lang": args.lang})
    options = config.engine_options(
        select=getattr(args, "select", None), ignore=getattr(args, "ignore", None)
    )
    with collector_paused():
        engine = build_engine([*config.extra_pack_paths(), *args.pack], options, cached=True)
        # the engine lives as long as the command: the collections linting sets off (one
        # walking all of it cost a tenth of a one-message check) skip what is frozen
        gc.freeze()
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
