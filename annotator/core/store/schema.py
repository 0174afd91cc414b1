"""The database schema, as an ordered list of migrations.

Never edit a migration that has shipped: add a new one. `Store.open` backs the
file up before it applies any migration to a database that already has data.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("annotator")

# Bound parameters a statement may have in SQLite before 3.32 (later: 32766).
_MAX_PARAMETERS = 999

STATUSES = "('todo', 'in_progress', 'done', 'skipped', 'flagged')"
ORIGINS = "('accepted', 'edited', 'manual')"


@MIGRATIONS(name="0001_initial")
def _initial(db: Database) -> None:
    db.executescript(
        f"""
        CREATE TABLE articles (
            seq INTEGER PRIMARY KEY,           -- stable rowid for the FTS index
            id TEXT NOT NULL UNIQUE,           -- hash of the normalised text
            title TEXT,
            text TEXT NOT NULL,
            source TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{{}}', -- JSON
            imported_at TEXT NOT NULL,
            words INTEGER NOT NULL,
            cluster TEXT                       -- first article of its near-duplicate cluster
        );
        CREATE INDEX articles_cluster ON articles (cluster) WHERE cluster IS NOT NULL;

        CREATE TABLE article_minhash (
            article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
            signature BLOB NOT NULL
        );

        CREATE TABLE annotators (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );

        CREATE TABLE suggestion_sets (
            id INTEGER PRIMARY KEY,
            model TEXT NOT NULL,
            model_version TEXT NOT NULL,
            recognizers_version TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (model, model_version, recognizers_version)
        );

        -- Which articles a suggestion set has run over, spans found or not,
        -- so a re-run skips them.
        CREATE TABLE suggested_articles (
            set_id INTEGER NOT NULL REFERENCES suggestion_sets (id) ON DELETE CASCADE,
            article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            PRIMARY KEY (article_id, set_id)
        ) WITHOUT ROWID;

        CREATE TABLE suggestions (
            id INTEGER PRIMARY KEY,
            set_id INTEGER NOT NULL REFERENCES suggestion_sets (id) ON DELETE CASCADE,
            article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            attrs TEXT NOT NULL DEFAULT '{{}}',
            CHECK (0 <= start AND start < "end")
        );
        CREATE INDEX suggestions_article ON suggestions (article_id, set_id);

        CREATE TABLE annotations (
            id INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused, so undo can restore an id
            article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators (id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            attrs TEXT NOT NULL DEFAULT '{{}}',
            origin TEXT NOT NULL CHECK (origin IN {ORIGINS}),
            suggestion_id INTEGER REFERENCES suggestions (id) ON DELETE SET NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (0 <= start AND start < "end")
        );
        CREATE INDEX annotations_article ON annotations (article_id, annotator_id);
        CREATE INDEX annotations_annotator ON annotations (annotator_id, label);

        -- Suggestions an annotator turned down (Delete on a suggestion).
        CREATE TABLE rejections (
            annotator_id INTEGER NOT NULL REFERENCES annotators (id),
            suggestion_id INTEGER NOT NULL REFERENCES suggestions (id) ON DELETE CASCADE,
            article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            PRIMARY KEY (annotator_id, suggestion_id)
        ) WITHOUT ROWID;
        CREATE INDEX rejections_article ON rejections (article_id, annotator_id);

        CREATE TABLE article_status (
            article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators (id),
            status TEXT NOT NULL CHECK (status IN {STATUSES}),
            comment TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (article_id, annotator_id)
        ) WITHOUT ROWID;
        CREATE INDEX article_status_annotator ON article_status (annotator_id, status);

        -- Append-only: rows are inserted, never updated or deleted.
        -- One user action is one transaction and one `action`: the id of its
        -- first row. `undoes` / `redoes` name the action a row reverts.
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            action INTEGER NOT NULL,
            at TEXT NOT NULL,
            annotator_id INTEGER REFERENCES annotators (id),
            kind TEXT NOT NULL,
            article_id TEXT,                  -- no FK: the log outlives what it tells of
            entity_id TEXT,
            before TEXT,                      -- JSON state before, NULL if none
            after TEXT,                       -- JSON state after, NULL if none
            undoes INTEGER,
            redoes INTEGER
        );
        CREATE INDEX events_annotator ON events (annotator_id, id);
        CREATE INDEX events_article ON events (article_id, id);
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        """
    )
    # Full-text search over titles and texts; accents folded so "defense"
    # finds "Défense". sqlite-utils keeps it in sync with triggers.
    db["articles"].enable_fts(
        ["title", "text"],
        tokenize="unicode61 remove_diacritics 2",
        create_triggers=True,
    )


@MIGRATIONS(name="0002_imported_origin")
def _imported_origin(db: Database) -> None:
    """Annotations read from other tools' files get their own origin.

    SQLite cannot change a CHECK constraint in place: the table is rebuilt.
    """
    columns = (
        'id, article_id, annotator_id, start, "end", label, attrs, origin, suggestion_id,'
        " created_at, updated_at"
    )
    db.executescript(
        f"""
        CREATE TABLE annotations_new (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators (id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            attrs TEXT NOT NULL DEFAULT '{{}}',
            origin TEXT NOT NULL CHECK (origin IN ('accepted', 'edited', 'manual', 'imported')),
            suggestion_id INTEGER REFERENCES suggestions (id) ON DELETE SET NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (0 <= start AND start < "end")
        );
        INSERT INTO annotations_new ({columns}) SELECT {columns} FROM annotations;
        -- Keep ids of deleted annotations unused, so undo can still restore them.
        UPDATE sqlite_sequence SET seq = max(seq, coalesce(
            (SELECT seq FROM sqlite_sequence WHERE name = 'annotations'), 0))
        WHERE name = 'annotations_new';
        DROP TABLE annotations;
        ALTER TABLE annotations_new RENAME TO annotations;
        CREATE INDEX annotations_article ON annotations (article_id, annotator_id);
        CREATE INDEX annotations_annotator ON annotations (annotator_id, label);
        """
    )


@MIGRATIONS(name="0003_minhash_scheme")
def _minhash_scheme(db: Database) -> None:
    """Signatures say how they were made, so a new scheme recomputes old ones."""
    db.execute("ALTER TABLE article_minhash ADD COLUMN scheme INTEGER NOT NULL DEFAULT 1")


@MIGRATIONS(name="0004_gold")
def _gold(db: Database) -> None:
    """Gold: the adjudicated spans, with who decided and which annotators supported each."""
    db.executescript(
        """
        CREATE TABLE gold_spans (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            attrs TEXT NOT NULL DEFAULT '{}',
            adjudicator_id INTEGER NOT NULL REFERENCES annotators (id),
            supporters TEXT NOT NULL DEFAULT '[]',  -- JSON list of annotator names
            rule TEXT NOT NULL,                     -- unanimous, majority, or review
            created_at TEXT NOT NULL,
            CHECK (0 <= start AND start < "end")
        );
        CREATE INDEX gold_spans_article ON gold_spans (article_id);
        CREATE TABLE gold_status (
            article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
            adjudicator_id INTEGER NOT NULL REFERENCES annotators (id),
            status TEXT NOT NULL CHECK (status IN ('in_review', 'adjudicated')),
            updated_at TEXT NOT NULL
        ) WITHOUT ROWID;
        """
    )


@MIGRATIONS(name="0005_merged_events")
def _merged_events(db: Database) -> None:
    """Fingerprints of the events merged in from other databases, so none comes in twice.

    By content, not by database id: copies of one database handed to several
    annotators share an id but not their later events.
    """
    db.execute("CREATE TABLE merged_events (fingerprint TEXT PRIMARY KEY) WITHOUT ROWID")


@MIGRATIONS(name="0006_article_tokens")
def _article_tokens(db: Database) -> None:
    """Token offsets by article, made once by the French tokenizer and kept.

    Agreement and evaluation count tokens; tokenizing 10k articles again for
    every run would take longer than all the measures together.
    """
    db.execute(
        "CREATE TABLE article_tokens ("
        " article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,"
        " tokenizer TEXT NOT NULL,"  # e.g. spacy-3.8.18/fr: another one recomputes them
        " offsets BLOB NOT NULL"  # int32 little-endian (start, end) pairs
        ") WITHOUT ROWID"
    )


@MIGRATIONS(name="0007_token_orths")
def _token_orths(db: Database) -> None:
    """The ORTH ids of the cached tokens, beside their offsets.

    A DocBin stores each token as its ORTH id, spaCy's hash of its text;
    hashing 5M tokens again for every export takes longer than the rest of it.
    Rows cached before have none (NULL) until an export fills them in.
    """
    db.execute("ALTER TABLE article_tokens ADD COLUMN orths BLOB")  # uint64 little-endian


def insert_rows(
    conn: sqlite3.Connection,
    head: str,
    rows: Sequence[Sequence[Any]],
    *,
    fewest_statements: bool = False,
) -> None:
    """Run ``head VALUES (...), (...), ...`` over rows, many rows a statement.

    `executemany` runs one statement a row, and a statement has fixed costs
    (its journal, the AUTOINCREMENT counter, and a flush of the full-text
    index's pending terms when a trigger writes to it). Shared by a hundred
    rows they vanish: annotations go in twice as fast, articles with their
    full-text index three times. `fewest_statements`: as many rows a
    statement as this SQLite takes parameters, rather than 999 parameters
    (for the full-text index, each flush writes a segment to merge later).
    """
    if not rows:
        return
    width = len(rows[0])
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = max(1, (limit if fewest_statements else _MAX_PARAMETERS) // width)
    one = "(" + ", ".join("?" * width) + ")"
    for i in range(0, len(rows), per):
        chunk = rows[i : i + per]
        conn.execute(
            f"{head} VALUES {', '.join([one] * len(chunk))}",
            list(itertools.chain.from_iterable(chunk)),
        )
