"""Merging databases from several machines into this one.

Articles match by their content id; annotators, suggestion sets and gold by
their names and versions. Nothing is duplicated and nothing is lost: when the
same person has a different version of the same article here and there, this
one is kept and the other is stored as `PERSON@OTHER` and reported; a version
that is the same work as one of that person's here (under any of their
names: `alice`, `alice@B`) is not stored again, so merging back and forth
changes nothing. The other database's events are appended (as `merged.*`,
for audit, never undone here) unless this log already has them, told by a
fingerprint of their content.

The other file is untrusted input (`merge_source`: read-only, base tables
only, bounded in time) and every row is checked as an import checks its
records (`merge_checks`); what fails is refused, named, with all that hangs
on it. Each article comes in with all the work on it in one short
transaction, so a window on this database waits at most for one article,
and a merge stopped half-way leaves whole articles: running it again
finishes it.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import InvalidSpan
from annotator.core.files import safe_name
from annotator.core.importers.base import DEFAULT_MAX_CHARS
from annotator.core.persons import person
from annotator.core.progress import CancelCheck, Progress, ProgressCallback
from annotator.core.records import Origin, Span, Status
from annotator.core.store import NewArticle, Store
from annotator.core.store import merge_checks as checks
from annotator.core.store.connection import now
from annotator.core.store.merge_events import merge_events
from annotator.core.store.merge_source import DEFAULT_TIME_LIMIT, Page, RefusedDatabase, Source
from annotator.core.store.merge_versions import Version, canonical_attrs, version_of
from annotator.core.text import count_words

PAGE = 200  # articles read from the other file at a time


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
    refused: list[str] = field(default_factory=list)  # what did not come in, and why
    cancelled: bool = False


def merge(
    store: Store,
    other_path: str | Path,
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    time_limit: float = DEFAULT_TIME_LIMIT,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> MergeReport:
    """Bring the other database in, article by article; see the module's docstring."""
    other_path = Path(other_path)
    _regular_file(other_path)
    report = MergeReport(str(other_path))
    if store.path.exists() and os.path.samefile(other_path, store.path):
        report.same_database = True
        return report
    with Source(other_path, time_limit) as source, store.bulk():
        # The file's name becomes part of annotator names (alice@NAME): made harmless.
        merger = _Merger(store, source, report, safe_name(other_path.stem), max_chars)
        merger.run(progress, cancelled)
    return report


def _regular_file(path: Path) -> None:
    """Refuse a path that is no regular file, without opening it (a FIFO would hang)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise RefusedDatabase(f"{path}: no such file; not merged") from None
    except OSError as error:
        raise RefusedDatabase(f"{path}: cannot read it ({error.strerror}); not merged") from None
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else (
            "a socket" if stat.S_ISSOCK(mode) else "a device or other special file"
        )
        raise RefusedDatabase(f"{path}: not a database file ({kind}); not opened, not merged")


class _Merger:
    def __init__(
        self, store: Store, source: Source, report: MergeReport, label: str, max_chars: int
    ) -> None:
        self.store, self.source, self.report = store, source, report
        self.label, self.max_chars = label, max_chars
        self.refused_ids: set[str] = set()  # nothing on these comes in, their events neither
        # Work refused on an article that came in: (article, "version", annotator's id in
        # their file) or (article, "gold", None); the events about it do not come in.
        self.refused_work: set[tuple[str, str, Any]] = set()
        self.names = self._names()
        self.sets = self._sets()
        self.our_sets: dict[int, int] = {}
        self.labels = checks.project_labels(
            r[0]
            for r in store.db.execute(
                "SELECT DISTINCT label FROM annotations UNION SELECT DISTINCT label FROM"
                " suggestions UNION SELECT DISTINCT label FROM gold_spans"
            )
        )

    def refuse(self, reason: str) -> None:
        self.report.refused.append(reason)

    def _names(self) -> dict[int, str]:
        names = {}
        for annotator_id, name in self.source.rows(
            "SELECT id, name FROM annotators", what="its annotators"
        ):
            problem = checks.name_problem(name, "the name")
            if problem:
                self.refuse(f"annotator {annotator_id!r}: {problem}; none of their work merged")
            else:
                names[annotator_id] = name.strip()
        return names

    def _sets(self) -> dict[int, tuple[str, str, str]]:
        sets = {}
        for set_id, *key in self.source.rows(
            "SELECT id, model, model_version, recognizers_version FROM suggestion_sets",
            what="its suggestion sets",
        ):
            problems = [checks.name_problem(k, "a model name") for k in key]
            problem = next(filter(None, problems), None)
            if problem:
                self.refuse(f"suggestion set {set_id!r}: {problem}; its suggestions not merged")
            else:
                sets[set_id] = tuple(key)
        return sets  # type: ignore[return-value]

    def run(self, progress: ProgressCallback | None, cancelled: CancelCheck | None) -> None:
        (total,) = self.source.rows("SELECT count(*) FROM articles", what="its articles")[0]
        done = 0
        while True:
            rows = self.source.rows(
                "SELECT id, title, CASE WHEN length(text) <= ? THEN text END, length(text),"
                " source, meta, cluster FROM articles ORDER BY seq LIMIT ? OFFSET ?",
                [self.max_chars, PAGE, done],
                "its articles",
            )
            if not rows:
                break
            page = self.source.page([r[0] for r in rows if isinstance(r[0], str)])
            for row in rows:
                if cancelled is not None and cancelled():
                    self.report.cancelled = True
                    return
                self._article(row, page)
                done += 1
                if progress is not None:
                    progress(Progress(done, total, "articles"))
        events, bad = merge_events(
            self.store,
            self.source,
            self.names,
            self.refused_ids,
            self.refused_work,
            self.report.source,
        )
        self.report.events += events
        if bad:
            self.refuse(f"{bad} event(s) of its log are not valid (JSON, kind, time); not merged")

    # -- one article, whole or not at all ---------------------------------------

    def _article(self, row: Any, page: Page) -> None:
        given_id, title, text, length, source, meta, cluster = row
        shown = repr(str(given_id)[:40])
        problem = checks.article_problem(
            given_id, text, length or 0, self.max_chars, title, source
        )
        meta = meta if problem else checks.meta_of(meta)
        if problem is None and isinstance(meta, str):
            problem = meta
        if problem is not None:
            self.refused_ids.add(str(given_id))
            self.refuse(f"article {shown}: {problem}; not merged, nor anything on it")
            return
        try:
            with self.store.transaction():
                if not self.store.db.execute(
                    "SELECT 1 FROM articles WHERE id = ?", [given_id]
                ).fetchone():
                    self.store.articles.add(
                        [
                            NewArticle(
                                given_id,
                                title,
                                text,
                                source,
                                meta,
                                count_words(text),
                                checks.cluster_of(cluster),
                            )
                        ]
                    )
                    self.report.articles += 1
                self._suggestions(given_id, text, page)
                for annotator_id in page.annotations.get(given_id, {}):
                    self._version(annotator_id, given_id, text, page)
                self._gold(given_id, text, page)
        except (sqlite3.IntegrityError, InvalidSpan, ValueError) as error:
            # Rolled back whole: a value the checks let through but the store refuses.
            self.refused_ids.add(given_id)
            self.refuse(f"article {shown}: {error}; not merged, nor anything on it")

    def _suggestions(self, article_id: str, text: str, page: Page) -> None:
        self.suggestion_ids: dict[Any, int | None] = {}
        for set_id in page.ran.get(article_id, ()):
            key = self.sets.get(set_id)
            if key is None:
                continue
            rows = [r for r in page.suggestions.get(article_id, ()) if r[1] == set_id]
            if set_id not in self.our_sets:
                self.our_sets[set_id] = self.store.suggestions.set_for(*key).id
            mine = self.our_sets[set_id]
            if not self.store.db.execute(
                "SELECT 1 FROM suggested_articles WHERE set_id = ? AND article_id = ?",
                [mine, article_id],
            ).fetchone():
                spans = []
                for _, _, start, end, label, attrs in rows:
                    problem, checked = checks.span_problem(
                        text, start, end, label, attrs, self.labels
                    )
                    if problem:
                        self.refuse(
                            f"article {article_id}: suggestions of {key[0]} {key[1]}: {problem};"
                            " none of them merged"
                        )
                        break
                    spans.append(Span(start, end, label, checked))
                else:
                    twice = checks.repeated_span([(s.start, s.end, s.label) for s in spans])
                    if twice:
                        self.refuse(
                            f"article {article_id}: suggestions of {key[0]} {key[1]}: {twice};"
                            " none of them merged"
                        )
                        continue
                    self.store.suggestions.add(mine, {article_id: spans})
                    self.report.suggestions += len(spans)
            # Map suggestion ids by what they are, so annotations keep their link.
            ours = {
                (r[1], r[2], r[3]): r[0]
                for r in self.store.db.execute(
                    'SELECT id, start, "end", label FROM suggestions'
                    " WHERE set_id = ? AND article_id = ?",
                    [mine, article_id],
                )
            }
            for suggestion_id, _, start, end, label, _ in rows:
                self.suggestion_ids[suggestion_id] = ours.get((start, end, label))

    def _version(self, annotator_id: int, article_id: str, text: str, page: Page) -> None:
        name = self.names.get(annotator_id)
        if name is None:
            return  # refused with its name
        rows = page.annotations[article_id][annotator_id]
        status = page.statuses[article_id].get(annotator_id)
        problem, theirs, spans = self._checked_version(rows, status, text)
        if problem:
            self.refused_work.add((article_id, "version", annotator_id))
            self.refuse(f"article {article_id}: {name}'s version: {problem}; not merged")
            return
        if not theirs.spans and theirs.status is None:
            return
        who = person(name)
        ours = [
            n
            for (n,) in self.store.db.execute("SELECT name FROM annotators")
            if person(n) == who
        ]
        mine = {n: version_of(self.store, n, article_id) for n in ours}
        if any(v == theirs for v in mine.values()):
            return  # the same work, already here under one of this person's names
        target = name
        if target in mine and not mine[target].empty:
            target = self._free_name(who, article_id, mine)
            self.report.conflicts.append(Conflict(name, article_id, target))
        self._store_version(target, article_id, spans, status)

    def _free_name(self, who: str, article_id: str, mine: dict[str, Version]) -> str:
        """PERSON@OTHER, or PERSON@OTHER-2, ...: never over a version kept before."""
        base = f"{who}@{self.label}"
        target, n = base, 1
        while target in mine and not mine[target].empty:
            n += 1
            target = f"{base}-{n}"
        return target

    def _checked_version(
        self, rows: list[Any], status: Any, text: str
    ) -> tuple[str | None, Version, list[list[Any]]]:
        spans: list[list[Any]] = []
        for start, end, label, attrs, origin, suggestion_id, created, updated in rows:
            problem, checked = checks.span_problem(text, start, end, label, attrs, self.labels)
            if problem is None and origin not in set(Origin):
                problem = f"span {start}-{end}: origin {str(origin)[:20]!r} is not one of ours"
            if problem:
                return problem, Version((), None), []
            stamp = now()
            spans.append(
                [
                    start,
                    end,
                    label,
                    checked,
                    origin,
                    self.suggestion_ids.get(suggestion_id),
                    created if isinstance(created, str) else stamp,
                    updated if isinstance(updated, str) else stamp,
                ]
            )
        twice = checks.repeated_span(spans)
        if twice:
            return twice, Version((), None), []
        decided = None
        if status is not None:
            state, comment, _ = status
            if state not in set(Status):
                return f"status {str(state)[:20]!r} is not one of ours", Version((), None), []
            problem = checks.string_problem(comment, "its comment", optional=True)
            if problem:
                return problem, Version((), None), []
            decided = (state, comment)
        version = Version(
            tuple(sorted((s[0], s[1], s[2], canonical_attrs(s[3])) for s in spans)), decided
        )
        return None, version, spans

    def _store_version(
        self, target: str, article_id: str, spans: list[list[Any]], status: Any
    ) -> None:
        if not self.store.db.execute(
            "SELECT 1 FROM annotators WHERE name = ?", [target]
        ).fetchone():
            self.report.annotators += 1
        annotator_id = self.store.annotators.id_of(target)
        self.store.db.conn.executemany(
            'INSERT INTO annotations (article_id, annotator_id, start, "end", label, attrs,'
            " origin, suggestion_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [article_id, annotator_id, s[0], s[1], s[2], canonical_attrs(s[3]), *s[4:]]
                for s in spans
            ],
        )
        if status is not None:
            state, comment, updated = status
            self.store.db.execute(
                "INSERT OR REPLACE INTO article_status (article_id, annotator_id, status, comment,"
                " updated_at) VALUES (?, ?, ?, ?, ?)",
                [
                    article_id,
                    annotator_id,
                    state,
                    comment,
                    updated if isinstance(updated, str) else now(),
                ],
            )
        self.report.versions += 1
        self.report.annotations += len(spans)

    def _gold(self, article_id: str, text: str, page: Page) -> None:
        if article_id not in page.gold_status or self.store.gold.status(article_id) is not None:
            return
        adjudicator_id, status = page.gold_status[article_id]
        problem = None
        if adjudicator_id not in self.names:
            problem = "its adjudicator is not one of the file's valid annotators"
        elif status not in checks.GOLD_STATUSES:
            problem = f"gold status {str(status)[:20]!r} is not one of ours"
        rows = []
        for start, end, label, attrs, span_adjudicator, supporters, rule in page.gold.get(
            article_id, ()
        ):
            if problem:
                break
            problem, checked = checks.span_problem(text, start, end, label, attrs, self.labels)
            if problem is None:
                problem = checks.gold_problem(span_adjudicator in self.names, supporters, rule)
            rows.append((start, end, label, checked, span_adjudicator, supporters, rule))
        problem = problem or checks.repeated_span(rows)
        if problem:
            self.refused_work.add((article_id, "gold", None))
            self.refuse(f"article {article_id}: its gold: {problem}; not merged")
            return
        stamp = now()
        ids = {i: self.store.annotators.id_of(self.names[i]) for i in {adjudicator_id} | {
            r[4] for r in rows
        }}
        self.store.db.conn.executemany(
            'INSERT INTO gold_spans (article_id, start, "end", label, attrs, adjudicator_id,'
            " supporters, rule, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [article_id, s, e, lab, canonical_attrs(a), ids[who], sup, rule, stamp]
                for s, e, lab, a, who, sup, rule in rows
            ],
        )
        self.store.db.execute(
            "INSERT INTO gold_status (article_id, adjudicator_id, status, updated_at)"
            " VALUES (?, ?, ?, ?)",
            [article_id, ids[adjudicator_id], status, stamp],
        )
        self.report.gold += len(rows)
