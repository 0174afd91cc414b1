"""The store on a real SQLite file: schema, pragmas, migrations and backups."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlite_utils import Database

from annotator.core.errors import NewerSchemaError, StoreError
from annotator.core.store import NewArticle, Store
from annotator.core.store.schema import MIGRATIONS
from annotator.core.text import article_id

TEXT = "Emmanuel Macron a reçu 3 000 maires à l’Élysée.\nIls venaient de toute la France."


def add_article(store: Store, text: str = TEXT) -> str:
    aid = article_id(text)
    store.articles.add([NewArticle(aid, None, text, "test.txt", {"k": "v"}, len(text.split()))])
    return aid


def test_new_database_is_wal_with_foreign_keys_and_fts(store: Store, db_path: Path) -> None:
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert {"articles", "annotations", "suggestions", "events", "articles_fts"} <= set(
        store.db.table_names()
    )
    assert store.integrity_check() == []
    assert store.backup is None  # nothing to back up in a new file


def test_article_round_trip(store: Store) -> None:
    aid = add_article(store)
    article = store.articles.get(aid)
    assert article.text == TEXT
    assert article.meta == {"k": "v"}
    assert article.display_title.startswith("Emmanuel Macron")


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError), store.transaction():
        store.db.execute(
            "INSERT INTO suggested_articles (set_id, article_id) VALUES (99, 'missing')"
        )


def test_event_log_is_append_only(store: Store) -> None:
    add_article(store)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("DELETE FROM events")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("UPDATE events SET kind = 'x'")


def test_transaction_rolls_back_everything_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        add_article(store)
        raise RuntimeError("interrupted")
    assert store.articles.count() == 0
    assert list(store.events.list()) == []


def test_migration_backs_up_the_file_first(db_path: Path) -> None:
    with Store.open(db_path) as store:
        aid = add_article(store)

    @MIGRATIONS(name="9999_test_add_column")
    def _add_column(db: Database) -> None:
        db.execute("ALTER TABLE articles ADD COLUMN test_column TEXT")

    try:
        with Store.open(db_path) as store:
            assert store.backup is not None and store.backup.exists()
            assert "test_column" in store.db["articles"].columns_dict
            assert store.articles.get(aid).text == TEXT
        old = Database(store.backup)
        assert "test_column" not in old["articles"].columns_dict
        assert old.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    finally:
        MIGRATIONS._migrations.pop()


def test_database_from_a_newer_version_is_refused(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.db["_sqlite_migrations"].insert(
            {"migration_set": "annotator", "name": "9999_future", "applied_at": "2030"}
        )
    with pytest.raises(NewerSchemaError, match="newer version"):
        Store.open(db_path)


def test_other_sqlite_files_and_junk_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    Database(other)["things"].insert({"a": 1})
    with pytest.raises(StoreError, match="not an Annotator database"):
        Store.open(other)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        Store.open(junk)


def test_a_first_schema_database_is_upgraded_with_its_data(db_path: Path, corpus_dir: Path) -> None:
    """A file made by the first release: backed up, migrated, old signatures recomputed."""
    from annotator.core.importing import import_paths
    from annotator.core.records import Origin, Span
    from annotator.core.store import connection

    db = connection.connect(db_path)
    MIGRATIONS.apply(db, stop_before="0002_imported_origin")
    db.execute(
        "INSERT INTO articles (id, title, text, source, imported_at, words)"
        " VALUES ('a1', NULL, 'Un texte sur Alep.', 'old.txt', '2026', 4)"
    )
    db.execute("INSERT INTO article_minhash (article_id, signature) VALUES ('a1', x'00')")
    db.execute("INSERT INTO annotators (name, created_at) VALUES ('alice', '2026')")
    db.execute(
        'INSERT INTO annotations (article_id, annotator_id, start, "end", label, origin,'
        " created_at, updated_at) VALUES ('a1', 1, 13, 17, 'LOC', 'manual', '2026', '2026')"
    )
    db.execute("UPDATE sqlite_sequence SET seq = 41 WHERE name = 'annotations'")
    db.close()

    with Store.open(db_path) as store:
        assert store.backup is not None and store.backup.exists()
        assert store.integrity_check() == []
        (old,) = store.annotations.for_article("a1", "alice")
        assert old.span == Span(13, 17, "LOC")
        new = store.annotations.add("alice", "a1", Span(0, 2, "MISC"), Origin.IMPORTED)
        assert new.id == 42  # ids of deleted annotations are never reused
        import_paths(store, [corpus_dir])  # the stale signature is recomputed first
        schemes = store.db.execute("SELECT DISTINCT scheme FROM article_minhash").fetchall()
        assert schemes == [(2,)]


def test_commands_opening_a_new_file_at_once_migrate_it_once(tmp_path: Path) -> None:
    """Two imports started together on a new database both migrated it, and one failed
    ("duplicate column name"): the migrations are decided under the write lock."""
    path = tmp_path / "new.db"
    opener = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from annotator.core.store import Store\n"
        "start = float(sys.argv[2])\n"
        "while time.time() < start: pass\n"  # all processes open at the same instant
        "Store.open(Path(sys.argv[1])).close()\n"
    )
    start = str(time.time() + 3.0)
    processes = [
        subprocess.Popen([sys.executable, "-c", opener, str(path), start], stderr=subprocess.PIPE)
        for _ in range(6)
    ]
    errors = [p.communicate(timeout=60)[1].decode() for p in processes]
    assert [p.returncode for p in processes] == [0] * 6, "\n".join(errors)
    with Store.open(path) as store:
        applied = [m.name for m in MIGRATIONS.applied(store.db)]
    assert sorted(applied) == sorted({m.name for m in MIGRATIONS._migrations})
    assert len(applied) == len(set(applied))
