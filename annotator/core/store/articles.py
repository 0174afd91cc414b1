"""Articles: storing imported ones, reading, listing and full-text search."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.errors import NotFound, StoreError
from annotator.core.neardup import SCHEME, signature
from annotator.core.records import Article, ArticleSummary, Status, snippet
from annotator.core.store.chunked import rows_over
from annotator.core.store.connection import now
from annotator.core.store.events import Change
from annotator.core.store.schema import insert_rows
from annotator.core.store.search import fts_query

if TYPE_CHECKING:
    from annotator.core.store.store import Store


@dataclass(frozen=True, slots=True)
class NewArticle:
    """An article ready to store: its id computed, its near-duplicates found."""

    id: str
    title: str | None
    text: str
    source: str
    meta: dict[str, Any]
    words: int
    cluster: str | None = None
    signature: bytes | None = None  # MinHash signature, for later near-duplicate checks


# Status order for lists over all annotators: the furthest any annotator got.
_RANK = {"todo": 0, "skipped": 1, "in_progress": 2, "flagged": 3, "done": 4}


class Articles:
    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, articles: Sequence[NewArticle], clusters: Iterable[tuple[str, str]] = ()) -> None:
        """Store a batch of new articles in one transaction, with its log entry.

        `clusters` gives (article id, cluster id) for articles already stored
        that a new near-duplicate joins to a cluster.
        """
        if not articles:
            return
        db = self._store.db
        stamp = now()
        with self._store.transaction():
            # One statement a batch: the full-text index is written once (storing 10k
            # articles took 0.86 s of CPU at 999 parameters a statement, 0.64 s so).
            insert_rows(
                db.conn,
                "INSERT INTO articles (id, title, text, source, meta, imported_at, words, cluster)",
                [
                    (
                        a.id,
                        a.title,
                        a.text,
                        a.source,
                        json.dumps(a.meta, ensure_ascii=False),
                        stamp,
                        a.words,
                        a.cluster,
                    )
                    for a in articles
                ],
                fewest_statements=True,
            )
            insert_rows(
                db.conn,
                "INSERT INTO article_minhash (article_id, signature, scheme)",
                [(a.id, a.signature, SCHEME) for a in articles if a.signature is not None],
            )
            db.conn.executemany(
                "UPDATE articles SET cluster = ? WHERE id = ? AND cluster IS NULL",
                [(cluster, article_id) for article_id, cluster in clusters],
            )
            after = {
                "ids": [a.id for a in articles],
                "sources": sorted({a.source for a in articles}),
            }
            self._store.events.log(None, [Change("articles.import", None, None, None, after)])

    def existing(self, ids: Iterable[str]) -> set[str]:
        """Which of these ids are stored already."""
        sql = "SELECT id FROM articles WHERE id IN ({marks})"
        return {r[0] for r in rows_over(self._store.db, sql, [], list(ids))}

    def get(self, article_id: str) -> Article:
        row = self._store.db.execute(
            "SELECT id, title, text, source, meta, imported_at, words, cluster"
            " FROM articles WHERE id = ?",
            [article_id],
        ).fetchone()
        if row is None:
            raise NotFound(f"no article {article_id}")
        return Article(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5], row[6], row[7])

    def count(self) -> int:
        return self._store.db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def ids(self) -> list[str]:
        """Every article id in import order."""
        return [r[0] for r in self._store.db.execute("SELECT id FROM articles ORDER BY seq")]

    def token_offsets(self, ids: Sequence[str], tokenizer: str) -> dict[str, bytes]:
        """Cached token offsets of these articles made by `tokenizer` (missing ones absent)."""
        return {i: offsets for i, (offsets, _) in self.tokens(ids, tokenizer).items()}

    def tokens(self, ids: Sequence[str], tokenizer: str) -> dict[str, tuple[bytes, bytes | None]]:
        """Cached (offsets, ORTH ids) of these articles' tokens made by `tokenizer`
        (missing articles absent; ORTH ids None where they were never kept)."""
        sql = (
            "SELECT article_id, offsets, orths FROM article_tokens WHERE tokenizer = ?"
            " AND article_id IN ({marks})"
        )
        return {r[0]: (r[1], r[2]) for r in rows_over(self._store.db, sql, [tokenizer], ids)}

    def tokens_missing(self, ids: Sequence[str], tokenizer: str) -> bool:
        """Whether some of these articles have no cached tokens with ORTH ids."""
        marks = ", ".join("?" * len(ids))
        found = self._store.db.execute(
            f"SELECT count(*) FROM article_tokens WHERE tokenizer = ? AND orths IS NOT NULL"
            f" AND article_id IN ({marks})",
            [tokenizer, *ids],
        ).fetchone()[0]
        return found < len(set(ids))

    def save_tokens(self, tokenizer: str, tokens: dict[str, tuple[bytes, bytes | None]]) -> None:
        """Keep each article's token (offsets, ORTH ids), made by `tokenizer`."""
        if self._store.read_only:
            return  # a cache: a read-only database is exported without keeping it
        with self._store.transaction():
            self._store.db.conn.executemany(
                "INSERT OR REPLACE INTO article_tokens (article_id, tokenizer, offsets, orths)"
                " VALUES (?, ?, ?, ?)",
                [(i, tokenizer, offsets, orths) for i, (offsets, orths) in tokens.items()],
            )

    def first(self) -> str | None:
        row = self._store.db.execute("SELECT id FROM articles ORDER BY seq LIMIT 1").fetchone()
        return row[0] if row else None

    def neighbour(self, article_id: str, step: int) -> str | None:
        """The article after (step 1) or before (step -1) this one in import order."""
        compare, order = (">", "ASC") if step > 0 else ("<", "DESC")
        row = self._store.db.execute(
            f"SELECT id FROM articles WHERE seq {compare}"
            f" (SELECT seq FROM articles WHERE id = ?) ORDER BY seq {order} LIMIT 1",
            [article_id],
        ).fetchone()
        return row[0] if row else None

    def next_not_done(self, article_id: str, annotator: str) -> str | None:
        """The first article after this one (wrapping round) the annotator has not done."""
        row = self._store.db.execute(
            """
            SELECT a.id FROM articles a
            WHERE NOT EXISTS (
                SELECT 1 FROM article_status s JOIN annotators n ON n.id = s.annotator_id
                WHERE s.article_id = a.id AND n.name = ? AND s.status = 'done')
              AND a.id != ?
            ORDER BY a.seq <= (SELECT seq FROM articles WHERE id = ?), a.seq
            LIMIT 1
            """,
            [annotator, article_id, article_id],
        ).fetchone()
        return row[0] if row else None

    def summary(self, article_id: str, annotator: str | None = None) -> ArticleSummary | None:
        """One row of the list, fresh from the store."""
        rows = self.list(annotator=annotator, ids=[article_id])
        return rows[0] if rows else None

    def texts(self, ids: Iterable[str], chunk: int = 500) -> Iterator[tuple[str, str]]:
        """(id, text) of these articles, in the order given, read a chunk at a time."""
        ids = list(ids)
        for i in range(0, len(ids), chunk):
            part = ids[i : i + chunk]
            marks = ", ".join("?" * len(part))
            found = dict(
                self._store.db.execute(
                    f"SELECT id, text FROM articles WHERE id IN ({marks})", part
                ).fetchall()
            )
            for article_id in part:
                yield article_id, found[article_id]

    def signatures(self) -> Iterable[tuple[str, str | None, bytes]]:
        """(id, cluster, MinHash signature) of every stored article, for dedup.

        Signatures made by an older scheme are recomputed and stored first.
        """
        self._refresh_signatures()
        yield from self._store.db.execute(
            "SELECT m.article_id, a.cluster, m.signature FROM article_minhash m"
            " JOIN articles a ON a.id = m.article_id"
        )

    def last_seq(self) -> int:
        """The seq of the newest article stored, 0 when none is."""
        (seq,) = self._store.db.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()
        return int(seq)

    def signatures_after(self, seq: int) -> tuple[list[tuple[str, str | None, bytes]], int]:
        """(id, cluster, signature) of the articles stored after `seq`, and the newest seq.

        What another process stored while an import ran: read inside a write
        transaction, so that nothing is stored in between.
        """
        rows = self._store.db.execute(
            "SELECT a.seq, a.id, a.cluster, m.signature FROM articles a"
            " JOIN article_minhash m ON m.article_id = a.id AND m.scheme = ?"
            " WHERE a.seq > ? ORDER BY a.seq",
            [SCHEME, seq],
        ).fetchall()
        newest = max([seq, *(row[0] for row in rows)])
        return [(article_id, cluster, data) for _, article_id, cluster, data in rows], newest

    def _refresh_signatures(self) -> None:
        db = self._store.db
        stale = db.execute(
            "SELECT a.id, a.text FROM articles a LEFT JOIN article_minhash m"
            " ON m.article_id = a.id WHERE m.scheme IS NOT ? ",
            [SCHEME],
        ).fetchall()
        if not stale:
            return
        with self._store.transaction():
            db.conn.executemany(
                "INSERT OR REPLACE INTO article_minhash (article_id, signature, scheme)"
                " VALUES (?, ?, ?)",
                [(article_id, signature(text), SCHEME) for article_id, text in stale],
            )

    def list(
        self,
        *,
        annotator: str | None = None,
        status: Status | None = None,
        search: str | None = None,
        prefix: bool = False,
        limit: int | None = None,
        offset: int = 0,
        ids: list[str] | None = None,
    ) -> list[ArticleSummary]:
        """Article summaries in import order, filtered, one page at a time.

        With an annotator, status and annotation counts are theirs; without,
        status is the furthest any annotator got and counts are everyone's.
        `search` is any text (`search.fts_query`: every word, `word*` a
        prefix, the last word a prefix too with `prefix`); blank searches
        nothing out.
        """
        where, args = self._filters(annotator, status, search, prefix)
        if ids is not None:
            marks = ", ".join("?" * len(ids))
            where = (where + " AND " if where else "WHERE ") + f"ar.id IN ({marks})"
            args = [*args, *ids]
        status_sql, annotations_sql, comment_sql, join_args = self._per_annotator(annotator)
        sql = f"""
            SELECT ar.id, ar.title, ar.text_head, ar.words, ar.source, ar.cluster,
                   {status_sql} AS status,
                   (SELECT count(*) FROM suggestions s WHERE s.article_id = ar.id
                      AND s.set_id = (SELECT max(set_id) FROM suggested_articles sa
                                      WHERE sa.article_id = ar.id)) AS suggestions,
                   {annotations_sql} AS annotations,
                   {comment_sql} AS comment
            FROM (SELECT seq, id, title, substr(text, 1, 200) AS text_head, words, source, cluster
                  FROM articles) ar
            {where}
            ORDER BY ar.seq LIMIT ? OFFSET ?
        """
        with _search_errors(search):
            rows = self._store.db.execute(
                sql, [*join_args, *args, -1 if limit is None else limit, offset]
            ).fetchall()
        return [
            ArticleSummary(
                id=r[0],
                title=r[1] or snippet(r[2]),
                words=r[3],
                source=r[4],
                cluster=r[5],
                status=Status(r[6]),
                suggestions=r[7],
                annotations=r[8],
                comment=r[9],
            )
            for r in rows
        ]

    def count_where(
        self,
        *,
        annotator: str | None = None,
        status: Status | None = None,
        search: str | None = None,
        prefix: bool = False,
    ) -> int:
        where, args = self._filters(annotator, status, search, prefix)
        sql = f"SELECT count(*) FROM (SELECT seq, id FROM articles) ar {where}"
        with _search_errors(search):
            return self._store.db.execute(sql, args).fetchone()[0]

    def _per_annotator(self, annotator: str | None) -> tuple[str, str, str, list[Any]]:
        """The SQL of the status, annotation count and comment columns, and their arguments."""
        if annotator is None:
            ranked = " ".join(f"WHEN '{k}' THEN {v}" for k, v in _RANK.items())
            back = " ".join(f"WHEN {v} THEN '{k}'" for k, v in _RANK.items())
            status_sql = (
                f"(SELECT CASE coalesce(max(CASE st.status {ranked} END), 0) {back} END"
                " FROM article_status st WHERE st.article_id = ar.id)"
            )
            annotations_sql = "(SELECT count(*) FROM annotations an WHERE an.article_id = ar.id)"
            # everyone's comments, a "name: comment" line each (its line breaks as spaces)
            comment_sql = (
                "(SELECT group_concat(line, char(10)) FROM (SELECT a.name || ': ' ||"
                " replace(st.comment, char(10), ' ') AS line"
                " FROM article_status st JOIN annotators a ON a.id = st.annotator_id"
                " WHERE st.article_id = ar.id AND st.comment != '' ORDER BY a.name))"
            )
            return status_sql, annotations_sql, comment_sql, []
        status_sql = (
            "coalesce((SELECT st.status FROM article_status st JOIN annotators a"
            " ON a.id = st.annotator_id WHERE st.article_id = ar.id AND a.name = ?), 'todo')"
        )
        annotations_sql = (
            "(SELECT count(*) FROM annotations an JOIN annotators a ON a.id = an.annotator_id"
            " WHERE an.article_id = ar.id AND a.name = ?)"
        )
        comment_sql = (
            "(SELECT nullif(st.comment, '') FROM article_status st JOIN annotators a"
            " ON a.id = st.annotator_id WHERE st.article_id = ar.id AND a.name = ?)"
        )
        return status_sql, annotations_sql, comment_sql, [annotator, annotator, annotator]

    def _filters(
        self, annotator: str | None, status: Status | None, search: str | None, prefix: bool
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        if search is not None and search.strip():
            query = fts_query(search, last_is_prefix=prefix)
            if query is None:  # text, but no word in it (`*`): nothing matches
                clauses.append("0")
            else:
                clauses.append(
                    "ar.seq IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
                )
                args.append(query)
        if status is not None:
            status = Status(status)
            who = (
                ""
                if annotator is None
                else (" AND st.annotator_id = (SELECT id FROM annotators WHERE name = ?)")
            )
            who_args = [] if annotator is None else [annotator]
            if status is Status.TODO:
                clauses.append(
                    "NOT EXISTS (SELECT 1 FROM article_status st WHERE st.article_id = ar.id"
                    f" AND st.status != 'todo'{who})"
                )
            else:
                clauses.append(
                    "EXISTS (SELECT 1 FROM article_status st WHERE st.article_id = ar.id"
                    f" AND st.status = ?{who})"
                )
                args.append(status.value)
            args.extend(who_args)
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", args


@contextlib.contextmanager
def _search_errors(search: str | None) -> Iterator[None]:
    """A query with a search that SQLite refuses becomes an error the user can read."""
    try:
        yield
    except sqlite3.OperationalError as error:
        if search is None or not search.strip():
            raise
        raise StoreError(f"the search {search!r} failed: {error}") from error
