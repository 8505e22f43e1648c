"""Concept templates are matched by walking their trees, never by writing out every
combination (linter/core/templates.py): what a template finds is exactly where the strings
it stands for stand on token boundaries. Real engine, real jieba."""

from __future__ import annotations

import random

import pytest
from concept_packs import concept_pack_engine

from linter.core.analysis import analyse
from linter.core.models import MessageContext
from linter.core.role_finder import RoleFinder
from linter.core.templates import SMALL, enumerate_strings, size

# a product far larger than SMALL: walked, not written out
CONCEPTS = """\
concepts:
  你:
    label: {zh: 收信人}
    terms: [你 | 您 | 你们 | 您们 | 阁下]
    examples: [请您还款]
  家人:
    label: {zh: 家人}
    terms: [家人 | 老婆 | 父母 | 爸妈 | 孩子, 儿子 | 女儿 | 老公 | 亲戚 | 朋友,
            '{你}?的?{亲属称谓}']
    examples: [打电话给你老婆]
  亲属称谓:
    label: {zh: 亲属称谓}
    terms: [表哥 | 表姐 | 舅舅 | 姑姑 | 叔叔 | 阿姨 | 外婆 | 奶奶 | 爷爷 | 外公]
    examples: [找你舅舅]
  单位:
    label: {zh: 单位}
    terms: [单位 | 公司 | 学校 | 领导 | 同事 | 老板 | 村委会 | 居委会]
    examples: [打到你单位]
  找:
    label: {zh: 联系}
    terms: [找 | 联系 | 打电话给 | 通知]
    examples: [我们找你]
"""

TEMPLATE = "{你}?的?{家人}的?{单位}"

RULE = """\
pack: {name: walk, language: zh-CN}
rules:
  - id: XY-TPD-101
    name: contact-family-workplace
    category: third_party_disclosure
    severity: error
    message: {zh: 联系家人单位, en: contact family workplace}
    basis: [test]
    match: {kind: phrase, terms: ['{找}TEMPLATE']}
    fix: {applicability: manual, description: {zh: 删除, en: remove}}
    examples:
      trigger: [{text: 我们会联系你老婆的单位}]
      pass: [{text: 我们会联系您本人}]
""".replace("TEMPLATE", TEMPLATE)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    return concept_pack_engine(tmp_path_factory.mktemp("walk"), CONCEPTS, RULE, "walk")


def matched(engine, text: str) -> list[str]:
    found = engine.lint(text, merge=False).violations
    return [v.matched for v in found if v.rule == "XY-TPD-101"]


def test_the_template_is_walked_not_written_out(engine) -> None:
    node = engine.concepts.node(TEMPLATE)
    assert size(node) > SMALL and node.sequences  # walked
    # the automaton holds the words, not the ~10,000 combinations
    written_out = engine.concepts.expand(TEMPLATE)
    assert len(written_out) > 5_000
    finder = RoleFinder([TEMPLATE], engine.concepts)
    assert len(finder.terms) < len(written_out) / 20


def test_every_way_of_writing_it_is_found(engine) -> None:
    assert matched(engine, "再不还钱我们就联系你老婆的单位。") == ["联系你老婆的单位"]
    assert matched(engine, "我们会通知您们的表哥领导。") == ["通知您们的表哥领导"]
    assert matched(engine, "马上打电话给父母公司") == ["打电话给父母公司"]
    assert matched(engine, "我们会联系您本人。") == []
    assert matched(engine, "联系你的单位") == []  # no family member: 家人 is required


def test_what_it_finds_is_what_its_strings_would_find(engine) -> None:
    """Against writing every combination out: on messages built of the concepts' words, the
    walked tree finds exactly the spans where one of the template's strings stands with both
    ends on token boundaries."""
    lib = engine.concepts
    node = lib.node("{找}" + TEMPLATE)
    strings = enumerate_strings(node)

    def words(name: str) -> list[str]:
        return sorted(lib.expand(f"{{{name}}}"))

    noise = ["的", "，", "我们", "明天", "了", "你", "单位"]
    slots = [words("找"), words("你"), ["的"], words("家人"), ["的"], words("单位")]
    rng = random.Random(13)
    finder = RoleFinder(["{找}" + TEMPLATE], lib)
    checked = found_any = 0
    for _ in range(300):
        # the template's slots in order, each kept, dropped or replaced by noise at random
        parts = [rng.choice(rng.choice([slot, slot, slot, noise, []]) or [""]) for slot in slots]
        text = rng.choice(noise) + "".join(parts) + rng.choice(noise)
        analysis = analyse(text, MessageContext(), engine.tokenizer, engine.index)
        walked = {h.span for h in finder.find(analysis)}
        t = analysis.text
        written_out = {
            (i, j)
            for i in range(len(t))
            for j in range(i + 1, len(t) + 1)
            if t[i:j] in strings and analysis.on_boundaries((i, j))
        }
        assert walked == written_out, text
        checked += 1
        found_any += bool(walked)
    assert checked == 300 and found_any > 30, found_any  # they did exercise the matcher
