"""Inputs a new user meets first: encodings, CSV and XLSX, folders that hold nothing,
.gitignore and --exclude, and ``test-rules`` on a folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from linter.cli.main import main
from linter.packs.loader import shipped_pack_dir

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
    assert out.startswith("2 rules, 5 examples: 5 passed")  # only the folder's rules


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


# --- CSV ----------------------------------------------------------------------------------

CSV = (
    "id,text,recipient,channel,send_at,organization,备注\r\n"
    "m1,明天派人上门,,,,,旧模板\r\n"
    'm2,"您好，请转告张三\n尽快还款",third_party,app,2026-11-28T10:00,XX银行,\r\n'
    ",你这个老赖,,,,,\r\n"
    ",,,,,,空行\r\n"
)


def test_a_csv_is_one_message_per_row_with_its_context(tmp_path: Path, capsys):
    f = tmp_path / "templates.csv"
    f.write_text(CSV, encoding="utf-8", newline="")
    code, doc, err = check_json(capsys, str(f))
    assert err == ""
    msgs = {m["id"]: m for m in doc["messages"]}
    # the header is not a message, an empty text is skipped, m2's quoted cell spans 2 lines
    assert list(msgs) == ["m1", "m2", "line 5"]
    assert msgs["m2"]["text"] == "您好，请转告张三\n尽快还款"
    (visit,) = msgs["m1"]["violations"]
    assert (visit["rule"], visit["line"], visit["column"]) == ("ZH-TST-001", 2, 6)
    (insult,) = msgs["line 5"]["violations"]
    assert (insult["line"], insult["column"]) == (5, 5)
    assert code == 1


def test_csv_columns_give_context_that_changes_the_verdict(tmp_path: Path, capsys):
    f = tmp_path / "t.csv"
    f.write_text(
        "text,recipient,send_at\n您好，请转告张三尽快处理欠款,third_party,\n"
        "您好，请尽快还款,,2026-11-28T23:30\n",
        encoding="utf-8",
    )
    code, out, _err = run(capsys, "check", "--format", "json", str(f))
    by_line = {
        m["line"]: {v["category"] for v in m["violations"]} for m in json.loads(out)["messages"]
    }
    assert "third_party_disclosure" in by_line[2]  # recipient column read
    assert "contact_time" in by_line[3]  # send_at column read
    assert code == 1


def test_a_csv_without_a_text_column_is_an_error_naming_the_file(tmp_path: Path, capsys):
    f = tmp_path / "t.csv"
    f.write_text("id,content\nm1,明天派人上门\n", encoding="utf-8")
    code, doc, err = check_json(capsys, str(f))
    assert code == 2 and doc["messages"] == []
    assert (
        err.strip() == f"msglint: error: {f}:1: needs a 'text' column (header columns: id, content)"
    )


def test_csv_errors_name_the_row_and_the_other_rows_are_linted(tmp_path: Path, capsys):
    f = tmp_path / "t.csv"
    f.write_text(
        "id,text,channel\nm1,明天派人上门,sms\nm2,您好,请还款,sms\nm3,您好,fax\nm4,你这个老赖,\n",
        encoding="utf-8",
    )
    code, doc, err = check_json(capsys, str(f))
    assert [m["id"] for m in doc["messages"]] == ["m1", "m4"]
    assert code == 2
    assert f"{f}:3: 4 cells, the header has 3 (a comma in an unquoted cell?)" in err
    assert f"{f}:4: channel: " in err


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_excel_csvs_with_a_bom_or_in_gbk_are_read(tmp_path: Path, capsys, encoding: str):
    f = tmp_path / "excel.csv"
    f.write_bytes("text,id\r\n明天派人上门,m1\r\n".encode(encoding))
    code, doc, err = check_json(capsys, str(f))
    (msg,) = doc["messages"]
    assert (msg["id"], msg["text"], msg["violations"][0]["column"]) == ("m1", "明天派人上门", 3)
    assert code == 1 and err == ""


def test_fix_edits_a_csv_cell_in_place(tmp_path: Path, capsys):
    f = tmp_path / "t.csv"
    body = 'id,text\r\nm1,你这个老赖\r\nm2,"老赖，""您好"""\r\n'
    f.write_bytes(body.encode("gbk"))
    code, _, err = _fix(capsys, str(f))
    assert (code, err) == (0, "")
    assert f.read_bytes().decode("gbk") == body.replace("老赖", "客户")


def test_stdin_can_be_csv(capsys, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO("text\n明天派人上门\n您好\n"))
    code, doc, _ = check_json(capsys, "--stdin-format", "csv", "-")
    assert [m["id"] for m in doc["messages"]] == ["line 2", "line 3"] and code == 1


# --- XLSX ---------------------------------------------------------------------------------


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_an_xlsx_is_read_sheet_by_sheet_and_located_by_cell(tmp_path: Path, capsys):
    f = _workbook(
        tmp_path / "templates.xlsx",
        {
            "说明": [["本表由合规部维护"]],  # a sheet of notes: no text column, not read
            "短信": [["id", "Text", "recipient"], ["s1", "明天派人上门", None], [None, None, None]],
            "催收话术": [["备注", "text"], ["旧", "你这个老赖"], [None, "您好"]],
        },
    )
    code, doc, err = check_json(capsys, str(f))
    assert err == ""
    got = [(m["id"], m["line"], m["column"], m["text"]) for m in doc["messages"]]
    assert got == [
        ("s1", 2, 2, "明天派人上门"),
        ("催收话术!B2", 2, 2, "你这个老赖"),
        ("催收话术!B3", 3, 2, "您好"),
    ]
    v = doc["messages"][1]["violations"][0]
    assert (v["rule"], v["line"], v["column"]) == ("ZH-TST-002", 2, 2)  # the cell, not a char
    assert code == 1


def test_xlsx_context_columns_are_read(tmp_path: Path, capsys):
    f = _workbook(
        tmp_path / "t.xlsx",
        {
            "Sheet1": [
                ["text", "recipient", "channel"],
                ["您好，请转告张三尽快处理欠款", "third_party", "sms"],
            ]
        },
    )
    code, out, _ = run(capsys, "check", "--format", "json", str(f))
    (msg,) = json.loads(out)["messages"]
    assert "third_party_disclosure" in {v["category"] for v in msg["violations"]}
    assert code == 1


def test_an_xlsx_without_a_text_column_or_not_a_workbook_is_an_error(tmp_path: Path, capsys):
    no_text = _workbook(tmp_path / "a.xlsx", {"Sheet1": [["id", "内容"], ["m1", "明天派人上门"]]})
    fake = tmp_path / "b.xlsx"
    fake.write_text("id,text\n", encoding="utf-8")
    code, _, err = check_json(capsys, str(no_text), str(fake))
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[0] == f"msglint: error: {no_text}: no sheet has a header row with a 'text' column"
    assert lines[1].startswith(f"msglint: error: {fake}: not an .xlsx workbook")


def test_fix_leaves_a_workbook_alone_and_says_what_it_did_not_fix(tmp_path: Path, capsys):
    f = _workbook(tmp_path / "t.xlsx", {"Sheet1": [["text"], ["你这个老赖"]]})
    before = f.read_bytes()
    code, out, _ = _fix(capsys, str(f))
    assert f.read_bytes() == before
    assert "ZH-CIT-002 in Sheet1!A2 not fixed: a spreadsheet is not rewritten" in out
    assert code == 1  # the insult is still there


def test_fix_diff_on_a_workbook_says_what_remains_in_it(tmp_path: Path, capsys):
    f = _workbook(tmp_path / "t.xlsx", {"Sheet1": [["text"], ["你这个老赖"]]})
    code, out, err = _fix(capsys, "--diff", str(f))
    assert out == ""  # a workbook is never rewritten: nothing to diff
    assert f"{f}:2:1: ZH-CIT-002 [error]" in err  # what remains is the cell as it is
    assert "1 message, 1 violation (block 1)" in err
    assert err.rstrip().endswith("msglint: nothing to fix; 1 violation remains")
    assert code == 1


# --- what a folder walk reads -------------------------------------------------------------


def test_an_empty_folder_is_an_error_not_a_quiet_zero(tmp_path: Path, capsys):
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.md").write_text("明天派人上门", encoding="utf-8")
    for folder in ("empty", "notes"):
        code, out, err = run(capsys, "check", *ONLY_TEST_RULES, str(tmp_path / folder))
        assert (code, out) == (2, "")
        assert err.startswith(f"msglint: error: nothing to lint in {tmp_path / folder}: no .txt,")
        assert len(err.splitlines()) == 1
    code, _, err = run(capsys, "fix", *ONLY_TEST_RULES, str(tmp_path / "empty"))
    assert code == 2 and "nothing to lint" in err


def test_a_path_that_does_not_exist_is_an_error(tmp_path: Path, capsys):
    code, _doc, err = check_json(capsys, str(tmp_path / "nope.txt"))
    assert code == 2 and err.strip().endswith("nope.txt: no such file or folder")


def test_an_empty_folder_beside_a_linted_one_is_a_warning(tmp_path: Path, capsys):
    (tmp_path / "empty").mkdir()
    (tmp_path / "t.txt").write_text("您好", encoding="utf-8")
    code, doc, err = check_json(capsys, str(tmp_path / "empty"), str(tmp_path / "t.txt"))
    assert code == 0 and [m["id"] for m in doc["messages"]] == ["t.txt"]
    assert err.strip() == f"msglint: warning: {tmp_path / 'empty'}: no file to lint in this folder"


def test_files_with_no_message_say_so(tmp_path: Path, capsys):
    (tmp_path / "numbers.yaml").write_text("a: 1\nb: [2, 3]\n", encoding="utf-8")
    code, doc, err = check_json(capsys, str(tmp_path))
    assert code == 0 and doc["messages"] == []
    assert err.strip() == "msglint: warning: no message found in the 1 file read"


def _repo(root: Path) -> Path:
    files = {
        ".gitignore": "build/\n*.log.txt\n!keep.log.txt\n",
        "templates/a.txt": "明天派人上门",
        "templates/.gitignore": "drafts/\n",
        "templates/drafts/d.txt": "明天派人上门",
        "templates/legacy/old.txt": "明天派人上门",
        "build/out.txt": "明天派人上门",
        "x.log.txt": "明天派人上门",
        "keep.log.txt": "明天派人上门",
        "schemas/report.schema.json": '{"title": "明天派人上门"}',
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "info").mkdir()
    (root / ".git" / "info" / "exclude").write_text("/templates/legacy/\n", encoding="utf-8")
    return root


def _sources(doc: dict, root: Path) -> list[str]:
    return sorted(
        Path(m["source"]).resolve().relative_to(root.resolve()).as_posix() for m in doc["messages"]
    )


def test_a_folder_walk_honours_gitignore_at_every_level(tmp_path: Path, capsys, monkeypatch):
    root = _repo(tmp_path)
    monkeypatch.chdir(root)
    _, doc, _ = check_json(capsys, str(root))
    assert _sources(doc, root) == ["keep.log.txt", "schemas/report.schema.json", "templates/a.txt"]
    # a walk that starts below the root still reads the root's .gitignore and info/exclude
    (root / "templates" / "build").mkdir()
    (root / "templates" / "build" / "b.txt").write_text("您好", encoding="utf-8")
    _, doc, _ = check_json(capsys, "templates")
    assert _sources(doc, root) == ["templates/a.txt"]
    # a file named on the command line is read even when ignored
    _, doc, _ = check_json(capsys, "build/out.txt", "templates")
    assert _sources(doc, root) == ["build/out.txt", "templates/a.txt"]


def test_exclude_on_the_command_line_and_in_the_config(tmp_path: Path, capsys, monkeypatch):
    root = _repo(tmp_path)
    monkeypatch.chdir(root)
    _, doc, _ = check_json(capsys, ".", "--exclude", "*.schema.json", "--exclude", "templates/")
    assert _sources(doc, root) == ["keep.log.txt"]
    (root / "msglint.toml").write_text('exclude = ["schemas/", "keep.*"]\n', encoding="utf-8")
    _, doc, _ = check_json(capsys, ".")
    assert _sources(doc, root) == ["templates/a.txt"]
    # the config's globs are relative to the config, wherever msglint runs from
    monkeypatch.chdir(root / "templates")
    _, doc, _ = check_json(capsys, "..")
    assert _sources(doc, root) == ["templates/a.txt"]
    # named explicitly: read although excluded (as ruff does)
    _, doc, _ = check_json(capsys, "../schemas/report.schema.json")
    assert _sources(doc, root) == ["schemas/report.schema.json"]


def test_fix_walks_the_same_way(tmp_path: Path, capsys, monkeypatch):
    for name in ("a/t.txt", "b/t.txt", "a/.gitignore"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(
            "*.yaml\n" if name.endswith("ignore") else "你这个老赖", "utf-8"
        )
    (tmp_path / "a" / "t.yaml").write_text("m: 你这个老赖\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = _fix(capsys, ".", "--exclude", "b")
    assert (code, err) == (0, "")
    assert (tmp_path / "a" / "t.txt").read_text("utf-8") == "你这个客户"
    assert (tmp_path / "b" / "t.txt").read_text("utf-8") == "你这个老赖"  # excluded
    assert (tmp_path / "a" / "t.yaml").read_text("utf-8") == "m: 你这个老赖\n"  # .gitignored


def test_a_bad_exclude_in_the_config_is_an_error_naming_the_key(
    tmp_path: Path, capsys, monkeypatch
):
    (tmp_path / "msglint.toml").write_text('exclude = "schemas/"\n', encoding="utf-8")
    (tmp_path / "t.txt").write_text("您好", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "check", "t.txt")
    assert code == 2 and "msglint.toml: exclude: Input should be a valid list" in err


def test_the_packs_a_run_loads_are_not_read_as_messages(tmp_path: Path, capsys, monkeypatch):
    packs = tmp_path / "compliance" / "packs"
    packs.mkdir(parents=True)
    shutil.copy(TEST_PACK, packs / TEST_PACK.name)
    (tmp_path / "msglint.toml").write_text(
        'packs = ["compliance/packs"]\nselect = ["ZH-TST"]\n', encoding="utf-8"
    )
    (tmp_path / "t.txt").write_text("明天派人上门", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "check", "--format", "json", ".")
    assert _sources(json.loads(out), tmp_path) == ["t.txt"]
    assert code == 1
