"""A real ``msglint serve`` on 127.0.0.1 for the HTTP tests: start, wait for /readyz, stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import httpx

#: Generous: jieba's dictionary takes ~1 s to load, more on a busy 2-core machine.
START_DEADLINE_SECONDS = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def signal(self, sig: signal.Signals) -> None:
        self.proc.send_signal(sig)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def start_server(
    workdir: Path,
    args: Sequence[str] = (),
    env: dict[str, str] | None = None,
    command: Sequence[str] = (sys.executable, "-m", "linter.cli"),
) -> Server:
    """``msglint serve`` on a free port, stderr to ``workdir/server.log``, once it is ready."""
    port = free_port()
    log = workdir / f"server-{port}.log"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MSGLINT_")}
    clean.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [*command, "serve", "--host", "127.0.0.1", "--port", str(port), *args],
            cwd=workdir,
            env={**clean, **(env or {})},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    server = Server(proc=proc, url=f"http://127.0.0.1:{port}", log=log)
    deadline = time.monotonic() + START_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{server.log_text()}")
        try:
            if httpx.get(f"{server.url}/readyz", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"server not ready after {START_DEADLINE_SECONDS} s:\n{server.log_text()}")


#: A one-rule pack whose severity a test can change to see a reload land.
CODEWORD_PACK = """
pack: {name: PACK_NAME, language: zh-CN}
user_words: [蓝莓暗号]
rules:
  - id: RULE_ID
    name: codeword
    category: abusive_language
    severity: SEVERITY
    message: {zh: 测试暗号, en: a test codeword}
    basis: [测试]
    match: {kind: terms, terms: [蓝莓暗号]}
    fix: {description: {zh: 删除, en: remove it}}
    examples:
      trigger: [{text: 这是蓝莓暗号, span: 蓝莓暗号}]
      pass: [{text: 你好}]
"""


def write_codeword_pack(folder: Path, pack_name: str, rule_id: str, severity: str) -> None:
    text = CODEWORD_PACK.replace("PACK_NAME", pack_name).replace("RULE_ID", rule_id)
    (folder / "codeword.yaml").write_text(text.replace("SEVERITY", severity), encoding="utf-8")


def wait_for(predicate, what: str, seconds: float = 30) -> None:  # type: ignore[no-untyped-def]
    """Poll ``predicate`` until it is true (a condition to reach, not a speed to assert)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


class _PageAssets(HTMLParser):
    """Every URL a page loads by itself: script src, link href, img src."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.urls.append(value)


def page_assets(html: str) -> list[str]:
    parser = _PageAssets()
    parser.feed(html)
    return parser.urls
