"""The README's CI section shows things that work: its workflow and
pre-commit config parse, name real hooks, and every msglint command in them parses."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

from linter.cli.main import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOC = README[README.index("## In CI: templates in a repository") :]
DOC = DOC[: DOC.index("\n## ", 1)]


def yaml_blocks() -> list[dict]:
    return [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", DOC, flags=re.S)]


def test_the_workflow_uploads_sarif_from_a_msglint_run():
    (workflow,) = [b for b in yaml_blocks() if isinstance(b, dict) and "jobs" in b]
    steps = workflow["jobs"]["msglint"]["steps"]
    upload = [
        s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif")
    ]
    assert upload and upload[0]["with"]["sarif_file"] == "msglint.sarif"
    runs = [s["run"] for s in steps if "run" in s and s["run"].startswith("msglint ")]
    assert any("--format sarif --output msglint.sarif" in r for r in runs)
    assert workflow["permissions"]["security-events"] == "write"
    for command in runs:
        build_parser().parse_args(shlex.split(command)[1:])


def test_the_pre_commit_snippet_names_hooks_of_the_manifest():
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook_ids = {h["id"] for h in manifest}
    (config,) = [b for b in yaml_blocks() if isinstance(b, dict) and "repos" in b]
    used = {h["id"] for repo in config["repos"] for h in repo["hooks"]}
    assert used and used <= hook_ids
    commented = set(re.findall(r"#\s*- id: (\S+)", DOC))
    assert commented <= hook_ids


def test_the_shell_commands_parse():
    commands = [
        command
        for block in re.findall(r"```sh\n(.*?)```", DOC, flags=re.S)
        for line in block.splitlines()
        if (command := line.split("#")[0].strip()).startswith("msglint ")
    ]
    # check, fix --diff, fix, and the two baseline commands: a section without them has
    # lost what it is there to show
    subcommands = [shlex.split(c)[1] for c in commands]
    assert subcommands.count("check") >= 3 and subcommands.count("fix") >= 2, commands
    for command in commands:
        build_parser().parse_args(shlex.split(command)[1:])
