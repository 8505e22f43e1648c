"""bench/retire_check.py: a phrase-list rule is retire-ready only when a trial rule of its
category catches all its trigger examples, fires on none of its pass examples, and
removing it loses no true positive on the labelled sets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RULE = """
  - id: {id}
    name: {name}
    category: threat
    severity: error
    status: {status}
    message: {{zh: 测试, en: test}}
    basis: [测试依据]
    match: {match}
    fix: {{applicability: manual, description: {{zh: 删除, en: remove}}}}
    examples:
      trigger: {trigger}
      pass: {passing}
"""

PACK = "pack: {name: retire_test}\nrules:" + "".join(
    [
        # covered by the trial rule below: its example, its pass, its one labelled message
        RULE.format(
            id="ZH-TST-001",
            name="legs",
            status="active",
            match="{kind: regex, pattern: '打断你的?腿'}",
            trigger="[{text: 再不还钱就打断你的腿}, {text: 明天打断你腿}]",
            passing="[{text: 请按时还款}]",
        ),
        # nothing trial catches its example: removing it loses a true positive
        RULE.format(
            id="ZH-TST-002",
            name="photos",
            status="active",
            match="{kind: regex, pattern: '曝光你的照片'}",
            trigger="[{text: 不还就曝光你的照片}]",
            passing="[{text: 请按时还款}]",
        ),
        # its trial rule also fires on the pass example
        RULE.format(
            id="ZH-TST-003",
            name="knife",
            status="active",
            match="{kind: terms, terms: [拿刀砍你]}",
            trigger="[{text: 再不还就拿刀砍你}]",
            passing="[{text: 电影里他拿刀砍人}]",
        ),
        RULE.format(
            id="ZH-TST-101",
            name="legs-trial",
            status="trial",
            match="{kind: terms, terms: [打断你的腿, 打断你腿, 拿刀砍], boundary: char}",
            trigger="[{text: 再不还钱就打断你的腿}]",
            passing="[{text: 请按时还款}]",
        ),
    ]
)

DATA = """
messages:
  - {id: m1, text: 再不还钱就打断你的腿, labels: [threat]}
  - {id: m2, text: 不还就曝光你的照片, labels: [threat]}
  - {id: m3, text: 请于本月底前还款, labels: []}
"""


def run(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "pack.yaml").write_text(PACK, encoding="utf-8")
    (tmp_path / "data.yaml").write_text(DATA, encoding="utf-8")
    return subprocess.run(
        [
            sys.executable,
            "bench/retire_check.py",
            "--no-shipped",
            "--packs",
            str(tmp_path / "pack.yaml"),
            "--data",
            str(tmp_path / "data.yaml"),
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_verdicts_on_a_small_pack(tmp_path: Path):
    proc = run(tmp_path, "--json")
    assert proc.returncode == 0, proc.stderr
    rows = {r["rule"]: r for r in json.loads(proc.stdout)}
    assert set(rows) == {"ZH-TST-001", "ZH-TST-002", "ZH-TST-003"}  # trial rules are no candidates
    assert rows["ZH-TST-001"]["verdict"] == "retire-ready"
    assert rows["ZH-TST-001"]["caught"] == 2
    assert rows["ZH-TST-002"]["verdict"] == "1 trigger(s) missed, 1 TP lost"
    assert rows["ZH-TST-002"]["missed"] == [0]
    assert rows["ZH-TST-002"]["lost_tp"] == ["m2"]
    assert rows["ZH-TST-003"]["verdict"] == "1 pass hit(s)"
    assert next(r["rule"] for r in json.loads(proc.stdout)) == "ZH-TST-001"  # closest first


def test_table_and_summary(tmp_path: Path):
    proc = run(tmp_path, "--details")
    assert proc.returncode == 0, proc.stderr
    assert "retire-ready   1   within 1-2   2" in proc.stdout
    assert "missed trigger #0: 不还就曝光你的照片" in proc.stdout


def test_the_real_test_half_is_refused(tmp_path: Path):
    folder = tmp_path / "test"
    folder.mkdir()
    (folder / "x.yaml").write_text(DATA, encoding="utf-8")
    proc = run(tmp_path, "--data", str(folder / "x.yaml"))
    assert proc.returncode == 2
    assert "test half" in proc.stderr


def test_lost_tp_is_what_eval_loses_with_the_rule_ignored(tmp_path: Path):
    """One lint per text, rules removed afterwards, gives what rebuilding the engine with
    ``--ignore RULE`` gives (rules do not depend on each other)."""
    rows = {r["rule"]: r for r in json.loads(run(tmp_path, "--json").stdout)}

    def threat_tp(*ignore: str) -> int:
        cmd = [sys.executable, "bench/eval.py", str(tmp_path / "data.yaml"), "--json"]
        cmd += ["--no-shipped", "--packs", str(tmp_path / "pack.yaml"), "--trial", "count"]
        cmd += ["--ignore", *ignore] if ignore else []
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True).stdout
        return json.loads(out)["per_category"]["threat"]["tp"]

    before = threat_tp()
    for rule, row in rows.items():
        assert before - threat_tp(rule) == len(row["lost_tp"]), rule
