"""``msglint fix`` says what remains and exits as ``check`` would, with ``--diff`` too; counts
read as English (1 file, 2 files)."""

from __future__ import annotations

from pathlib import Path

import ci_repo
import pytest

from linter.cli.main import main

ONLY_CI_RULES = ["--pack", str(ci_repo.PACK), "--select", "ZH-CIT"]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*args, *ONLY_CI_RULES])
    out, err = capsys.readouterr()
    return code, out, err


def test_diff_with_nothing_fixable_shows_what_remains_and_fails(capsys):
    path = Path("t.txt")
    path.write_text("再不还钱就找人收拾你", encoding="utf-8")  # ZH-CIT-001: manual fix only
    code, out, err = run(capsys, "fix", "--diff", "t.txt")
    assert code == 1  # what check gives: an error-level finding is in the file
    assert out == ""  # no diff
    assert "t.txt:1:6: ZH-CIT-001 [error]" in err
    assert err.rstrip().endswith("msglint: nothing to fix; 1 violation remains")
    assert path.read_text(encoding="utf-8") == "再不还钱就找人收拾你"


def test_diff_lists_only_what_the_fixes_leave(capsys):
    Path("t.txt").write_text("你这个老赖，再不还钱就找人收拾你", encoding="utf-8")
    code, out, err = run(capsys, "fix", "--diff", "t.txt")
    assert code == 1
    assert out.startswith("--- a/t.txt\n+++ b/t.txt\n")  # stdout stays a clean diff
    assert "ZH-CIT-" not in out
    assert "ZH-CIT-001" in err and "ZH-CIT-002" not in err  # 老赖 is fixed by the diff
    assert "1 message, 1 violation (block 1)" in err
    assert err.rstrip().endswith(
        "msglint: 1 fix in 1 file, not applied; after them 1 violation remains"
    )


def test_diff_exit_code_is_checks_on_the_files_as_they_are(capsys):
    Path("t.txt").write_text("请点击链接还款", encoding="utf-8")  # ZH-CIT-005: a warning
    assert run(capsys, "check", "t.txt")[0] == 0
    assert run(capsys, "fix", "--diff", "t.txt")[0] == 0
    assert run(capsys, "check", "--fail-on", "warning", "t.txt")[0] == 1
    code, _, err = run(capsys, "fix", "--diff", "--fail-on", "warning", "t.txt")
    assert code == 1
    assert "ZH-CIT-005 [warning]" in err


def test_fix_in_place_reports_what_remains_in_english(capsys):
    Path("t.txt").write_text("你这个老赖，再不还钱就找人收拾你", encoding="utf-8")
    code, out, _ = run(capsys, "fix", "t.txt")
    assert code == 1
    assert "t.txt:1:12: ZH-CIT-001 [error]" in out
    assert "1 message, 1 violation (block 1)" in out
    assert out.rstrip().endswith("fixed 1 in 1 file, 1 violation remains")


def test_check_counts_read_as_english(capsys):
    Path("t.txt").write_text("您好", encoding="utf-8")
    code, out, _ = run(capsys, "check", "t.txt")
    assert code == 0
    assert out.rstrip().endswith("1 message, 0 violations (allow 1)")
