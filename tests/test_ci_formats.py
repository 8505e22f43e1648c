"""The GitHub and JUnit renderers, as the runner and CI dashboards read them."""

from __future__ import annotations

import re
from pathlib import Path

import ci_repo
import pytest
from junitparser import Error, Failure, JUnitXml

from linter.cli.main import main
from linter.formats.github import command, escape_data, escape_property

# ::kind key=value,key=value::message — values and message without raw newlines
WORKFLOW_COMMAND = re.compile(
    r"^::(error|warning|notice)(?: [A-Za-z]+=[^,:\r\n]*(?:,[A-Za-z]+=[^,:\r\n]*)*)?::[^\r\n]*$"
)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = ci_repo.build(tmp_path / "repo")
    monkeypatch.chdir(root)
    return root


def render(capsys: pytest.CaptureFixture[str], fmt: str, *args: str) -> tuple[int, str]:
    code = main(["check", "templates", "--format", fmt, *args])
    return code, capsys.readouterr().out


def test_escaping_follows_the_runner():
    assert escape_data("50% a\r\nb") == "50%25 a%0D%0Ab"
    assert escape_property("a,b:c%") == "a%2Cb%3Ac%25"
    assert command("error", "x:y, z", file="dir/a,b.yaml", line=3, col=None, title="R:1") == (
        "::error file=dir/a%2Cb.yaml,line=3,title=R%3A1::x:y, z"
    )


def test_github_annotations_point_at_the_lines_of_findings(repo: Path, capsys):
    code, out = render(capsys, "github")
    assert code == 1
    lines = out.rstrip("\n").split("\n")
    *commands, summary = lines
    assert all(WORKFLOW_COMMAND.match(c) for c in commands), commands
    assert commands[0] == (
        "::error file=templates/contacts/emergency.yaml,line=2,col=21,endLine=2,endColumn=23,"
        "title=ZH-CIT-004::测试：向第三人提及欠款 — [0]: 「欠款」"
        "%0A修改建议 fix (manual): 删除欠款信息%0A依据 basis: 测试依据：第四条"
    )
    assert (
        "::error file=templates/overdue.yaml,line=4,col=12,endLine=4,endColumn=14,"
        "title=ZH-CIT-002::测试：辱骂 — overdue.day3: 「老赖」"
        "%0A修改建议 fix (safe): 改为中性称呼%0A依据 basis: 测试依据：第二条"
    ) in commands
    assert any(c.startswith("::warning file=templates/notice.txt,line=1,col=5,") for c in commands)
    assert commands[-1].startswith(
        "::warning file=templates/overdue.yaml,line=10,col=20,title=MSGLINT-SUP-001::"
    )
    assert len(commands) == 7  # 6 findings + 1 unused suppression; the suppressed one is not shown
    assert summary.startswith("msglint: 12 messages, 6 violations")


def test_github_reports_unreadable_files_as_annotations(repo: Path, capsys):
    (repo / "templates/broken.yaml").write_text("a: [unclosed\n", encoding="utf-8")
    (repo / "templates/blob.txt").write_bytes(b"\x00\x01\x02")
    code, out = render(capsys, "github")
    assert code == 2
    assert re.search(
        r"^::error file=templates/broken\.yaml,line=2,title=msglint::does not parse", out, re.M
    )
    assert re.search(r"^::error file=templates/blob\.txt,title=msglint::binary file", out, re.M)


def test_junit_has_one_case_per_message_and_fails_those_at_fail_on(repo: Path, capsys):
    code, out = render(capsys, "junit")
    assert code == 1
    xml = JUnitXml.fromstring(out)
    cases = [(suite.name, case) for suite in xml for case in suite]
    messages = [c for _, c in cases if c.name != "msglint suppressions"]
    assert len(messages) == 12
    assert all(suite == case.classname for suite, case in cases)
    failed = {
        (c.classname, c.name): r.type for c in messages for r in c.result if isinstance(r, Failure)
    }
    assert failed == {
        ("templates/contacts/emergency.yaml", "[0]"): "ZH-CIT-004",
        ("templates/overdue.yaml", "overdue.day3"): "ZH-CIT-002",
        ("templates/overdue.yaml", "overdue.day5"): "ZH-CIT-003",
        ("templates/reminders.json", "sms.second"): "ZH-CIT-002",
    }
    (day3,) = [c for c in messages if c.name == "overdue.day3"]
    assert "templates/overdue.yaml:4:12: ZH-CIT-002 [error] 测试：辱骂" in day3.result[0].text
    assert "测试依据：第二条" in day3.result[0].text
    (notice,) = [c for c in messages if c.name == "notice.txt"]
    assert notice.is_passed and "ZH-CIT-005" in notice.system_out  # a warning, below fail-on
    assert xml.tests == 13 and xml.failures == 4 and xml.errors == 0


def test_junit_fail_on_warning_and_input_errors(repo: Path, capsys):
    (repo / "templates/broken.yaml").write_text("a: [unclosed\n", encoding="utf-8")
    (repo / "templates/blob.txt").write_bytes(b"\x00\x01\x02")
    code, out = render(capsys, "junit", "--fail-on", "warning")
    assert code == 2
    xml = JUnitXml.fromstring(out)
    cases = {(c.classname, c.name): c for suite in xml for c in suite}
    assert isinstance(cases[("templates/notice.txt", "notice.txt")].result[0], Failure)
    unused = cases[("templates/overdue.yaml", "msglint suppressions")]
    assert "MSGLINT-SUP-001" in unused.result[0].text
    assert isinstance(cases[("templates/broken.yaml", "read")].result[0], Error)
    assert isinstance(cases[("templates/blob.txt", "read")].result[0], Error)  # not skipped
    assert xml.failures == 7 and xml.errors == 2


def test_github_says_when_there_are_more_annotations_than_it_shows(
    tmp_path: Path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    Path("t.yaml").write_text("".join(f"m{i}: 你这个老赖\n" for i in range(12)), encoding="utf-8")
    main(
        ["check", "t.yaml", "--format", "github", "--pack", str(ci_repo.PACK), "--select", "ZH-CIT"]
    )
    lines = capsys.readouterr().out.splitlines()
    assert sum(line.startswith("::error ") for line in lines) == 12
    assert lines[-2] == (
        "::notice title=msglint::12 error annotations: GitHub shows 10 per step; "
        "all are in this step's log and in the SARIF report"
    )
