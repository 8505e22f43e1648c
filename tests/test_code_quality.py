"""ruff is part of the quality bar: the package, tests and benchmarks stay clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# ruff comes with the test extra, so it sits beside this interpreter; a ruff found on PATH
# could be another version with other rules, and a missing one must fail, not skip.
RUFF = Path(sys.executable).parent / "ruff"


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]])
def test_ruff_is_clean(args: list[str]):
    assert RUFF.is_file(), f"{RUFF} is missing: install the test extra (pip install -e '.[test]')"
    proc = subprocess.run(
        [RUFF, *args, "linter", "tests", "bench"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
