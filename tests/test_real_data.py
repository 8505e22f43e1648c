"""The real-message corpus (tests/data/real/): its split by source, its records, and the eval
on its dev half as a regression gate at the figures reached (issue 12).

The scripts run as their users run them: ``bench/split_real.py`` and ``bench/eval.py``
through this venv's interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "data" / "real"
HALVES = ("dev", "test")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def real_messages(half: str) -> list[dict[str, object]]:
    files = sorted((REAL / half).glob("*.yaml"))
    return [m for p in files for m in yaml.safe_load(p.read_text(encoding="utf-8"))["messages"]]


def write_set(path: Path, messages: list[dict[str, object]]) -> Path:
    path.write_text(yaml.safe_dump({"messages": messages}, allow_unicode=True), encoding="utf-8")
    return path


def message(mid: str, text: str, source: str, labels: list[str], **extra: object) -> dict:
    return {
        "id": mid,
        "text": text,
        "labels": labels,
        "source": source,
        "provenance": "news_report",
        "signature": "not_shown",
        "note": "test",
        **extra,
    }


# --- the corpus in the repository ---------------------------------------------------------


def test_the_halves_share_no_source_and_no_text():
    proc = run("bench/split_real.py", "--check")
    assert proc.returncode == 0, proc.stderr
    for half in HALVES:
        assert real_messages(half), f"the {half} half is empty"


@pytest.mark.parametrize("half", HALVES)
def test_every_real_message_records_where_it_came_from(half: str):
    problems = []
    for m in real_messages(half):
        for key in ("source", "provenance", "signature", "note"):
            if not m.get(key):
                problems.append(f"{m['id']}: no {key}")
        source = str(m.get("source", ""))
        if not (source.startswith(("http://", "https://")) or source.startswith("github:")):
            problems.append(f"{m['id']}: source {source!r} is neither a URL nor github:…")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("figures", "trial"),
    [("dev_figures.json", "info"), ("dev_figures_trial.json", "count")],
    ids=["rules as shipped", "trial rules counted"],
)
def test_the_dev_half_holds_the_figures_reached(figures: str, trial: str):
    """Not a target: the figures recorded when the rules last changed, so a change that
    loses real messages fails here — for the rules as shipped, and with the trial rules
    counted as if active. Raise the file (eval --record) when the figures rise."""
    recorded = (REAL / figures).relative_to(ROOT)
    dev = sorted(str(p.relative_to(ROOT)) for p in (REAL / "dev").glob("*.yaml"))
    proc = run("bench/eval.py", *dev, "--trial", trial, "--at-least", str(recorded))
    assert proc.returncode == 0, proc.stdout[:1500] + proc.stderr


def test_ordinary_messages_raise_no_error():
    """The shared real bank SMS and the written probe: eval's --benign count is zero."""
    shared = ROOT.parent / "shared" / "data" / "benign" / "bank_notifications.txt"
    files = ["tests/data/benign_probe.jsonl"] + ([str(shared)] if shared.is_file() else [])
    dev = sorted(str(p.relative_to(ROOT)) for p in (REAL / "dev").glob("*.yaml"))
    proc = run("bench/eval.py", *dev, "--benign", *files)
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith("ordinary messages:"))
    assert "raising an error: 0 " in line, line


# --- bench/eval.py on small sets ------------------------------------------------------------


def test_a_signature_the_source_does_not_show_is_not_scored(tmp_path: Path):
    body = "您的借款已逾期，请尽快还款。"  # no 【signature】: the rule fires on it
    shown = message("a", body, "https://a.example/1", [], signature="shown")
    hidden = message("b", body + "谢谢。", "https://a.example/2", [], signature="not_shown")
    data = write_set(tmp_path / "set.yaml", [shown, hidden])
    proc = run("bench/eval.py", str(data), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    mi = doc["per_category"]["missing_identification"]
    assert mi["fp"] == 1, doc  # only the message whose whole text the source shows
    assert [m["id"] for m in doc["false_positives"]] == ["a"]
    # and the provenance table counts only it as a compliant message flagged
    assert doc["by_provenance"]["news_report"]["compliant"] == 2, doc
    assert doc["by_provenance"]["news_report"]["flagged"] == 1, doc


def test_at_least_fails_below_the_recorded_figures_and_names_them(tmp_path: Path):
    data = write_set(
        tmp_path / "set.yaml",
        [message("t", "再不还钱，小心你的腿。", "https://b.example/1", ["threat"])],
    )
    record = tmp_path / "figures.json"
    proc = run("bench/eval.py", str(data), "--record", str(record))
    assert proc.returncode == 0, proc.stderr
    recorded = json.loads(record.read_text(encoding="utf-8"))
    assert recorded["threat.recall"] == 1.0
    assert run("bench/eval.py", str(data), "--at-least", str(record)).returncode == 0
    recorded["threat.precision"] = 1.0001
    record.write_text(json.dumps(recorded), encoding="utf-8")
    proc = run("bench/eval.py", str(data), "--at-least", str(record))
    assert proc.returncode == 1
    assert "threat.precision" in proc.stderr


def test_benign_counts_what_ordinary_messages_raise(tmp_path: Path):
    data = write_set(tmp_path / "set.yaml", [message("x", "您好。", "https://c.example", [])])
    plain = tmp_path / "plain.txt"
    plain.write_text(
        "【某银行】您的账单已出，请按时还款。\n\n老赖，再不还钱小心你的腿。\n", "utf-8"
    )
    proc = run("bench/eval.py", str(data), "--benign", str(plain))
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith("ordinary messages:"))
    assert line.startswith("ordinary messages: 2 ")
    assert "raising anything: 1 " in line


def test_describe_counts_without_linting(tmp_path: Path):
    data = write_set(
        tmp_path / "set.yaml",
        [
            message("a", "甲", "https://d.example/1", ["threat"]),
            message("b", "乙", "https://d.example/2", [], context={"channel": "im"}),
        ],
    )
    proc = run("bench/eval.py", str(data), "--describe")
    assert proc.returncode == 0, proc.stderr
    assert "messages: 2   with a content violation: 1" in proc.stdout
    assert "channel: sms 1, im 1" in proc.stdout


def test_an_unknown_provenance_is_an_error_naming_the_field(tmp_path: Path):
    bad = message("a", "甲", "https://e.example", [], provenance="blog")
    proc = run("bench/eval.py", str(write_set(tmp_path / "set.yaml", [bad])), "--describe")
    assert proc.returncode == 2
    assert "messages.0.provenance" in proc.stderr


# --- bench/split_real.py --------------------------------------------------------------------


def test_split_puts_each_source_and_each_reprint_in_one_half(tmp_path: Path):
    msgs = []
    for n in range(6):  # six sites, one threat each
        msgs.append(
            message(f"s{n}", f"第{n}条：明天上门找你{n}", f"https://site{n}.cn/a", ["threat"])
        )
    # one site with three messages, and a reprint of one of them on a platform page
    for n in range(3):
        msgs.append(message(f"b{n}", f"告诉你全家第{n}次", "https://www.big.cn/x", ["threat"]))
    msgs.append(
        message("r0", "转载：告诉你全家第1次", "https://baijiahao.baidu.com/s?id=9", ["threat"])
    )
    msgs.append(message("g0", "您的账单已出", "github:acme/loans@0123abc:sms.properties", []))
    msgs.append(message("g1", "请按时还款", "github:acme/loans@0123abc:other.properties", []))
    msgs.append(message("g2", "还款成功", "https://github.com/acme/loans/issues/5", []))
    incoming = write_set(tmp_path / "incoming.yaml", msgs)
    into = tmp_path / "real"
    proc = run("bench/split_real.py", str(incoming), "--into", str(into))
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((into / "split.json").read_text(encoding="utf-8"))
    assert "big.cn" in manifest  # www. dropped: a domain is a unit
    assert "github:acme/loans" in manifest  # a repository is one unit
    assert manifest["baijiahao.baidu.com/s?id=9"] == manifest["big.cn"]  # reprint joined
    halves = {}
    for half in HALVES:
        for p in (into / half).glob("*.yaml"):
            for m in yaml.safe_load(p.read_text(encoding="utf-8"))["messages"]:
                halves[m["id"]] = half
    assert len(halves) == len(msgs)
    assert len({halves["b0"], halves["b1"], halves["b2"], halves["r0"]}) == 1
    assert halves["g0"] == halves["g1"] == halves["g2"]  # an issue page is its repository
    assert set(halves.values()) == set(HALVES)  # both halves get something
    assert run("bench/split_real.py", "--check", "--into", str(into)).returncode == 0


def test_split_keeps_old_units_in_their_half_when_more_arrive(tmp_path: Path):
    into = tmp_path / "real"
    first = [message(f"a{n}", f"第{n}条", f"https://s{n}.cn", ["threat"]) for n in range(4)]
    assert (
        run(
            "bench/split_real.py", str(write_set(tmp_path / "one.yaml", first)), "--into", str(into)
        ).returncode
        == 0
    )
    before = json.loads((into / "split.json").read_text(encoding="utf-8"))
    later = [message("z", "又一条", "https://s0.cn/other", ["threat"])]
    proc = run(
        "bench/split_real.py", str(write_set(tmp_path / "two.yaml", later)), "--into", str(into)
    )
    assert proc.returncode == 0, proc.stderr
    after = json.loads((into / "split.json").read_text(encoding="utf-8"))
    assert {k: after[k] for k in before} == before
    two = list((into / before["s0.cn"]).glob("two.yaml"))
    assert two, "the new message from s0.cn went to the other half"


def test_split_check_finds_a_source_in_both_halves(tmp_path: Path):
    into = tmp_path / "real"
    (into / "dev").mkdir(parents=True)
    (into / "test").mkdir()
    write_set(into / "dev" / "a.yaml", [message("a", "甲甲", "https://same.cn/1", [])])
    write_set(into / "test" / "a.yaml", [message("b", "乙乙", "https://same.cn/2", [])])
    proc = run("bench/split_real.py", "--check", "--into", str(into))
    assert proc.returncode == 1
    assert "same.cn" in proc.stderr
