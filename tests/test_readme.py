"""The README's promises: its test command is what CI runs, its commands and sample output are
real, its rule counts are the packs' and its Python API is what the package exports."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from linter.packs.loader import load_pack, pack_files, shipped_pack_dir

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
        # the README's command, run through this interpreter rather than a PATH lookup
        [sys.executable, "-m", "linter", "check", "--format", "json", "examples/"],
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


def test_the_rule_counts_are_those_of_the_shipped_packs():
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    found = re.search(r"The shipped packs hold (\d+) rules: ((?:[a-z_]+ \d+(?:, )?)+)", text)
    assert found, "the README no longer says how many rules the shipped packs hold"
    said = {name: int(n) for name, n in re.findall(r"([a-z_]+) (\d+)", found.group(2))}
    rules = [r for p in pack_files([shipped_pack_dir()]) for r in load_pack(p).spec.rules]
    loaded = dict(Counter(r.category.value for r in rules))
    assert (int(found.group(1)), said) == (len(rules), loaded), (
        f"update the README's sentence: {len(rules)} rules, {loaded}"
    )


def _section(text: str, heading: str) -> str:
    start = text.index(f"\n{heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def test_the_sample_output_is_what_the_command_prints():
    """ "What it looks like" shows a real run: the command, run now, prints that block."""
    section = _section((ROOT / "README.md").read_text(encoding="utf-8"), "## What it looks like")
    (command,) = re.findall(r"```sh\n(.*?)\n```", section, flags=re.S)
    (shown,) = re.findall(r"```text\n(.*?)```", section, flags=re.S)
    found = re.fullmatch(r"echo '([^']+)' \| msglint (.+)", command)
    assert found, command
    proc = subprocess.run(
        [sys.executable, "-m", "linter", *found.group(2).split()],
        input=found.group(1) + "\n",
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == shown, "paste the real output into the README:\n" + proc.stdout


def test_the_public_api_is_what_the_readme_names():
    import linter

    section = _section((ROOT / "README.md").read_text(encoding="utf-8"), "## Public Python API")
    prose = section[section.rindex("```") :]
    named = set(re.findall(r"`(\w+)`", prose[: prose.index("Every other module")]))
    exported = set(linter.__all__)
    assert exported <= named, f"exported, not in the README: {exported - named}"
    classes = {n for n in named if n[0].isupper()}
    assert classes <= exported, f"in the README, not exported: {classes - exported}"
    (example,) = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    namespace: dict[str, object] = {}
    exec(compile(example, "README example", "exec"), namespace)  # the README's example runs
    assert namespace["outcome"].decision == "block"  # type: ignore[attr-defined]


def test_the_configuration_example_is_a_config_msglint_accepts(tmp_path: Path):
    section = _section((ROOT / "README.md").read_text(encoding="utf-8"), "## Configuration")
    (toml,) = re.findall(r"```toml\n(.*?)```", section, flags=re.S)
    (tmp_path / "msglint.toml").write_text(toml, encoding="utf-8")
    (tmp_path / "compliance" / "packs").mkdir(parents=True)  # the example's own pack folder
    (tmp_path / "a.txt").write_text("【安信消费金融】您好\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "linter", "check", "a.txt"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    assert "0 violations" in proc.stdout
