"""The HTTP gate with tokens on: auth, and pack reload (admin call and SIGHUP) under load."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from http_server import Server, page_assets, start_server, wait_for, write_codeword_pack

API_TOKEN = "api-token-0123456789abcdef"
ADMIN_TOKEN = "admin-token-0123456789abcdef"
CODEWORD = "蓝莓暗号"

BROKEN_PACK = "pack: {name: http_reload}\nrules:\n  - id: not-an-id\n    severity: [\n"


def write_pack(folder: Path, severity: str) -> None:
    write_codeword_pack(folder, "http_reload", "ZH-HTTP-101", severity)


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reload_packs")
    write_pack(folder, "warning")
    return folder


@pytest.fixture(scope="module")
def server(packs: Path) -> Iterator[Server]:
    work = packs.parent / "reload_work"
    work.mkdir()
    (work / "msglint.toml").write_text(
        f'[server]\nadmin-tokens = ["{ADMIN_TOKEN}"]\n', encoding="utf-8"
    )
    env = {"MSGLINT_API_TOKENS": f"{API_TOKEN}, another-token-0123456789"}
    srv = start_server(work, ["--config", "msglint.toml", "--pack", str(packs)], env=env)
    yield srv
    srv.stop()


@pytest.fixture()
def api(server: Server) -> Iterator[httpx.Client]:
    with server.client(API_TOKEN) as client:
        yield client


@pytest.fixture()
def admin(server: Server) -> Iterator[httpx.Client]:
    with server.client(ADMIN_TOKEN) as client:
        yield client


@pytest.fixture()
def restore(packs: Path, admin: httpx.Client) -> Iterator[None]:
    yield
    write_pack(packs, "warning")
    assert admin.post("/v1/admin/reload").status_code == 200


def codeword_severity(client: httpx.Client) -> str | None:
    """The severity the served packs give the test codeword (None: no such violation)."""
    body = client.post("/v1/lint", json={"text": f"这是{CODEWORD}"}).json()
    found = [v["severity"] for v in body["violations"] if v["rule"] == "ZH-HTTP-101"]
    return found[0] if found else None


# ---- auth ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token-0123456789abcdef"},
        {"Authorization": f"Basic {API_TOKEN}"},
        {"Authorization": "Bearer"},
    ],
)
def test_v1_needs_a_known_bearer_token(server: Server, headers: dict[str, str]):
    with httpx.Client(base_url=server.url, headers=headers) as client:
        for method, path in [("POST", "/v1/lint"), ("GET", "/v1/rules"), ("GET", "/v1/x")]:
            r = client.request(method, path, json={"text": "x"})
            assert r.status_code == 401, path
            assert r.json()["decision"] == "error"
            assert r.headers["www-authenticate"].startswith("Bearer")


def test_health_and_metrics_stay_open(server: Server):
    with httpx.Client(base_url=server.url) as client:
        for path in ("/healthz", "/readyz", "/metrics"):
            assert client.get(path).status_code == 200, path


def test_docs_and_what_they_load_need_no_token(server: Server):
    with httpx.Client(base_url=server.url) as client:
        page = client.get("/docs")
        assert page.status_code == 200
        urls = ["/openapi.json", "/redoc", *page_assets(page.text)]
        assert len(urls) > 3
        for url in urls:
            assert url.startswith("/"), url  # served here, not by another host
            assert client.get(url).status_code == 200, url


def test_every_configured_token_works(server: Server, api: httpx.Client, admin: httpx.Client):
    assert api.post("/v1/lint", json={"text": "你好"}).status_code == 200
    assert admin.post("/v1/lint", json={"text": "你好"}).status_code == 200
    with server.client("another-token-0123456789") as other:
        assert other.get("/v1/rules/ZH-HTTP-101").status_code == 200


def test_admin_calls_need_an_admin_token(api: httpx.Client):
    r = api.post("/v1/admin/reload")
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"


# ---- reload --------------------------------------------------------------------------------


def test_reload_swaps_in_a_good_pack(
    packs: Path, api: httpx.Client, admin: httpx.Client, restore: None
):
    before = api.get("/v1/rules").json()["packs_version"]
    assert codeword_severity(api) == "warning"
    write_pack(packs, "error")
    r = admin.post("/v1/admin/reload")
    assert r.status_code == 200
    body = r.json()
    assert body["reloaded"] and body["changed"] and body["previous_packs_version"] == before
    assert body["replacing_workers"] is False  # one worker: no supervisor to hand it to
    assert codeword_severity(api) == "error"
    assert (
        api.post("/v1/lint", json={"text": "x"}).json()["packs_version"] == (body["packs_version"])
    )


def test_broken_pack_is_refused_and_the_old_packs_keep_serving(
    packs: Path, api: httpx.Client, admin: httpx.Client, restore: None
):
    before = api.get("/v1/rules").json()["packs_version"]
    (packs / "codeword.yaml").write_text(BROKEN_PACK, encoding="utf-8")
    r = admin.post("/v1/admin/reload")
    assert r.status_code == 422
    err = r.json()
    assert err["error"]["code"] == "reload_refused"
    assert "codeword.yaml" in err["error"]["message"]
    assert err["packs_version"] == before
    assert codeword_severity(api) == "warning"
    assert api.get("/readyz").json()["packs_version"] == before


def test_a_config_whose_selectors_match_nothing_is_refused(
    packs: Path, api: httpx.Client, admin: httpx.Client
):
    config = packs.parent / "reload_work" / "msglint.toml"  # the server fixture's
    good = config.read_text(encoding="utf-8")
    before = api.get("/v1/rules").json()["packs_version"]
    try:
        config.write_text(f'select = ["threats"]\n{good}', encoding="utf-8")
        r = admin.post("/v1/admin/reload")
    finally:
        config.write_text(good, encoding="utf-8")
    assert r.status_code == 422
    err = r.json()
    assert err["error"]["code"] == "reload_refused"
    assert err["error"]["message"] == (
        f"{config}: select: 'threats' matches no rule (did you mean 'threat'?)"
    )
    assert err["packs_version"] == before
    assert codeword_severity(api) == "warning"


def test_sighup_reloads(
    server: Server, packs: Path, api: httpx.Client, admin: httpx.Client, restore: None
):
    write_pack(packs, "error")
    server.signal(signal.SIGHUP)
    wait_for(lambda: codeword_severity(api) == "error", "the SIGHUP reload to land")
    (packs / "codeword.yaml").write_text(BROKEN_PACK, encoding="utf-8")
    server.signal(signal.SIGHUP)
    wait_for(lambda: "refused" in server.log_text(), "the broken pack to be refused")
    assert codeword_severity(api) == "error"
    assert server.proc.poll() is None


def test_requests_during_reloads_are_all_answered(server: Server, packs: Path, restore: None):
    versions: set[str] = set()
    served: set[str] = set()

    async def run() -> list[int]:
        headers = {"Authorization": f"Bearer {API_TOKEN}"}
        admin_headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        limits = httpx.Limits(max_connections=16)
        async with httpx.AsyncClient(
            base_url=server.url, headers=headers, limits=limits, timeout=30
        ) as client:
            served.add((await client.get("/readyz")).json()["packs_version"])

            async def one(i: int) -> int:
                body = {"text": f"第{i}条：这是{CODEWORD}", "id": str(i)}
                r = await client.post("/v1/lint", json=body)
                if r.status_code == 200:
                    versions.add(r.json()["packs_version"])
                return r.status_code

            async def reloads() -> list[int]:
                codes = []
                for severity in ("error", "warning", "error", "info"):
                    write_pack(packs, severity)
                    r = await client.post("/v1/admin/reload", headers=admin_headers)
                    codes.append(r.status_code)
                    served.add(r.json()["packs_version"])
                    await asyncio.sleep(0.02)
                return codes

            results = await asyncio.gather(reloads(), *(one(i) for i in range(300)))
            assert results[0] == [200, 200, 200, 200]
            return results[1:]

    statuses = asyncio.run(run())
    assert statuses == [200] * 300
    assert versions <= served  # every answer came from one complete set of packs
