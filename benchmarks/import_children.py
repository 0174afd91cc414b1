"""The import benchmark's children: what each measuring process runs.

bench_import.py starts each of these in a fresh process: our importer into a
fresh (or the largest) database, the plain sqlite3 baseline (with or without
the full-text index), reading and accepting on the largest database, and a
cProfile of one import.
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import (
    OUT,
    cpu_seconds,
    db_bytes,
    fresh_db,
    ms_stats,
    peak_mb,
    rss_mb,
    save_profile,
    suggestion_spans,
)

BATCH = 500
ANNOTATOR = "bench"


def _table_sizes(db: Path) -> dict[str, int]:
    """Bytes per table with its indexes (dbstat), largest first; {} if unavailable."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT coalesce(m.tbl_name, d.name), sum(d.pgsize) FROM dbstat d"
            " LEFT JOIN sqlite_master m ON m.name = d.name GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
    except sqlite3.Error:
        return {}
    finally:
        conn.close()
    return dict(rows)


def child_ours(source: Path, db: Path, fresh: bool = True) -> dict[str, Any]:
    from annotator.core.importing import import_paths
    from annotator.core.store import Store

    if fresh:
        fresh_db(db)
    rss_before = rss_mb()
    cpu = cpu_seconds()
    started = time.perf_counter()
    store = Store.open(db)
    opened = time.perf_counter()
    report = import_paths(store, [source], format="jsonl", batch_size=BATCH)
    imported = time.perf_counter()
    store.close()
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu
    peak = peak_mb()
    conn = sqlite3.connect(db)
    planted, found, extra = conn.execute(
        "SELECT count(*) FILTER (WHERE json_extract(meta, '$.near_copy_of') IS NOT NULL),"
        " count(*) FILTER (WHERE json_extract(meta, '$.near_copy_of') IS NOT NULL"
        "                  AND cluster IS NOT NULL AND cluster != id),"
        " count(*) FILTER (WHERE json_extract(meta, '$.near_copy_of') IS NULL"
        "                  AND cluster IS NOT NULL AND cluster != id)"
        " FROM articles"
    ).fetchone()
    conn.close()
    import annotator

    return {
        "code_path": str(Path(annotator.__file__).parent),
        "seconds": seconds,
        "cpu_seconds": cpu,
        "open_seconds": opened - started,
        "import_seconds": imported - opened,
        "close_seconds": seconds - (imported - started),
        "added": len(report.added),
        "duplicates": len(report.duplicates),
        "near_duplicates": len(report.near_duplicates),
        "problems": [str(p) for p in report.problems[:5]],
        "planted_copies": planted,
        "planted_found": found,
        "unplanted_clustered": extra,
        "db_bytes": db_bytes(db),
        "tables": _table_sizes(db),
        "rss_before_mb": rss_before,
        "peak_mb": peak,
    }


def child_baseline(source: Path, db: Path, fts: bool = False) -> dict[str, Any]:
    fresh_db(db)
    rss_before = rss_mb()
    cpu = cpu_seconds()
    started = time.perf_counter()
    insert_seconds = 0.0
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE articles (id TEXT NOT NULL UNIQUE, title TEXT, text TEXT NOT NULL,"
        " source TEXT NOT NULL, meta TEXT NOT NULL, imported_at TEXT NOT NULL,"
        " words INTEGER NOT NULL)"
    )
    if fts:  # the same full-text index as ours: FTS5 over title and text, kept by a trigger
        conn.execute(
            "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles',"
            " content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')"
        )
        conn.execute(
            "CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN INSERT INTO"
            " articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text); END"
        )
    rows: list[tuple[Any, ...]] = []
    count = text_bytes = 0

    def flush() -> float:
        began = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany("INSERT OR IGNORE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
        rows.clear()
        return time.perf_counter() - began

    where = str(source)
    with source.open("rb") as stream:
        for line in stream:
            record = json.loads(line)
            text = record["text"]
            encoded = text.encode("utf-8")
            text_bytes += len(encoded)
            count += 1
            rows.append(
                (
                    hashlib.sha256(encoded).hexdigest()[:16],
                    record.get("title"),
                    text,
                    where,
                    json.dumps(record.get("meta", {}), ensure_ascii=False),
                    datetime.now(UTC).isoformat(timespec="milliseconds"),
                    len(text.split()),
                )
            )
            if len(rows) >= BATCH:
                insert_seconds += flush()
    if rows:
        insert_seconds += flush()
    conn.close()
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds() - cpu,
        "insert_seconds": insert_seconds,
        "articles": count,
        "text_bytes": text_bytes,
        "input_bytes": source.stat().st_size,
        "db_bytes": db_bytes(db),
        "rss_before_mb": rss_before,
        "peak_mb": peak_mb(),
    }


def child_reads(db: Path, reads: int, accepts: int, per_article: int, seed: int) -> dict[str, Any]:
    from annotator.core.store import Store

    rng = random.Random(seed)
    store = Store.open(db)
    ids = store.articles.ids()
    sample = rng.sample(ids, min(reads, len(ids)))
    suggestion_set = store.suggestions.set_for("bench-model", "1.0", "bench-1")
    total = 0
    started = time.perf_counter()
    for i in range(0, len(sample), 100):
        chunk = {
            aid: suggestion_spans(rng, store.articles.get(aid).text, per_article)
            for aid in sample[i : i + 100]
        }
        total += sum(len(v) for v in chunk.values())
        store.suggestions.add(suggestion_set.id, chunk)
    add_seconds = time.perf_counter() - started
    store.annotators.id_of(ANNOTATOR)
    store.close()

    # Reads, on a reopened store: SQLite's page cache starts empty (the OS's is warm).
    store = Store.open(db)
    order = list(sample)
    rng.shuffle(order)
    load_ns: list[int] = []
    spans = 0
    for aid in order:
        began = time.perf_counter_ns()
        document = store.documents.load(aid, ANNOTATOR)
        load_ns.append(time.perf_counter_ns() - began)
        spans += len(document.suggestions)

    # Accepting one suggestion: one user action, committed with synchronous=FULL.
    accept_ns: list[int] = []
    for aid in order[:accepts]:
        document = store.documents.load(aid, ANNOTATOR)
        suggestion = rng.choice(document.suggestions)
        began = time.perf_counter_ns()
        store.annotations.accept(ANNOTATOR, suggestion)
        accept_ns.append(time.perf_counter_ns() - began)
    sync = store.db.execute("PRAGMA synchronous").fetchone()[0]
    articles = store.articles.count()
    store.close()
    return {
        "articles_in_db": articles,
        "read_articles": len(sample),
        "suggestions_added": total,
        "suggestions_per_article": total / max(1, len(sample)),
        "suggestions_add_seconds": add_seconds,
        "spans_read": spans,
        "load": ms_stats(load_ns),
        "accept": ms_stats(accept_ns),
        "accept_synchronous": {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(sync, sync),
        "peak_mb": peak_mb(),
    }


def child_profile(source: Path, db: Path, top: int) -> dict[str, Any]:
    import cProfile

    from annotator.core.importing import import_paths
    from annotator.core.store import Store

    fresh_db(db)
    store = Store.open(db)
    profiler = cProfile.Profile()
    profiler.enable()
    import_paths(store, [source], format="jsonl", batch_size=BATCH)
    profiler.disable()
    store.close()
    return save_profile(profiler, OUT / f"profile-import-{source.stem}.txt", top)
