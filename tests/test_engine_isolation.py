"""Each engine segments with its own user words: no engine built before or beside it, and no
earlier build of its own packs, changes what it finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.core.engine import Engine
from linter.packs.loader import build_engine

#: jieba cuts 引爆通讯录 as 引爆 / 通讯录, so the term 爆通讯录 does not start on a token
#: boundary — unless 爆通讯录 is a user word, which makes jieba cut 引 / 爆通讯录.
TEXT = "再不还就引爆通讯录"

PACK = """pack: {{name: {name}}}
user_words: {user_words}
rules:
  - id: {rule_id}
    name: rule-{rule_no}
    category: third_party_disclosure
    severity: error
    message: {{zh: 测试, en: test}}
    basis: [test]
    match: {{kind: terms, terms: [爆通讯录]}}
    fix: {{applicability: manual, description: {{zh: 改写, en: rewrite}}}}
    examples:
      trigger: [{{text: "爆通讯录"}}]
      pass: [{{text: "无关的文字"}}]
"""


def _engine(folder: Path, name: str, rule_id: str, user_words: str) -> Engine:
    folder.mkdir(parents=True, exist_ok=True)
    pack = folder / f"{name}.yaml"
    pack.write_text(
        PACK.format(name=name, rule_id=rule_id, rule_no=rule_id[-3:], user_words=user_words),
        encoding="utf-8",
    )
    return build_engine([pack], shipped=False)


def _found(engine: Engine) -> list[str]:
    return [v.matched for v in engine.lint(TEXT).violations]


def _with_word(tmp_path: Path) -> Engine:
    return _engine(tmp_path / "a", "with_word", "ZH-TSA-001", "[爆通讯录]")


def _without_word(tmp_path: Path) -> Engine:
    return _engine(tmp_path / "b", "without_word", "ZH-TSB-001", "[]")


@pytest.mark.parametrize("with_word_first", [True, False])
def test_two_engines_in_one_process_find_what_each_finds_alone(
    tmp_path: Path, with_word_first: bool
):
    if with_word_first:
        a = _with_word(tmp_path)
        b = _without_word(tmp_path)
    else:
        b = _without_word(tmp_path)
        a = _with_word(tmp_path)
    # alone, the pack with the user word finds 爆通讯录 and the other does not
    assert _found(a) == ["爆通讯录"]
    assert _found(b) == []
    # and neither has changed the other, whichever was used last
    assert _found(a) == ["爆通讯录"]


def test_a_reload_without_a_user_word_drops_it(tmp_path: Path):
    before = _engine(tmp_path / "v1", "pack", "ZH-TSA-001", "[爆通讯录]")
    assert _found(before) == ["爆通讯录"]
    after = _engine(tmp_path / "v2", "pack", "ZH-TSA-001", "[]")
    assert _found(after) == []
    assert _found(before) == ["爆通讯录"]  # the engine still serving keeps its own words


def test_an_engine_built_twice_segments_the_same(tmp_path: Path):
    # jieba's add_word adds a word's frequency to the total again on every call; an engine
    # that added its words to a shared dictionary drifted with each rebuild
    first = _with_word(tmp_path)
    second = _with_word(tmp_path)
    assert first.tokenizer._jieba is not second.tokenizer._jieba
    assert first.tokenizer._jieba.total == second.tokenizer._jieba.total


#: 引爆 / 全家 for jieba, 引 / 爆全家 with the user word (no shipped pack has it)
RELOAD_TEXT = "我们就引爆全家群"
RELOAD_PACK = """pack: {{name: reload_words}}
user_words: {user_words}
rules:
  - id: ZH-TSR-001
    name: rule-reload
    category: threat
    severity: error
    message: {{zh: 测试, en: test}}
    basis: [test]
    match: {{kind: terms, terms: [爆全家]}}
    fix: {{applicability: manual, description: {{zh: 改写, en: rewrite}}}}
    examples:
      trigger: [{{text: "爆全家"}}]
      pass: [{{text: "无关的文字"}}]
"""


def test_the_gate_reloaded_without_a_user_word_no_longer_finds_by_it(tmp_path: Path):
    from http_server import start_server

    packs = tmp_path / "packs"
    packs.mkdir()
    pack = packs / "reload.yaml"
    pack.write_text(RELOAD_PACK.format(user_words="[爆全家]"), encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    server = start_server(work, ["--pack", str(packs)])
    try:
        with server.client() as http:

            def rules() -> list[str]:
                body = http.post("/v1/lint", json={"text": RELOAD_TEXT}).json()
                return [r for v in body["violations"] for r in v.get("rules", [v["rule"]])]

            assert "ZH-TSR-001" in rules()
            pack.write_text(RELOAD_PACK.format(user_words="[]"), encoding="utf-8")
            assert http.post("/v1/admin/reload").json()["changed"]
            assert "ZH-TSR-001" not in rules()
    finally:
        server.stop()
