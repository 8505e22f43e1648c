"""Inputs a new user meets first: encodings, CSV and XLSX, folders that hold nothing,
.gitignore and --exclude, and ``test-rules`` on a folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from linter.cli import main
from linter.pack_loader import shipped_pack_dir

DATA = Path(__file__).parent / "data" / "packs"
TEST_PACK = DATA / "cli_test_pack.yaml"
ONLY_TEST_RULES = ["--pack", str(TEST_PACK), "--select", "ZH-TST"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:
    code, out, err = run(capsys, "check", "--format", "json", *ONLY_TEST_RULES, *args)
    return code, json.loads(out), err


# --- test-rules FOLDER ------------------------------------------------------------------


def test_test_rules_accepts_a_folder_of_packs(tmp_path: Path, capsys):
    (tmp_path / "sub").mkdir()
    shutil.copy(TEST_PACK, tmp_path / "sub" / TEST_PACK.name)
    code, out, err = run(capsys, "test-rules", str(tmp_path))
    assert (code, err) == (0, "")
    assert out.startswith("2 rules, 4 examples: 4 passed")  # only the folder's rules


def test_test_rules_on_the_shipped_folder_runs_every_shipped_rule(capsys):
    code, out, err = run(capsys, "test-rules", str(shipped_pack_dir()))
    assert (code, err) == (0, "")
    code, every, _ = run(capsys, "test-rules")
    assert out == every


def test_test_rules_on_a_folder_with_no_pack_is_an_error(tmp_path: Path, capsys):
    code, _, err = run(capsys, "test-rules", str(tmp_path))
    assert code == 2
    assert err.strip() == f"msglint: error: {tmp_path}: no pack file (.yaml/.yml) in this folder"


# --- encodings ----------------------------------------------------------------------------

THREAT = "【XX小贷】再不还钱就找人收拾你"


def test_a_gbk_txt_is_read_and_linted_with_the_shipped_packs(tmp_path: Path, capsys):
    f = tmp_path / "gbk.txt"
    f.write_bytes(THREAT.encode("gbk"))
    code, out, err = run(capsys, "check", "--format", "json", str(f))
    doc = json.loads(out)
    (msg,) = doc["messages"]
    assert msg["text"] == THREAT and msg["decision"] == "block"
    assert code == 1 and err == ""


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("gb18030.yaml", "# 注释\nday3: 明天派人上门\n".encode("gb18030")),
        ("bom.yaml", b"\xef\xbb\xbf# \xe6\xb3\xa8\nday3: " + "明天派人上门\n".encode()),
        ("le.yaml", "\ufeff# 注释\nday3: 明天派人上门\n".encode("utf-16-le")),
        ("be.yaml", "\ufeff# 注释\nday3: 明天派人上门\n".encode("utf-16-be")),
        ("u32.yaml", "\ufeff# 注释\nday3: 明天派人上门\n".encode("utf-32-le")),
    ],
)
def test_each_readable_encoding_gives_the_same_finding_at_the_same_place(
    tmp_path: Path, capsys, name: str, data: bytes
):
    f = tmp_path / name
    f.write_bytes(data)
    code, doc, err = check_json(capsys, str(f))
    (msg,) = doc["messages"]
    assert (msg["id"], msg["text"]) == ("day3", "明天派人上门")
    (v,) = msg["violations"]
    assert (v["rule"], v["line"], v["column"]) == ("ZH-TST-001", 2, 9)  # columns in characters
    assert code == 1 and err == ""


def test_a_file_in_no_readable_encoding_is_an_error_and_the_others_are_linted(
    tmp_path: Path, capsys
):
    (tmp_path / "a.txt").write_text("明天派人上门", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes("你这个老赖".encode("gbk"))
    (tmp_path / "logo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "no-nul.txt").write_bytes(b"\x89PNG\r\n\x1a\n")  # GB18030 reads it, as controls
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9")  # invalid in all three
    (tmp_path / "bad-bom.txt").write_bytes(b"\xef\xbb\xbf\xff")
    code, doc, err = check_json(capsys, str(tmp_path))
    assert [m["id"] for m in doc["messages"]] == ["a.txt", "b.txt"]
    assert code == 2  # an unreadable file is an error, never a silent zero
    problems = {Path(p["source"]).name: (p["level"], p["message"]) for p in doc["problems"]}
    assert problems == {
        "logo.txt": ("error", "binary file (NUL bytes; UTF-16 needs a BOM): not linted"),
        "no-nul.txt": ("error", "not text in UTF-8, UTF-16 with a BOM, or GB18030/GBK: not linted"),
        "latin1.txt": ("error", "not text in UTF-8, UTF-16 with a BOM, or GB18030/GBK: not linted"),
        "bad-bom.txt": ("error", "starts with a UTF-8 with BOM mark but byte 3 is not"),
    }
    assert err.count("msglint: error: ") == 4


def _fix(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    import ci_repo

    return run(capsys, "fix", *args, "--pack", str(ci_repo.PACK), "--select", "ZH-CIT")


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("gbk.yaml", lambda s: s.encode("gbk")),
        ("gbk.txt", lambda s: s.encode("gbk")),
        ("u16.yaml", lambda s: "\ufeff".encode("utf-16-be") + s.encode("utf-16-be")),
        ("bom.jsonl", lambda s: b"\xef\xbb\xbf" + s.encode("utf-8")),
    ],
)
def test_fix_writes_back_in_the_encoding_it_read(tmp_path: Path, capsys, name, encode):
    body = {
        ".yaml": "# 催收模板\r\na: 你这个老赖\r\nb: 您好\r\n",
        ".txt": "你这个老赖\r\n第二行",
        ".jsonl": '{"id": "x", "text": "你这个老赖"}\n',
    }[Path(name).suffix]
    f = tmp_path / name
    f.write_bytes(encode(body))
    code, out, err = _fix(capsys, "--diff", str(f))
    assert "-" in out and "+" in out and "客户" in out  # the diff reads the file's encoding
    assert f.read_bytes() == encode(body)
    code, out, err = _fix(capsys, str(f))
    assert (code, err) == (0, "")
    assert f.read_bytes() == encode(body.replace("老赖", "客户"))


def test_fix_round_trip_keeps_gbk_bytes(tmp_path: Path, capsys):
    f = tmp_path / "t.yaml"
    f.write_bytes("# 注释：逾期模板\nday3: 你这个老赖，请今天还款\n".encode("gbk"))
    _fix(capsys, str(f))
    raw = f.read_bytes()
    assert raw.decode("gbk") == "# 注释：逾期模板\nday3: 你这个客户，请今天还款\n"
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
