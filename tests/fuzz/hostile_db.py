"""Hostile databases for `annotator merge`: a real one made by the app, then tampered with.

`base_pair` makes, once, two real databases through the app's own API:
*theirs* (articles imported with alice's spans, bob's work, a suggestion set,
gold) and *ours* (some of the same articles, alice's other version of one).
A `Mutation` is one raw sqlite3 change to a copy of theirs: rows within and
outside the schema (wrong types, offsets out of range, non-JSON attributes,
forged ids, swapped texts), triggers, views, dropped tables, forgotten
migrations. Mutations are plain tuples, so a failing list is stored as JSON
in the regression corpus and replayed (`apply`).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from annotator.core.adjudication import auto
from annotator.core.importing import import_paths
from annotator.core.records import Span, Status
from annotator.core.store import Store
from annotator.core.text import article_id
from tests.conftest import CORPUS
from tests.fuzz.strategies import good_records

Mutation = tuple[str, ...] | list[Any]  # (kind, arguments...): JSON-able
PWNED = "pwned"  # written by the other file's triggers: must never reach ours

SPAN_TABLES = ("annotations", "suggestions", "gold_spans")
TABLES = (
    "articles", "annotators", "annotations", "suggestions", "suggestion_sets",
    "suggested_articles", "article_status", "gold_spans", "gold_status", "events",
    "merged_events", "article_tokens", "article_minhash", "rejections", "articles_fts",
)
MIGRATIONS = (
    "0001_initial", "0002_imported_origin", "0003_minhash_scheme", "0004_gold",
    "0005_merged_events", "0006_article_tokens", "0007_token_orths",
)


def base_pair(folder: Path) -> tuple[Path, Path]:
    """(ours, theirs), made by the app: imports, annotations, suggestions, gold."""
    folder.mkdir(parents=True, exist_ok=True)
    ours, theirs = folder / "ours.db", folder / "theirs.db"
    records = good_records()[:8]
    source = folder / "records.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    with Store.open(theirs) as store:
        import_paths(store, [source], annotator="alice")
        ids = [article_id(r["text"]) for r in records]
        model = store.suggestions.set_for("fuzz-model", "1.0", "1")
        spans = {
            i: [Span(s["start"], s["end"], s["label"]) for s in r["spans"]]
            for i, r in zip(ids, records, strict=True)
        }
        store.suggestions.add(model.id, spans)
        for i, record in zip(ids[:5], records[:5], strict=True):
            for suggestion in store.suggestions.for_article(i, model.id)[:2]:
                store.annotations.accept("bob", suggestion)
            first = record["spans"][0]
            store.annotations.add("bob", i, Span(first["start"], first["end"], "MISC"))
            store.statuses.set("bob", i, Status.DONE)
        auto(store, rule="majority")
    with Store.open(ours) as store:
        import_paths(store, [CORPUS])
        first = folder / "first.jsonl"
        first.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records[:3]) + "\n")
        import_paths(store, [first])
        store.annotations.add("alice", ids[0], Span(0, 5, "ORG"))
        store.statuses.set("alice", ids[0], Status.DONE)
    for path in (ours, theirs):
        assert not Path(f"{path}-wal").exists()
    return ours, theirs


def copy_pair(base: tuple[Path, Path], folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    ours, theirs = folder / "ours.db", folder / "theirs" / "theirs.db"
    theirs.parent.mkdir()
    shutil.copyfile(base[0], ours)
    shutil.copyfile(base[1], theirs)
    return ours, theirs


# -- values -----------------------------------------------------------------------------

HOSTILE_VALUES: list[Any] = [
    -5, 0, 3, 10**6, 2**63 - 1, -(2**63), 1.5, float("inf"), "3", "abc", "", b"\xff\x00",
    "PER\tLOC", "A\nT9\tLOC 0 3\tx", "<b>x</b>", "\x1b[2J", "../../etc/passwd", "alice@theirs",
    "not json", "NaN", '{"value": NaN}', "[1, 2]", '{"value": "beaucoup"}',
    '{"qualifier": "<img src=x>"}', '{"unit": 3}', '{"value": 5, "value_max": 2,'
    ' "qualifier": "range"}', '"x"', "{}", "\x00", "e\u0301",
]
value = st.sampled_from(HOSTILE_VALUES)


def blob(item: Any) -> Any:
    """A value as JSON can hold it (bytes as a tagged hex string), and back."""
    if isinstance(item, bytes):
        return {"hex": item.hex()}
    if isinstance(item, float) and item == float("inf"):
        return {"float": "inf"}
    return item


def unblob(item: Any) -> Any:
    if isinstance(item, dict) and "hex" in item:
        return bytes.fromhex(item["hex"])
    if isinstance(item, dict) and "float" in item:
        return float(item["float"])
    return item


# -- mutations --------------------------------------------------------------------------

FORGED_IDS = ["../../../../tmp/outside/requirements", "..", "a/b", "", " ", "\x00", "x" * 300]


@st.composite
def forged_article(draw: st.DrawFn) -> Mutation:
    """A new article whose id is not the one its text gives: a path, or a real id of ours."""
    records = good_records()
    taken = draw(st.sampled_from(records[8:12] + records[:1]))["text"]
    forged = draw(st.one_of(st.sampled_from(FORGED_IDS), st.just(article_id(taken))))
    text = draw(st.sampled_from(records[20:25]))["text"]
    return ("forge", forged, text)


MUTATIONS = st.one_of(
    forged_article(),
    st.tuples(st.just("swap_text"), st.integers(1, 8), st.sampled_from(
        ["Un autre texte.", "", "a\x00b", "e\u0301t\u00e9", " Lyon  ", "x" * 2000])),
    st.tuples(st.just("span"), st.sampled_from(SPAN_TABLES), value, value, value, value),
    st.tuples(
        st.just("set"),
        st.sampled_from(SPAN_TABLES),
        st.sampled_from(["start", "end", "label", "attrs", "article_id"]),
        value.map(blob),
    ),
    st.tuples(st.just("set"), st.just("articles"), st.sampled_from(["meta", "title", "words",
              "cluster", "source"]), value.map(blob)),
    st.tuples(st.just("set"), st.just("annotators"), st.just("name"), value.map(blob)),
    st.tuples(st.just("set"), st.just("article_status"), st.sampled_from(["status", "comment"]),
              value.map(blob)),
    st.tuples(st.just("set"), st.just("gold_spans"), st.sampled_from(["supporters", "rule"]),
              value.map(blob)),
    st.tuples(st.just("event"), st.sampled_from(["kind", "before", "after", "article_id"]),
              value.map(blob)),
    st.tuples(st.just("trigger"), st.sampled_from(TABLES[:10]),
              st.sampled_from(["INSERT", "UPDATE", "DELETE"])),
    st.tuples(st.just("view"), st.sampled_from(["gold_status", "annotators", "article_status"])),
    st.tuples(st.just("drop"), st.sampled_from(TABLES)),
    st.tuples(st.just("forget_migration"), st.sampled_from(MIGRATIONS)),
    st.just(("extra_table",)),
).map(lambda m: [blob(x) for x in m])
mutations = st.lists(MUTATIONS, min_size=1, max_size=4)


def apply(path: Path, changes: list[Mutation]) -> None:
    """Each change, raw, with every safety of the schema off (as an attacker would)."""
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("PRAGMA foreign_keys = OFF")
        db.execute("PRAGMA ignore_check_constraints = ON")
        for change in changes:
            kind, *args = (unblob(x) for x in change)
            # A change the file as earlier changes left it refuses (a view, a drop) is skipped.
            with contextlib.suppress(sqlite3.Error):
                _APPLY[kind](db, *args)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _forge(db: sqlite3.Connection, forged: str, text: str) -> None:
    seq = db.execute(
        "INSERT INTO articles (id, title, text, source, meta, imported_at, words)"
        " VALUES (?, 'Forgé', ?, 'forged', '{}', '2026-01-01', 3) RETURNING seq",
        [forged, text],
    ).fetchone()[0]
    alice = db.execute("SELECT id FROM annotators WHERE name = 'alice'").fetchone()[0]
    db.execute(
        'INSERT INTO annotations (article_id, annotator_id, start, "end", label, attrs, origin,'
        " created_at, updated_at) VALUES (?, ?, 0, 5, 'LOC', '{}', 'manual', 'x', 'x')",
        [forged, alice],
    )
    db.execute(
        "INSERT OR REPLACE INTO article_status VALUES (?, ?, 'done', NULL, 'x')", [forged, alice]
    )
    assert seq


def _swap_text(db: sqlite3.Connection, seq: int, text: str) -> None:
    db.execute("UPDATE articles SET text = ? WHERE seq = ?", [text, seq])


def _span(db: sqlite3.Connection, table: str, start: Any, end: Any, label: Any, attrs: Any) -> None:
    article = db.execute("SELECT id FROM articles ORDER BY seq LIMIT 1").fetchone()[0]
    if table == "annotations":
        db.execute(
            'INSERT INTO annotations (article_id, annotator_id, start, "end", label, attrs,'
            " origin, created_at, updated_at) VALUES (?, 1, ?, ?, ?, ?, 'manual', 'x', 'x')",
            [article, start, end, label, attrs],
        )
    elif table == "suggestions":
        db.execute(
            'INSERT INTO suggestions (set_id, article_id, start, "end", label, attrs)'
            " VALUES (1, ?, ?, ?, ?, ?)",
            [article, start, end, label, attrs],
        )
    else:
        db.execute(
            'INSERT INTO gold_spans (article_id, start, "end", label, attrs, adjudicator_id,'
            " supporters, rule, created_at) VALUES (?, ?, ?, ?, ?, 1, '[]', 'review', 'x')",
            [article, start, end, label, attrs],
        )


def _set(db: sqlite3.Connection, table: str, column: str, item: Any) -> None:
    row = db.execute(f"SELECT rowid FROM {table} LIMIT 1 OFFSET 1").fetchone()
    if row is not None:
        db.execute(f'UPDATE {table} SET "{column}" = ? WHERE rowid = ?', [item, row[0]])


def _event(db: sqlite3.Connection, column: str, item: Any) -> None:
    values = {"kind": "annotation.add", "before": None, "after": '{"start": 0}', "article_id": "a"}
    values[column] = item
    db.execute(
        "INSERT INTO events (action, at, annotator_id, kind, article_id, entity_id, before, after)"
        " VALUES (1, '2026-01-01', 1, ?, ?, '1', ?, ?)",
        [values["kind"], values["article_id"], values["before"], values["after"]],
    )


def _trigger(db: sqlite3.Connection, table: str, event: str) -> None:
    """Attacker SQL that runs whenever the other file's table is written to."""
    db.execute(
        f"CREATE TRIGGER IF NOT EXISTS {PWNED}_{table}_{event.lower()} AFTER {event} ON {table}"
        f" BEGIN INSERT INTO annotators (name, created_at) VALUES ('{PWNED}-' || random(), 'x');"
        " END"
    )


def _view(db: sqlite3.Connection, table: str) -> None:
    """A table replaced by a view of the same name (bounded: the recursive one is a test)."""
    columns = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
    db.execute(f"DROP TABLE IF EXISTS {table}")
    if columns:
        picked = ", ".join(f"'{PWNED}' AS \"{c}\"" for c in columns)
        db.execute(f"CREATE VIEW {table} AS SELECT {picked}")


def _drop(db: sqlite3.Connection, table: str) -> None:
    kind = db.execute("SELECT type FROM sqlite_master WHERE name = ?", [table]).fetchone()
    if kind is not None:
        db.execute(f"DROP {kind[0].upper()} {table}")


def _forget_migration(db: sqlite3.Connection, name: str) -> None:
    db.execute("DELETE FROM _sqlite_migrations WHERE name = ?", [name])


def _extra_table(db: sqlite3.Connection) -> None:
    db.execute(f"CREATE TABLE IF NOT EXISTS {PWNED}_extra (x)")
    db.execute(f"INSERT INTO {PWNED}_extra VALUES ('{PWNED}')")


_APPLY = {
    "forge": _forge,
    "swap_text": _swap_text,
    "span": _span,
    "set": _set,
    "event": _event,
    "trigger": _trigger,
    "view": _view,
    "drop": _drop,
    "forget_migration": _forget_migration,
    "extra_table": _extra_table,
}


def recursive_view(path: Path) -> None:
    """annotators as a view that never ends: listing them hangs without a time bound."""
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("PRAGMA foreign_keys = OFF")
        db.execute("DROP TABLE annotators")
        db.execute(
            "CREATE VIEW annotators AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
            " SELECT i + 1 FROM n) SELECT i AS id, 'a' || i AS name, 'x' AS created_at FROM n"
        )
