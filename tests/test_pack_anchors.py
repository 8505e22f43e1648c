"""Declared anchors: what lets the engine skip a regex rule is written in the pack, checked
when the pack loads and proved sound here, never derived from the pattern at run time."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from linter.core.engine import Engine
from linter.core.matchers import normalise_term
from linter.core.models import MessageContext
from linter.core.rule_spec import RuleSpec
from linter.packs.loader import build_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from regex_anchors import anchors_proved, required_literals

PYTHON = sys.executable


def _shipped_regexes(engine: Engine) -> list[tuple[str, str, frozenset[str] | None]]:
    """(rule id, pattern, anchors declared in the pack) of every shipped pattern."""
    out = []
    for pack in engine.packs:
        for rule in pack.spec.rules:
            for part in _patterns(rule):
                declared = getattr(part, "anchors", None)
                anchors = None if declared is None else frozenset(map(normalise_term, declared))
                out.append((rule.id, part.pattern, anchors))
    return out


def _patterns(rule: RuleSpec) -> list[Any]:
    """The spec objects in a rule that hold a ``pattern``."""
    found: list[Any] = []

    def walk(value: object) -> None:
        if isinstance(value, BaseModel):
            if (
                isinstance(getattr(value, "pattern", None), str)
                and "pattern" in type(value).model_fields
            ):
                found.append(value)
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(rule.match)
    walk(rule.exceptions)
    return found


def test_every_shipped_regex_that_can_have_anchors_declares_sound_ones(engine: Engine):
    regexes = _shipped_regexes(engine)
    # the walk found the shipped regexes (their number falls as rules move to concepts)
    assert regexes
    undeclared = [
        rid for rid, pattern, anchors in regexes if anchors is None and required_literals(pattern)
    ]
    assert not undeclared, f"run tools/pack_anchors.py --write: no anchors in {undeclared}"
    unsound = [
        rid
        for rid, pattern, anchors in regexes
        if anchors is not None and not anchors_proved(pattern, anchors)
    ]
    assert not unsound, f"declared anchors not proved for {unsound}"


def test_a_branch_added_without_an_anchor_is_caught(engine: Engine):
    # any shipped regex with declared anchors (the rules are being rewritten in concepts one
    # by one, so the test names none of them)
    regexes = _shipped_regexes(engine)
    _rid, pattern, anchors = next(r for r in regexes if r[2] and "新加" not in r[2])
    assert anchors is not None and anchors_proved(pattern, anchors)
    assert not anchors_proved(pattern + "|新加的说法", anchors)
    assert anchors_proved(pattern + "|新加的说法", anchors | {"新加"})


def _pack(tmp_path: Path, match: str, trigger: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            pack: {{name: mine}}
            rules:
              - id: XX-ANC-001
                name: sued
                category: misleading_legal
                severity: error
                message: {{zh: 起诉, en: sued}}
                basis: [test]
                match: {match}
                fix: {{description: {{zh: 删除, en: remove}}}}
                examples:
                  trigger: [{{text: "{trigger}"}}]
                  pass: [{{text: 您好}}]
            """
        ),
        encoding="utf-8",
    )
    return path


def test_a_trigger_example_without_an_anchor_is_a_load_error(tmp_path: Path):
    pack = _pack(tmp_path, "{kind: regex, pattern: '(?:起诉|告)你', anchors: [起诉]}", "我们要告你")
    proc = subprocess.run(
        [PYTHON, "-m", "linter", "check", "--pack", str(pack), "-"],
        input="您好",
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert str(pack) in proc.stderr and "XX-ANC-001" in proc.stderr
    assert "我们要告你" in proc.stderr and "anchors" in proc.stderr


def test_a_regex_without_anchors_always_runs(tmp_path: Path):
    pack = _pack(tmp_path, "{kind: regex, pattern: '(?:起诉|告)你'}", "我们要告你")
    engine = build_engine([pack], shipped=False)
    rule = engine.rule("XX-ANC-001")
    assert rule is not None and rule.triggers is None
    found = engine.lint("再不还我们就告你", MessageContext()).violations
    assert [v.rule for v in found] == ["XX-ANC-001"]


def test_shipped_patterns_compile_on_first_run_and_jieba_loads_what_the_text_needs():
    """One message costs the regexes its words may match and the dictionary entries of its
    characters, not every pattern of every pack and the whole dictionary."""
    code = textwrap.dedent(
        """
        from linter.core.rule_spec import compile_pack_regex
        from linter.packs.loader import build_engine
        engine = build_engine()
        print(compile_pack_regex.cache_info().currsize)
        engine.lint("【招商银行】尊敬的客户，您的信用卡本期账单已出，请按时还款。")
        print(compile_pack_regex.cache_info().currsize)
        print(len(engine.tokenizer._jieba.FREQ))
        engine.warm()
        print(compile_pack_regex.cache_info().currsize)
        print(len(engine.tokenizer._jieba.FREQ))
        """
    )
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True)
    at_load, after_lint, freq_lint, warm, freq_warm = map(int, out.stdout.split())
    assert at_load == 0
    assert after_lint < warm / 10
    assert warm > 0  # distinct patterns (the cache holds each once; fewer as rules go to concepts)
    assert freq_lint < freq_warm / 10 and freq_warm > 300_000
