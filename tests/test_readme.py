"""The README's promises: its test command is what CI runs; its first command works."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    return [line for block in blocks[:2] for line in block.splitlines() if line and line[0] != "#"]


def test_ci_runs_the_readme_test_command():
    lint_cmd, test_cmd = readme_commands()
    assert "msglint check examples/" in lint_cmd
    assert "pytest" in test_cmd
    assert test_cmd in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_examples_show_what_the_tool_does():
    proc = subprocess.run(
        ["msglint", "check", "--format", "json", "examples/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    decisions = {m["id"]: m["decision"] for m in doc["messages"]}
    assert decisions["overdue.day1"] == "allow"
    assert decisions["overdue.day15"] == "block"
    assert decisions["contact_neutral"] == "allow"
    assert decisions["contact_disclosure"] == "block"
    assert decisions["sms-004"] == "allow"
    categories = set(doc["summary"]["by_category"])
    assert {
        "threat",
        "misleading_legal",
        "third_party_disclosure",
        "missing_identification",
        "abusive_language",
    } <= categories
