"""``msglint serve --workers 2``: several processes behind one port, metrics added up, and a
SIGHUP to the parent that replaces the workers one by one with the new packs."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from http_server import Server, start_server, wait_for, write_codeword_pack

from linter.http.engine_holder import ServeOptions

MESSAGES = 60
#: an app push: no SMS signature is expected, so the codeword alone decides
APP = {"channel": "app"}


def write_pack(folder: Path, severity: str) -> None:
    write_codeword_pack(folder, "http_workers", "ZH-WORK-101", severity)


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("worker_packs")
    write_pack(folder, "warning")
    return folder


@pytest.fixture(scope="module")
def server(packs: Path) -> Iterator[Server]:
    work = packs.parent / "workers_work"
    work.mkdir()
    srv = start_server(work, ["--workers", "2", "--pack", str(packs)])
    yield srv
    srv.stop()


def lint_on_new_connection(url: str, text: str) -> httpx.Response:
    """One request on its own connection, so the kernel may hand it to either worker."""
    with httpx.Client(base_url=url, timeout=60) as client:
        return client.post("/v1/lint", json={"text": text, "context": APP})


def metric(text: str, name: str, labels: dict[str, str]) -> float:
    """The value of one series in Prometheus text output (labels in any order)."""
    for found in re.finditer(rf"^{re.escape(name)}\{{(.*)\}} (\S+)$", text, re.M):
        if dict(re.findall(r'(\w+)="([^"]*)"', found.group(1))) == labels:
            return float(found.group(2))
    return 0.0


def serving_lines(server: Server) -> list[str]:
    return re.findall(r"serving \d+ rules from \d+ packs, packs_version \w+", server.log_text())


def test_both_workers_load_the_packs_and_answer(server: Server):
    wait_for(lambda: len(serving_lines(server)) >= 2, "both workers to load their packs")
    texts = [f"这是蓝莓暗号{i}" if i % 2 else f"您好，第{i}期账单已出" for i in range(MESSAGES)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda t: lint_on_new_connection(server.url, t), texts))
    assert [a.status_code for a in answers] == [200] * MESSAGES
    decisions = [a.json()["decision"] for a in answers]
    assert decisions == ["review" if i % 2 else "allow" for i in range(MESSAGES)]
    assert len({a.json()["packs_version"] for a in answers}) == 1


def test_metrics_add_up_every_worker(server: Server):
    with server.client() as client:
        before = client.get("/metrics").text
        for _ in range(10):
            assert (
                client.post("/v1/lint", json={"text": "这是蓝莓暗号", "context": APP}).status_code
                == 200
            )
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _: lint_on_new_connection(server.url, "这是蓝莓暗号"), range(20)))
    # /metrics is answered by one worker, but counts what both did (PROMETHEUS_MULTIPROC_DIR)
    labels = {"rule": "ZH-WORK-101", "category": "abusive_language"}
    for _ in range(3):
        with httpx.Client(base_url=server.url, timeout=30) as client:
            after = client.get("/metrics").text
        grown = metric(after, "msglint_violations_total", labels) - metric(
            before, "msglint_violations_total", labels
        )
        assert grown == 30
        # one live series per worker process: the answer reads both workers' files
        assert (
            len(set(re.findall(r'^msglint_packs_info\{.*pid="(\d+)".*\} 1\.0$', after, re.M))) == 2
        )


def codeword_answer(server: Server) -> dict:
    """The answer to the codeword message on a connection of the test's own."""
    with server.client() as client:
        return client.post("/v1/lint", json={"text": "这是蓝莓暗号", "context": APP}).json()


def wait_until_every_worker_serves(
    server: Server, since: int, old_version: str, decision: str
) -> None:
    """Two workers started after the first ``since`` "serving" log lines with packs other than
    ``old_version``, and every connection, whichever worker takes it, answered ``decision``."""

    def both_replaced() -> bool:  # uvicorn replaces the workers one at a time
        started = serving_lines(server)[since:]
        return len([ln for ln in started if not ln.endswith(" " + old_version)]) >= 2

    def old_ones_gone() -> bool:
        seen = set()
        for _ in range(8):
            try:
                seen.add(lint_on_new_connection(server.url, "这是蓝莓暗号").json()["decision"])
            except httpx.TransportError:
                return False  # a worker is being replaced: the port is still open
        return seen == {decision}

    wait_for(
        lambda: both_replaced() and old_ones_gone(),
        "both workers to be replaced by ones with the new packs",
        seconds=120,
    )
    assert server.proc.poll() is None


def test_sighup_to_the_parent_replaces_every_worker_with_the_new_packs(server: Server, packs: Path):
    old = codeword_answer(server)
    assert old["decision"] == "review"
    write_pack(packs, "error")
    try:
        since = len(serving_lines(server))
        server.signal(signal.SIGHUP)
        wait_until_every_worker_serves(server, since, old["packs_version"], "block")
    finally:
        write_pack(packs, "warning")


def test_admin_reload_in_one_worker_has_every_worker_replaced(server: Server, packs: Path):
    old = codeword_answer(server)
    flip = old["decision"] == "review"
    severity, decision = ("error", "block") if flip else ("warning", "review")
    write_pack(packs, severity)
    try:
        since = len(serving_lines(server))
        with server.client() as client:
            r = client.post("/v1/admin/reload")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["reloaded"] and body["changed"] and body["replacing_workers"] is True
        assert body["previous_packs_version"] == old["packs_version"]
        wait_until_every_worker_serves(server, since, old["packs_version"], decision)
        assert "asked the supervisor to replace every worker" in server.log_text()
    finally:
        write_pack(packs, "warning")


def test_a_broken_pack_sent_by_admin_reload_replaces_no_worker(server: Server, packs: Path):
    serving = codeword_answer(server)
    restarts = server.log_text().count("Received SIGHUP")
    broken = packs / "broken.yaml"
    broken.write_text("rules: [\n", encoding="utf-8")
    try:
        with server.client() as client:
            r = client.post("/v1/admin/reload")
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] == "reload_refused"
        assert "broken.yaml" in r.json()["error"]["message"]
        answers = [lint_on_new_connection(server.url, "这是蓝莓暗号").json() for _ in range(8)]
        assert {a["packs_version"] for a in answers} == {serving["packs_version"]}
        assert server.log_text().count("Received SIGHUP") == restarts
    finally:
        broken.unlink()


def test_only_the_supervisor_of_this_worker_is_asked_to_replace_workers():
    # a stale MSGLINT_SUPERVISOR_PID (another process's) must never get a SIGHUP
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert ServeOptions(supervisor_pid=other.pid).replace_workers() is False
        assert ServeOptions().replace_workers() is False
        assert other.poll() is None  # a SIGHUP would have ended it
    finally:
        other.kill()
        other.wait()
