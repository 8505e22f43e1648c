"""The ``msglint`` command: a thin face over the engine. Exit 0 clean, 1 violations, 2 errors."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..core.engine_version import MSGLINT_VERSION
from ..core.errors import PackError
from ..run.config import ConfigError
from .check import add_check_parser
from .common import EXIT_ERROR, EXIT_OK, UsageError, add_common
from .feedback import add_parsers as add_feedback_parsers
from .fix import add_parser as add_fix_parser
from .rules import add_parsers as add_rules_parsers
from .serve import add_parser as add_serve_parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="msglint", description="Compliance linter for debt-collection messages."
    )
    parser.add_argument("--version", action="version", version=f"msglint {MSGLINT_VERSION}")
    sub = parser.add_subparsers(dest="command", required=True)

    add_check_parser(sub, add_common)
    add_rules_parsers(sub)
    add_fix_parser(sub, add_common)
    add_serve_parser(sub, add_common)
    add_feedback_parsers(sub)
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
