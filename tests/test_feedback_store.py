"""The verdict store on SQLite (a file in tmp_path) and on a real PostgreSQL server the suite
starts itself; and ``msglint stats`` / ``feedback export`` over it."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from linter.cli.main import main
from linter.run.config import Config, FeedbackConfig
from linter.run.feedback_store import FeedbackStore, NewVerdict, Submission

SECRET_TEXT = "【XX银行】张三先生你这个老赖，再不还钱就让你全家都知道"
_names = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+pysqlite:///{tmp_path / 'db' / 'feedback.sqlite3'}"
    server = request.getfixturevalue("postgres")
    return server.new_database(f"fb_{next(_names)}")


def make_store(url: str, **settings: object) -> FeedbackStore:
    return FeedbackStore(url, FeedbackConfig.model_validate(settings))


def finding(rule: str, verdict: str, category: str, note: str | None = None) -> NewVerdict:
    return NewVerdict(
        kind="finding", verdict=verdict, rule=rule, category=category, severity="error",
        matched="老赖", start=11, end=13, note=note,
    )  # fmt: skip


def submission(*verdicts: NewVerdict, packs_version: str = "v1") -> Submission:
    return Submission(
        reviewer="李审核", text=SECRET_TEXT, context={"recipient": "debtor", "channel": "sms"},
        packs_version=packs_version, verdicts=list(verdicts),
    )  # fmt: skip


def all_values(url: str) -> list[str]:
    """Every value of every row of every table, as text."""
    engine = sa.create_engine(url)
    try:
        meta = sa.MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            return [str(v) for t in meta.tables.values() for row in conn.execute(t.select())
                    for v in row]  # fmt: skip
    finally:
        engine.dispose()


def test_migrations_create_the_schema(url: str):
    store = make_store(url)
    store.stats()  # first use: migrates
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        assert {"verdicts", "settings", "alembic_version"} <= set(inspector.get_table_names())
        columns = {c["name"] for c in inspector.get_columns("verdicts")}
        assert {"id", "created_at", "reviewer", "kind", "verdict", "rule", "category", "severity",
                "matched", "start", "end", "note", "text_hash", "text", "context",
                "packs_version"} == columns  # fmt: skip
        with engine.connect() as conn:
            assert conn.execute(sa.text("select version_num from alembic_version")).scalar()
    finally:
        engine.dispose()
    store.close()
    make_store(url).stats()  # a second first use finds the schema current


def test_text_is_not_stored_by_default(url: str):
    store = make_store(url)
    ids = store.record(submission(finding("ZH-ABU-001", "correct", "abusive_language")))
    assert ids == [1]
    values = all_values(url)
    assert not any(SECRET_TEXT in v for v in values)
    assert "老赖" in values  # the matched words are kept
    (row,) = store.rows()
    assert row.text is None
    assert row.text_hash == store.text_hash(SECRET_TEXT) and len(row.text_hash) == 64
    store.close()


def test_sqlite_file_holds_no_text(tmp_path: Path):
    config = Config(root=tmp_path, feedback=FeedbackConfig(path="state/fb.sqlite3"))
    store = FeedbackStore.from_config(config)
    store.record(submission(finding("ZH-ABU-001", "wrong", "abusive_language", note="quoted")))
    store.close()
    raw = (tmp_path / "state" / "fb.sqlite3").read_bytes()
    assert "老赖".encode() in raw
    assert SECRET_TEXT.encode() not in raw
    assert "张三".encode() not in raw


def test_text_is_stored_with_store_text(url: str):
    store = make_store(url, **{"store-text": True})
    store.record(submission(finding("ZH-ABU-001", "correct", "abusive_language")))
    assert SECRET_TEXT in all_values(url)
    assert store.rows()[0].text == SECRET_TEXT
    store.close()


def test_hash_key_configured_or_kept(url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("MSGLINT_FEEDBACK_KEY", raising=False)
    generated = make_store(url)
    first = generated.text_hash(SECRET_TEXT)
    assert make_store(url).text_hash(SECRET_TEXT) == first  # the key is kept in the database
    keyed = make_store(url, **{"hash-key": "k" * 32}).text_hash(SECRET_TEXT)
    assert keyed != first
    monkeypatch.setenv("MSGLINT_FEEDBACK_KEY", "e" * 32)
    assert make_store(url, **{"hash-key": "k" * 32}).text_hash(SECRET_TEXT) not in (first, keyed)
    generated.close()


def test_stats_per_rule_and_category(url: str):
    store = make_store(url, **{"precision-floor": 0.75})
    store.record(submission(
        finding("ZH-THR-001", "correct", "threat"),
        finding("ZH-THR-001", "correct", "threat"),
        finding("ZH-THR-001", "correct", "threat"),
        finding("ZH-THR-002", "correct", "threat"),
        finding("ZH-ABU-001", "correct", "abusive_language"),
        finding("ZH-ABU-001", "wrong", "abusive_language"),
        NewVerdict(kind="missed", category="threat", note="家里人得替你扛"),
        NewVerdict(kind="missed", category="contact_time"),
    ))  # fmt: skip
    figures = store.stats()
    assert figures.precision_floor == 0.75
    rules = [(r.rule, r.reviewed, r.correct, r.wrong, r.precision, r.below_floor)
             for r in figures.rules]  # fmt: skip
    # under the floor first, then by reviewed count
    assert rules == [
        ("ZH-ABU-001", 2, 1, 1, 0.5, True),
        ("ZH-THR-001", 3, 3, 0, 1.0, False),
        ("ZH-THR-002", 1, 1, 0, 1.0, False),
    ]
    cats = {c.category: (c.reviewed, c.correct, c.wrong, c.precision, c.missed)
            for c in figures.categories}  # fmt: skip
    assert cats == {
        "abusive_language": (2, 1, 1, 0.5, 0),
        "threat": (4, 4, 0, 1.0, 1),
        "contact_time": (0, 0, 0, None, 1),
    }
    assert figures.missed == {"contact_time": 1, "threat": 1}
    store.close()


def test_stats_filters_since_and_packs_version(url: str):
    store = make_store(url)
    old = datetime(2026, 1, 5, 12, tzinfo=UTC)
    new = datetime(2026, 3, 1, 12, tzinfo=UTC)
    store.record(submission(finding("ZH-ABU-001", "wrong", "abusive_language")), now=old)
    store.record(
        submission(finding("ZH-ABU-001", "correct", "abusive_language"), packs_version="v2"),
        now=new,
    )
    assert store.stats().rules[0].reviewed == 2
    recent = store.stats(since=date(2026, 2, 1))
    assert [(r.rule, r.correct, r.wrong) for r in recent.rules] == [("ZH-ABU-001", 1, 0)]
    assert recent.since == date(2026, 2, 1)
    v1 = store.stats(packs_version="v1")
    assert [(r.rule, r.correct, r.wrong) for r in v1.rules] == [("ZH-ABU-001", 0, 1)]
    assert store.stats(since=date(2026, 2, 1), packs_version="v1").rules == []
    store.close()


def test_export_wrong_findings_and_misses(url: str):
    store = make_store(url, **{"store-text": True})
    store.record(submission(
        finding("ZH-ABU-001", "wrong", "abusive_language", note="quoted"),
        finding("ZH-TPD-001", "correct", "third_party_disclosure"),
        NewVerdict(kind="missed", category="threat"),
    ))  # fmt: skip
    other = submission(finding("ZH-THR-001", "correct", "threat"))
    store.record(other.model_copy(update={"text": "只有正确的发现"}))
    (message,) = store.export()
    assert message["text"] == SECRET_TEXT
    assert message["labels"] == ["third_party_disclosure", "threat"]
    assert message["context"] == {"recipient": "debtor", "channel": "sms"}
    assert "wrong ZH-ABU-001 (quoted)" in message["note"]
    store.close()


# ---- the CLI --------------------------------------------------------------------------------


def write_config(folder: Path, store_text: bool) -> Path:
    config = folder / "msglint.toml"
    config.write_text(
        f'[feedback]\npath = "fb.sqlite3"\nstore-text = {str(store_text).lower()}\n'
        "precision-floor = 0.9\n",
        encoding="utf-8",
    )
    return config


def test_cli_stats_json_and_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    config = write_config(tmp_path, store_text=False)
    store = FeedbackStore.from_config(Config(root=tmp_path, feedback=FeedbackConfig(
        path="fb.sqlite3")))  # fmt: skip
    store.record(submission(
        finding("ZH-ABU-001", "wrong", "abusive_language"),
        finding("ZH-THR-001", "correct", "threat"),
    ), now=datetime(2026, 1, 1, tzinfo=UTC))  # fmt: skip
    store.close()
    assert main(["stats", "--config", str(config), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["precision_floor"] == 0.9
    assert [(r["rule"], r["precision"], r["below_floor"]) for r in out["rules"]] == [
        ("ZH-ABU-001", 0.0, True),
        ("ZH-THR-001", 1.0, False),
    ]
    assert main(["stats", "--config", str(config), "--since", "2026-02-01",
                 "--format", "json"]) == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out)["rules"] == []
    assert main(["stats", "--config", str(config)]) == 0
    text = capsys.readouterr().out
    assert "ZH-ABU-001" in text and "under floor" in text


def test_cli_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    config = write_config(tmp_path, store_text=True)
    store = FeedbackStore.from_config(Config(root=tmp_path, feedback=FeedbackConfig(
        path="fb.sqlite3", store_text=True)))  # fmt: skip
    store.record(submission(NewVerdict(kind="missed", category="threat")))
    store.close()
    out = tmp_path / "feedback.yaml"
    assert main(["feedback", "export", "--config", str(config), "--output", str(out)]) == 0
    document = yaml.safe_load(out.read_text(encoding="utf-8"))
    (message,) = document["messages"]
    assert message["text"] == SECRET_TEXT and message["labels"] == ["threat"]
    assert set(message) == {"id", "text", "context", "labels", "note"}


def test_cli_export_without_text_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    config = write_config(tmp_path, store_text=False)
    assert main(["feedback", "export", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "text is not stored" in err and len(err.strip().splitlines()) == 1


def test_cli_stats_database_down(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from http_server import free_port

    config = tmp_path / "msglint.toml"
    config.write_text(
        f'[feedback]\ndatabase-url = "postgresql+psycopg://x@127.0.0.1:{free_port()}/x"\n',
        encoding="utf-8",
    )
    assert main(["stats", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "feedback database (postgresql) cannot be used" in err
