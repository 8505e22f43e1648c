"""``msglint rules`` in the language asked for, and ``explain`` by id or name."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.cli.main import main
from linter.core.engine import Engine


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def listing_lines(out: str) -> dict[str, str]:
    return {line[2:].split()[0]: line for line in out.splitlines() if line[2:].startswith("ZH-")}


@pytest.mark.parametrize("how", ["flag", "config"])
def test_rules_in_english_print_the_english_messages(
    engine: Engine, tmp_path: Path, capsys, how: str
):
    if how == "flag":
        code, out, _ = run(capsys, "rules", "--lang", "en")
    else:
        cfg = tmp_path / "msglint.toml"
        cfg.write_text('lang = "en"\n', encoding="utf-8")
        code, out, _ = run(capsys, "rules", "--config", str(cfg))
    assert code == 0
    lines = listing_lines(out)
    assert set(lines) == {r.spec.id for r in engine.all_rules}
    for rule in engine.all_rules:
        line = lines[rule.spec.id]
        assert line.endswith(rule.spec.message.en) and rule.spec.message.zh not in line


def test_rules_in_chinese_by_default(engine: Engine, capsys):
    code, out, _ = run(capsys, "rules")
    lines = listing_lines(out)
    assert code == 0
    assert all(lines[r.spec.id].endswith(r.spec.message.zh) for r in engine.all_rules)


@pytest.mark.parametrize("key", ["deadbeat-slur", "DEADBEAT-SLUR", "zh-abu-001", " ZH-ABU-001"])
def test_explain_takes_an_id_or_a_name_in_any_case(capsys, key: str):
    code, out, _ = run(capsys, "explain", key)
    assert code == 0
    assert out.startswith("ZH-ABU-001  deadbeat-slur\n")


def test_explain_in_english_leads_with_english(engine: Engine, capsys):
    rule = engine.rule("ZH-ABU-001")
    assert rule is not None
    code, out, _ = run(capsys, "explain", "--lang", "en", "ZH-ABU-001")
    lines = out.splitlines()
    assert code == 0
    assert lines[2:4] == [f"  {rule.spec.message.en}", f"  {rule.spec.message.zh}"]
    assert f"): {rule.spec.fix.description.en}" in out


@pytest.mark.parametrize(
    ("key", "suggested"),
    [
        ("deadbeat", "deadbeat-slur"),
        ("ZH-ABU-01", "ZH-ABU-010"),
        ("ZH-ABU-0001", "ZH-ABU-001"),
        ("ZH-NOPE-999", None),
    ],
)
def test_explain_an_unknown_rule_is_exit_2_with_close_matches(
    capsys, key: str, suggested: str | None
):
    code, out, err = run(capsys, "explain", key)
    assert code == 2 and out == ""
    assert err.startswith(f"msglint: error: no rule {key!r}") and err.count("\n") == 1
    if suggested:
        assert "did you mean" in err and suggested in err
    else:
        assert "`msglint rules` lists them" in err
