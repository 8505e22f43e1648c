"""Role assertions in pack examples (``expect:``) and an unknown ``{concept}`` named with
its line: run on the real engine, real jieba, packs of the tests' own in tmp_path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from concept_packs import write_concept_pack

from linter.core.errors import PackError
from linter.packs.examples import run_rule_examples
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
    examples: [打电话给你老婆]
  住处:
    label: {zh: 住处}
    terms: [家 | 老家]
    examples: [去你老家]
  上门:
    label: {zh: 上门}
    terms: [上门 | 去 | 派人]
    examples: [我们上门]
  我方:
    label: {zh: 我方}
    terms: [我们 | 我司]
    examples: [我们会联系]
  不还款:
    label: {zh: 不还款}
    terms: [再不还钱 | 不还钱 | 否则]
    examples: [再不还钱就上门]
context:
  attributes:
    polarity: [affirmed, negated]
    modality: [plain, imminent, certain, possible]
    mention: [asserted, quoted, warned]
  cues:
    - {cue: [不会], sets: {polarity: negated}, window: 8}
    - {cue: [马上 | 明天], sets: {modality: imminent}, direction: both, window: 12}
"""

# line 12 is the match, line 20 the first trigger example's text, 21 its expect
PACK = """\
pack: {name: roles, language: zh-CN}
rules:
  - id: XY-THR-201
    name: visit-if-unpaid
    category: threat
    severity: error
    status: trial
    message: {zh: 上门威胁, en: visit threat}
    basis: [test]
    match:
      kind: frame
      act: '{上门}'
      actor: '{我方}'
      object: ['{你}?的?{住处}', '{你}的?{家人}']
      condition: '{不还款}'
      need: [object, condition]
    fix: {applicability: manual, description: {zh: 删除, en: remove}}
    examples:
      trigger:
        - text: 再不还钱，明天我们就派人去你家。
          expect: EXPECT
      pass: [{text: 我们不会去你家}]
"""

NO_EXPECT = "          expect: EXPECT\n"
MET = "{act: 派人, actor: 我们, object: 你家, condition: 再不还钱, modality: imminent}"


def pack_dir(tmp_path: Path, pack: str) -> Path:
    return write_concept_pack(tmp_path, CONCEPTS, pack, "roles")


def failures(tmp_path: Path, pack: str) -> list[str]:
    engine = build_engine([pack_dir(tmp_path, pack)], shipped=False)
    report = run_rule_examples(engine)
    assert report.examples == 2
    return [f"{f.rule} {f.kind}[{f.index}]: {f.reason}" for f in report.failures]


def test_expected_roles_and_context_that_hold_pass(tmp_path: Path) -> None:
    assert failures(tmp_path, PACK.replace("EXPECT", MET)) == []


def test_a_wrong_role_names_the_rule_the_example_and_what_was_found(tmp_path: Path) -> None:
    pack = PACK.replace("EXPECT", "{act: 派人, object: 你老婆}")
    assert failures(tmp_path, pack) == [
        "XY-THR-201 trigger[0]: expected act = 派人, object = 你老婆; "
        "found act = 派人, object = 你家 (on '派人去你家')"
    ]


def test_a_wrong_context_value_or_an_unfilled_role_fails(tmp_path: Path) -> None:
    pack = PACK.replace("EXPECT", "{modality: certain}")
    assert failures(tmp_path, pack) == [
        "XY-THR-201 trigger[0]: expected modality = certain; "
        "found modality = imminent (on '派人去你家')"
    ]
    unfilled = PACK.replace("明天我们就", "明天就").replace("EXPECT", "{actor: 我们}")
    assert failures(tmp_path, unfilled) == [
        "XY-THR-201 trigger[0]: expected actor = 我们; found actor = (none) (on '派人去你家')"
    ]


def test_words_in_traditional_characters_are_read_as_the_engine_reads_them(
    tmp_path: Path,
) -> None:
    pack = PACK.replace("再不还钱，明天我们就派人去你家。", "再不還錢，明天我們就派人去你家。")
    met = pack.replace("EXPECT", "{actor: 我們, condition: 再不還錢}")
    assert failures(tmp_path, met) == []


def test_expect_on_a_kind_without_roles_is_a_load_error_with_its_line(tmp_path: Path) -> None:
    terms = PACK.replace(
        "      kind: frame\n      act: '{上门}'\n      actor: '{我方}'\n"
        "      object: ['{你}?的?{住处}', '{你}的?{家人}']\n      condition: '{不还款}'\n"
        "      need: [object, condition]\n",
        "      kind: terms\n      terms: [派人去你家]\n      boundary: char\n\n\n\n",
    ).replace("EXPECT", "{act: 派人}")
    path = pack_dir(tmp_path, terms) / "roles.yaml"
    with pytest.raises(PackError) as err:
        build_engine([path.parent], shipped=False)
    assert str(err.value).startswith(
        f"{path}:21: rules[0].examples.trigger[0].expect: a 'terms' rule's findings have no roles"
    )
    phrase = terms.replace("kind: terms\n      terms:", "kind: phrase\n      terms:")
    pack_dir(tmp_path, phrase.replace("      boundary: char\n", "\n"))
    with pytest.raises(PackError, match=r"roles.yaml:21: .*a 'phrase' rule's findings have no"):
        build_engine([path.parent], shipped=False)


def test_expect_naming_a_role_the_frame_does_not_give_is_a_load_error(tmp_path: Path) -> None:
    path = pack_dir(tmp_path, PACK.replace("EXPECT", "{act: 派人, place: 你家}")) / "roles.yaml"
    with pytest.raises(PackError) as err:
        build_engine([tmp_path], shipped=False)
    assert str(err.value) == (
        f"{path}:21: rules[0].examples.trigger[0].expect.place: the rule's match gives no "
        "'place' role (it gives act, actor, object, condition)"
    )


def test_expect_naming_an_unknown_attribute_or_value_is_a_load_error(tmp_path: Path) -> None:
    path = pack_dir(tmp_path, PACK.replace("EXPECT", "{act: 派人, colour: red}")) / "roles.yaml"
    with pytest.raises(PackError) as err:
        build_engine([tmp_path], shipped=False)
    assert str(err.value).startswith(
        f"{path}:21: XY-THR-201.examples.trigger[0].expect: 'colour' is neither a role"
    )
    pack_dir(tmp_path, PACK.replace("EXPECT", "{act: 派人, modality: soon}"))
    with pytest.raises(PackError) as err:
        build_engine([tmp_path], shipped=False)
    assert str(err.value) == (
        f"{path}:21: XY-THR-201.examples.trigger[0].expect: modality: 'soon' is not one of "
        "plain, imminent, certain, possible"
    )


def test_an_unknown_concept_is_named_with_its_file_line_and_field(tmp_path: Path) -> None:
    path = pack_dir(tmp_path, PACK.replace("{不还款}", "{不付款}").replace(NO_EXPECT, ""))
    with pytest.raises(PackError) as err:
        build_engine([path], shipped=False)
    # the line of the template that names it, inside the rule's match
    assert str(err.value).startswith(
        f"{path / 'roles.yaml'}:15: XY-THR-201.match: unknown concept {{不付款}} (known: "
    )
    assert err.value.line == 15


def test_an_unknown_concept_in_a_combinator_points_at_its_template(tmp_path: Path) -> None:
    start = PACK.index("      kind: frame")
    end = PACK.index("    fix:")
    nested = (
        PACK[:start]
        + "      kind: any\n"  # line 11
        + "      of:\n"
        + "        - {kind: phrase, terms: '{上门}'}\n"
        + "        - kind: frame\n"
        + "          act: '{上门}'\n"  # line 15
        + "          object: ['{你}?的?{住处}', '{你}的?{亲戚}']\n"
        + "          need: [object]\n"
        + PACK[end:]
    )
    path = pack_dir(tmp_path, nested.replace(NO_EXPECT, "")) / "roles.yaml"
    with pytest.raises(PackError) as err:
        build_engine([tmp_path], shipped=False)
    assert str(err.value).startswith(f"{path}:16: XY-THR-201.match: unknown concept {{亲戚}}")


def test_msglint_test_rules_reports_an_unmet_expectation(tmp_path: Path) -> None:
    # a pack of its own over the shipped concepts (its own would clash with theirs)
    pack = tmp_path / "roles.yaml"
    pack.write_text(PACK.replace("EXPECT", "{act: 派人, object: 你单位}"), encoding="utf-8")
    cmd = [sys.executable, "-m", "linter", "test-rules", "--pack", str(pack), str(pack)]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 1, out.stderr
    assert (
        f"FAIL XY-THR-201 ({pack}) trigger[0]: expected act = 派人, object = 你单位; "
        "found act = 派人, object = 你家 (on '派人去你家')"
    ) in out.stdout
    pack.write_text(PACK.replace("EXPECT", "{act: 派人, object: 你家}"), encoding="utf-8")
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 passed, 0 failed — ok" in out.stdout
