"""Inline suppressions in YAML: where a comment applies, that it needs a reason, and that
an unused one is reported (RUF100-style)."""

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


def check(capsys: pytest.CaptureFixture[str], name: str, text: str, *args: str) -> tuple[int, dict]:
    Path(name).write_text(text, encoding="utf-8")
    code = main(["check", name, "--format", "json", *ONLY_CI_RULES, *args])
    return code, json.loads(capsys.readouterr().out)


def summary(doc: dict) -> tuple[list, list, list]:
    """(remaining, suppressed, directive problems) as (id, rule) / (line, rule) pairs."""
    remaining = sorted((m["id"], v["rule"]) for m in doc["messages"] for v in m["violations"])
    suppressed = sorted((m["id"], s["rule"]) for m in doc["messages"] for s in m["suppressed"])
    problems = [(p["line"], p["rule"]) for p in doc["suppression_problems"]]
    return remaining, suppressed, problems


def test_trailing_comment_and_comment_above_suppress_that_message_only(capsys):
    code, doc = check(
        capsys,
        "t.yaml",
        "a: 你这个老赖  # msglint: disable=ZH-CIT-002 -- 引用客户原话\n"
        "# msglint: disable=ZH-CIT-002 -- 培训样例\n"
        "b: 你这个老赖\n"
        "c: 你这个老赖\n",
    )
    assert summary(doc) == ([("c", "ZH-CIT-002")], [("a", "ZH-CIT-002"), ("b", "ZH-CIT-002")], [])
    assert code == 1
    reasons = [s["reason"] for m in doc["messages"] for s in m["suppressed"]]
    assert reasons == ["引用客户原话", "培训样例"]


def test_a_text_mapping_is_suppressed_from_its_key_or_its_text_line(capsys):
    _, doc = check(
        capsys,
        "t.yaml",
        "# msglint: disable=ZH-CIT-003 -- 外访通知，法务已审\n"
        "# 另一条普通注释\n"
        "visit:\n"
        "  text: 明天派人上门\n"
        "  channel: sms\n"
        "items:\n"
        "  - text: 明天派人上门  # msglint: disable=ZH-CIT-003 -- 已审\n"
        "  - text: 明天派人上门\n",
    )
    assert summary(doc) == (
        [("items[1]", "ZH-CIT-003")],
        [("items[0]", "ZH-CIT-003"), ("visit", "ZH-CIT-003")],
        [],
    )


def test_several_rules_prefixes_and_block_scalars(capsys):
    _, doc = check(
        capsys,
        "t.yaml",
        "a: |  # msglint: disable=ZH-CIT-002, ZH-CIT-003 -- 两条都已审\n"
        "  你这个老赖\n"
        "  明天派人上门\n"
        "b: 你这个老赖，明天派人上门  # msglint: disable=ZH-CIT -- 整套测试规则\n",
    )
    remaining, suppressed, problems = summary(doc)
    assert (remaining, problems) == ([], [])
    assert len(suppressed) == 4


def test_a_suppression_without_reason_is_an_error_and_suppresses_nothing(capsys):
    code, doc = check(
        capsys,
        "t.yaml",
        "a: 你这个老赖  # msglint: disable=ZH-CIT-002\n"
        "b: 你这个老赖  # msglint: disable=ZH-CIT-002 --\n",
    )
    assert summary(doc) == (
        [("a", "ZH-CIT-002"), ("b", "ZH-CIT-002")],
        [],
        [(1, "MSGLINT-SUP-002"), (2, "MSGLINT-SUP-002")],
    )
    assert doc["suppression_problems"][0]["severity"] == "error"
    assert doc["suppression_problems"][0]["column"] == 11  # the "#", in characters
    assert code == 1


def test_unused_unknown_and_malformed_directives_are_reported(capsys):
    code, doc = check(
        capsys,
        "t.yaml",
        "a: 您好  # msglint: disable=ZH-CIT-002 -- 以前有问题\n"
        "b: 你这个老赖  # msglint: disable=ZH-CIT-002,ZH-CIT-003 -- 只用到一条\n"
        "c: 您好  # msglint: disable=ZH-NOPE-001 -- 拼错了\n"
        "d: 您好  # msglint: enable=ZH-CIT-002\n"
        "# msglint: disable=ZH-CIT-002 -- 下面是空行\n"
        "\n"
        "e: 您好\n",
        "--lang",
        "en",
    )
    remaining, suppressed, problems = summary(doc)
    assert remaining == [] and suppressed == [("b", "ZH-CIT-002")]
    assert problems == [
        (1, "MSGLINT-SUP-001"),
        (2, "MSGLINT-SUP-001"),
        (3, "MSGLINT-SUP-001"),
        (4, "MSGLINT-SUP-003"),
        (5, "MSGLINT-SUP-001"),
    ]
    messages = [p["message"] for p in doc["suppression_problems"]]
    assert messages[1] == (
        "Unused suppression: it suppresses nothing (ZH-CIT-003 raised nothing in this message)"
    )
    assert messages[2].endswith("(there is no rule ZH-NOPE-001)")
    assert messages[4].endswith("(the next line holds no message)")
    assert code == 1  # the malformed directive is an error

    code = main(["check", "t.yaml", *ONLY_CI_RULES, "--ignore", "MSGLINT-SUP"])
    assert code == 0
    assert "MSGLINT-SUP" not in capsys.readouterr().out


def test_a_suppression_for_a_rule_that_is_not_running_is_not_unused(capsys):
    _, doc = check(
        capsys,
        "t.yaml",
        "a: 您好  # msglint: disable=ZH-CIT-002 -- 规则未选中时无害\n",
        "--select",
        "ZH-CIT-001",
    )
    assert summary(doc) == ([], [], [])


def test_hashes_inside_text_are_not_comments(capsys):
    _, doc = check(
        capsys,
        "t.yaml",
        "a: '你这个老赖 # msglint: disable=ZH-CIT-002 -- 在引号里'\n"
        "b: |\n"
        "  你这个老赖\n"
        "  # msglint: disable=ZH-CIT-002 -- 在块文本里\n",
    )
    remaining, suppressed, problems = summary(doc)
    assert remaining == [("a", "ZH-CIT-002"), ("b", "ZH-CIT-002")]
    assert (suppressed, problems) == ([], [])


def test_json_and_txt_have_no_comments_and_use_per_file_ignores(capsys):
    Path("msglint.toml").write_text(
        '[per-file-ignores]\n"legacy/*.json" = ["ZH-CIT-002"]\n"*.txt" = ["ZH-CIT-002"]\n',
        encoding="utf-8",
    )
    Path("legacy").mkdir()
    Path("legacy/a.json").write_text('{"a": "你这个老赖"}', encoding="utf-8")
    Path("b.json").write_text('{"b": "你这个老赖"}', encoding="utf-8")
    Path("c.txt").write_text("你这个老赖 # msglint: disable=ZH-CIT-002 -- 无效\n", encoding="utf-8")
    main(["check", "legacy", "b.json", "c.txt", "--format", "json", *ONLY_CI_RULES])
    doc = json.loads(capsys.readouterr().out)
    assert summary(doc) == ([("b", "ZH-CIT-002")], [], [])
