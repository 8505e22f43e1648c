"""``msglint fix``: byte-exact edits in every input format, and refusing what it cannot do
in place rather than guessing."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import ci_repo
import pytest

from linter.cli.main import main

ONLY_CI_RULES = ["--pack", str(ci_repo.PACK), "--select", "ZH-CIT"]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def fix(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["fix", *args, *ONLY_CI_RULES])
    out, err = capsys.readouterr()
    return code, out, err


def write(name: str, data: bytes) -> Path:
    path = Path(name)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "before", "after"),
    [
        # plain, quoted and block YAML; comments, order and quoting stay
        (
            "t.yaml",
            "# 头注释\nb: 你这个老赖 # 注释\na: '老赖，老赖'\nc: |\n  第一行老赖\n  老赖\n",
            "# 头注释\nb: 你这个客户 # 注释\na: '客户，客户'\nc: |\n  第一行客户\n  客户\n",
        ),
        ("t.json", '{"z": "老赖",\n "a": {"text": "你这个老赖"}}', None),
        ("t.jsonl", '{"id": "x", "text": "你这个老赖"}\n{"text": "您好"}\n', None),
        ("t.txt", "你这个老赖\n第二行老赖", None),
    ],
)
def test_safe_fixes_replace_only_their_characters(capsys, name, before, after):
    path = write(name, before.encode("utf-8"))
    code, out, _ = fix(capsys, name)
    expected = after if after is not None else before.replace("老赖", "客户")
    assert path.read_bytes() == expected.encode("utf-8")
    assert code == 0
    assert out.rstrip().endswith(("violations remain", "violation remains"))


def test_crlf_and_bom_are_kept(capsys):
    path = write("t.yaml", codecs.BOM_UTF8 + "# 注释\r\na: 你这个老赖\r\nb: 您好\r\n".encode())
    fix(capsys, "t.yaml")
    assert path.read_bytes() == codecs.BOM_UTF8 + "# 注释\r\na: 你这个客户\r\nb: 您好\r\n".encode()


def test_diff_shows_and_changes_nothing(capsys):
    path = write("t.txt", "你这个老赖".encode())
    code, out, err = fix(capsys, "t.txt", "--diff")
    assert code == 1
    assert path.read_bytes() == "你这个老赖".encode()
    assert out == (
        "--- a/t.txt\n+++ b/t.txt\n@@ -1 +1 @@\n-你这个老赖\n\\ No newline at end of file\n"
        "+你这个客户\n\\ No newline at end of file\n"
    )
    assert "1 fix in 1 file, not applied" in err
    write("clean.txt", "您好".encode())
    assert fix(capsys, "clean.txt", "--diff")[0] == 0


def test_unsafe_fixes_need_unsafe(capsys):
    path = write("t.yaml", "a: 明天派人上门，你这个老赖\n".encode())
    code, out, _ = fix(capsys, "t.yaml")
    assert path.read_text(encoding="utf-8") == "a: 明天派人上门，你这个客户\n"
    assert code == 1
    assert "1 violation remains (1 fixable with --unsafe)" in out
    code, out, _ = fix(capsys, "t.yaml", "--unsafe")
    assert path.read_text(encoding="utf-8") == "a: 明天联系您，你这个客户\n"
    assert code == 0


def test_what_cannot_be_fixed_in_place_is_reported_not_guessed(capsys):
    text = (
        'a: "你这个\\u8001赖"\n'  # an escape: the text is not verbatim in the file
        "b: >\n  你这个老赖\n  第二行\n"  # folded: not verbatim either
        'd: "你这个蠢货"\n'  # the replacement has a quote: would not read back
        "e: 你这个老赖  # msglint: disable=ZH-CIT-002 -- 引用原话\n"  # suppressed: left alone
    )
    path = write("t.yaml", text.encode())
    code, out, _ = fix(capsys, "t.yaml")
    assert path.read_text(encoding="utf-8") == text
    assert code == 1
    assert "t.yaml:1:4: ZH-CIT-002 in a not fixed: the message is not written verbatim" in out
    assert "t.yaml:2:4: ZH-CIT-002 in b not fixed: the message is not written verbatim" in out
    assert (
        "t.yaml:5:8: ZH-CIT-006 in d not fixed: "
        "the fixed text would not read back the same from the file" in out
    )
    assert "fixed 0 in 0 files, 3 violations remain" in out


def test_a_fix_that_breaks_the_file_is_not_written_but_others_are(capsys):
    path = write("t.json", '{"a": "你这个蠢货", "b": "你这个老赖"}'.encode())
    fix(capsys, "t.json")
    assert path.read_text(encoding="utf-8") == '{"a": "你这个蠢货", "b": "你这个客户"}'


def test_writes_are_atomic_and_keep_mode_and_symlinks(capsys, tmp_path: Path):
    real = write("real.yaml", "a: 你这个老赖\n".encode())
    os.chmod(real, 0o640)
    link = Path("link.yaml")
    link.symlink_to(real)
    fix(capsys, "link.yaml")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "a: 你这个客户\n"
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.yaml", "real.yaml"]


def test_bad_inputs_exit_2_and_good_files_are_still_fixed(capsys):
    write("bad.yaml", b"a: [\n")
    good = write("good.txt", "你这个老赖".encode())
    code, _, err = fix(capsys, "bad.yaml", "good.txt", "missing.yaml")
    assert code == 2
    assert good.read_text(encoding="utf-8") == "你这个客户"
    assert "bad.yaml" in err and "missing.yaml: no such file or folder" in err
    assert fix(capsys, "bad.yaml", "--diff")[0] == 2


def test_a_span_across_a_block_scalar_line_break_has_no_file_span():
    from linter.formats.file_spans import file_region, file_span
    from linter.run.readers import read_text

    (msg,) = read_text("t.yaml", "c: |\n  你这个老\n  赖\n", Path("t.yaml"), [])
    assert msg.text == "你这个老\n赖\n"
    assert file_span(msg, 0, 3) == (7, 10)
    assert file_region(msg, 3, 6) == (10, 15)  # 老, the newline, the indentation, 赖
    assert file_span(msg, 3, 6) is None  # replacing those characters would eat the indentation


def test_shipped_fixes_write_sentences_in_the_script_of_the_message(capsys):
    # the shipped packs (issue 10): no 您， after a name, traditional stays traditional,
    # a clause rewritten whole rather than a phrase spliced into it
    path = write(
        "t.txt",
        "【安信消费金融】张三你这个老赖，再不还钱\n"
        "【安信消费金融】{name}你这个老赖赶紧还钱\n"
        "【安信消費金融】我們就派人到你家裡找你\n"
        "【安信消费金融】公安机关将于48小时内对您立案\n".encode(),
    )
    assert main(["fix", "t.txt", "--unsafe"]) == 0, capsys.readouterr()
    assert path.read_text(encoding="utf-8") == (
        "【安信消费金融】张三，再不还钱\n"
        "【安信消费金融】{name}，您赶紧还钱\n"
        "【安信消費金融】我司將通過官方客服電話與您聯繫\n"
        "【安信消费金融】我司保留依法主张权利的权利\n"
    )
