"""The send-time window is the recipient's local time: ``send_at`` in any offset is converted
into the recipient's time zone (message, CLI, config paths, config default, else Asia/Shanghai);
a date alone is an error; ``contact-hours`` may only narrow the legal 08:00–22:00 window."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from http_server import Server, start_server
from pydantic import ValidationError

from linter.cli.main import main
from linter.core.engine import Engine
from linter.core.models import MessageContext
from linter.core.options import EngineOptions
from linter.packs.loader import build_engine

#: A message no shipped rule but the send-time rule has anything to say about.
CLEAN = "【XX银行】您的借款已逾期，请尽快还款。"
TIME_RULE = "ZH-TIME-001"
MSGLINT = Path(sys.executable).parent / "msglint"

#: One send-time rule with the pack's own window, for engines built with other options.
TIME_PACK = """
pack: {name: time_only, language: zh-CN}
rules:
  - id: ZH-TTM-001
    name: test-send-time
    category: contact_time
    severity: error
    message: {zh: 测试：发送时段, en: "test: send time"}
    basis: [test]
    match: {kind: send_time, earliest: "08:00", latest: "22:00"}
    fix: {applicability: manual, description: {zh: 改时间, en: reschedule}}
    examples:
      trigger: [{text: 提醒, context: {send_at: "2026-03-01T22:30:00+08:00"}}]
      pass: [{text: 提醒, context: {send_at: "2026-03-01T21:30:00+08:00"}}]
"""


def fires(engine: Engine, **context: object) -> bool:
    outcome = engine.lint(CLEAN, MessageContext.model_validate(context))
    return TIME_RULE in [v.rule for v in outcome.violations]


# ---- conversion into the recipient's zone --------------------------------------------------


@pytest.mark.parametrize(
    ("send_at", "timezone", "outside"),
    [
        # the cases: UTC times that are late evening in Beijing
        ("2026-11-28T15:30Z", None, True),  # 23:30 Beijing
        ("2026-11-28T14:30:00+00:00", None, True),  # 22:30 Beijing
        ("2026-11-28T13:30Z", None, False),  # 21:30 Beijing
        ("2026-11-27T23:30Z", None, True),  # 07:30 Beijing
        ("2026-11-28T21:30", None, False),  # naive: read in Asia/Shanghai
        ("2026-11-28T22:00", None, True),
        # Asia/Kolkata is +05:30
        ("2026-11-28T16:15Z", "Asia/Kolkata", False),  # 21:45 IST
        ("2026-11-28T16:45Z", "Asia/Kolkata", True),  # 22:15 IST
        ("2026-11-28T02:30Z", "Asia/Kolkata", False),  # 08:00 IST: the window opens
        ("2026-11-28T21:30", "Asia/Kolkata", False),  # naive: read in Kolkata
        ("2026-11-28T23:50+08:00", "Asia/Kolkata", False),  # 21:20 IST
        # America/New_York: the same UTC time falls either side of 22:00 by DST
        ("2026-07-01T02:30Z", "America/New_York", True),  # 22:30 EDT (UTC-4)
        ("2026-12-01T02:30Z", "America/New_York", False),  # 21:30 EST (UTC-5)
        ("2026-03-07T12:30Z", "America/New_York", True),  # 07:30 EST, the day before DST
        ("2026-03-08T12:30Z", "America/New_York", False),  # 08:30 EDT, the day DST starts
        ("2026-11-28T12:00+08:00", "America/New_York", True),  # 23:00 EST the day before
        ("2026-11-28T10:00+08:00", "America/New_York", False),  # 21:00 EST the day before
        ("2026-11-28T07:30", "America/New_York", True),  # naive: 07:30 in New York
    ],
)
def test_send_at_is_judged_on_the_recipients_clock(
    engine: Engine, send_at: str, timezone: str | None, outside: bool
):
    context = {"send_at": send_at, **({"timezone": timezone} if timezone else {})}
    assert fires(engine, **context) is outside


def test_the_engine_default_zone_comes_from_its_options(tmp_path: Path):
    pack = tmp_path / "time.yaml"
    pack.write_text(TIME_PACK, encoding="utf-8")
    opts = EngineOptions(select=["ZH-TTM"], timezone="America/New_York")
    eng = build_engine([pack], opts, shipped=False)

    def rules(**ctx: object) -> list[str]:
        return [v.rule for v in eng.lint("提醒", MessageContext.model_validate(ctx)).violations]

    assert rules(send_at="2026-11-28T21:30Z") == []  # 16:30 in New York
    assert rules(send_at="2026-11-28T21:30Z", timezone="Asia/Shanghai") == ["ZH-TTM-001"]


# ---- strict parsing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["2026-11-28", " 2026-11-28 ", "1764343800", 1764343800, 1764343800.0, date(2026, 11, 28)],
)
def test_send_at_needs_a_time_of_day(value: object):
    with pytest.raises(ValidationError) as info:
        MessageContext.model_validate({"send_at": value})
    assert info.value.errors()[0]["loc"] == ("send_at",)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-28T21:30", datetime(2026, 11, 28, 21, 30)),
        ("2026-11-28 21:30:15", datetime(2026, 11, 28, 21, 30, 15)),
        ("2026-11-28T13:30Z", datetime.fromisoformat("2026-11-28T13:30+00:00")),
        ("2026-11-28T21:30:00.5+08:00", datetime.fromisoformat("2026-11-28T21:30:00.5+08:00")),
    ],
)
def test_send_at_takes_iso_date_and_time(value: str, expected: datetime):
    assert MessageContext.model_validate({"send_at": value}).send_at == expected


@pytest.mark.parametrize("name", ["Mars/Base", "asia/shanghai", "+08:00", "../etc/passwd", "", 8])
def test_unknown_time_zone_is_an_error_naming_the_field(name: object):
    with pytest.raises(ValidationError) as info:
        MessageContext.model_validate({"timezone": name})
    err = info.value.errors()[0]
    assert err["loc"] == ("timezone",) and "IANA time zone" in err["msg"]


# ---- the command line ----------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def decisions(out: str) -> dict[str, str]:
    return {m["id"]: m["decision"] for m in json.loads(out)["messages"]}


@pytest.fixture()
def message(tmp_path: Path) -> Path:
    f = tmp_path / "m.txt"
    f.write_text(CLEAN, encoding="utf-8")
    return f


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--send-at", "2026-11-28T15:30Z"], 1),
        (["--send-at", "2026-11-28T14:30:00+00:00"], 1),
        (["--send-at", "2026-11-28T13:30Z"], 0),
        (["--send-at", "2026-11-28T14:30:00+00:00", "--timezone", "America/New_York"], 0),
        (["--send-at", "2026-11-28T21:30", "--timezone", "Asia/Kolkata"], 0),
        (["--send-at", "2026-11-28T16:45Z", "--timezone", "Asia/Kolkata"], 1),
    ],
)
def test_cli_send_at_and_timezone(capsys, message: Path, args: list[str], code: int):
    got, out, _ = run(
        capsys, "check", "--select", "ZH-TIME", "--format", "json", *args, str(message)
    )
    assert got == code
    assert decisions(out)["m.txt"] == ("block" if code else "allow")


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--send-at", "2026-11-28"], "--send-at"),
        (["--send-at", "1764343800"], "--send-at"),
        (["--send-at", "2026-11-28T21:30", "--timezone", "Mars/Base"], "--timezone"),
    ],
)
def test_cli_bad_time_flag_is_one_line_exit_2(capsys, tmp_path: Path, args: list[str], flag: str):
    many = tmp_path / "many.jsonl"
    many.write_text("".join(json.dumps({"text": CLEAN}) + "\n" for _ in range(3)), "utf-8")
    code, out, err = run(capsys, "check", *args, str(many))
    assert code == 2 and out == ""
    assert err.startswith(f"msglint: error: {flag}: ") and err.count("\n") == 1


def test_installed_command_judges_utc_in_beijing_time(message: Path):
    done = subprocess.run(
        [str(MSGLINT), "check", "--format", "json", "--send-at", "2026-11-28T15:30Z", str(message)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    (msg,) = json.loads(done.stdout)["messages"]
    assert [v["rule"] for v in msg["violations"]] == [TIME_RULE]


# ---- files: JSONL and YAML context, precedence ---------------------------------------------


def test_jsonl_timezone_and_precedence_over_the_flag(capsys, tmp_path: Path):
    lines = [
        {
            "id": "own-zone",
            "text": CLEAN,
            "send_at": "2026-11-28T12:00Z",
            "timezone": "Asia/Kolkata",
        },
        {"id": "flag-zone", "text": CLEAN, "send_at": "2026-11-28T12:00Z"},  # 07:00 in New York
        {
            "id": "naive-own",
            "text": CLEAN,
            "send_at": "2026-11-28T21:30",
            "timezone": "Asia/Kolkata",
        },
    ]
    f = tmp_path / "batch.jsonl"
    f.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    args = ("check", "--select", "ZH-TIME", "--format", "json", "--timezone", "America/New_York")
    code, out, _ = run(capsys, *args, str(f))
    assert code == 1
    assert decisions(out) == {"own-zone": "allow", "flag-zone": "block", "naive-own": "allow"}


def test_jsonl_bad_send_at_or_zone_names_line_and_field(capsys, tmp_path: Path):
    lines = [
        {"id": "ok", "text": CLEAN, "send_at": "2026-11-28T13:30Z"},
        {"id": "date-only", "text": CLEAN, "send_at": "2026-11-28"},
        {"id": "bad-zone", "text": CLEAN, "send_at": "2026-11-28T13:30Z", "timezone": "Mars/Base"},
    ]
    f = tmp_path / "batch.jsonl"
    f.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    code, out, err = run(capsys, "check", "--select", "ZH-TIME", "--format", "json", str(f))
    assert code == 2
    assert decisions(out) == {"ok": "allow"}
    errors = err.splitlines()
    assert len(errors) == 2
    assert errors[0].startswith(f"msglint: error: {f}:2: send_at: ")
    assert errors[1].startswith(f"msglint: error: {f}:3: timezone: ") and "Mars/Base" in errors[1]


YAML_MESSAGES = f"""
late-in-london:
  text: {CLEAN}
  send_at: "2026-11-29T02:30Z"
own-zone:
  text: {CLEAN}
  send_at: "2026-11-29T02:30Z"
  timezone: Europe/London
"""


def test_yaml_config_paths_and_default_zone_with_precedence(capsys, tmp_path: Path):
    (tmp_path / "msglint.toml").write_text(
        'timezone = "America/New_York"\n'
        '[[context]]\npaths = ["eu/**"]\ntimezone = "Europe/London"\n',
        encoding="utf-8",
    )
    (tmp_path / "eu").mkdir()
    (tmp_path / "us").mkdir()
    (tmp_path / "eu" / "t.yaml").write_text(YAML_MESSAGES, encoding="utf-8")
    # 21:30Z: 16:30 in New York (the config's default), 05:30 in Beijing
    (tmp_path / "us" / "t.yaml").write_text(
        f'us:\n  text: {CLEAN}\n  send_at: "2026-11-28T21:30Z"\n', encoding="utf-8"
    )
    base = ("check", "--config", str(tmp_path / "msglint.toml"), "--select", "ZH-TIME")
    paths = (str(tmp_path / "eu" / "t.yaml"), str(tmp_path / "us" / "t.yaml"))
    _, out, _ = run(capsys, *base, "--format", "json", *paths)
    # path default London beats the config default New York (02:30 vs 21:30)
    assert decisions(out) == {"late-in-london": "block", "own-zone": "block", "us": "allow"}
    _, out, _ = run(capsys, *base, "--format", "json", "--timezone", "Asia/Shanghai", *paths)
    # the flag beats both config defaults; the message's own zone beats the flag
    assert decisions(out) == {"late-in-london": "allow", "own-zone": "block", "us": "block"}


def test_yaml_date_only_send_at_is_an_error(capsys, tmp_path: Path):
    f = tmp_path / "t.yaml"
    f.write_text(f"a:\n  text: {CLEAN}\n  send_at: 2026-11-28\n", encoding="utf-8")
    code, _, err = run(capsys, "check", "--select", "ZH-TIME", str(f))
    assert code == 2
    assert err.startswith(f"msglint: error: {f}:2: send_at: ") and err.count("\n") == 1


# ---- the config ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ('contact-hours = ["07:00", "22:00"]\n', "contact-hours"),  # earlier than the law
        ('contact-hours = ["08:00", "22:30"]\n', "contact-hours"),  # later than the law
        ('contact-hours = ["21:00", "09:00"]\n', "contact-hours"),  # inverted
        ('contact-hours = ["09:00", "09:00"]\n', "contact-hours"),  # empty
        ('timezone = "Mars/Base"\n', "timezone: 'Mars/Base' is not an IANA time zone"),
        (
            '[[context]]\npaths = ["x/**"]\ntimezone = "Nowhere/Else"\n',
            "context.0.timezone: 'Nowhere/Else' is not an IANA time zone",
        ),
    ],
)
def test_bad_time_config_is_one_line_exit_2(tmp_path: Path, capsys, config: str, expected: str):
    cfg = tmp_path / "msglint.toml"
    cfg.write_text(config, encoding="utf-8")
    (tmp_path / "m.txt").write_text(CLEAN, encoding="utf-8")
    code, _, err = run(capsys, "check", "--config", str(cfg), str(tmp_path / "m.txt"))
    assert code == 2
    assert err.startswith(f"msglint: error: {cfg}: ") and expected in err
    assert err.count("\n") == 1
    assert "Value error" not in err  # pydantic's prefix says nothing to the config's author


@pytest.mark.parametrize(
    ("send_at", "decision"),
    [("2026-11-28T08:30", "block"), ("2026-11-28T09:00", "allow"), ("2026-11-28T21:15", "block")],
)
def test_narrower_contact_hours_apply(tmp_path: Path, capsys, send_at: str, decision: str):
    cfg = tmp_path / "msglint.toml"
    cfg.write_text('contact-hours = ["9:00", "21:00"]\n', encoding="utf-8")
    (tmp_path / "m.txt").write_text(CLEAN, encoding="utf-8")
    _, out, _ = run(
        capsys, "check", "--config", str(cfg), "--select", "ZH-TIME", "--format", "json",
        "--send-at", send_at, str(tmp_path / "m.txt"),
    )  # fmt: skip
    assert decisions(out)["m.txt"] == decision


def test_contact_hours_never_widen_a_pack_window(tmp_path: Path):
    pack = tmp_path / "time.yaml"
    pack.write_text(TIME_PACK.replace('"22:00"', '"20:00"'), encoding="utf-8")
    opts = EngineOptions(select=["ZH-TTM"], contact_hours=("09:00", "21:00"))
    eng = build_engine([pack], opts, shipped=False)
    ctx = MessageContext.model_validate({"send_at": "2026-11-28T20:30"})
    assert [v.rule for v in eng.lint("提醒", ctx).violations] == ["ZH-TTM-001"]


def test_serve_refuses_a_wider_contact_window(tmp_path: Path):
    (tmp_path / "msglint.toml").write_text('contact-hours = ["07:00", "23:00"]\n', "utf-8")
    done = subprocess.run(
        [str(MSGLINT), "serve", "--config", "msglint.toml", "--port", "0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "contact-hours" in done.stderr and done.stderr.count("\n") == 1


# ---- the HTTP gate -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    work = tmp_path_factory.mktemp("send_time_http")
    (work / "msglint.toml").write_text(
        'timezone = "America/New_York"\ncontact-hours = ["09:00", "21:00"]\n', encoding="utf-8"
    )
    srv = start_server(work, ["--config", "msglint.toml"])
    yield srv
    srv.stop()


@pytest.mark.parametrize(
    ("context", "rules"),
    [
        ({"send_at": "2026-11-28T21:30Z"}, []),  # 16:30 in New York, the config's zone
        ({"send_at": "2026-11-28T21:30Z", "timezone": "Asia/Shanghai"}, [TIME_RULE]),  # 05:30
        ({"send_at": "2026-11-28T15:30Z", "timezone": "Asia/Shanghai"}, [TIME_RULE]),  # 23:30
        ({"send_at": "2026-11-28T21:30"}, [TIME_RULE]),  # naive, after the config's 21:00
        ({"send_at": "2026-11-28T20:30"}, []),
        ({"send_at": "2026-07-01T01:30Z"}, [TIME_RULE]),  # 21:30 EDT
        ({"send_at": "2026-12-01T01:30Z"}, []),  # 20:30 EST
        ({"send_at": "2026-11-28T15:15Z", "timezone": "Asia/Kolkata"}, []),  # 20:45 IST
    ],
)
def test_http_judges_in_the_recipients_zone(server: Server, context: dict, rules: list[str]):
    with server.client() as http:
        r = http.post("/v1/lint", json={"text": CLEAN, "context": context})
    assert r.status_code == 200, r.text
    assert [v["rule"] for v in r.json()["violations"]] == rules


@pytest.mark.parametrize(
    ("context", "field"),
    [
        ({"send_at": "2026-11-28"}, "context.send_at"),
        ({"send_at": 1764343800}, "context.send_at"),
        ({"send_at": "2026-11-28T21:30", "timezone": "Mars/Base"}, "context.timezone"),
    ],
)
def test_http_bad_time_is_422_naming_the_field(server: Server, context: dict, field: str):
    with server.client() as http:
        r = http.post("/v1/lint", json={"text": CLEAN, "context": context})
        batch = http.post(
            "/v1/lint/batch", json={"messages": [{"text": CLEAN, "context": context}]}
        )
    assert r.status_code == 422
    assert r.json()["error"]["field"] == field and r.json()["decision"] == "error"
    assert batch.status_code == 422
    assert batch.json()["error"]["field"] == f"messages.0.{field}"


def test_openapi_documents_the_timezone_field(server: Server):
    with server.client() as http:
        schema = http.get("/openapi.json").json()
    props = schema["components"]["schemas"]["ContextIn"]["properties"]
    assert "timezone" in props and "send_at" in props
