"""A malformed pack fails loading with one line naming the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.packs.loader import PackError, build_engine, load_pack, shipped_pack_dir

GOOD_RULE = """\
pack: {name: demo}
rules:
  - id: ZH-DEM-001
    name: demo-rule
    category: threat
    severity: error
    message: {zh: 演示, en: demo}
    basis: [test]
    match: {kind: terms, terms: [上门]}
    fix: {applicability: manual, description: {zh: 改写, en: rewrite}}
    examples:
      trigger: [{text: 明天上门}]
      pass: [{text: 你好}]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_pack_loads(tmp_path: Path):
    pack = load_pack(write(tmp_path, GOOD_RULE))
    assert pack.spec.rules[0].id == "ZH-DEM-001"
    assert len(pack.sha256) == 64


@pytest.mark.parametrize(
    ("change", "line", "field", "reason"),
    [
        (("severity: error", "severity: fatal"), 6, "rules[0].severity", "'error', 'warning'"),
        (("category: threat", "category: rudeness"), 5, "rules[0].category", "Input should be"),
        (("id: ZH-DEM-001", "id: bad id"), 3, "rules[0].id", "should match pattern"),
        (("kind: terms, terms: [上门]", "kind: sonar"), 9, "rules[0].match", "kind"),
        (("      pass: [{text: 你好}]\n", ""), 12, "rules[0].examples.pass", "Field required"),
        (("    basis: [test]\n", ""), 3, "rules[0].basis", "Field required"),
    ],
)
def test_errors_name_file_line_and_field(
    tmp_path: Path, change: tuple[str, str], line: int, field: str, reason: str
):
    path = write(tmp_path, GOOD_RULE.replace(*change))
    with pytest.raises(PackError) as err:
        load_pack(path)
    message = str(err.value)
    assert message.startswith(f"{path}:{line}: {field}: "), message
    assert reason in message
    assert "\n" not in message


def test_yaml_syntax_error_names_the_line(tmp_path: Path):
    path = write(tmp_path, GOOD_RULE.replace("basis: [test]", "basis: [test"))
    with pytest.raises(PackError, match=rf"^{path}:\d+: YAML syntax"):
        load_pack(path)


def test_unknown_term_set_is_an_error(tmp_path: Path):
    path = write(tmp_path, GOOD_RULE.replace("terms: [上门]", "terms: ['@nowhere']"))
    with pytest.raises(PackError, match=rf"^{path}:9: rules\[0\].match.terms: unknown term set"):
        load_pack(path)


def test_bad_regex_is_an_error(tmp_path: Path):
    bad = GOOD_RULE.replace("{kind: terms, terms: [上门]}", "{kind: regex, pattern: '(上门'}")
    path = write(tmp_path, bad)
    with pytest.raises(PackError, match=rf"^{path}:9: rules\[0\].match.pattern: not a valid regex"):
        load_pack(path)


def test_duplicate_rule_ids_across_packs(tmp_path: Path):
    write(tmp_path, GOOD_RULE)
    (tmp_path / "copy.yaml").write_text(GOOD_RULE.replace("demo}", "copy}"), encoding="utf-8")
    with pytest.raises(PackError, match="ZH-DEM-001 is also in"):
        build_engine([tmp_path], shipped=False)


def test_every_shipped_pack_loads():
    files = sorted(shipped_pack_dir().glob("*.yaml"))
    assert files, "no packs shipped"
    for path in files:
        assert load_pack(path).spec.rules


REWRITING_FIX = "fix: {applicability: safe, replacement: 您, description: {zh: 改写, en: rewrite}}"


@pytest.mark.parametrize(
    ("examples", "reason"),
    [
        # no example shows the fixed message
        ("trigger: [{text: 明天上门}]", "a trigger example needs 'fixed:'"),
        # one does, but none in traditional characters
        (
            "trigger: [{text: 明天上门, fixed: 明天您}]",
            "a trigger example in traditional characters needs 'fixed:'",
        ),
        # a traditional example without fixed: does not count
        (
            "trigger: [{text: 明天上门, fixed: 明天您}, {text: 明天上門}]",
            "a trigger example in traditional characters needs 'fixed:'",
        ),
    ],
)
def test_a_rewriting_fix_needs_fixed_examples_in_both_scripts(
    tmp_path: Path, examples: str, reason: str
):
    text = GOOD_RULE.replace(
        "fix: {applicability: manual, description: {zh: 改写, en: rewrite}}", REWRITING_FIX
    ).replace("trigger: [{text: 明天上门}]", examples)
    path = write(tmp_path, text)
    with pytest.raises(PackError) as err:
        load_pack(path)
    message = str(err.value)
    assert message.startswith(f"{path}:3: rules[0]: ZH-DEM-001: "), message
    assert reason in message
    both = "trigger: [{text: 明天上门, fixed: 明天您}, {text: 明天上門, fixed: 明天您}]"
    assert load_pack(write(tmp_path, text.replace(examples, both)))


def test_a_key_written_twice_names_its_file_line_and_field(tmp_path: Path):
    """YAML keeps only the last of two equal keys: a second 'severity:' in a rule, or an
    'examples:' pasted under the wrong concept, would be lost without a word."""
    from linter.core.errors import PackError
    from linter.packs.concept_loader import load_concepts
    from linter.packs.loader import load_pack

    pack = tmp_path / "p.yaml"
    pack.write_text(
        "pack: {name: p, version: '1'}\n"
        "rules:\n"
        "  - id: XX-DUP-001\n"
        "    severity: warning\n"
        "    severity: error\n",
        encoding="utf-8",
    )
    with pytest.raises(PackError) as caught:
        load_pack(pack)
    assert caught.value.line == 5
    assert "rules[0].severity" in str(caught.value)
    assert "written twice (first on line 4)" in str(caught.value)

    folder = tmp_path / "packs"
    (folder / "concepts").mkdir(parents=True)
    (folder / "concepts" / "c.yaml").write_text(
        "concepts:\n"
        "  家人:\n"
        "    label: {zh: 家人, en: family}\n"
        "    terms: [家人]\n"
        "    examples: [你家人]\n"
        "    examples: [谨防上当]\n",
        encoding="utf-8",
    )
    with pytest.raises(PackError) as caught:
        load_concepts([folder])
    assert caught.value.line == 6
    assert "concepts.家人.examples" in str(caught.value)


@pytest.mark.parametrize(
    ("exceptions", "line"),
    [
        ("    exceptions: {unless: [{terms: ['{家人}']}]}\n", 10),
        ("    exceptions: {allow: ['上门{住处}']}\n", 10),
        ("    exceptions:\n      requires:\n        terms: ['{债务话题}']\n", 12),
    ],
    ids=["unless", "allow", "requires"],
)
def test_a_concept_name_in_a_plain_term_is_an_error(tmp_path: Path, exceptions: str, line: int):
    """{家人} in a plain term is read as a template placeholder, so the exception would hold
    for any message with a {slot} in it and never for 家人: refused where it is written."""
    text = GOOD_RULE.replace("    fix:", exceptions + "    fix:")
    path = write(tmp_path, text)
    with pytest.raises(PackError) as err:
        build_engine([path])
    assert str(err.value).startswith(f"{path}:{line}: ZH-DEM-001.exceptions: "), err.value
    assert "is not read as a concept here" in str(err.value)


def test_a_placeholder_in_a_plain_term_is_still_a_slot(tmp_path: Path):
    text = GOOD_RULE.replace("terms: [上门]", "terms: ['尊敬的{name}，明天上门']")
    engine = build_engine([write(tmp_path, text)])
    found = engine.lint("尊敬的{客户姓名}，明天上门拜访。").violations
    assert [v.rule for v in found if v.rule == "ZH-DEM-001"] == ["ZH-DEM-001"]
