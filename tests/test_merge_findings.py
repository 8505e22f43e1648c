"""Matches of one category on the same words are one finding naming every rule that matched:
in the engine, in every output format, over HTTP, and through suppressions and the baseline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from http_server import Server, start_server

from linter.cli.main import main
from linter.core.engine import Engine
from linter.core.models import Decision
from linter.packs.loader import build_engine

#: ZH-THR-006 finds 你就等着吧 (its concept {模糊后果} holds the 你); ZH-THR-019 and
#: ZH-THR-022 each find each 🔪 (five matches)
KNIVES = "再不还钱你就等着吧🔪🔪"
KNIFE_RULES = ["ZH-THR-006", "ZH-THR-019", "ZH-THR-022"]

#: two rules of one category on one span (and a third rule of another category on it)
PACK = """pack: {name: merge_test}
rules:
  - id: ZH-MRG-001
    name: visit-warning
    category: threat
    severity: warning
    message: {zh: 上门（提示）, en: visit (warning)}
    basis: [basis-one]
    match: {kind: terms, terms: [上门]}
    fix: {applicability: manual, description: {zh: 改写一, en: rewrite one}}
    examples:
      trigger: [{text: "明天上门", span: "上门"}]
      pass: [{text: "无关的文字"}]
  - id: ZH-MRG-002
    name: visit-error
    category: threat
    severity: error
    message: {zh: 上门（错误）, en: visit (error)}
    basis: [basis-two]
    match: {kind: terms, terms: [上门]}
    fix: {applicability: manual, description: {zh: 改写二, en: rewrite two}}
    examples:
      trigger: [{text: "明天上门", span: "上门"}]
      pass: [{text: "无关的文字"}]
  - id: ZH-MRG-003
    name: visit-abuse
    category: abusive_language
    severity: info
    message: {zh: 上门（另一类）, en: visit (other category)}
    basis: [basis-three]
    match: {kind: terms, terms: [上门]}
    fix: {applicability: manual, description: {zh: 改写三, en: rewrite three}}
    examples:
      trigger: [{text: "明天上门", span: "上门"}]
      pass: [{text: "无关的文字"}]
  - id: ZH-MRG-004
    name: fool
    category: abusive_language
    severity: warning
    message: {zh: 辱骂, en: abuse}
    basis: [basis-four]
    match: {kind: terms, terms: [笨蛋]}
    fix: {applicability: safe, replacement: "", description: {zh: 删除, en: delete}}
    examples:
      trigger:
        - {text: "你这个笨蛋", span: "笨蛋", fixed: "你这个"}
        - {text: "你這個笨蛋", span: "笨蛋", fixed: "你這個"}
      pass: [{text: "无关的文字"}]
  - id: ZH-MRG-005
    name: deadbeat
    category: abusive_language
    severity: warning
    message: {zh: 辱骂, en: abuse}
    basis: [basis-five]
    match: {kind: terms, terms: [老赖]}
    fix: {applicability: safe, replacement: "", description: {zh: 删除, en: delete}}
    examples:
      trigger:
        - {text: "你这个老赖", span: "老赖", fixed: "你这个"}
        - {text: "你這個老賴", span: "老賴", fixed: "你這個"}
      pass: [{text: "无关的文字"}]
"""


@pytest.fixture(scope="module")
def shipped() -> Engine:
    return build_engine()


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("merge") / "merge.yaml"
    path.write_text(PACK, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small(pack: Path) -> Engine:
    return build_engine([pack], shipped=False)


def threats(engine: Engine, text: str, *, merge: bool = True) -> list:
    return [v for v in engine.lint(text, merge=merge).violations if v.category == "threat"]


def test_the_knives_are_one_threat_naming_every_rule(shipped: Engine):
    assert len(threats(shipped, KNIVES, merge=False)) == 5  # what each rule finds on its own
    (v,) = threats(shipped, KNIVES)
    assert v.rule == "ZH-THR-006" and v.rules == KNIFE_RULES
    assert (v.matched, v.start, v.end) == ("你就等着吧🔪🔪", 4, 11)
    assert [(m.rule, m.matched) for m in v.matches] == [
        ("ZH-THR-006", "你就等着吧"),
        ("ZH-THR-019", "🔪"),
        ("ZH-THR-022", "🔪"),
        ("ZH-THR-019", "🔪"),
        ("ZH-THR-022", "🔪"),
    ]
    assert shipped.lint(KNIVES).decision == Decision.block


def test_two_rules_of_one_category_on_one_span_are_one_finding(small: Engine):
    outcome = small.lint("明天上门")
    by_category = {v.category.value: v for v in outcome.violations}
    assert len(outcome.violations) == 2  # threat and abusive_language stay apart
    threat = by_category["threat"]
    # the most severe rule names the finding; its severity decides
    assert (threat.rule, threat.severity.value, threat.matched) == ("ZH-MRG-002", "error", "上门")
    assert threat.rules == ["ZH-MRG-002", "ZH-MRG-001"]
    assert threat.basis == ["basis-two", "basis-one"]
    assert by_category["abusive_language"].rules == ["ZH-MRG-003"]
    assert by_category["abusive_language"].matches == []
    assert outcome.decision == small.lint("明天上门", merge=False).decision == Decision.block


def test_a_merged_fix_changes_the_text_as_the_separate_fixes_did(small: Engine):
    text = "你这个笨蛋老赖快还钱"
    (v,) = small.lint(text).violations
    assert v.rules == ["ZH-MRG-004", "ZH-MRG-005"] and v.matched == "笨蛋老赖"
    assert v.fix is not None and v.fix.replacement == ""
    assert small.lint(text).fixed_text == small.lint(text, merge=False).fixed_text == "你这个快还钱"


#: two threat rules on the same words: the more severe one rewrites the clause (unsafe), the
#: other swaps the word (safe)
LEVELS_PACK = """pack: {name: merge_levels}
rules:
  - id: ZH-LVL-001
    name: visit-clause
    category: threat
    severity: error
    message: {zh: 上门（整句）, en: visit (clause)}
    basis: [basis-one]
    match: {kind: terms, terms: [上门]}
    fix:
      applicability: unsafe
      scope: clause
      replacement: 我们会电话联系您
      description: {zh: 改写整句, en: rewrite the clause}
    examples:
      trigger:
        - {text: "明天上门，快还钱", span: "上门", fixed: "我们会电话联系您，快还钱"}
        - {text: "明天上門，快還錢", span: "上門", fixed: "我們會電話聯繫您，快還錢"}
      pass: [{text: "无关的文字"}]
  - id: ZH-LVL-002
    name: visit-word
    category: threat
    severity: warning
    message: {zh: 上门（词）, en: visit (word)}
    basis: [basis-two]
    match: {kind: terms, terms: [上门]}
    fix:
      applicability: safe
      replacement: 联系
      description: {zh: 换词, en: another word}
    examples:
      trigger:
        - {text: "明天上门，快还钱", span: "上门", fixed: "明天联系，快还钱"}
        - {text: "明天上門，快還錢", span: "上門", fixed: "明天聯繫，快還錢"}
      pass: [{text: "无关的文字"}]
"""


def test_a_merged_fix_keeps_a_safe_fix_over_an_unsafe_clause_fix(tmp_path: Path):
    pack = tmp_path / "levels.yaml"
    pack.write_text(LEVELS_PACK, encoding="utf-8")
    engine = build_engine([pack], shipped=False)
    text = "明天上门，快还钱"
    separate = engine.lint(text, merge=False)
    assert [v.fix.applicability.value for v in separate.violations if v.fix] == ["unsafe", "safe"]
    (v,) = engine.lint(text).violations
    assert v.rule == "ZH-LVL-001" and v.rules == ["ZH-LVL-001", "ZH-LVL-002"]
    # the unsafe clause rewrite covers more, but taking it would lose the safe fix
    assert v.fix is not None
    assert (v.fix.applicability.value, v.fix.replacement) == ("safe", "联系")
    assert engine.lint(text).fixed_text == separate.fixed_text == "明天联系，快还钱"


def _check(capsys: pytest.CaptureFixture[str], fmt: str, *args: str) -> str:
    main(["check", "-", "--format", fmt, "--select", "threat", *args])
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_every_format_shows_the_knives_once_with_every_rule(
    fmt: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(KNIVES.encode())))
    out = _check(capsys, fmt)
    for rule in KNIFE_RULES:
        assert rule in out
    if fmt == "json":
        (m,) = json.loads(out)["messages"]
        (v,) = m["violations"]
        assert v["rule"] == "ZH-THR-006" and v["rules"] == KNIFE_RULES
        assert [x["rule"] for x in v["matches"]].count("ZH-THR-019") == 2
    elif fmt == "sarif":
        (result,) = json.loads(out)["runs"][0]["results"]
        assert result["ruleId"] == "ZH-THR-006"
        assert result["properties"]["rules"] == KNIFE_RULES
    elif fmt == "text":
        assert out.count("[error]") == 3  # one finding, two "also" lines
        assert "also ZH-THR-019" in out and "also ZH-THR-022" in out
        assert "1 violation " in out
    elif fmt == "github":
        (line,) = [x for x in out.splitlines() if x.startswith("::error")]
        assert "title=ZH-THR-006%2C ZH-THR-019%2C ZH-THR-022" in line
    else:
        assert out.count("<failure") == 1 and "also: ZH-THR-019" in out


TEMPLATE = "knives: {text}  # msglint: disable={rules} -- 培训材料中的反面示例\n"


def _yaml_check(capsys: pytest.CaptureFixture[str], tmp: Path, rules: str) -> dict:
    path = tmp / "t.yaml"
    path.write_text(TEMPLATE.format(text=KNIVES, rules=rules), encoding="utf-8")
    main(["check", str(path), "--format", "json", "--select", "threat"])
    return json.loads(capsys.readouterr().out)


def test_a_suppression_takes_out_only_the_rules_it_names(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    doc = _yaml_check(capsys, tmp_path, "ZH-THR-019")
    (m,) = doc["messages"]
    (left,) = m["violations"]
    # ZH-THR-019's knives are accepted; the other rules still find them
    assert left["rules"] == ["ZH-THR-006", "ZH-THR-022"]
    assert left["matched"] == "你就等着吧🔪🔪" and m["decision"] == "block"
    (accepted,) = m["suppressed"]  # the two knives of ZH-THR-019, shown once too
    assert accepted["rules"] == ["ZH-THR-019"] and accepted["matched"] == "🔪🔪"
    assert doc["suppression_problems"] == []
    # position in the file: the knives start after "knives: " and 你 is the 5th character
    assert (left["line"], left["column"]) == (1, len("knives: ") + 5)


def test_suppressing_every_rule_of_a_merged_finding_suppresses_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    doc = _yaml_check(capsys, tmp_path, ",".join(KNIFE_RULES))
    (m,) = doc["messages"]
    assert m["violations"] == [] and m["decision"] == "allow"
    (s,) = m["suppressed"]
    assert s["rules"] == KNIFE_RULES
    assert doc["suppression_problems"] == []  # each rule named was used


def test_the_baseline_holds_each_rule_match_and_accepts_a_merged_finding(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    msg = tmp_path / "m.txt"
    msg.write_text(KNIVES, encoding="utf-8")
    base = tmp_path / "baseline.json"
    args = ["check", str(msg), "--format", "json", "--select", "threat", "--baseline", str(base)]
    main([*args, "--update-baseline"])
    capsys.readouterr()
    entries = json.loads(base.read_text(encoding="utf-8"))["findings"]
    # one entry per rule match: the entries a baseline of separate findings had
    assert sorted((e["rule"], e["count"]) for e in entries) == [
        ("ZH-THR-006", 1),
        ("ZH-THR-019", 2),
        ("ZH-THR-022", 2),
    ]
    main(args)
    doc = json.loads(capsys.readouterr().out)
    assert doc["messages"][0]["violations"] == [] and doc["summary"]["baselined"] == 5
    # a baseline that holds one rule's matches leaves the words the others found
    kept = [e for e in entries if e["rule"] == "ZH-THR-019"]
    base.write_text(
        json.dumps({**json.loads(base.read_text(encoding="utf-8")), "findings": kept}),
        encoding="utf-8",
    )
    main(args)
    (left,) = json.loads(capsys.readouterr().out)["messages"][0]["violations"]
    assert left["rules"] == ["ZH-THR-006", "ZH-THR-022"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("merge_http"), [])
    yield srv
    srv.stop()


def test_the_gate_answers_with_the_merged_finding(server: Server):
    with server.client() as http:
        body = http.post("/v1/lint", json={"text": KNIVES}).json()
    (v,) = [v for v in body["violations"] if v["category"] == "threat"]
    assert v["rules"] == KNIFE_RULES and v["matched"] == "你就等着吧🔪🔪"
    assert body["decision"] == "block"
