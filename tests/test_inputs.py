"""Inputs a new user meets first: encodings, CSV and XLSX, folders that hold nothing,
.gitignore and --exclude, and ``test-rules`` on a folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from linter.cli import main
from linter.pack_loader import shipped_pack_dir

DATA = Path(__file__).parent / "data" / "packs"
TEST_PACK = DATA / "cli_test_pack.yaml"
ONLY_TEST_RULES = ["--pack", str(TEST_PACK), "--select", "ZH-TST"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:
    code, out, err = run(capsys, "check", "--format", "json", *ONLY_TEST_RULES, *args)
    return code, json.loads(out), err


# --- test-rules FOLDER ------------------------------------------------------------------


def test_test_rules_accepts_a_folder_of_packs(tmp_path: Path, capsys):
    (tmp_path / "sub").mkdir()
    shutil.copy(TEST_PACK, tmp_path / "sub" / TEST_PACK.name)
    code, out, err = run(capsys, "test-rules", str(tmp_path))
    assert (code, err) == (0, "")
    assert out.startswith("2 rules, 4 examples: 4 passed")  # only the folder's rules


def test_test_rules_on_the_shipped_folder_runs_every_shipped_rule(capsys):
    code, out, err = run(capsys, "test-rules", str(shipped_pack_dir()))
    assert (code, err) == (0, "")
    code, every, _ = run(capsys, "test-rules")
    assert out == every


def test_test_rules_on_a_folder_with_no_pack_is_an_error(tmp_path: Path, capsys):
    code, _, err = run(capsys, "test-rules", str(tmp_path))
    assert code == 2
    assert err.strip() == f"msglint: error: {tmp_path}: no pack file (.yaml/.yml) in this folder"
