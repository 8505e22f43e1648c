"""Concepts, the frame kind and its combinators, the context cue table, trial status and
explained findings (issue 13 items 1, 2, 3, 5): run on the real engine, real jieba."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from concept_packs import write_concept_pack

from linter.core.errors import PackError
from linter.core.models import Decision, Severity
from linter.core.options import EngineOptions
from linter.packs.loader import build_engine

CONCEPTS = """\
concepts:
  你:
    label: {zh: 收信人}
    terms: [你 | 您]
    examples: [请您还款]
  家人:
    label: {zh: 家人}
    terms: [家人 | 老婆 | 父母]
    not: [家人们]
    examples: [打电话给你老婆]
  住处:
    label: {zh: 住处}
    terms: [家 | 老家]
    examples: [去你老家]
  上门:
    label: {zh: 上门}
    terms: [上门 | 去 | 让…知道]
    not: [上门服务]
    examples: [我们上门, 让全村都知道]
  不还款:
    label: {zh: 不还款}
    terms: [再不还钱 | 不还钱 | 否则]
    examples: [再不还钱就上门]
  提醒:
    label: {zh: 提醒}
    terms: [谨防 | 骗子]
    examples: [谨防诈骗]
context:
  attributes:
    polarity: [affirmed, negated]
    modality: [plain, imminent, certain, possible]
    mention: [asserted, quoted, warned]
  terminators: [但是]
  cues:
    - {cue: [不会 | 绝不会], sets: {polarity: negated}, window: 8}
    - {cue: [不得不 | 难道…不会], pseudo: true}
    - {cue: [可能 | 保留…权利], sets: {modality: possible}, direction: both, window: 10}
    - {cue: [已 | 正式], sets: {modality: certain}, window: 6}
    - cue: [马上 | 明天]
      patterns: ['\\d+小时内']
      sets: {modality: imminent}
      direction: both
      window: 12
    - {cue: [骗子常说 | 谨防], sets: {mention: warned}, scope: sentence, direction: both, window: 0}
"""

RULE = """\
pack: {name: frames, language: zh-CN}
rules:
  - id: XY-THR-101
    name: visit-if-unpaid
    category: threat
    severity: error
    status: STATUS
    message: {zh: 上门威胁, en: visit threat}
    basis: [test]
    match: MATCH
    fix: {applicability: manual, description: {zh: 删除, en: remove}}
    examples:
      trigger: [{text: 再不还钱，明天我们就去你家}]
      pass: [{text: 我们不会去你家}]
"""

FRAME = (
    "{kind: frame, act: '{上门}', object: ['{你}?的?{住处}', '{你}的?{家人}'],"
    " condition: '{不还款}', need: [object, condition]}"
)


def pack_dir(
    tmp_path: Path, match: str = FRAME, status: str = "active", concepts: str = CONCEPTS
) -> Path:
    rule = RULE.replace("MATCH", match).replace("STATUS", status)
    return write_concept_pack(tmp_path, concepts, rule, "frames")


def hits(engine, text: str) -> list[str]:
    return [v.matched for v in engine.lint(text, merge=False).violations if v.rule == "XY-THR-101"]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    return build_engine([pack_dir(tmp_path_factory.mktemp("p"))], shipped=False)


def test_frame_needs_its_roles_across_clauses(engine) -> None:
    assert hits(engine, "再不还钱，明天我们就去你家。") == ["去你家"]
    assert hits(engine, "请今天还款，否则上门找你老婆。") == ["上门找你老婆"]
    assert hits(engine, "周末我们去你家吃饭。") == []  # no condition
    assert hits(engine, "再不还钱，我们去吃饭。") == []  # no object


def test_context_table_negation_pseudo_and_warning(engine) -> None:
    assert hits(engine, "再不还钱，我们也不会去你家。") == []
    assert hits(engine, "再不还钱，我们不得不去你家。") == ["去你家"]
    assert hits(engine, "再不还钱，难道我们不会去你家？") == ["去你家"]
    assert hits(engine, "骗子常说不还钱就去你家，谨防上当。") == []
    # a warning in another sentence says nothing about this one
    assert hits(engine, "谨防诈骗。再不还钱，我们就去你家。") == ["去你家"]


def test_exclusions_and_gap_entries(engine) -> None:
    assert hits(engine, "再不还钱，上门服务你家") == []
    assert hits(engine, "再不还钱，让你老婆都知道") == ["让你老婆都知道"]


def test_a_gap_entry_reaches_through_a_concept_that_names_its_concept(tmp_path: Path) -> None:
    """{威胁} = [{上门}]: 上门's 让…知道 is one of 威胁's entries too (it used to be dropped:
    only the words of a named concept came along, never its A…B entries)."""
    concepts = CONCEPTS.replace(
        "  提醒:",
        "  威胁:\n    label: {zh: 威胁}\n    terms: ['{上门}']\n    examples: [我们上门]\n  提醒:",
    )
    frame = FRAME.replace("act: '{上门}'", "act: '{威胁}'")
    engine = build_engine([pack_dir(tmp_path, frame, concepts=concepts)], shipped=False)
    assert hits(engine, "再不还钱，让你老婆都知道") == ["让你老婆都知道"]
    assert hits(engine, "再不还钱，明天我们就去你家。") == ["去你家"]


def test_a_gap_concept_joined_into_a_longer_template_is_a_load_error(tmp_path: Path) -> None:
    """{上门} has 让…知道: inside 我们{上门} only its words could match, so the A…B entry
    would be dropped without a word; the pack is refused, naming file, line and field."""
    match = FRAME.replace("act: '{上门}'", "act: '我们{上门}'")
    with pytest.raises(PackError) as err:
        build_engine([pack_dir(tmp_path, match)], shipped=False)
    msg = str(err.value)
    assert "frames.yaml:10: XY-THR-101.match" in msg
    assert "{上门} has A…B entries" in msg


def test_context_requirement_and_explained_finding(tmp_path: Path) -> None:
    match = FRAME[:-1] + ", context: {modality: [certain, imminent]}}"
    engine = build_engine([pack_dir(tmp_path, match)], shipped=False)
    assert hits(engine, "再不还钱，我们可能明天去你家。") == []  # possible wins over imminent
    assert hits(engine, "再不还钱，我们去你家。") == []  # plain
    found = [v for v in engine.lint("再不还钱，24小时内去你家。").violations]
    assert [v.matched for v in found] == ["去你家"]
    v = found[0]
    assert v.roles == {
        "act": "去 ← {上门}",
        "object": "你家 ← {你}?的?{住处}",
        "condition": "再不还钱 ← {不还款}",
    }
    assert v.context is not None and v.context["modality"] == "imminent (24小时内)"
    assert v.context["polarity"] == "affirmed (no cue)"


def test_combinators_all_not_and_inside(tmp_path: Path) -> None:
    match = (
        "{kind: all, scope: sentence, of: [" + FRAME + ", {kind: phrase, terms: ['{家人}']}],"
        " not: [{kind: phrase, terms: [骗子]}], not-inside: {terms: '{提醒}', scope: message}}"
    )
    engine = build_engine([pack_dir(tmp_path, match)], shipped=False)
    assert hits(engine, "再不还钱，我们去你家找父母。") == ["去你家"]
    assert hits(engine, "再不还钱，我们去你家。") == []  # no family word in the sentence
    assert hits(engine, "再不还钱，我们去你家找父母，骗子。") == []
    assert hits(engine, "再不还钱，我们去你家找父母。谨防诈骗") == []  # message scope


def test_trial_rule_is_info_and_never_blocks(tmp_path: Path) -> None:
    engine = build_engine([pack_dir(tmp_path, status="trial")], shipped=False)
    outcome = engine.lint("再不还钱，我们去你家。")
    assert [v.severity for v in outcome.violations] == [Severity.info]
    assert outcome.decision == Decision.allow


def test_concept_example_jieba_cuts_apart_fails_at_load(tmp_path: Path) -> None:
    bad = CONCEPTS.replace("examples: [去你老家]", "examples: [杀到你家]")
    with pytest.raises(PackError) as err:
        build_engine([pack_dir(tmp_path, concepts=bad)], shipped=False)
    msg = str(err.value)
    assert "concepts/test.yaml:14: 住处.examples[0]" in msg
    assert "杀/到/你家" in msg  # the tokens shown


def test_malformed_concept_names_file_line_field(tmp_path: Path) -> None:
    bad = CONCEPTS.replace("    terms: [家 | 老家]", "    terms: [家 | 老家]\n    colour: red")
    with pytest.raises(PackError) as err:
        build_engine([pack_dir(tmp_path, concepts=bad)], shipped=False)
    assert "concepts/test.yaml:14: concepts.住处.colour" in str(err.value)


def test_unknown_concept_in_a_rule_is_named(tmp_path: Path) -> None:
    match = FRAME.replace("{不还款}", "{不付款}")
    with pytest.raises(PackError, match=r"XY-THR-101.match: unknown concept \{不付款\}"):
        build_engine([pack_dir(tmp_path, match)], shipped=False)


def test_frame_triggers_are_its_act_terms(engine) -> None:
    rule = engine.rule("XY-THR-101")
    assert rule.triggers == frozenset({"上门", "去", "让"})


def test_check_json_and_verbose_text_explain_a_frame_finding(tmp_path: Path) -> None:
    # a pack of its own over the shipped concepts (a second 你 would clash with theirs)
    rule = RULE.replace("MATCH", FRAME.replace("{上门}", "{前往}")).replace("STATUS", "active")
    (tmp_path / "frames.yaml").write_text(rule, encoding="utf-8")
    pack = str(tmp_path / "frames.yaml")
    cmd = [sys.executable, "-m", "linter", "check", "--pack", pack, "--select", "XY-THR-101"]
    text = "再不还钱，明天我们就去你家。"
    out = subprocess.run(
        [*cmd, "--format", "json", "-"], input=text, capture_output=True, text=True, cwd=tmp_path
    )
    found = [v for m in json.loads(out.stdout)["messages"] for v in m["violations"]]
    frame = next(v for v in found if v["rule"] == "XY-THR-101")
    assert frame["roles"]["object"] == "你家 ← {你}?的?{住处}"
    assert frame["context"]["mention"] == "asserted (no cue)"
    out = subprocess.run(
        [*cmd, "--verbose", "-"], input=text, capture_output=True, text=True, cwd=tmp_path
    )
    assert "roles: act 去 ← {前往}; object 你家 ← {你}?的?{住处}" in out.stdout
    assert "context: polarity affirmed (no cue)" in out.stdout


def test_explain_runs_the_rule_on_a_text_and_explains(tmp_path: Path) -> None:
    rule = RULE.replace("MATCH", FRAME.replace("{上门}", "{前往}")).replace("STATUS", "trial")
    (tmp_path / "frames.yaml").write_text(rule, encoding="utf-8")
    cmd = [sys.executable, "-m", "linter", "explain", "XY-THR-101"]
    cmd += ["--pack", str(tmp_path / "frames.yaml"), "--text", "再不还钱，明天我们就去你家。"]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert "'去你家' at 10-13" in out.stdout, out.stderr
    assert "condition 再不还钱 ← {不还款}" in out.stdout


@pytest.fixture(scope="module")
def shipped():
    """The shipped packs with only the concept rules on trial (a regex rule's finding of the
    same category at the same place would otherwise stand in for theirs)."""
    trial = ["ZH-LEG-101", "ZH-LEG-102", "ZH-LEG-103", "ZH-LEG-104", "ZH-THR-101", "ZH-THR-102"]
    trial += ["ZH-THR-103", "ZH-THR-104", "ZH-TPD-101", "ZH-TPD-102"]
    return build_engine([], EngineOptions(select=trial), shipped=True)


def trial_hits(engine, text: str, prefix: str) -> list[str]:
    return sorted({v.rule for v in engine.lint(text).violations if v.rule.startswith(prefix)})


def test_shipped_legal_frames_assert_certain_unhedged_legal_acts(shipped) -> None:
    found = [v for v in shipped.lint("你那笔网贷，法院已经立案了。").violations]
    leg = next(v for v in found if v.rule == "ZH-LEG-101")
    assert leg.severity == Severity.info  # trial
    assert leg.context is not None and leg.context["modality"].startswith("certain")
    assert trial_hits(shipped, "欠款五天内不结清，我们申请法院查封你的房子。", "ZH-LEG-1")
    assert trial_hits(shipped, "若长期不还，我们可能依法提起诉讼。", "ZH-LEG-1") == []
    assert trial_hits(shipped, "请按期还款，否则将启动法律程序。", "ZH-LEG-1") == []
    assert trial_hits(shipped, "你拖着借款不还已经涉嫌诈骗。", "ZH-LEG-10") == ["ZH-LEG-102"]
    assert trial_hits(shipped, "你作为担保人，要承担连带责任替他还贷款。", "ZH-LEG-104")
    assert trial_hits(shipped, "我是东城派出所民警，你的网贷赶紧还上。", "ZH-LEG-103")


def test_shipped_threat_and_disclosure_frames_reach_more_phrasings(shipped) -> None:
    assert trial_hits(shipped, "欠款再不处理，家里人就得替你还。", "ZH-THR-104")
    assert trial_hits(shipped, "明天不还钱，你单位的人事部都会接到电话。", "ZH-THR-103")
    assert trial_hits(shipped, "贷款逾期已转交你的户籍地，工作人员随后就到。", "ZH-THR-101")
    assert trial_hits(shipped, "您好，您弟弟在我司的贷款逾期了，请帮忙催一下。", "ZH-TPD-102")
    assert trial_hits(shipped, "我们不会通知您的同事，请放心还款。", "ZH-TPD-10") == []
