"""SARIF output: valid against the official 2.1.0 schema, and carrying what code scanning and
reviewers use — rule help with the legal basis, CJK-correct regions, fixes that reproduce
``msglint fix``, inline suppressions, and fingerprints that are the baseline's."""

from __future__ import annotations

import json
from pathlib import Path

import ci_repo
import jsonschema
import pytest

from linter.cli.main import main
from linter.formats.fingerprints import fingerprint

SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = ci_repo.build(tmp_path / "repo")
    monkeypatch.chdir(root)
    return root


def sarif(capsys: pytest.CaptureFixture[str], *paths: str) -> tuple[int, dict]:
    code = main(["check", "--format", "sarif", *(paths or ["templates"])])
    out, _ = capsys.readouterr()
    doc = json.loads(out)
    jsonschema.Draft4Validator(SCHEMA).validate(doc)
    return code, doc


def results_by(doc: dict) -> dict[tuple[str, str], dict]:
    return {
        (r["ruleId"], r.get("properties", {}).get("messageId", "")): r
        for r in doc["runs"][0]["results"]
    }


def test_sarif_is_valid_and_describes_rules_with_basis_and_fix(repo: Path, capsys):
    code, doc = sarif(capsys)
    assert code == 1
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["tool"]["driver"]["name"] == "msglint"
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {f"ZH-CIT-00{i}" for i in range(1, 7)} | {
        "MSGLINT-SUP-001",
        "MSGLINT-SUP-002",
        "MSGLINT-SUP-003",
    }
    insult = rules["ZH-CIT-002"]
    assert insult["shortDescription"]["text"] == "测试：辱骂 / test: insult"
    assert insult["defaultConfiguration"]["level"] == "error"
    assert insult["properties"]["category"] == "abusive_language"
    assert insult["properties"]["severity"] == "error"
    assert insult["properties"]["basis"] == ["测试依据：第二条"]
    for key in ("text", "markdown"):
        assert "测试依据：第二条" in insult["help"][key]
        assert "改为中性称呼" in insult["help"][key]
        assert "客户" in insult["help"][key]
    assert rules["MSGLINT-SUP-001"]["defaultConfiguration"]["level"] == "warning"
    assert rules["MSGLINT-SUP-002"]["defaultConfiguration"]["level"] == "error"
    for r in run["results"]:
        assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]


def test_results_have_character_columns_and_fixes_only_with_a_replacement(repo: Path, capsys):
    _, doc = sarif(capsys)
    results = results_by(doc)
    day3 = results[("ZH-CIT-002", "overdue.day3")]
    location = day3["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "templates/overdue.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    # "  day3: 你这个老赖": 老赖 is characters 12-13 of line 4, whatever its UTF-8 length
    assert location["region"] == {"startLine": 4, "startColumn": 12, "endLine": 4, "endColumn": 14}
    assert day3["level"] == "error"
    (fix,) = day3["fixes"]
    (change,) = fix["artifactChanges"]
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 4, "startColumn": 12, "endLine": 4, "endColumn": 14},
            "insertedContent": {"text": "客户"},
        }
    ]
    assert fix["properties"] == {"applicability": "safe"}
    assert results[("ZH-CIT-003", "overdue.day5")]["fixes"][0]["properties"] == {
        "applicability": "unsafe"
    }
    # advice-only rules carry no fix: there are no bytes to replace
    assert "fixes" not in results[("ZH-CIT-004", "[0]")]
    assert "fixes" not in results[("ZH-CIT-005", "notice.txt")]
    assert results[("ZH-CIT-005", "notice.txt")]["level"] == "warning"


def apply_sarif_fixes(text: str, replacements: list[dict]) -> str:
    """What an editor would do with the fixes: line/column in code points, 1-based."""
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    edits = []
    for r in replacements:
        region = r["deletedRegion"]
        a = starts[region["startLine"] - 1] + region["startColumn"] - 1
        b = starts[region["endLine"] - 1] + region["endColumn"] - 1
        edits.append((a, b, r["insertedContent"]["text"]))
    for a, b, new in sorted(edits, reverse=True):
        text = text[:a] + new + text[b:]
    return text


def test_sarif_fixes_reproduce_msglint_fix(repo: Path, capsys):
    _, doc = sarif(capsys)
    safe = [
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], rep)
        for r in doc["runs"][0]["results"]
        for f in r.get("fixes", [])
        if f["properties"]["applicability"] == "safe"
        for c in f["artifactChanges"]
        for rep in c["replacements"]
    ]
    expected = {}
    for uri in {u for u, _ in safe}:
        text = (repo / uri).read_text(encoding="utf-8")
        expected[uri] = apply_sarif_fixes(text, [rep for u, rep in safe if u == uri])
    assert main(["fix", "templates"]) == 1
    capsys.readouterr()
    assert {uri: (repo / uri).read_text(encoding="utf-8") for uri in expected} == expected
    assert set(expected) == {"templates/overdue.yaml", "templates/reminders.json"}


def test_fingerprints_are_the_baselines_and_survive_moving_lines(repo: Path, capsys):
    _, doc = sarif(capsys)
    day3 = results_by(doc)[("ZH-CIT-002", "overdue.day3")]
    fp = day3["partialFingerprints"]["msglint/v1"]
    assert fp == fingerprint("overdue.day3", "ZH-CIT-002", "老赖")
    main(["check", "templates", "--baseline", "b.json", "--update-baseline"])
    capsys.readouterr()
    saved = json.loads((repo / "b.json").read_text(encoding="utf-8"))
    assert fp in {e["fingerprint"] for e in saved["findings"]}

    overdue = repo / "templates/overdue.yaml"
    overdue.write_text(
        overdue.read_text(encoding="utf-8").replace("overdue:\n", "overdue:\n  new: 您好\n\n"),
        encoding="utf-8",
    )
    _, moved = sarif(capsys)
    again = results_by(moved)[("ZH-CIT-002", "overdue.day3")]
    assert again["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
    assert again["partialFingerprints"] == day3["partialFingerprints"]
    fps = [r["partialFingerprints"]["msglint/v1"] for r in moved["runs"][0]["results"]]
    assert len(fps) == len(set(fps))


def test_suppressions_are_results_marked_in_source(repo: Path, capsys):
    _, doc = sarif(capsys)
    results = results_by(doc)
    day7 = results[("ZH-CIT-001", "overdue.day7")]
    assert day7["suppressions"] == [
        {"kind": "inSource", "justification": "培训材料中的反面示例，不对外发送"}
    ]
    unused = results[("MSGLINT-SUP-001", "")]
    assert unused["level"] == "warning"
    assert unused["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 10,
        "startColumn": 20,
    }


def test_unreadable_files_are_notifications_and_the_run_is_not_successful(repo: Path, capsys):
    (repo / "templates/broken.yaml").write_text("a: [unclosed\n", encoding="utf-8")
    (repo / "templates/通知.txt").write_text("你这个老赖\n", encoding="utf-8")
    code, doc = sarif(capsys)
    assert code == 2
    (invocation,) = doc["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "templates/broken.yaml"
    )
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in doc["runs"][0]["results"]
    }
    assert "templates/%E9%80%9A%E7%9F%A5.txt" in uris  # a URI, percent-encoded


def test_stdin_results_have_no_location_and_are_still_valid(tmp_path: Path, capsys, monkeypatch):
    import io
    import sys

    monkeypatch.chdir(tmp_path)
    pack = str(ci_repo.PACK)
    monkeypatch.setattr(sys, "stdin", io.StringIO("你这个老赖\n"))
    code = main(["check", "-", "--format", "sarif", "--pack", pack, "--select", "ZH-CIT"])
    doc = json.loads(capsys.readouterr().out)
    jsonschema.Draft4Validator(SCHEMA).validate(doc)
    assert code == 1
    (result,) = doc["runs"][0]["results"]
    assert "locations" not in result
