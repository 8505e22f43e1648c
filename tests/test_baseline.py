"""The baseline's rules beyond the end-to-end story: counts, partial runs, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import ci_repo
import pytest

from linter.cli.main import main

ONLY_CI_RULES = ["--pack", str(ci_repo.PACK), "--select", "ZH-CIT"]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:
    code = main(["check", "--format", "json", *ONLY_CI_RULES, *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else {}), err


def found(doc: dict) -> list[tuple[str, str, str]]:
    return sorted(
        (m["source"], m["id"], v["matched"]) for m in doc["messages"] for v in m["violations"]
    )


def test_identical_findings_in_one_message_are_counted(capsys):
    Path("a.yaml").write_text("a: 老赖，你这个老赖\n", encoding="utf-8")
    check(capsys, "a.yaml", "--baseline", "b.json", "--update-baseline")
    (entry,) = json.loads(Path("b.json").read_text(encoding="utf-8"))["findings"]
    assert entry["count"] == 2
    Path("a.yaml").write_text("a: 老赖，你这个老赖，又是老赖\n", encoding="utf-8")
    code, doc, _ = check(capsys, "a.yaml", "--baseline", "b.json")
    assert code == 1
    assert found(doc) == [("a.yaml", "a", "老赖")]  # the third one is new
    assert doc["summary"]["baselined"] == 2


def test_a_run_on_some_files_keeps_the_entries_of_the_others(capsys):
    Path("a.yaml").write_text("a: 你这个老赖\n", encoding="utf-8")
    Path("b.yaml").write_text("b: 明天派人上门\n", encoding="utf-8")
    check(capsys, "a.yaml", "b.yaml", "--baseline", "base.json", "--update-baseline")
    Path("a.yaml").write_text("a: 你这个客户\n", encoding="utf-8")
    _, _, err = check(capsys, "a.yaml", "--baseline", "base.json", "--update-baseline")
    assert "(1 finding)" in err
    saved = json.loads(Path("base.json").read_text(encoding="utf-8"))
    assert [(e["source"], e["id"]) for e in saved["findings"]] == [("b.yaml", "b")]
    code, doc, _ = check(capsys, "a.yaml", "b.yaml", "--baseline", "base.json")
    assert (code, found(doc)) == (0, [])


def test_the_same_key_path_in_an_unlinted_file_does_not_borrow_its_entry(capsys):
    Path("a.yaml").write_text("x: 你这个老赖\n", encoding="utf-8")
    check(capsys, "a.yaml", "--baseline", "base.json", "--update-baseline")
    Path("b.yaml").write_text("x: 你这个老赖\n", encoding="utf-8")
    code, doc, _ = check(capsys, "b.yaml", "--baseline", "base.json")
    assert (code, found(doc)) == (1, [("b.yaml", "x", "老赖")])


def test_paths_in_the_baseline_are_relative_to_it(capsys):
    Path("t").mkdir()
    Path("t/a.yaml").write_text("a: 你这个老赖\n", encoding="utf-8")
    Path("ci").mkdir()
    check(capsys, "t", "--baseline", "ci/base.json", "--update-baseline")
    saved = json.loads(Path("ci/base.json").read_text(encoding="utf-8"))
    assert saved["findings"][0]["source"] == "../t/a.yaml"
    code, _, _ = check(capsys, str(Path("t").resolve()), "--baseline", "ci/base.json")
    assert code == 0  # the same file named another way


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not a msglint baseline"),
        ('{"findings": []}', 'no "format": "msglint-baseline"'),
        ('{"format": "msglint-baseline", "fingerprint": "v0"}', "--update-baseline"),
        ('{"format": "msglint-baseline", "fingerprint": "v1", "findings": [{}]}', "findings[0]"),
    ],
)
def test_a_bad_baseline_is_a_usage_error(capsys, content: str, message: str):
    Path("a.yaml").write_text("a: 你这个老赖\n", encoding="utf-8")
    Path("base.json").write_text(content, encoding="utf-8")
    code, _, err = check(capsys, "a.yaml", "--baseline", "base.json")
    assert code == 2
    assert message in err and err.count("\n") == 1


def test_update_baseline_needs_a_baseline_file(capsys):
    Path("a.yaml").write_text("a: 您好\n", encoding="utf-8")
    code, _, err = check(capsys, "a.yaml", "--update-baseline")
    assert code == 2
    assert "--update-baseline needs --baseline FILE" in err


def test_a_file_with_no_template_left_loses_its_entries(capsys):
    Path("a.yaml").write_text("a: 你这个老赖\n", encoding="utf-8")
    check(capsys, "a.yaml", "--baseline", "base.json", "--update-baseline")
    Path("a.yaml").write_text("# 模板已删除\n", encoding="utf-8")
    _, _, err = check(capsys, "a.yaml", "--baseline", "base.json")
    assert "1 baseline entry matches nothing any more" in err
    _, _, err = check(capsys, "a.yaml", "--baseline", "base.json", "--update-baseline")
    assert "(0 findings)" in err
