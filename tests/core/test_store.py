"""The store on a real SQLite file: schema, pragmas, migrations and backups."""

from __future__ import annotations

import sqlite3
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
