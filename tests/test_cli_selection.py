"""Rule selection: a selector, rule id, category or name that matches no rule is an error
(exit 2, one line naming it and where it came from), never a lint with fewer rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from http_server import free_port

from linter.cli.main import main

TEST_PACK = Path(__file__).parent / "data" / "packs" / "cli_test_pack.yaml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def message_file(tmp_path: Path) -> Path:
    f = tmp_path / "m.txt"
    f.write_text("【XX小贷】再不还钱就找人收拾你", encoding="utf-8")
    return f


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--select", "threats"], "--select: 'threats' matches no rule (did you mean 'threat'?)"),
        (["--select", "threat,nothing-here"], "--select: 'nothing-here' matches no rule"),
        (["--select", "zh-thr"], "--select: 'zh-thr' matches no rule (did you mean 'ZH-THR'?)"),
        (["--select", "threat,"], "--select: '' is empty"),
        (["--ignore", "ZH-THR-999"], "--ignore: 'ZH-THR-999' matches no rule"),
        (["--ignore", "MSGLINT-SUP-009"], "--ignore: 'MSGLINT-SUP-009' matches no rule"),
    ],
)
@pytest.mark.parametrize("command", [["check"], ["fix", "--diff"], ["fix"]])
def test_an_unknown_selector_on_the_command_line_is_exit_2(
    tmp_path: Path, capsys, command: list[str], flags: list[str], named: str
):
    f = message_file(tmp_path)
    before = f.read_bytes()
    code, out, err = run(capsys, *command, *flags, str(f))
    assert code == 2
    assert err.startswith(f"msglint: error: {named}")
    assert err.count("\n") == 1 and out == ""
    assert f.read_bytes() == before  # fix changed nothing


@pytest.mark.parametrize(
    "flags",
    [
        ["--select", "ALL"],
        ["--select", "threat,ZH-ABU,ZH-ID-001,deadbeat-slur"],
        ["--ignore", "MSGLINT-SUP-001,MSGLINT-SUP,contact_time"],
        # a rule of an extra pack counts
        ["--pack", str(TEST_PACK), "--select", "ZH-TST,test-insult"],
    ],
)
def test_selectors_that_match_a_rule_are_accepted(tmp_path: Path, capsys, flags: list[str]):
    code, _, err = run(capsys, "check", *flags, str(message_file(tmp_path)))
    assert code in (0, 1) and "error:" not in err


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ('select = ["threats"]\n', "select: 'threats' matches no rule"),
        ('ignore = ["ZH-THR-999"]\n', "ignore: 'ZH-THR-999' matches no rule"),
        ('[severity]\n"ZH-THR-999" = "info"\n', "severity: 'ZH-THR-999' is not a rule id"),
        # a [severity] key is one rule's id, not a prefix or category
        ('[severity]\n"threat" = "info"\n', "severity: 'threat' is not a rule id"),
        (
            '[per-file-ignores]\n"legacy/**" = ["ZH-ID", "ZH-THR-999"]\n',
            "per-file-ignores.\"legacy/**\": 'ZH-THR-999' matches no rule",
        ),
    ],
)
@pytest.mark.parametrize("command", [["check"], ["fix", "--diff"], ["rules"]])
def test_an_unknown_selector_in_the_config_names_the_file_and_key(
    tmp_path: Path, capsys, command: list[str], config: str, named: str
):
    cfg = tmp_path / "msglint.toml"
    cfg.write_text(config, encoding="utf-8")
    paths = [] if command == ["rules"] else [str(message_file(tmp_path))]
    code, out, err = run(capsys, *command, "--config", str(cfg), *paths)
    assert code == 2
    assert err.startswith(f"msglint: error: {cfg}: {named}")
    assert err.count("\n") == 1 and out == ""


def test_config_selectors_may_name_rules_of_its_packs_and_pseudo_rules(tmp_path: Path, capsys):
    cfg = tmp_path / "msglint.toml"
    cfg.write_text(
        f'packs = ["{TEST_PACK}"]\nselect = ["ZH-TST", "threat"]\n'
        'ignore = ["MSGLINT-SUP-001"]\n[severity]\n"ZH-TST-002" = "info"\n'
        '[per-file-ignores]\n"legacy/**" = ["test-visit", "ZH-ID"]\n',
        encoding="utf-8",
    )
    code, _, err = run(capsys, "check", "--config", str(cfg), str(message_file(tmp_path)))
    assert code == 1 and "error:" not in err


def test_the_server_refuses_to_start_with_an_unknown_selector(tmp_path: Path):
    cfg = tmp_path / "msglint.toml"
    cfg.write_text('select = ["threats"]\n', encoding="utf-8")
    where = ["--host", "127.0.0.1", "--port", str(free_port())]
    proc = subprocess.run(
        [sys.executable, "-m", "linter.cli", "serve", "--config", str(cfg), *where],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,  # a server that starts instead of refusing fails here
    )
    assert proc.returncode == 2
    assert proc.stderr == (
        f"msglint: error: {cfg}: select: 'threats' matches no rule (did you mean 'threat'?)\n"
    )
