"""A template stored without its 【signature】, because the SMS gateway adds one to every
message: ``gateway_signature`` (flag, config, ``[[context]]``, a message's own field) judges
it as sent, and only the signature rules see it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.cli.main import main

UNSIGNED = "您的借款已逾期3天，请于今日内登录App还款。"
LATE_NIGHT = "2026-11-28T23:30"


def check(
    capsys: pytest.CaptureFixture[str], *args: str, stdin: str | None = None
) -> tuple[int, set[str], str]:
    code = main(["check", "--format", "json", *args])
    out, err = capsys.readouterr()
    rules = set()
    if out:
        for message in json.loads(out)["messages"]:
            rules |= {v["rule"] for v in message["violations"]}
    return code, rules, err


@pytest.fixture()
def unsigned(tmp_path: Path) -> Path:
    path = tmp_path / "reminder.txt"
    path.write_text(UNSIGNED + "\n", encoding="utf-8")
    return path


def test_an_unsigned_template_is_missing_its_signature(capsys, unsigned: Path):
    code, rules, _ = check(capsys, str(unsigned))
    assert code == 1 and "ZH-ID-001" in rules


def test_the_gateway_signature_counts_as_the_messages_own(capsys, unsigned: Path):
    code, rules, err = check(capsys, "--gateway-signature", "【安信消费金融】", str(unsigned))
    assert (code, rules, err) == (0, set(), "")
    # written without the brackets it is the same signature
    code, rules, _ = check(capsys, "--gateway-signature", "安信消费金融", str(unsigned))
    assert (code, rules) == (0, set())


def test_a_generic_gateway_signature_is_still_generic(capsys, unsigned: Path):
    code, rules, _ = check(capsys, "--gateway-signature", "【温馨提示】", str(unsigned))
    assert code == 1 and rules == {"ZH-ID-002"}


def test_the_gateway_signature_must_name_the_organisation_known(capsys, unsigned: Path):
    args = ["--organization", "安信消费金融", str(unsigned)]
    code, rules, _ = check(capsys, "--gateway-signature", "【安信消费金融】", *args)
    assert (code, rules) == (0, set())
    code = main(["check", "--format", "json", "--gateway-signature", "【和信资产管理】", *args])
    found = json.loads(capsys.readouterr().out)["messages"][0]["violations"]
    assert [v["rule"] for v in found] == ["ZH-ID-003"]
    # the fix is the gateway's setting, which no edit of the text can make
    assert found[0]["fix"]["applicability"] == "manual" and found[0]["fix"]["replacement"] is None


def test_other_rules_still_see_the_message(capsys, unsigned: Path):
    """The gateway's signature changes what the signature rules see, nothing else: a
    message sent at night is still sent at night."""
    args = ["--gateway-signature", "【安信消费金融】", "--send-at", LATE_NIGHT, str(unsigned)]
    code, rules, _ = check(capsys, *args)
    assert code == 1 and any(r.startswith("ZH-TIME") for r in rules), rules
    assert "ZH-ID-001" not in rules


def test_a_bad_gateway_signature_is_a_usage_error(capsys, unsigned: Path):
    for bad in ("【】", "【安信】【消费金融】", "x" * 31):
        code = main(["check", "--gateway-signature", bad, str(unsigned)])
        _, err = capsys.readouterr()
        assert code == 2 and "--gateway-signature" in err and "1–30" in err, (bad, err)


def test_config_sets_it_for_all_files_and_context_for_some(capsys, tmp_path: Path):
    (tmp_path / "sms").mkdir()
    (tmp_path / "sms" / "a.txt").write_text(UNSIGNED + "\n", encoding="utf-8")
    (tmp_path / "partner").mkdir()
    (tmp_path / "partner" / "b.txt").write_text(UNSIGNED + "\n", encoding="utf-8")
    config = tmp_path / "msglint.toml"
    config.write_text(
        '[[context]]\npaths = ["sms/**"]\ngateway-signature = "【安信消费金融】"\n',
        encoding="utf-8",
    )
    code = main(["check", "--format", "json", "--config", str(config), str(tmp_path)])
    out, _ = capsys.readouterr()
    by_file = {
        Path(m["source"]).parent.name: {v["rule"] for v in m["violations"]}
        for m in json.loads(out)["messages"]
    }
    assert code == 1
    assert by_file["sms"] == set() and "ZH-ID-001" in by_file["partner"], by_file

    config.write_text('gateway-signature = "【安信消费金融】"\n', encoding="utf-8")
    code, rules, _ = check(capsys, "--config", str(config), str(tmp_path))
    assert (code, rules) == (0, set())


def test_a_message_field_sets_it_and_a_bad_one_names_its_line(capsys, tmp_path: Path):
    lines = [
        {"text": UNSIGNED, "gateway_signature": "【安信消费金融】"},
        {"text": UNSIGNED},
        {"text": UNSIGNED, "gateway_signature": ""},
    ]
    path = tmp_path / "messages.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", "utf-8")
    code = main(["check", "--format", "json", str(path)])
    out, err = capsys.readouterr()
    messages = json.loads(out)["messages"]
    assert [sorted(v["rule"] for v in m["violations"]) for m in messages] == [[], ["ZH-ID-001"]]
    assert "messages.jsonl:3" in err and "gateway_signature" in err, err
    assert code != 0
