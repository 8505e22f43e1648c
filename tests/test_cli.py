"""The msglint command: inputs, formats, positions, config and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from linter.cli.main import main

TEST_PACK = Path(__file__).parent / "data" / "packs" / "cli_test_pack.yaml"
ONLY_TEST_RULES = ["--pack", str(TEST_PACK), "--select", "ZH-TST"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code, out, _ = run(capsys, "check", "--format", "json", *ONLY_TEST_RULES, *args)
    return code, json.loads(out)


def test_txt_file_is_one_message_with_positions(tmp_path: Path, capsys):
    f = tmp_path / "reminder.txt"
    f.write_text("第一行\n明天派人上门\n", encoding="utf-8")
    code, doc = check_json(capsys, str(f))
    assert code == 1
    (msg,) = doc["messages"]
    assert msg["decision"] == "block"
    (v,) = msg["violations"]
    assert (v["rule"], v["matched"], v["line"], v["column"]) == ("ZH-TST-001", "派人上门", 2, 3)
    assert msg["text"][v["start"] : v["end"]] == "派人上门"


def test_yaml_key_paths_lines_and_columns(tmp_path: Path, capsys):
    f = tmp_path / "templates.yaml"
    f.write_text(
        "overdue:\n"
        "  day3: 您好，明天派人上门\n"
        "  day7: '你这个老赖'\n"
        "  block: |\n"
        "    第一行\n"
        "    明天派人上门\n"
        "contacts:\n"
        "  - text: 请转告张三\n"
        "    recipient: third_party\n",
        encoding="utf-8",
    )
    code, doc = check_json(capsys, str(f))
    assert code == 1
    by_id = {m["id"]: m for m in doc["messages"]}
    assert set(by_id) == {"overdue.day3", "overdue.day7", "overdue.block", "contacts[0]"}
    day3 = by_id["overdue.day3"]["violations"][0]
    assert (day3["line"], day3["column"]) == (2, 14)
    day7 = by_id["overdue.day7"]["violations"][0]
    assert (day7["line"], day7["column"]) == (3, 13)
    block = by_id["overdue.block"]["violations"][0]
    assert (block["line"], block["column"]) == (6, 7)
    assert by_id["contacts[0]"]["violations"] == []


def test_json_file(tmp_path: Path, capsys):
    f = tmp_path / "t.json"
    f.write_text('{"a": {"b": "明天派人上门"}, "n": 3}', encoding="utf-8")
    code, doc = check_json(capsys, str(f))
    (msg,) = doc["messages"]
    assert msg["id"] == "a.b"
    assert (msg["violations"][0]["line"], msg["violations"][0]["column"]) == (1, 16)
    assert code == 1


def test_jsonl_with_context_and_a_bad_line(tmp_path: Path, capsys):
    f = tmp_path / "batch.jsonl"
    f.write_text(
        '{"id": "m1", "text": "明天派人上门"}\n'
        "not json\n"
        '{"id": "m2", "text": "您好", "recipient": "third_party"}\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "check", "--format", "json", *ONLY_TEST_RULES, str(f))
    doc = json.loads(out)
    assert [m["id"] for m in doc["messages"]] == ["m1", "m2"]  # the rest is still linted
    assert doc["messages"][0]["violations"][0]["line"] == 1
    assert code == 2  # but the bad line makes the run an error
    assert f"{f}:2: not JSON" in err


def test_folder_recurses_and_reports_broken_files(tmp_path: Path, capsys):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "ok.txt").write_text("您好", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("a: [unclosed\n", encoding="utf-8")
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "latin.txt").write_bytes("caf\xe9".encode("latin-1"))
    code, out, err = run(capsys, "check", "--format", "json", *ONLY_TEST_RULES, str(tmp_path))
    doc = json.loads(out)
    assert [m["id"] for m in doc["messages"]] == ["ok.txt"]
    assert code == 2
    assert "bad.yaml" in err and "does not parse" in err
    assert "blob.txt: binary file" in err and "latin.txt: not text in UTF-8" in err


def test_stdin_and_text_format(monkeypatch, capsys):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("你这个老赖"))
    code, out, _ = run(capsys, "check", *ONLY_TEST_RULES, "-")
    assert code == 0  # a warning is below the default fail-on (error)
    assert "<stdin>: ZH-TST-002 [warning]" in out
    assert "^^^^" in out  # the span is marked under the text
    assert "fix (safe): '老赖' → ''" in out


def test_fail_on_warning(monkeypatch, capsys):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("你这个老赖"))
    code, _, _ = run(capsys, "check", *ONLY_TEST_RULES, "--fail-on", "warning", "-")
    assert code == 1


def test_clean_input_exits_zero(tmp_path: Path, capsys):
    f = tmp_path / "ok.txt"
    f.write_text("您好，请按时还款", encoding="utf-8")
    code, doc = check_json(capsys, str(f))
    assert code == 0
    summary = doc["summary"]
    assert (summary["messages"], summary["violations"], summary["by_category"]) == (1, 0, {})
    assert doc["messages"][0]["decision"] == "allow"


def test_config_file_ignore_and_severity(tmp_path: Path, capsys):
    cfg = tmp_path / "msglint.toml"
    cfg.write_text(
        f'packs = ["{TEST_PACK}"]\nselect = ["ZH-TST"]\nfail-on = "warning"\n'
        '[severity]\n"ZH-TST-001" = "info"\n',
        encoding="utf-8",
    )
    f = tmp_path / "m.txt"
    f.write_text("明天派人上门", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--config", str(cfg), "--format", "json", str(f))
    doc = json.loads(out)
    assert doc["messages"][0]["violations"][0]["severity"] == "info"
    assert code == 0  # info is below fail-on warning


def test_pyproject_tool_section_is_found(tmp_path: Path, capsys, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.msglint]\npacks = ["{TEST_PACK}"]\nignore = ["ZH-TST-001"]\n', encoding="utf-8"
    )
    (tmp_path / "m.txt").write_text("明天派人上门", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "check", "--select", "ZH-TST", "--format", "json", "m.txt")
    assert json.loads(out)["messages"][0]["violations"] == []
    assert code == 0


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ('fail-on = "sometimes"\n', "fail-on"),
        ("colour = true\n", "colour"),
        ("select = [\n", "not valid TOML"),
        ('contact-hours = ["8", "21:00"]\n', "contact-hours"),
    ],
)
def test_bad_config_is_one_line_exit_2(tmp_path: Path, capsys, config: str, expected: str):
    cfg = tmp_path / "msglint.toml"
    cfg.write_text(config, encoding="utf-8")
    (tmp_path / "m.txt").write_text("您好", encoding="utf-8")
    code, _, err = run(capsys, "check", "--config", str(cfg), str(tmp_path / "m.txt"))
    assert code == 2
    assert err.startswith(f"msglint: error: {cfg}: ") and expected in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_broken_pack_is_exit_2_naming_file_and_line(tmp_path: Path, capsys):
    pack = tmp_path / "broken.yaml"
    pack.write_text(TEST_PACK.read_text("utf-8").replace("severity: warning", "severity: loud"))
    code, _, err = run(capsys, "check", "--pack", str(pack), "-")
    assert code == 2
    assert f"{pack}:" in err and "severity" in err


def test_usage_errors(capsys):
    code, _, err = run(capsys, "check")
    assert code == 2 and "nothing to check" in err
    code, _, err = run(capsys, "explain", "ZH-NOPE-999")
    assert code == 2 and "no rule" in err


def test_test_rules_reports_failures(tmp_path: Path, capsys):
    pack = tmp_path / "wrong.yaml"
    pack.write_text(
        TEST_PACK.read_text("utf-8").replace("pass: [{text: 您好}]", "pass: [{text: 老赖}]"),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "test-rules", "--pack", str(pack), str(pack))
    assert code == 1
    assert "FAIL ZH-TST-002" in out and "pass[0]: raised on '老赖'" in out


def test_rules_and_explain(capsys):
    code, out, _ = run(capsys, "rules", "--pack", str(TEST_PACK), "--format", "json")
    ids = {r["id"] for r in json.loads(out)["rules"]}
    assert code == 0 and {"ZH-TST-001", "ZH-TST-002"} <= ids
    code, out, _ = run(capsys, "explain", "--pack", str(TEST_PACK), "zh-tst-002")
    assert code == 0 and "test basis" in out and "你这个老赖" in out


def test_the_installed_command_runs():
    proc = subprocess.run(
        # the console script this venv installed, not whatever ``msglint`` is on PATH
        [Path(sys.executable).parent / "msglint", "check", *ONLY_TEST_RULES, "-"],
        input="明天派人上门",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "ZH-TST-001" in proc.stdout


def test_test_rules_accepts_relative_paths_of_shipped_packs(capsys, monkeypatch):
    from linter.packs.loader import shipped_pack_dir

    monkeypatch.chdir(shipped_pack_dir())
    code, out, _ = run(capsys, "test-rules", "contact_time.yaml")
    assert code == 0
    assert out.strip().endswith("— ok") and out.startswith("1 rule, ")
