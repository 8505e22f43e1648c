"""The folders of linter/ are its layers, and imports run one way only (pyproject's
[tool.importlinter] contracts, checked by import-linter)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))
LAYERS = ("core", "packs", "formats", "run", "http", "cli")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    # --no-cache: a cached graph from an earlier run must not hide today's imports
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_imports_run_one_way_only():
    done = _lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_a_wrong_way_import_breaks_the_contract(tmp_path):
    # a copy of the package in which the core imports the CLI, checked with the same contracts
    shutil.copytree(ROOT / "linter", tmp_path / "linter", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    models = tmp_path / "linter" / "core" / "models.py"
    models.write_text(models.read_text(encoding="utf-8") + "\nfrom ..cli import main\n")
    done = _lint_imports(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "linter.core.models -> linter.cli" in done.stdout


def test_reading_a_config_loads_no_engine():
    code = (
        "import sys, linter.run.config; "
        "heavy = sorted({'jieba', 'opencc', 'linter.core.engine'} & set(sys.modules)); "
        "assert not heavy, heavy"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_each_layer_says_what_it_does_and_holds_nothing_else():
    for layer in LAYERS:
        tree = ast.parse((ROOT / "linter" / layer / "__init__.py").read_text(encoding="utf-8"))
        docstring = ast.get_docstring(tree)
        assert docstring and "import" in docstring, layer
        assert len(tree.body) == 1, f"linter/{layer}/__init__.py holds more than its docstring"
