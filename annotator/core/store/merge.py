"""Merging databases from several machines into this one.

Articles match by their content id; annotators, suggestion sets and gold by
their names and versions. Nothing is duplicated and nothing is lost: when the
same annotator has a different version of the same article here and there,
this one is kept and the other is stored as `NAME@OTHER` and reported. The
other database's events are appended (as `merged.*`, for audit, never undone
here) unless this log already has them, told by a fingerprint of their
content, so merging the same file twice changes nothing, and copies of one
database merge cleanly. The whole merge is one transaction.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import StoreError
from annotator.core.records import Span, label_problem
from annotator.core.store import NewArticle, Store
from annotator.core.store.connection import now
from annotator.core.store.events import Change
from annotator.core.text import article_id as article_id_of


@dataclass(frozen=True, slots=True)
class Conflict:
    annotator: str
    article_id: str
    kept_as: str  # the name the other version is stored under


@dataclass
class MergeReport:
    source: str
    articles: int = 0
    annotators: int = 0
    versions: int = 0  # (annotator, article) versions copied
    annotations: int = 0
    suggestions: int = 0
    gold: int = 0
    events: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    same_database: bool = False
    refused: list[str] = field(default_factory=list)  # why other articles were not taken


def merge(store: Store, other_path: str | Path) -> MergeReport:
    other_path = Path(other_path)
    if not other_path.exists():
        raise StoreError(f"{other_path}: no such database")
    report = MergeReport(str(other_path))
    with tempfile.TemporaryDirectory() as tmp:
        # Work on a copy: opening may migrate it, and the user's file stays as it is.
        copy = Path(tmp) / other_path.name
        # closing(): sqlite3's own `with` commits but leaves the file open.
        with closing(sqlite3.connect(other_path)) as source, closing(
            sqlite3.connect(copy)
        ) as target:
            source.backup(target)
        if other_path.resolve() == store.path.resolve():
            report.same_database = True
            return report
        with Store.open(copy) as other, store.transaction():
            _Merger(store, other, report, other_path.stem).run()
    return report


class _Merger:
    def __init__(self, store: Store, other: Store, report: MergeReport, label: str) -> None:
        self.store, self.other, self.report, self.label = store, other, report, label
        self.suggestion_ids: dict[int, int] = {}  # other's suggestion id -> ours
        # Ids the other file gives but its texts do not: nothing of theirs comes in.
        self.forged: set[str] = set()

    def run(self) -> None:
        self._articles()
        self._suggestions()
        for annotator in self.other.annotators.list():
            for article_id in self._worked_on(self.other, annotator.name):
                if article_id not in self.forged:
                    self._version(annotator.name, article_id)
        self._gold()
        self._events()

    def _articles(self) -> None:
        mine = set(self.store.articles.ids())
        new = []
        for article_id in self.other.articles.ids():
            a = self.other.articles.get(article_id)
            # An id names files on export and decides what is a duplicate: it must be
            # the one its text gives, whatever the other file says.
            if article_id_of(a.text) != article_id:
                self.forged.add(article_id)
                self.report.refused.append(
                    f"article {article_id[:40]!r}: its id is not the one its text gives"
                    f" ({article_id_of(a.text)}); not merged, nor anything on it"
                )
                continue
            if article_id in mine:
                continue
            new.append(NewArticle(a.id, a.title, a.text, a.source, a.meta, a.words, a.cluster))
        if new:
            self.store.articles.add(new)
            self.report.articles = len(new)

    def _suggestions(self) -> None:
        for other_set in self.other.suggestions.sets():
            mine = self.store.suggestions.set_for(
                other_set.model, other_set.model_version, other_set.recognizers_version
            )
            done = set(
                self.store.db.execute(
                    "SELECT article_id FROM suggested_articles WHERE set_id = ?", [mine.id]
                ).fetchall()
            )
            batch: dict[str, list[Span]] = {}
            for (article_id,) in self.other.db.execute(
                "SELECT article_id FROM suggested_articles WHERE set_id = ?", [other_set.id]
            ).fetchall():
                if (article_id,) not in done and article_id not in self.forged:
                    batch[article_id] = [
                        s.span
                        for s in self.other.suggestions.for_article(article_id, other_set.id)
                        if self._label_ok(article_id, s.span.label, "suggestion")
                    ]
            if batch:
                self.store.suggestions.add(mine.id, batch)
                self.report.suggestions += sum(len(v) for v in batch.values())
            # Map suggestion ids by what they are, so annotations keep their link.
            ours = {
                (r[1], r[2], r[3], r[4]): r[0]
                for r in self.store.db.execute(
                    'SELECT id, article_id, start, "end", label FROM suggestions WHERE set_id = ?',
                    [mine.id],
                )
            }
            for r in self.other.db.execute(
                'SELECT id, article_id, start, "end", label FROM suggestions WHERE set_id = ?',
                [other_set.id],
            ):
                self.suggestion_ids[r[0]] = ours.get((r[1], r[2], r[3], r[4]))  # type: ignore[assignment]

    def _label_ok(self, article_id: str, label: object, whose: str) -> bool:
        """A label the exports can write (no white space, no control characters)."""
        problem = label_problem(label)
        if problem is not None:
            self.report.refused.append(f"article {article_id}: a span of {whose!r}: {problem}")
        return problem is None

    @staticmethod
    def _worked_on(store: Store, annotator: str) -> list[str]:
        return [
            r[0]
            for r in store.db.execute(
                "SELECT article_id FROM annotations n JOIN annotators a ON a.id = n.annotator_id"
                " WHERE a.name = ? UNION SELECT article_id FROM article_status s JOIN annotators a"
                " ON a.id = s.annotator_id WHERE a.name = ?",
                [annotator, annotator],
            )
        ]

    def _version(self, annotator: str, article_id: str) -> None:
        theirs = _version_of(self.other, annotator, article_id)
        mine = _version_of(self.store, annotator, article_id)
        if _same(mine, theirs):
            return
        target = annotator
        if mine["annotations"] or mine["status"] is not None:
            target = f"{annotator}@{self.label}"
            kept = _version_of(self.store, target, article_id)
            if _same(kept, theirs):
                return
            if kept["annotations"] or kept["status"] is not None:
                return  # an earlier merge kept a version there already; never overwrite it
            self.report.conflicts.append(Conflict(annotator, article_id, target))
        if not self.store.db.execute(
            "SELECT 1 FROM annotators WHERE name = ?", [target]
        ).fetchone():
            self.report.annotators += 1
        annotator_id = self.store.annotators.id_of(target)
        stamp = now()
        rows = [r for r in theirs["rows"] if self._label_ok(article_id, r["label"], annotator)]
        for row in rows:
            self.store.db.execute(
                'INSERT INTO annotations (article_id, annotator_id, start, "end", label, attrs,'
                " origin, suggestion_id, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    article_id,
                    annotator_id,
                    row["start"],
                    row["end"],
                    row["label"],
                    row["attrs"],
                    row["origin"],
                    self.suggestion_ids.get(row["suggestion_id"]),
                    row["created_at"],
                    row["updated_at"] or stamp,
                ],
            )
        if theirs["status"] is not None:
            status, comment, updated = theirs["status"]
            self.store.db.execute(
                "INSERT OR REPLACE INTO article_status (article_id, annotator_id, status, comment,"
                " updated_at) VALUES (?, ?, ?, ?, ?)",
                [article_id, annotator_id, status, comment, updated],
            )
        self.report.versions += 1
        self.report.annotations += len(rows)

    def _gold(self) -> None:
        for article_id in self.other.gold.article_ids():
            if article_id in self.forged or self.store.gold.status(article_id) is not None:
                continue
            for g in self.other.gold.for_article(article_id):
                if not self._label_ok(article_id, g.span.label, "gold"):
                    continue
                adjudicator_id = self.store.annotators.id_of(g.adjudicator)
                self.store.db.execute(
                    'INSERT INTO gold_spans (article_id, start, "end", label, attrs,'
                    " adjudicator_id, supporters, rule, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        article_id,
                        g.span.start,
                        g.span.end,
                        g.span.label,
                        json.dumps(g.span.attrs, ensure_ascii=False, sort_keys=True),
                        adjudicator_id,
                        json.dumps(list(g.supporters)),
                        g.rule,
                        now(),
                    ],
                )
                self.report.gold += 1
            status, adjudicator = self.other.db.execute(
                "SELECT s.status, a.name FROM gold_status s JOIN annotators a"
                " ON a.id = s.adjudicator_id WHERE s.article_id = ?",
                [article_id],
            ).fetchone()
            self.store.db.execute(
                "INSERT INTO gold_status (article_id, adjudicator_id, status, updated_at)"
                " VALUES (?, ?, ?, ?)",
                [article_id, self.store.annotators.id_of(adjudicator), status, now()],
            )

    def _events(self) -> None:
        """Append the other log's events this log has not got, by content."""
        known = {_fingerprint(r) for r in _event_rows(self.store, "e.kind NOT LIKE 'merged.%'")}
        known |= {r[0] for r in self.store.db.execute("SELECT fingerprint FROM merged_events")}
        actions: dict[int, list[Any]] = {}
        for row in _event_rows(self.other, "e.kind NOT LIKE 'merged.%'"):
            if row[5] in self.forged:
                continue
            fingerprint = _fingerprint(row)
            if fingerprint not in known:
                known.add(fingerprint)
                actions.setdefault(row[1], []).append((fingerprint, row))
        for group in actions.values():
            name = group[0][1][3]
            annotator_id = self.store.annotators.id_of(name) if name else None
            self.store.events.log(
                annotator_id,
                [
                    Change(
                        f"merged.{r[4]}",
                        r[5],
                        r[6],
                        _loaded(r[7]),
                        {"from": self.report.source, "at": r[2], "state": _loaded(r[8])},
                    )
                    for _, r in group
                ],
            )
            self.store.db.conn.executemany(
                "INSERT INTO merged_events (fingerprint) VALUES (?)", [(f,) for f, _ in group]
            )
            self.report.events += len(group)


def _event_rows(store: Store, where: str) -> list[Any]:
    return store.db.execute(
        "SELECT e.id, e.action, e.at, a.name, e.kind, e.article_id, e.entity_id, e.before,"
        f" e.after FROM events e LEFT JOIN annotators a ON a.id = e.annotator_id WHERE {where}"
        " ORDER BY e.id"
    ).fetchall()


def _fingerprint(row: Any) -> str:
    """What an event is, whatever its id in a given database."""
    return hashlib.sha1(
        json.dumps([row[2], row[3], row[4], row[5], row[6], row[7], row[8]]).encode()
    ).hexdigest()


def _loaded(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def _version_of(store: Store, annotator: str, article_id: str) -> dict[str, Any]:
    rows = [
        dict(r)
        for r in store.db.query(
            'SELECT n.start, n."end", n.label, n.attrs, n.origin, n.suggestion_id, n.created_at,'
            " n.updated_at FROM annotations n JOIN annotators a ON a.id = n.annotator_id"
            ' WHERE a.name = ? AND n.article_id = ? ORDER BY n.start, n."end", n.label',
            [annotator, article_id],
        )
    ]
    status = store.db.execute(
        "SELECT s.status, s.comment, s.updated_at FROM article_status s JOIN annotators a"
        " ON a.id = s.annotator_id WHERE a.name = ? AND s.article_id = ?",
        [annotator, article_id],
    ).fetchone()
    return {
        "rows": rows,
        "annotations": sorted((r["start"], r["end"], r["label"], r["attrs"]) for r in rows),
        "status": tuple(status) if status else None,
    }


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    status_a = a["status"][:2] if a["status"] else None
    status_b = b["status"][:2] if b["status"] else None
    return a["annotations"] == b["annotations"] and status_a == status_b
