"""POST /v1/feedback and GET /v1/stats on a real uvicorn gate: tokens, 422s, and a database
that cannot be reached (503 there, while /v1/lint keeps answering)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from http_server import Server, free_port, start_server

TOKEN = "feedback-test-token-0123456789"
TEXT = "【XX银行】你这个老赖，再不还钱就派人上门"
#: percent-encoded, as a browser's fetch() must send a name in Chinese
REVIEWER = {"X-Msglint-Reviewer": "%E7%8E%8B%E5%AE%A1%E6%A0%B8"}


def write_config(folder: Path, feedback: str) -> None:
    (folder / "msglint.toml").write_text(
        f'[server]\ntokens = ["{TOKEN}"]\n\n[feedback]\n{feedback}\n', encoding="utf-8"
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    work = tmp_path_factory.mktemp("feedback_http")
    write_config(work, 'path = "fb.sqlite3"\nprecision-floor = 0.8')
    srv = start_server(work, ["--config", "msglint.toml"])
    yield srv
    srv.stop()


@pytest.fixture()
def http(server: Server) -> Iterator[httpx.Client]:
    with server.client(TOKEN) as client:
        yield client


def finding_of(http: httpx.Client, rule_prefix: str) -> dict:
    answer = http.post("/v1/lint", json={"text": TEXT}).json()
    return next(v for v in answer["violations"] if v["rule"].startswith(rule_prefix))


def body(*verdicts: dict, text: str = TEXT) -> dict:
    return {"text": text, "context": {"recipient": "debtor", "channel": "sms"},
            "verdicts": list(verdicts)}  # fmt: skip


def test_feedback_stored_and_counted(server: Server, http: httpx.Client):
    abuse = finding_of(http, "ZH-ABU")
    verdicts = [
        {"kind": "finding", "rule": abuse["rule"], "start": abuse["start"],
         "end": abuse["end"], "verdict": "wrong", "note": "quoted"},
        {"kind": "missed", "category": "threat", "note": "上门"},
    ]  # fmt: skip
    answer = http.post("/v1/feedback", json=body(*verdicts), headers=REVIEWER)
    assert answer.status_code == 201, answer.text
    raw_utf8 = {"X-Msglint-Reviewer": "王审核".encode()}
    assert http.post("/v1/feedback", json=body(verdicts[1]), headers=raw_utf8).status_code == 201
    assert answer.json()["stored"] == 2 and len(answer.json()["ids"]) == 2
    stats = http.get("/v1/stats").json()
    rule = next(r for r in stats["rules"] if r["rule"] == abuse["rule"])
    assert (rule["wrong"], rule["precision"], rule["below_floor"]) == (1, 0.0, True)
    assert stats["missed"]["threat"] >= 1 and stats["precision_floor"] == 0.8
    assert http.get("/v1/stats", params={"since": "2999-01-01"}).json()["rules"] == []
    assert http.get("/v1/stats", params={"packs_version": "nope"}).json()["rules"] == []
    assert TEXT not in server.log_text() and "老赖" not in server.log_text()


def test_token_needed(server: Server):
    with server.client() as anonymous:
        assert anonymous.post("/v1/feedback", json=body(), headers=REVIEWER).status_code == 401
        assert anonymous.get("/v1/stats").status_code == 401


MISSED = {"kind": "missed", "category": "threat"}


@pytest.mark.parametrize(
    ("verdict", "field"),
    [
        ({"kind": "finding", "rule": "ZH-NOPE-999", "start": 0, "end": 2, "verdict": "wrong"},
         "verdicts.0.rule"),
        ({"kind": "missed", "category": "rudeness"}, "verdicts.0.category"),
        ({"kind": "finding", "rule": "ZH-ABU-001", "start": 0, "end": 999, "verdict": "wrong"},
         "verdicts.0.end"),
        ({"kind": "finding", "rule": "ZH-ABU-001", "start": 5, "end": 2, "verdict": "wrong"},
         "verdicts.0.start"),
        ({"kind": "finding", "rule": "ZH-ABU-001", "start": 0, "end": 2, "verdict": "maybe"},
         "verdicts.0.verdict"),
        ({"kind": "finding", "rule": "ZH-ABU-001", "start": 0, "end": 2}, "verdicts.0.verdict"),
        ({"kind": "missed"}, "verdicts.0.category"),
    ],
)  # fmt: skip
def test_bad_verdict_is_422_naming_the_field(http: httpx.Client, verdict: dict, field: str):
    answer = http.post("/v1/feedback", json=body(MISSED, verdict), headers=REVIEWER)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["field"] == field.replace("verdicts.0", "verdicts.1")
    assert answer.json()["decision"] == "error"


def test_missing_reviewer_and_bad_body(http: httpx.Client):
    answer = http.post("/v1/feedback", json=body(MISSED))
    assert answer.status_code == 422 and answer.json()["error"]["field"] == "reviewer"
    answer = http.post("/v1/feedback", json={"text": TEXT, "verdicts": []}, headers=REVIEWER)
    assert answer.status_code == 422 and answer.json()["error"]["field"] == "verdicts"
    answer = http.post("/v1/feedback", content=b"{", headers={**REVIEWER,
                       "content-type": "application/json"})  # fmt: skip
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid_json"
    assert http.get("/v1/stats", params={"since": "yesterday"}).status_code == 422


def test_openapi_describes_feedback_and_stats(http: httpx.Client):
    paths = http.get("/openapi.json").json()["paths"]
    assert set(paths["/v1/feedback"]["post"]["responses"]) >= {"201", "401", "422", "503"}
    assert set(paths["/v1/stats"]["get"]["responses"]) >= {"200", "401", "422", "503"}


def test_database_down_is_503_while_lint_works(tmp_path: Path):
    closed = free_port()  # nothing listens there
    write_config(tmp_path, f'database-url = "postgresql+psycopg://u@127.0.0.1:{closed}/fb"')
    server = start_server(tmp_path, ["--config", "msglint.toml"])
    try:
        with server.client(TOKEN) as http:
            answer = http.post("/v1/feedback", json=body(MISSED), headers=REVIEWER)
            assert answer.status_code == 503, answer.text
            assert answer.json()["error"]["code"] == "feedback_unavailable"
            assert http.get("/v1/stats").status_code == 503
            lint = http.post("/v1/lint", json={"text": TEXT})
            assert lint.status_code == 200 and lint.json()["decision"] == "block"
    finally:
        server.stop()


def test_feedback_on_postgres(tmp_path: Path, postgres):  # type: ignore[no-untyped-def]
    url = postgres.new_database("gate_feedback")
    write_config(tmp_path, f'database-url = "{url}"\nstore-text = true')
    server = start_server(tmp_path, ["--config", "msglint.toml"])
    try:
        with server.client(TOKEN) as http:
            answer = http.post("/v1/feedback", json=body(MISSED), headers=REVIEWER)
            assert answer.status_code == 201, answer.text
            assert http.get("/v1/stats").json()["missed"] == {"threat": 1}
    finally:
        server.stop()
