"""``packs_version`` names everything that can change a decision, and ``tool.version`` is
the package's version."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import linter
from linter.core import engine_version as versions
from linter.core.engine import Engine
from linter.core.options import EngineOptions
from linter.packs.loader import build_engine

ROOT = Path(__file__).resolve().parent.parent

PACK = """pack: {{name: test}}
user_words: {user_words}
rules:
  - id: ZH-TST-001
    name: rule-one
    category: threat
    severity: error
    message: {{zh: 测试, en: test}}
    basis: [test]
    match: {{kind: terms, terms: [上门]}}
    fix: {{applicability: manual, description: {{zh: 改写, en: rewrite}}}}
    examples:
      trigger: [{{text: "明天上门"}}]
      pass: [{{text: "无关的文字"}}]
"""


def _engine(folder: Path, user_words: str = "[]", options: EngineOptions | None = None) -> Engine:
    folder.mkdir(parents=True, exist_ok=True)
    pack = folder / "test.yaml"
    pack.write_text(PACK.format(user_words=user_words), encoding="utf-8")
    return build_engine([pack], options, shipped=False)


def test_the_same_inputs_give_the_same_version(tmp_path: Path):
    assert _engine(tmp_path / "a").version == _engine(tmp_path / "b").version


def test_user_words_change_the_version(tmp_path: Path):
    assert _engine(tmp_path / "a").version != _engine(tmp_path / "b", "[上门服务]").version


def test_options_that_change_decisions_change_the_version(tmp_path: Path):
    softer = EngineOptions(severity={"ZH-TST-001": "warning"})
    assert _engine(tmp_path / "a").version != _engine(tmp_path / "b", options=softer).version


@pytest.mark.parametrize("distribution", versions.DECIDING_DISTRIBUTIONS)
def test_the_code_that_decides_changes_the_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, distribution: str
):
    before = _engine(tmp_path / "a").version
    real = versions.installed_version
    monkeypatch.setattr(
        versions,
        "installed_version",
        lambda name: "99.0.0" if name == distribution else real(name),
    )
    assert _engine(tmp_path / "b").version != before


def test_tool_version_is_the_package_version(tmp_path: Path):
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert linter.__version__ == declared["project"]["version"]
    msg = tmp_path / "m.txt"
    msg.write_text("【某某银行】请按时还款", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "linter.cli", "check", "--format", "json", str(msg)],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(out.stdout)
    assert report["tool"]["version"] == declared["project"]["version"]
    assert report["packs_version"] == build_engine().version
