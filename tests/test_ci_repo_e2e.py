"""A team adopts msglint on its template repository: check, baseline, fix, bad input.

One story, step by step, on the repository of ``ci_repo.py``: exact findings with their
file positions, inline suppressions, context by glob, per-file ignores, a baseline that
survives moving templates and forgets fixed findings, in-place fixes that leave every
other byte alone, and broken or binary files next to good ones.
"""

from __future__ import annotations

import json
from pathlib import Path

import ci_repo
import pytest

from linter.cli.main import main

Row = tuple[str, str, str, int, int, str]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = ci_repo.build(tmp_path / "repo")
    monkeypatch.chdir(root)
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:
    code, out, err = run(capsys, "check", "templates", "--format", "json", *args)
    return code, json.loads(out), err


def findings(doc: dict) -> list[Row]:
    return sorted(
        (m["source"], m["id"], v["rule"], v["line"], v["column"], v["severity"])
        for m in doc["messages"]
        for v in m["violations"]
    )


EXPECTED: list[Row] = [
    ("templates/contacts/emergency.yaml", "[0]", "ZH-CIT-004", 2, 21, "error"),
    ("templates/notice.txt", "notice.txt", "ZH-CIT-005", 1, 5, "warning"),
    ("templates/overdue.yaml", "overdue.day3", "ZH-CIT-002", 4, 12, "error"),
    ("templates/overdue.yaml", "overdue.day5", "ZH-CIT-003", 6, 19, "error"),
    ("templates/overdue.yaml", "overdue.day9", "ZH-CIT-005", 10, 11, "warning"),
    ("templates/reminders.json", "sms.second", "ZH-CIT-002", 4, 26, "error"),
]


def test_check_reports_exactly_what_the_repository_holds(repo: Path, capsys):
    code, doc, _ = check(capsys)
    assert code == 1
    assert findings(doc) == EXPECTED
    # 12 messages: the legacy JSON and the call script are linted, and raise nothing
    assert doc["summary"]["messages"] == 12
    ids = {(m["source"], m["id"]) for m in doc["messages"]}
    assert ("templates/legacy/old.json", "a") in ids
    assert ("templates/script.call.txt", "script.call.txt") in ids
    (day7,) = [m for m in doc["messages"] if m["id"] == "overdue.day7"]
    assert day7["violations"] == []
    assert day7["decision"] == "allow"
    assert [(s["rule"], s["reason"]) for s in day7["suppressed"]] == [
        ("ZH-CIT-001", "培训材料中的反面示例，不对外发送")
    ]
    assert doc["suppression_problems"] == [
        {
            "source": "templates/overdue.yaml",
            "line": 10,
            "column": 20,
            "rule": "MSGLINT-SUP-001",
            "severity": "warning",
            "message": "未使用的豁免注释：它没有豁免任何问题（此消息没有 ZH-CIT-002 的问题）",
            "message_id": "overdue.day9",
        }
    ]
    assert doc["summary"]["suppressed"] == 1
    assert doc["summary"]["suppression_problems"] == 1


def test_baseline_adopts_moves_and_forgets_fixed_findings(repo: Path, capsys):
    base = ["--baseline", "msglint-baseline.json"]
    code, doc, err = check(capsys, *base, "--update-baseline")
    assert code == 0  # what remains is the unused-suppression warning
    assert "wrote msglint-baseline.json (6 findings)" in err
    saved = json.loads((repo / "msglint-baseline.json").read_text(encoding="utf-8"))
    assert [(e["source"], e["id"], e["rule"]) for e in saved["findings"]] == [
        (s, i, r) for s, i, r, *_ in EXPECTED
    ]
    # no positions: moving a template changes nothing
    assert {k for e in saved["findings"] for k in e} == {
        "source",
        "id",
        "rule",
        "fingerprint",
        "count",
    }

    code, doc, _ = check(capsys, *base)
    assert (code, findings(doc), doc["summary"]["baselined"]) == (0, [], 6)

    # templates move: new lines above, day5 goes last, the JSON message moves to a new file
    overdue = repo / "templates/overdue.yaml"
    text = overdue.read_text(encoding="utf-8")
    day5 = "  day5:\n    text: '今天不还，明天派人上门'\n    recipient: debtor\n"
    text = text.replace(day5, "").replace("overdue:\n", "overdue:\n  day0: 您好\n\n") + day5
    overdue.write_text(text, encoding="utf-8")
    (repo / "templates/reminders.json").write_text('{"sms": {"first": "您好"}}\n', encoding="utf-8")
    (repo / "templates/sms.json").write_text(
        '{"sms": {"second": "{name}，你这个老赖"}}\n', encoding="utf-8"
    )
    code, doc, _ = check(capsys, *base)
    assert (code, findings(doc), doc["summary"]["baselined"]) == (0, [], 6)

    # a new finding is reported, alone
    overdue.write_text(text + "  day11: 明天派人上门\n", encoding="utf-8")
    code, doc, _ = check(capsys, *base)
    assert code == 1
    assert findings(doc) == [
        ("templates/overdue.yaml", "overdue.day11", "ZH-CIT-003", 13, 12, "error")
    ]

    # fixed findings drop out when the baseline is rewritten
    overdue.write_text(text.replace("老赖", "客户"), encoding="utf-8")
    code, doc, err = check(capsys, *base)
    assert "1 baseline entry matches nothing any more" in err
    code, doc, err = check(capsys, *base, "--update-baseline")
    assert "(5 findings)" in err
    saved = json.loads((repo / "msglint-baseline.json").read_text(encoding="utf-8"))
    assert "overdue.day3" not in {e["id"] for e in saved["findings"]}


EXPECTED_DIFF = """\
--- a/templates/overdue.yaml
+++ b/templates/overdue.yaml
@@ -1,7 +1,7 @@
 # 逾期提醒模板：改动需经合规审核
 overdue:
   day1: 【XX银行】您好，您的账单已逾期，请及时还款。
-  day3: 你这个老赖，请今天还款   # 催收二组
+  day3: 你这个客户，请今天还款   # 催收二组
   day5:
     text: '今天不还，明天派人上门'
     recipient: debtor
--- a/templates/reminders.json
+++ b/templates/reminders.json
@@ -1,6 +1,6 @@
 {
   "sms": {
     "first": "【XX银行】{name}您好，您尾号{last4}的账单已逾期。",
-    "second": "{name}，你这个老赖"
+    "second": "{name}，你这个客户"
   }
 }
"""
FIXED_OVERDUE = ci_repo.OVERDUE_YAML.replace("你这个老赖", "你这个客户")
FIXED_REMINDERS = ci_repo.REMINDERS_JSON.replace("你这个老赖", "你这个客户")


def test_fix_changes_only_the_fixed_spans_and_reports_what_remains(repo: Path, capsys):
    before = {p: p.read_bytes() for p in (repo / "templates").rglob("*") if p.is_file()}

    code, out, err = run(capsys, "fix", "templates", "--diff")
    assert code == 1
    assert {p: p.read_bytes() for p in before} == before  # --diff changes nothing
    assert out == EXPECTED_DIFF
    assert "2 fixes in 2 files, not applied" in err

    code, out, err = run(capsys, "fix", "templates")
    assert code == 1  # an unsafe fix and manual ones remain
    overdue, reminders = repo / "templates/overdue.yaml", repo / "templates/reminders.json"
    assert overdue.read_bytes() == FIXED_OVERDUE.encode("utf-8")
    assert reminders.read_bytes() == FIXED_REMINDERS.encode("utf-8")
    untouched = {p: b for p, b in before.items() if p not in (overdue, reminders)}
    assert {p: p.read_bytes() for p in untouched} == untouched
    assert "fixed 1 in templates/overdue.yaml" in out
    assert "fixed 1 in templates/reminders.json" in out
    assert out.rstrip().endswith(
        "fixed 2 in 2 files, 4 violations remain (1 fixable with --unsafe)"
    )
    assert not [p for p in (repo / "templates").rglob("*.tmp")]  # no temp file left behind

    code, out, _ = run(capsys, "fix", "templates", "--unsafe")
    assert overdue.read_bytes() == FIXED_OVERDUE.replace("派人上门", "联系您").encode("utf-8")
    assert out.rstrip().endswith("fixed 1 in 1 file, 3 violations remain")
    assert code == 1  # the manual third-party finding is an error

    code, doc, _ = check(capsys)
    assert findings(doc) == [
        ("templates/contacts/emergency.yaml", "[0]", "ZH-CIT-004", 2, 21, "error"),
        ("templates/notice.txt", "notice.txt", "ZH-CIT-005", 1, 5, "warning"),
        ("templates/overdue.yaml", "overdue.day9", "ZH-CIT-005", 10, 11, "warning"),
    ]


def test_a_broken_yaml_is_an_error_for_that_file_and_the_others_are_linted(repo: Path, capsys):
    (repo / "templates/broken.yaml").write_text("a: [unclosed\nb: 老赖\n", encoding="utf-8")
    (repo / "templates/blob.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (repo / "templates/latin1.txt").write_bytes("café".encode("latin-1"))
    code, doc, err = check(capsys)
    assert code == 2
    assert findings(doc) == EXPECTED  # every other file still linted
    problems = {(p["source"], p["level"]) for p in doc["problems"]}
    assert problems == {
        ("templates/broken.yaml", "error"),
        ("templates/blob.txt", "error"),
        ("templates/latin1.txt", "error"),
    }
    assert "msglint: error: templates/broken.yaml:" in err
    assert "templates/blob.txt: binary file" in err
    assert "templates/latin1.txt: not text in UTF-8, UTF-16 with a BOM, or GB18030/GBK" in err

    # fix leaves the broken file alone and still fixes the others
    code, _, err = run(capsys, "fix", "templates")
    assert code == 2
    assert "templates/broken.yaml" in err
    assert (repo / "templates/overdue.yaml").read_bytes() == FIXED_OVERDUE.encode("utf-8")
    assert (repo / "templates/broken.yaml").read_text(encoding="utf-8") == (
        "a: [unclosed\nb: 老赖\n"
    )
