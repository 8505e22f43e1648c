"""The Dockerfile's steps, without Docker: install the package into a fresh virtualenv, build
jieba's cache, run the packs' examples, then serve from the install (not the source tree).

Slow (a real ``pip install``, about 1-2 minutes): one virtualenv per test session.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from http_server import page_assets, start_server

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "install-test-token-0123456789"

pytestmark = pytest.mark.slow


def _run(cmd: list[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    assert proc.returncode == 0, f"{cmd}:\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="session")
def image(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A virtualenv made as the Dockerfile makes /opt/msglint, and the env to run it with."""
    root = tmp_path_factory.mktemp("image")
    src = root / "src"  # what the Dockerfile COPYs (and .dockerignore lets through)
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("linter", "rules"):
        shutil.copytree(ROOT / folder, src / folder, ignore=skip)
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", venv])
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    _run([venv / "bin" / "pip", "install", "-q", src], env=env)
    cache = root / "cache"
    cache.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSGLINT_")}
    env["TMPDIR"] = str(cache)
    env["XDG_CACHE_HOME"] = str(cache)  # as the image's: the user's cache folder is there
    warm = "from linter.core.tokens import warm_up; warm_up()"
    _run([venv / "bin" / "python", "-c", warm], env=env, cwd=root)
    (shards,) = (cache / "msglint").glob("msglint-jieba*.shards")
    assert shards.stat().st_size > 1_000_000
    _run([venv / "bin" / "msglint", "test-rules"], env=env, cwd=root)
    return venv, env


def test_the_install_ships_its_packs_outside_the_source_tree(image: tuple[Path, dict[str, str]]):
    venv, env = image
    where = "from linter.packs.loader import shipped_pack_dir; print(shipped_pack_dir())"
    out = _run([venv / "bin" / "python", "-c", where], env=env, cwd=venv).stdout.strip()
    assert out.startswith(str(venv)) and list(Path(out).glob("*.yaml"))


def test_the_install_ships_the_model_weights(image: tuple[Path, dict[str, str]]):
    venv, env = image
    where = (
        "from linter.core.text_model import shipped_model, shipped_weights_path\n"
        "shipped_model(); print(shipped_weights_path())"
    )
    out = _run([venv / "bin" / "python", "-c", where], env=env, cwd=venv).stdout.strip()
    assert out.startswith(str(venv)) and Path(out).stat().st_size > 100_000


def test_the_installed_server_answers(image: tuple[Path, dict[str, str]], tmp_path: Path):
    venv, env = image
    (cache,) = (Path(env["XDG_CACHE_HOME"]) / "msglint").glob("msglint-jieba*.shards")
    built = cache.stat().st_ino  # a rebuild writes a new file over it (a new inode)
    server = start_server(
        tmp_path,
        env={
            "TMPDIR": env["TMPDIR"],
            "XDG_CACHE_HOME": env["XDG_CACHE_HOME"],
            "MSGLINT_API_TOKENS": TOKEN,
        },
        command=[str(venv / "bin" / "msglint")],
    )
    try:
        with server.client(TOKEN) as client:
            assert client.get("/healthz").json() == {"status": "ok"}
            body = client.post("/v1/lint", json={"text": "再不还钱就找人收拾你"}).json()
            assert body["decision"] == "block"
            assert {p["name"] for p in body["packs"]} >= {"threat"}
            docs = client.get("/docs")  # Swagger UI comes with the install, not from a CDN
            assets = page_assets(docs.text)
            assert assets and all(client.get(url).status_code == 200 for url in assets)
        assert cache.stat().st_ino == built  # read from the image's cache, not rebuilt
    finally:
        server.stop()
