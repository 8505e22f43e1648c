"""The built engine kept in the user's cache folder (linter.packs.engine_cache): read back on
the next start, never when anything it was built from has changed, never from a spoiled
file or a folder others can write, and with nothing of a message in it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_frames import CONCEPTS, pack_dir

from linter.core.options import EngineOptions
from linter.packs.loader import build_engine

ROOT = Path(__file__).resolve().parent.parent
THREAT = "再不还钱，明天我们就去你家"


def packs_in(folder: Path, concepts: str = CONCEPTS) -> Path:
    folder.mkdir(exist_ok=True)
    return pack_dir(folder, concepts=concepts)


def rules_found(engine, text: str = THREAT) -> list[str]:
    return sorted(v.rule for v in engine.lint(text, merge=False).violations)


def kept(home: Path) -> list[Path]:
    return sorted((home / "msglint").glob("engine-*.pickle"))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own (``XDG_CACHE_HOME``)."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


def test_the_engine_is_kept_and_read_back(tmp_path: Path, home: Path) -> None:
    packs = packs_in(tmp_path / "p")
    built = build_engine([packs], shipped=False, cached=True)
    (path,) = kept(home)
    os.utime(path, (1_000_000, 1_000_000))  # a read marks its file used: see it move
    again = build_engine([packs], shipped=False, cached=True)
    assert path.stat().st_mtime > 2_000_000  # read back, not built again
    assert again is not built and kept(home) == [path]
    assert rules_found(again) == rules_found(built) == ["XY-THR-101"]
    assert again.version == built.version
    # what is built on first use works on the engine read back (jieba, the tokens)
    assert [t.text for t in again.tokenizer.tokenize("明天去你家")] == ["明天", "去", "你家"]


def test_not_cached_unless_asked(tmp_path: Path, home: Path) -> None:
    build_engine([packs_in(tmp_path / "p")], shipped=False)
    assert kept(home) == []


def test_a_changed_pack_is_built_again(tmp_path: Path, home: Path) -> None:
    packs = packs_in(tmp_path / "p")
    assert rules_found(build_engine([packs], shipped=False, cached=True)) == ["XY-THR-101"]
    rule = packs / "frames.yaml"
    rule.write_text(rule.read_text("utf-8").replace("XY-THR-101", "XY-THR-102"), "utf-8")
    assert rules_found(build_engine([packs], shipped=False, cached=True)) == ["XY-THR-102"]
    assert len(kept(home)) == 2


def test_a_changed_concept_file_is_built_again(tmp_path: Path, home: Path) -> None:
    packs = packs_in(tmp_path / "p")
    assert rules_found(build_engine([packs], shipped=False, cached=True)) == ["XY-THR-101"]
    assert "terms: [家 | 老家]" in CONCEPTS
    # 家 is no longer a place (老家 still is): the frame finds no object in 去你家
    changed = CONCEPTS.replace("terms: [家 | 老家]", "terms: [老家]")
    packs_in(tmp_path / "p", changed)
    assert rules_found(build_engine([packs], shipped=False, cached=True)) == []


def test_changed_options_are_built_again(tmp_path: Path, home: Path) -> None:
    packs = packs_in(tmp_path / "p")
    assert rules_found(build_engine([packs], shipped=False, cached=True)) == ["XY-THR-101"]
    ignoring = EngineOptions(ignore=["XY-THR-101"])
    engine = build_engine([packs], ignoring, shipped=False, cached=True)
    assert rules_found(engine) == []
    assert len(kept(home)) == 2


def test_a_spoiled_file_is_built_again(tmp_path: Path, home: Path) -> None:
    packs = packs_in(tmp_path / "p")
    build_engine([packs], shipped=False, cached=True)
    (path,) = kept(home)
    whole = path.read_bytes()
    header = whole[: whole.index(b"\n", whole.index(b"\n") + 1) + 1]
    for spoiled in (b"", whole[: len(whole) // 2], header + b"not a pickle", b"\x80" * 64):
        path.write_bytes(spoiled)
        assert rules_found(build_engine([packs], shipped=False, cached=True)) == ["XY-THR-101"]
        rewritten = path.read_bytes()  # written again whole
        assert rewritten.startswith(header) and len(rewritten) > len(whole) * 0.9


def _planted(tmp_path: Path, home: Path) -> tuple[Path, Path]:
    """The pack folder, and its engine's cache file holding another engine (one that
    ignores the rule) under its key: what a file read back looks like is then plain."""
    packs = packs_in(tmp_path / "p")
    build_engine([packs], EngineOptions(ignore=["XY-THR-101"]), shipped=False, cached=True)
    (other,) = kept(home)
    build_engine([packs], shipped=False, cached=True)
    (path,) = set(kept(home)) - {other}
    head = path.read_bytes().split(b"\n", 2)
    path.write_bytes(b"\n".join([*head[:2], other.read_bytes().split(b"\n", 2)[2]]))
    path.chmod(0o600)
    return packs, path


def test_a_file_others_can_write_is_not_read(tmp_path: Path, home: Path) -> None:
    packs, path = _planted(tmp_path, home)
    assert rules_found(build_engine([packs], shipped=False, cached=True)) == []  # read
    path.chmod(0o666)
    assert rules_found(build_engine([packs], shipped=False, cached=True)) == ["XY-THR-101"]


def test_a_folder_others_can_write_is_not_used(tmp_path: Path, home: Path) -> None:
    packs, path = _planted(tmp_path, home)
    path.parent.chmod(0o777)
    assert rules_found(build_engine([packs], shipped=False, cached=True)) == ["XY-THR-101"]
    assert rules_found(build_engine([packs], shipped=False, cached=True)) == ["XY-THR-101"]


def _run(code: str, tree: Path, home: Path) -> str:
    env = {**os.environ, "XDG_CACHE_HOME": str(home)}
    cmd = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(tree)!r})\n{code}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env, cwd=tree)
    return out.stdout


def test_changed_code_is_built_again(tmp_path: Path) -> None:
    """msglint's code changes without its version changing (a source checkout, an edit):
    a copy of the package with one file changed names a new engine."""
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "linter", tree / "linter", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "rules", tree / "rules")
    packs = packs_in(tmp_path / "p")
    code = (
        "from linter.packs.loader import build_engine\n"
        f"e = build_engine([__import__('pathlib').Path({str(packs)!r})], shipped=False,"
        " cached=True)\n"
        f"print(sorted(v.rule for v in e.lint({THREAT!r}).violations))"
    )
    home = tmp_path / "home"
    assert _run(code, tree, home) == _run(code, tree, home) == "['XY-THR-101']\n"
    assert len(kept(home)) == 1
    frames = tree / "linter" / "core" / "frames.py"
    frames.write_text(frames.read_text("utf-8") + "\n# an edit\n", "utf-8")
    assert _run(code, tree, home) == "['XY-THR-101']\n"
    assert len(kept(home)) == 2


def test_no_message_text_in_the_cache(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "XDG_CACHE_HOME": str(home)}
    msglint = Path(sys.executable).parent / "msglint"
    secret = "甄帅帅先生，您尾号91378264的借款再不还钱我们就上门找你家人"
    for _ in range(2):  # built and kept, then read back
        out = subprocess.run(
            [msglint, "check", "-"], input=secret, capture_output=True, text=True, env=env
        )
        assert out.returncode == 1, out.stderr
    assert len(kept(home)) == 1
    data = kept(home)[0].read_bytes()
    for needle in ("甄帅帅", "91378264"):
        assert needle.encode("utf-8") not in data
