"""Rewriting the packs (issue 13): the gate a rewrite passes (``bench/rewrite_check.py``)
and the readability figures (``bench/pack_size.py``), run as their users run them, through
this venv's interpreter, on copies of the shipped packs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PACKS = ROOT / "rules" / "zh-CN"

#: all regex in the shipped packs together may not grow back past this (characters). It is
#: the figure reached by the rewrite; lower it when a rule is retired, never raise it.
REGEX_CEILING = 349
#: the issue's readability target: no regex longer than this in the shipped packs
LONGEST_PATTERN = 300


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def small_set(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A labelled set and an ordinary-message file small enough to lint twice quickly."""
    where = tmp_path_factory.mktemp("sets")
    labelled = where / "set.yaml"
    messages = [
        {"id": "t1", "text": "再不还钱，明天我们就派人去你家。", "labels": ["threat"]},
        {"id": "t2", "text": "您的账单已逾期，请尽快还款。", "labels": []},
    ]
    labelled.write_text(
        yaml.safe_dump({"messages": messages}, allow_unicode=True), encoding="utf-8"
    )
    ordinary = where / "ordinary.txt"
    ordinary.write_text("您的验证码是123456，五分钟内有效。\n", encoding="utf-8")
    return labelled, ordinary


def copy_without(rule_id: str, dest: Path) -> Path:
    """The shipped packs with one rule cut out."""
    shutil.copytree(PACKS, dest)
    for path in dest.glob("*.yaml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        kept = [r for r in doc.get("rules", []) if r["id"] != rule_id]
        if len(kept) != len(doc.get("rules", [])):
            doc["rules"] = kept
            path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
            return dest
    raise AssertionError(f"{rule_id} is not a shipped rule")


def test_rewrite_check_is_clean_for_the_same_packs(small_set: tuple[Path, Path]) -> None:
    labelled, ordinary = small_set
    done = run(
        "bench/rewrite_check.py", "--before", str(PACKS), "--after", str(PACKS),
        "--data", str(labelled), "--benign", str(ordinary), "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["clean"] is True and not doc["lost"] and not doc["new_fp"]
    threat = {(r["group"], r["category"]): r for r in doc["counts"]}[("labelled", "threat")]
    assert threat["tp"] == [1, 1]


def _trigger_index(rule_id: str, words: str) -> int:
    """Where the trigger example holding ``words`` stands in the rule's list (examples get
    added, so a test names an example by its words, not by a fixed index)."""
    for path in PACKS.glob("*.yaml"):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules", []):
            if rule["id"] == rule_id:
                texts = [ex["text"] for ex in rule["examples"]["trigger"]]
                return next(i for i, t in enumerate(texts) if words in t)
    raise LookupError(rule_id)


def test_rewrite_check_names_what_a_removed_rule_caught(
    small_set: tuple[Path, Path], tmp_path: Path
) -> None:
    labelled, ordinary = small_set
    cut = copy_without("ZH-THR-017", tmp_path / "packs")
    done = run(
        "bench/rewrite_check.py", "--before", str(PACKS), "--after", str(cut),
        "--data", str(labelled), "--benign", str(ordinary), "--json",
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    lost = {c["ref"] for c in json.loads(done.stdout)["lost"]}
    # only 017 says it (a reveal offered as a choice; 挨个通知你的同学 is ZH-THR-103's too now)
    only_017 = _trigger_index("ZH-THR-017", "帮你跟HR沟通一下")
    assert f"ZH-THR-017 trigger[{only_017}]" in lost
    assert all(ref.startswith("ZH-THR-017 ") for ref in lost if "trigger" in ref)


def test_rewrite_check_refuses_the_test_half(tmp_path: Path) -> None:
    test_half = sorted((ROOT / "tests" / "data" / "real" / "test").glob("*.yaml"))[0]
    done = run("bench/rewrite_check.py", "--before", str(PACKS), "--data", str(test_half))
    assert done.returncode == 2 and "test half" in done.stderr


def test_pack_size_counts_every_pattern_a_rule_holds(tmp_path: Path) -> None:
    pack = {
        "pack": {"name": "p", "language": "zh-CN"},
        "rules": [
            {
                "id": "XY-1",
                "match": {"kind": "any", "of": [{"kind": "regex", "pattern": "a" * 301}]},
                "exceptions": {"unless": [{"pattern": "bb"}], "requires": {"pattern": "ccc"}},
                "examples": {"trigger": [{"text": "x", "pattern": "not counted"}]},
            },
            {"id": "XY-2", "status": "trial", "match": {"kind": "phrase", "terms": ["{你}"]}},
        ],
    }
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(pack), encoding="utf-8")
    (tmp_path / "concepts").mkdir()
    concepts = {"concepts": {"你": {"terms": ["你 | 您", "你们"], "patterns": ["\\d+"]}}}
    (tmp_path / "concepts" / "c.yaml").write_text(
        yaml.safe_dump(concepts, allow_unicode=True), encoding="utf-8"
    )
    done = run("bench/pack_size.py", str(tmp_path), "--json", "--max-pattern", "300")
    assert done.returncode == 1 and "1 pattern(s) over 300" in done.stderr
    doc = json.loads(done.stdout)
    assert doc["regex_chars"] == 301 + 2 + 3 and doc["patterns"] == 3 and doc["over_300"] == 1
    assert doc["rules"] == {"any": 1, "phrase (trial)": 1}
    assert (doc["concepts"], doc["concept_entries"], doc["concept_pattern_chars"]) == (1, 3, 3)
    assert run("bench/pack_size.py", str(tmp_path), "--max-chars", "306").returncode == 0


def test_the_shipped_regex_does_not_grow_back() -> None:
    done = run("bench/pack_size.py", "--json", "--max-chars", str(REGEX_CEILING))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["regex_chars"] <= REGEX_CEILING


def test_no_shipped_regex_is_longer_than_300_characters() -> None:
    # the gate's exit code (test_pack_size_counts_every_pattern_a_rule_holds shows it fails
    # on a 301-character pattern), and the figure it prints
    done = run("bench/pack_size.py", "--json", "--max-pattern", str(LONGEST_PATTERN))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["over_300"] == 0
