"""The documents beside the code stay true: links resolve, paths named exist, no machine's own
paths, the JSON contract has exactly the fields the real output has, and the license is there."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted([ROOT / "README.md", ROOT / "CONTRIBUTING.md", *(ROOT / "docs").glob("*.md")])
FENCE = re.compile(r"^```.*?^```", flags=re.S | re.M)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    prose = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {_slug(h) for h in re.findall(r"^#+ (.+)$", prose, flags=re.M)}


def test_links_resolve():
    checked = 0
    for doc in DOCS:
        prose = FENCE.sub("", doc.read_text(encoding="utf-8"))
        for link in re.findall(r"\]\(([^)\s]+)\)", prose):
            if re.match(r"[a-z]+:", link):  # https:, mailto:
                continue
            target, _, anchor = link.partition("#")
            path = (doc.parent / target).resolve() if target else doc
            assert path.exists(), f"{doc.name}: {link} names a missing file"
            if anchor:
                assert anchor in _anchors(path), f"{doc.name}: {link} names a missing heading"
            checked += 1
    assert checked >= 20, f"only {checked} links found: the pattern above is broken"


def _named_paths(text: str) -> Iterator[str]:
    for name in re.findall(r"`((?:bench|tests|linter|docs|rules|examples)/[\w./-]+)`", text):
        if "*" not in name and "<" not in name:
            yield name


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_files_a_document_names_exist(doc: Path):
    text = doc.read_text(encoding="utf-8")
    for name in _named_paths(text):
        assert (ROOT / name.split(" ")[0]).exists(), f"{doc.name} names {name}, which is missing"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_paths_of_one_machine(doc: Path):
    """A reader's machine has no /work, /tmp/<someone's folder> or home of the author."""
    text = doc.read_text(encoding="utf-8")
    found = re.findall(r"(?<![\w.])/(?:work|tmp|root|home|Users)/\S*", text)
    assert not found, f"{doc.name}: {found}"


def test_contributing_replaces_the_internal_notes():
    assert not (ROOT / "docs" / "HELPERS.md").exists()
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for needed in (
        "pip install -q -e '.[test]'",  # set-up
        "-k ZH-THR-002",  # one rule's tests
        "msglint test-rules",
        "bench/eval.py",
        "bench/engine_equivalence.py",
        "bench/pack_equivalence.py",
    ):
        assert needed in text, needed


def test_the_license_is_the_one_pyproject_names():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == {"text": "Apache-2.0"}
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.split()[:5] == ["Apache", "License", "Version", "2.0,", "January"]
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in text
    assert "END OF TERMS AND CONDITIONS" in text


def _field_paths(value: object, at: str = "") -> set[str]:
    """Every key of a JSON document as a path (``messages[].violations[].fix.replacement``);
    the maps keyed by category or decision count as one field."""
    if isinstance(value, list):
        return {p for item in value for p in _field_paths(item, f"{at}[]")}
    if isinstance(value, dict) and not at.endswith(("by_category", "by_decision")):
        return {f"{at}.{k}" for k in value} | {
            p for k, v in value.items() for p in _field_paths(v, f"{at}.{k}")
        }
    return set()


def test_the_json_contract_has_the_fields_of_the_real_output(tmp_path: Path):
    doc = (ROOT / "docs" / "json-format.md").read_text(encoding="utf-8")
    template = re.search(r"```yaml\n(.*?)```", doc, flags=re.S)
    example = re.search(r"```json\n(.*?)```", doc, flags=re.S)
    assert template and example
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "overdue.yaml").write_text(template.group(1), encoding="utf-8")
    (tmp_path / "templates" / "broken.yaml").write_text("a: [\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "linter", "check", "templates/", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    real, shown = json.loads(proc.stdout), json.loads(example.group(1))
    assert _field_paths(shown) == _field_paths(real)
    assert len(_field_paths(real)) > 40

    def findings(d: dict) -> list[tuple]:
        return [
            (m["id"], m["decision"], [(v["rule"], v["start"], v["end"]) for v in m["violations"]])
            for m in d["messages"]
        ]

    assert findings(shown) == findings(real)
    assert shown["summary"] == real["summary"]
