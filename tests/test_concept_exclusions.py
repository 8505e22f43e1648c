"""A concept's ``not`` reaches every concept that names it (linter/core/concepts.py): an
exclusion is written once, on the concept whose word it is about; and an excluded word begins
or ends no ``A…B`` entry (linter/core/role_finder.py). Real engine, real jieba."""

from __future__ import annotations

import pytest
from concept_packs import concept_pack_engine

CONCEPTS = """\
concepts:
  受众:
    label: {zh: 受众}
    terms: [网上 | 同事 | 邻居]
    not: [网上追逃, 本地同事]
    examples: [发到网上]
  披露对象:
    label: {zh: 披露对象}
    terms: ['你?的?{受众}']
    examples: [你的同事]
  告诉:
    label: {zh: 告诉}
    terms: [告诉 | 发到 | 上报至]
    examples: [告诉你的同事]
  法院:
    label: {zh: 法院}
    terms: [法院 | 人民法院]
    not: [法院路]
    examples: [人民法院]
  受理:
    label: {zh: 法院受理}
    terms: ['{法院}…受理']
    examples: [法院已经受理]
"""

RULES = """\
pack: {name: inherit, language: zh-CN}
rules:
  - id: XY-TPD-201
    name: tell-audience
    category: third_party_disclosure
    severity: error
    message: {zh: 告诉旁人, en: tell others}
    basis: [test]
    match:
      kind: frame
      act: '{告诉}'
      object: '{披露对象}'
      need: [object]
      within: 4
      focus: act-object
    fix: {applicability: manual, description: {zh: 删除, en: remove}}
    examples:
      trigger: [{text: 我们会告诉你的同事}]
      pass: [{text: 我们会告诉您本人}]
  - id: XY-LEG-201
    name: court-accepted
    category: misleading_legal
    severity: error
    message: {zh: 法院已受理, en: a court accepted the case}
    basis: [test]
    match: {kind: phrase, terms: ['{受理}']}
    fix: {applicability: manual, description: {zh: 删除, en: remove}}
    examples:
      trigger: [{text: 法院已经受理了你的案子}]
      pass: [{text: 我们没有起诉}]
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    return concept_pack_engine(tmp_path_factory.mktemp("inherit"), CONCEPTS, RULES, "inherit")


def matched(engine, rule: str, text: str) -> list[str]:
    return [v.matched for v in engine.lint(text, merge=False).violations if v.rule == rule]


def test_a_named_concepts_exclusions_are_inherited(engine) -> None:
    lib = engine.concepts
    assert lib.get("受众").exclusions == ("网上追逃", "本地同事")
    assert set(lib.get("披露对象").exclusions) == {"网上追逃", "本地同事"}
    assert lib.get("告诉").exclusions == ()


def test_the_inherited_exclusion_silences_the_rule_that_names_the_parent(engine) -> None:
    def told(text: str) -> list[str]:
        return matched(engine, "XY-TPD-201", text)

    assert told("我们会告诉你的同事。") == ["告诉你的同事"]
    assert told("我们的本地同事会告诉你。") == []  # the sender's staff: no audience
    assert told("我们会告诉网上的人。") == ["告诉网上"]
    assert told("我们会告诉网上追逃系统。") == []


def test_an_excluded_word_begins_no_a_to_b_entry(engine) -> None:
    def accepted(text: str) -> list[str]:
        return matched(engine, "XY-LEG-201", text)

    assert accepted("法院已经受理了你的案子。") == ["法院已经受理"]
    assert accepted("您预约的法院路支行业务已受理。") == []  # a street, not a court
