"""The real pre-commit runs this project's hooks on a template repository.

``pre-commit try-repo`` installs msglint from this checkout (HEAD plus changes to tracked
files) into a fresh virtualenv, as a team's pre-commit would from a tag, so this also
proves the package installs and that the hook manifest is right. Slow (a pip install).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import ci_repo
import pre_commit  # noqa: F401  (the test extra's: missing is a failure, not a skip)
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {
        "PRE_COMMIT_HOME": str(home),
        "PRE_COMMIT_COLOR": "never",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    return env


@pytest.fixture
def git_repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    if shutil.which("git") is None:
        pytest.skip("needs git")
    if not (ROOT / ".git").exists():
        pytest.skip("try-repo needs this project as a git checkout")
    repo = ci_repo.build(tmp_path / "repo")
    env = _env(tmp_path / "pre-commit-home")
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "init"]):
        subprocess.run(cmd, cwd=repo, env=env, check=True)
    return repo, env


def try_repo(repo: Path, env: dict[str, str], hook: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        # this interpreter's pre-commit: the test extra's, wherever PATH points
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_pre_commit_hooks_check_and_fix_a_template_repository(git_repo):
    repo, env = git_repo
    proc = try_repo(repo, env, "msglint")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "msglint (debt-collection message templates)" in out and "Failed" in out
    for where in (
        "templates/contacts/emergency.yaml:2:21: ZH-CIT-004 [error]",
        "templates/overdue.yaml:4:12: ZH-CIT-002 [error]",
        "templates/overdue.yaml:6:19: ZH-CIT-003 [error]",
        "templates/reminders.json:4:26: ZH-CIT-002 [error]",
        "templates/overdue.yaml:10:20: MSGLINT-SUP-001 [warning]",
    ):
        assert where in out, out
    # msglint.toml is not matched, the .msglint/ pack folder is excluded
    assert "12 messages, 6 violations" in out
    assert "ci_test_pack" not in out

    proc = try_repo(repo, env, "msglint-fix")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out  # files were modified, and errors remain
    assert "fixed 2 in 2 files, 4 violations remain (1 fixable with --unsafe)" in out
    overdue = (repo / "templates/overdue.yaml").read_text(encoding="utf-8")
    assert overdue == ci_repo.OVERDUE_YAML.replace("你这个老赖", "你这个客户")
