"""The HTTP gate, auth off: every endpoint and every error answer, against a real uvicorn."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from http_server import Server, page_assets, start_server
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

#: A pack with one regex that backtracks catastrophically on "aaa…ab": a real engine fault.
SLOW_PACK = """
pack: {name: http_slow, language: zh-CN}
rules:
  - id: ZH-HTTP-001
    name: slow-regex
    category: threat
    severity: error
    message: {zh: 测试用的慢正则, en: a regex that runs out of time on purpose}
    basis: [测试]
    match: {kind: regex, pattern: '(a|aa)+$'}
    fix: {description: {zh: 无, en: none}}
    examples:
      trigger: [{text: aaaa}]
      pass: [{text: 你好}]
"""
TIMEOUT_TEXT = "a" * 40 + "b"
#: Messages carry this marker so the test can prove no text reaches the log.
SECRET = "秘密标记"
THREAT = f"{SECRET}今天不还，明天派人上门"
CLEAN = f"【XX银行】{SECRET}您的账单已逾期，请及时还款。"
CONFIG = """
[server]
max-batch = 5
max-message-chars = 200
max-request-bytes = 4096
"""


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("http_api")
    (work / "slow.yaml").write_text(SLOW_PACK, encoding="utf-8")
    (work / "msglint.toml").write_text(CONFIG, encoding="utf-8")
    return work


PACK_ARGS = ["--config", "msglint.toml", "--pack", "slow.yaml"]


@pytest.fixture(scope="module")
def server(workdir: Path) -> Iterator[Server]:
    srv = start_server(workdir, [*PACK_ARGS, "--log-level", "debug"])
    yield srv
    srv.stop()


@pytest.fixture()
def http(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def lint(http: httpx.Client, body: object) -> httpx.Response:
    return http.post("/v1/lint", json=body)


# ---- the answers ----------------------------------------------------------------------------


def test_health_and_readiness(http: httpx.Client):
    assert http.get("/healthz").json() == {"status": "ok"}
    ready = http.get("/readyz").json()
    assert ready["status"] == "ready"
    assert {p["name"] for p in ready["packs"]} >= {"threat", "http_slow"}


def test_lint_returns_the_message_object_with_packs(http: httpx.Client):
    r = lint(http, {"text": THREAT, "id": "overdue-3"})
    assert r.status_code == 200
    body = r.json()
    assert body["decision"] == "block"
    assert (body["source"], body["line"], body["column"]) == (None, None, None)
    assert body["id"] == "overdue-3" and body["text"] == THREAT
    (v,) = [v for v in body["violations"] if v["rule"] == "ZH-THR-002"]
    assert THREAT[v["start"] : v["end"]] == v["matched"] == "派人上门"
    assert body["fixed_text"] == THREAT  # the fix is unsafe: not applied
    assert len(body["packs_version"]) == 16
    assert all(len(p["sha256"]) == 64 for p in body["packs"])
    assert r.headers["x-msglint-packs-version"] == body["packs_version"]


def test_lint_matches_the_cli_json(http: httpx.Client, workdir: Path):
    cli = subprocess.run(
        [sys.executable, "-m", "linter.cli", "check", "-", "--format", "json", *PACK_ARGS],
        input=THREAT,
        capture_output=True,
        text=True,
        cwd=workdir,
    )
    (cli_msg,) = json.loads(cli.stdout)["messages"]
    body = lint(http, {"text": THREAT}).json()
    if json.loads(cli.stdout)["packs_version"] != body["packs_version"]:
        pytest.skip("the shipped packs changed on disk after the server loaded them")
    assert set(body) - {"tool", "packs", "packs_version"} == set(cli_msg) | {"fixed_text"}
    assert body["decision"] == cli_msg["decision"]
    strip = ("line", "column")  # file positions: the CLI has them for stdin, HTTP has none
    assert [{k: v for k, v in x.items() if k not in strip} for x in body["violations"]] == [
        {k: v for k, v in x.items() if k not in strip} for x in cli_msg["violations"]
    ]


def test_clean_message_is_allowed_and_context_is_used(http: httpx.Client):
    body = lint(http, {"text": CLEAN, "id": 7}).json()
    assert (body["decision"], body["id"], body["violations"]) == ("allow", "7", [])
    ctx = {"recipient": "third_party", "channel": "sms", "organization": "XX银行"}
    r = lint(http, {"text": CLEAN, "context": {**ctx, "send_at": "2026-11-28T10:00:00+08:00"}})
    assert r.status_code == 200


def test_a_gateway_signature_in_the_context_signs_an_unsigned_template(http: httpx.Client):
    unsigned = f"{SECRET}您的账单已逾期，请及时还款。"
    rules = [v["rule"] for v in lint(http, {"text": unsigned}).json()["violations"]]
    assert "ZH-ID-001" in rules
    body = lint(http, {"text": unsigned, "context": {"gateway_signature": "【XX银行】"}}).json()
    assert (body["decision"], body["violations"]) == ("allow", [])
    r = lint(http, {"text": unsigned, "context": {"gateway_signature": "【】"}})
    assert r.status_code == 422 and "gateway_signature" in r.text, r.text


def test_batch_answers_each_message_and_summarises(http: httpx.Client):
    r = http.post(
        "/v1/lint/batch",
        json={"messages": [{"text": THREAT, "id": "a"}, {"text": CLEAN}, {"text": TIMEOUT_TEXT}]},
    )
    assert r.status_code == 200
    body = r.json()
    first, second, third = body["messages"]
    assert (first["id"], first["decision"]) == ("a", "block")
    assert (second["id"], second["decision"]) == ("1", "allow")
    assert third["decision"] == "error" and third["error"]["code"] == "rule_timeout"
    assert third["fixed_text"] is None and set(third) == set(first) | {"error"}
    summary = body["summary"]
    assert (summary["messages"], summary["errors"]) == (3, 1)
    assert summary["by_decision"] == {"allow": 1, "block": 1, "error": 1}
    assert body["packs_version"] == http.get("/readyz").json()["packs_version"]


def test_one_message_over_the_char_limit_fails_alone_in_a_batch(http: httpx.Client):
    body = http.post(
        "/v1/lint/batch", json={"messages": [{"text": "啊" * 201}, {"text": CLEAN}]}
    ).json()
    assert body["messages"][0]["error"]["code"] == "message_too_large"
    assert body["messages"][1]["decision"] == "allow"
    # every message is counted, the one that could not be judged apart
    summary = body["summary"]
    assert (summary["messages"], summary["errors"]) == (2, 1)
    assert summary["by_decision"] == {"allow": 1, "error": 1}
    assert sum(summary["by_decision"].values()) == summary["messages"]


def test_engine_fault_is_a_500_that_says_do_not_send(http: httpx.Client):
    r = lint(http, {"text": TIMEOUT_TEXT})
    assert r.status_code == 500
    body = r.json()
    assert body["decision"] == "error" and body["error"]["code"] == "rule_timeout"
    assert lint(http, {"text": CLEAN}).status_code == 200  # the server is fine afterwards


def test_rules_listing_and_detail(http: httpx.Client):
    rows = http.get("/v1/rules").json()["rules"]
    assert {"ZH-THR-001", "ZH-HTTP-001"} <= {r["id"] for r in rows}
    detail = http.get("/v1/rules/zh-thr-001").json()
    assert detail["id"] == "ZH-THR-001" and detail["basis"] and detail["examples"]
    missing = http.get("/v1/rules/ZH-NOPE-999")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown_rule"


def test_openapi_documents_the_bodies(http: httpx.Client):
    spec = http.get("/openapi.json").json()
    body = spec["paths"]["/v1/lint"]["post"]["requestBody"]["content"]["application/json"]
    name = body["schema"]["$ref"].rsplit("/", 1)[1]
    assert "text" in spec["components"]["schemas"][name]["properties"]
    assert http.get("/docs").status_code == 200


#: What a browser accepts for each kind of asset the docs pages load.
ASSET_TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png"}


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_nothing_from_another_host(http: httpx.Client, page: str):
    r = http.get(page)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "://" not in r.text  # no CDN, no font service, no validator badge
    urls = page_assets(r.text)
    assert any(u.endswith(".js") for u in urls) and any(u.endswith(".png") for u in urls)
    if page == "/docs":
        assert any(u.endswith(".css") for u in urls)
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = http.get(url)
        assert asset.status_code == 200, url
        expected = ASSET_TYPES[Path(url).suffix]
        assert expected in asset.headers["content-type"], url
        assert len(asset.content) > 500, url


def _error_schema(spec: dict, path: str, method: str, status: str) -> Draft202012Validator:
    content = spec["paths"][path][method]["responses"][status]["content"]
    ref = content["application/json"]["schema"]["$ref"]
    return Draft202012Validator({"$ref": ref, "components": spec["components"]})


def test_openapi_declares_the_bearer_token_and_every_error_answer(http: httpx.Client):
    spec = http.get("/openapi.json").json()
    validate_openapi(spec)
    schemes = spec["components"]["securitySchemes"]
    ((scheme_name, scheme),) = schemes.items()
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    expected = {
        ("/v1/lint", "post"): {"401", "413", "415", "422", "500", "503"},
        ("/v1/lint/batch", "post"): {"401", "413", "415", "422", "500", "503"},
        ("/v1/rules", "get"): {"401", "503"},
        ("/v1/rules/{rule_id}", "get"): {"401", "404", "503"},
        ("/v1/admin/reload", "post"): {"401", "403", "422", "503"},
        ("/v1/feedback", "post"): {"401", "413", "415", "422", "503"},
        ("/v1/stats", "get"): {"401", "422", "503"},
    }
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if not path.startswith("/v1/"):
                assert "security" not in operation, path  # health, readiness, metrics: open
                continue
            assert operation["security"] == [{scheme_name: []}], path
            errors = {s for s in operation["responses"] if s >= "400"}
            assert errors == expected[(path, method)], path
            for status in errors:
                schema = _error_schema(spec, path, method, status).schema
                assert schema["$ref"].endswith(("/ErrorOut", "/ReloadRefusedOut")), path
    assert "HTTPValidationError" not in json.dumps(spec)  # FastAPI's shape: never sent


@pytest.mark.parametrize(
    ("path", "kwargs", "status"),
    [
        ("/v1/lint", {"json": {"text": "啊" * 201}}, "413"),
        ("/v1/lint", {"content": b"{}", "headers": {"Content-Type": "text/plain"}}, "415"),
        ("/v1/lint", {"json": {"txt": "x"}}, "422"),
        ("/v1/lint/batch", {"json": {"messages": []}}, "422"),
        ("/v1/lint", {"json": {"text": TIMEOUT_TEXT}}, "500"),
        ("/v1/rules/ZH-NOPE-999", {}, "404"),
    ],
)
def test_error_answers_match_the_documented_schema(
    http: httpx.Client, path: str, kwargs: dict, status: str
):
    spec = http.get("/openapi.json").json()
    template = "/v1/rules/{rule_id}" if path.startswith("/v1/rules/") else path
    method = "get" if template.startswith("/v1/rules") else "post"
    r = http.request(method.upper(), path, **kwargs)
    assert str(r.status_code) == status
    _error_schema(spec, template, method, status).validate(r.json())


def test_request_id_is_echoed_or_made(http: httpx.Client):
    assert http.get("/healthz", headers={"X-Request-ID": "req-42"}).headers["x-request-id"] == (
        "req-42"
    )
    odd = "not an id 催收".encode()
    made = http.get("/healthz", headers={"X-Request-ID": odd}).headers
    assert len(made["x-request-id"]) == 32 and " " not in made["x-request-id"]
    assert len(http.get("/healthz").headers["x-request-id"]) == 32


# ---- bad input: a clear answer, nothing changed --------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": 5}, "text"),
        ({"text": "x", "contxt": {}}, "contxt"),
        ({"text": "x", "context": {"recipient": "boss"}}, "context.recipient"),
        ({"text": "x", "context": {"send_at": "tomorrow"}}, "context.send_at"),
        ({"messages": [{"text": "x"}]}, "messages"),  # a batch sent to /v1/lint
    ],
)
def test_invalid_body_is_422_with_the_field(http: httpx.Client, body: dict, field: str):
    r = lint(http, body)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "invalid_body" and err["field"] == field
    assert r.json()["decision"] == "error"


def test_invalid_batch_names_the_message(http: httpx.Client):
    r = http.post("/v1/lint/batch", json={"messages": [{"text": "x"}, {"txt": "y"}]})
    assert r.status_code == 422
    assert r.json()["error"]["field"] in ("messages.1.text", "messages.1.txt")


def test_not_json_is_422(http: httpx.Client):
    r = http.post("/v1/lint", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_json"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_wrong_content_type_is_415(http: httpx.Client, content_type: str | None):
    headers = {"Content-Type": content_type} if content_type else {}
    r = http.post("/v1/lint", content=json.dumps({"text": "x"}).encode(), headers=headers)
    assert r.status_code == 415
    assert r.json()["error"]["code"] == "unsupported_media_type"


def test_json_with_charset_is_accepted(http: httpx.Client):
    headers = {"Content-Type": "application/json; charset=utf-8"}
    r = http.post("/v1/lint", content=json.dumps({"text": "x"}).encode(), headers=headers)
    assert r.status_code == 200


def test_limits_are_413(http: httpx.Client):
    too_long = lint(http, {"text": "啊" * 201})
    assert too_long.status_code == 413
    assert too_long.json()["error"] == {
        "code": "message_too_large",
        "message": too_long.json()["error"]["message"],
        "field": "text",
    }
    big = lint(http, {"text": "x", "id": "y" * 250, "pad": "z" * 5000})
    assert big.status_code == 413 and big.json()["error"]["code"] == "request_too_large"
    many = http.post("/v1/lint/batch", json={"messages": [{"text": "x"}] * 6})
    assert many.status_code == 413 and many.json()["error"]["code"] == "batch_too_large"


def test_chunked_body_over_the_limit_is_413(http: httpx.Client):
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(10):
            yield b"x" * 1000
        yield b'"}'

    r = http.post("/v1/lint", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_unknown_path_and_method(http: httpx.Client):
    r = http.get("/v1/nothing-here")
    assert r.status_code == 404 and r.json()["decision"] == "error"
    assert http.get("/v1/lint").status_code == 405


# ---- what the server tells the outside ----------------------------------------------------


def test_metrics_count_by_endpoint_decision_rule_and_never_text(http: httpx.Client):
    lint(http, {"text": THREAT, "id": "metric-id-123"})
    text = http.get("/metrics").text
    assert 'msglint_http_requests_total{decision="block",endpoint="/v1/lint"' in text
    assert "msglint_http_request_duration_seconds_bucket" in text
    assert 'msglint_violations_total{category="threat",rule="ZH-THR-002"}' in text
    assert 'endpoint="other"' in text and "/v1/nothing-here" not in text  # no raw paths
    for leak in (SECRET, "metric-id-123", "派人上门", "recipient", "debtor"):
        assert leak not in text


def test_no_message_text_in_the_log_at_debug(http: httpx.Client, server: Server):
    lint(http, {"text": THREAT, "id": "log-id-77"})
    http.post("/v1/lint/batch", json={"messages": [{"text": THREAT}, {"text": TIMEOUT_TEXT}]})
    lint(http, {"text": TIMEOUT_TEXT})
    http.get(f"/v1/{SECRET}")
    log = server.log_text()
    assert "method=POST path=/v1/lint status=200" in log
    assert "request_id=" in log
    for leak in (SECRET, "派人上门", "aaaaaaaa", "log-id-77"):
        assert leak not in log
