"""Import of articles: read files, drop exact duplicates, cluster near ones, store.

It streams: files are read one item at a time and stored in batches, each
batch one transaction, so memory stays flat, an interrupted run leaves only
whole batches, and running it again stores what is missing (the rest are
exact duplicates of what is already there). A big file of one article a line
is read in pieces by worker processes (`importers.prepare`), a few pieces
ahead, while this process stores what they made, in the file's order.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from annotator.core.collector import old_objects_left_alone
from annotator.core.errors import Cancelled, InputError
from annotator.core.importers import FORMATS, Format, ReadOptions, sources
from annotator.core.importers.base import shown
from annotator.core.importers.prepare import (
    Prepared,
    Problem,
    pieces,
    prepare,
    prepare_piece,
    ready,
    start_worker,
)
from annotator.core.neardup import NearDuplicateIndex, signatures
from annotator.core.progress import CancelCheck, Progress, ProgressCallback
from annotator.core.records import ArticleDraft, Span, SpanTuple, Status
from annotator.core.store import NewArticle, Store

_WAL_PAGES = 16384  # see _roomy_wal
_CACHE_KIB = 64 << 10  # see _roomy_cache
# A file of one article a line (JSON Lines) this big is read in pieces by worker
# processes while this one stores what they made (see _Workers): WORKERS of them,
# None for one fewer than the cores.
PARALLEL_FROM = 4 << 20
PIECE_BYTES = 1 << 20
WORKERS: int | None = None


@dataclass(frozen=True, slots=True)
class Duplicate:
    source: str
    article_id: str  # the article already stored (or read earlier in this run)


@dataclass(frozen=True, slots=True)
class NearDuplicate:
    source: str
    article_id: str
    cluster: str
    similarity: float  # estimated Jaccard of word trigrams


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    spans: int = 0  # annotated formats: spans stored (as annotations or suggestions)
    spans_ignored: int = 0  # annotated input read with neither an annotator nor as suggestions
    already_annotated: list[str] = field(default_factory=list)  # article ids left as they were
    duplicates: list[Duplicate] = field(default_factory=list)
    near_duplicates: list[NearDuplicate] = field(default_factory=list)
    problems: list[InputError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files of no known format in folders
    files: int = 0
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class _Source:
    path: Path
    format: Format
    size: int


def import_paths(
    store: Store,
    paths: Sequence[str | Path],
    *,
    format: str = "auto",
    max_chars: int | None = None,
    batch_size: int = 500,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    annotator: str | None = None,
    as_suggestions: bool = False,
) -> ImportReport:
    """Import files and folders of articles into the store; never raises on bad input.

    Spans read from annotated formats are stored as `annotator`'s annotations
    (marked done) or, with `as_suggestions`, as a suggestion set named after
    the format; with neither they are counted as ignored. `cancelled` is
    polled between articles: when it returns True the run stops after storing
    the batch in hand, and the report says so.
    """
    report = ImportReport()
    sources = list(_sources(paths, format, report))
    report.files = len(sources)
    options = ReadOptions() if max_chars is None else ReadOptions(max_chars=max_chars)
    index = NearDuplicateIndex()
    index.load(store.articles.signatures())
    batch = _Batch(store, index, report, _SpanTarget(store, annotator, as_suggestions, format))
    total = sum(s.size for s in sources)
    done = 0
    with (
        store.bulk(),
        _roomy_wal(store),
        _roomy_cache(store),
        old_objects_left_alone(),
        _Workers(WORKERS) as workers,
    ):
        for source in sources:
            for item, position in _prepared(source, options, batch.wants_spans, workers):
                batch.add_prepared(item)
                if len(batch) >= batch_size:
                    batch.flush()
                if progress is not None:
                    progress(Progress(done + position, total, "bytes", str(source.path)))
                if cancelled is not None and cancelled():
                    batch.flush()
                    report.cancelled = True
                    return report
            done += source.size
        batch.flush()
    if progress is not None:
        progress(Progress(total, total, "bytes"))
    return report


@contextlib.contextmanager
def _roomy_wal(store: Store) -> Iterator[None]:
    """Checkpoint the write-ahead log every 64 MB, not every 4 MB, while importing.

    A checkpoint copies the log into the database and syncs it; an import
    writes some 100 MB for 10k articles, and checkpoints took a tenth of it.
    """
    (pages,) = store.db.execute("PRAGMA wal_autocheckpoint").fetchone()
    store.db.execute(f"PRAGMA wal_autocheckpoint={max(int(pages), _WAL_PAGES)}")
    try:
        yield
    finally:
        store.db.execute(f"PRAGMA wal_autocheckpoint={int(pages)}")


@contextlib.contextmanager
def _roomy_cache(store: Store) -> Iterator[None]:
    """Statement journals kept in memory, and a 64 MB page cache, while importing.

    A statement inserting many rows keeps a journal to undo itself, and SQLite
    wrote one past 64 KB (as the full-text trigger's soon are) to a temporary
    file. The default 2 MB cache does not hold the pages a batch writes to
    (tables, their indexes, the full-text index). With both, storing 10k
    articles and their 300k spans took 2.2 s instead of 2.8 s.
    """
    db = store.db
    (cache,) = db.execute("PRAGMA cache_size").fetchone()
    (temp,) = db.execute("PRAGMA temp_store").fetchone()
    db.execute(f"PRAGMA cache_size={-_CACHE_KIB}")
    db.execute("PRAGMA temp_store=MEMORY")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size={int(cache)}")
        db.execute(f"PRAGMA temp_store={int(temp)}")


def import_or_cancel(*args, **kwargs) -> ImportReport:  # type: ignore[no-untyped-def]
    """`import_paths`, raising Cancelled when it was cancelled."""
    report = import_paths(*args, **kwargs)
    if report.cancelled:
        raise Cancelled(f"import cancelled after {len(report.added)} articles")
    return report


class _SpanTarget:
    """Where spans read with articles go: an annotator, a suggestion set, or nowhere."""

    def __init__(self, store: Store, annotator: str | None, as_suggestions: bool, fmt: str) -> None:
        self._store = store
        self.annotator = annotator
        self.as_suggestions = as_suggestions
        self._format = fmt
        self._set_id: int | None = None

    @property
    def wanted(self) -> bool:
        return self.annotator is not None or self.as_suggestions

    def store(
        self,
        spans_by_article: dict[str, list[SpanTuple]],
        texts: dict[str, str],
        report: ImportReport,
    ) -> None:
        """Store spans read with articles; `texts`: of those just stored, checked on their text."""
        if not spans_by_article:
            return
        if self.annotator is not None:
            stored = self._store.annotations.import_many(
                self.annotator, spans_by_article, Status.DONE, texts
            )
            report.spans += sum(stored.values())
            report.already_annotated += [i for i in spans_by_article if i not in stored]
        elif self.as_suggestions:
            if self._set_id is None:
                stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
                self._set_id = self._store.suggestions.set_for(
                    f"import:{self._format}", stamp, "-"
                ).id
            spans = {i: [Span(*row) for row in rows] for i, rows in spans_by_article.items()}
            self._store.suggestions.add(self._set_id, spans)
            report.spans += sum(len(s) for s in spans_by_article.values())


class _Batch:
    """Articles read but not yet stored; flushing stores them in one transaction."""

    def __init__(
        self, store: Store, index: NearDuplicateIndex, report: ImportReport, target: _SpanTarget
    ) -> None:
        self._store = store
        self._index = index
        self._report = report
        self._target = target
        self._spans: dict[str, list[SpanTuple]] = {}
        self._checked_on: dict[str, str] = {}  # id -> the text its spans were checked on
        self._items: list[Prepared] = []
        self._seen: dict[str, str] = {}  # id -> source, for duplicates within the run

    def __len__(self) -> int:
        return len(self._items)

    @property
    def wants_spans(self) -> bool:
        return self._target.wanted

    def add(self, draft: ArticleDraft) -> None:
        """Prepare a draft here and add it."""
        self.add_prepared(prepare(draft, self._target.wanted))

    def add_prepared(self, item: Prepared | Problem) -> None:
        report = self._report
        if isinstance(item, Problem):
            report.problems.append(item.error())
            return
        report.problems.extend(problem.error() for problem in item.problems)
        if item.spans is not None:
            self._spans[item.article_id] = item.spans
            self._checked_on[item.article_id] = item.text
        report.spans_ignored += item.ignored
        self._items.append(item)

    def flush(self) -> None:
        if not self._items:
            return
        # Articles and their spans commit together: a run stopped in between
        # would leave articles that running it again skips as duplicates.
        with self._store.transaction():
            self._store_items()
        self._spans = {}
        self._checked_on = {}
        self._items.clear()

    def _store_items(self) -> None:
        report = self._report
        stored = self._store.articles.existing(item.article_id for item in self._items)
        unseen = []
        for item in self._items:
            if item.article_id in stored or item.article_id in self._seen:
                report.duplicates.append(Duplicate(item.source, item.article_id))
                continue
            self._seen[item.article_id] = item.source
            unseen.append(item)
        unsigned = [i for i, item in enumerate(unseen) if item.signature is None]
        for i, made in zip(unsigned, signatures([unseen[i].text for i in unsigned]), strict=True):
            unseen[i] = unseen[i]._replace(signature=made)
        found = self._index.add_signatures([(item.article_id, item.signature) for item in unseen])
        for item, (cluster, similarity) in zip(unseen, found, strict=True):
            if cluster is not None:
                report.near_duplicates.append(
                    NearDuplicate(item.source, item.article_id, cluster, similarity)
                )
        new = [
            NewArticle(
                id=item.article_id,
                title=item.title,
                text=item.text,
                source=item.source,
                meta=item.meta,
                words=item.words,
                cluster=self._index.cluster_of(item.article_id),
                signature=item.signature,
            )
            for item in unseen
        ]
        fresh_ids = {a.id for a in new}
        # A stored article that a new one is the first near-duplicate of.
        joined = {(n.cluster, n.cluster) for n in new if n.cluster and n.cluster not in fresh_ids}
        self._store.articles.add(new, joined)
        report.added.extend(a.id for a in new)
        # Spans checked on the text stored (not on another text of the same id read later).
        checked = {a.id: a.text for a in new if self._checked_on.get(a.id) == a.text}
        self._target.store(self._spans, checked, report)


def _sources(paths: Iterable[str | Path], format: str, report: ImportReport) -> Iterator[_Source]:
    forced = None if format == "auto" else FORMATS[format]
    for path, fmt, size in sources.found(paths, forced, report.problems, report.skipped):
        yield _Source(path, fmt, size)


def _prepared(
    source: _Source, options: ReadOptions, spans_wanted: bool, workers: _Workers
) -> Iterator[tuple[Prepared | Problem, int]]:
    """Each article of a source prepared, or why it is not, with the bytes read so far."""
    if source.format.parse_line is not None and source.size >= PARALLEL_FROM:
        parts = pieces(source.path, source.format.name, PIECE_BYTES)
        try:
            for made in workers.ordered(prepare_piece, parts, options, spans_wanted):
                yield from made
        except OSError as error:
            yield Problem(str(source.path), _cannot_read(error)), source.size
        return
    for item, position in _read(source, options):
        if isinstance(item, InputError):
            yield Problem.of(item), position
        else:
            yield prepare(item, spans_wanted), position


def _read(source: _Source, options: ReadOptions) -> Iterator[tuple[ArticleDraft | InputError, int]]:
    try:
        yield from source.format.read(source.path, options)
    except OSError as error:
        yield InputError(shown(source.path), _cannot_read(error)), source.size
    except (ValueError, RecursionError, OverflowError) as error:
        # A reader's own checks name the line; this is the guard of last resort, so that
        # one file never ends the import with a traceback.
        message = f"cannot read: {type(error).__name__}: {str(error)[:200]}"
        yield InputError(shown(source.path), message), source.size


def _cannot_read(error: OSError) -> str:
    return sources.cannot_read(error)


_END = object()


class _Workers:
    """Worker processes doing a job on a stream of items, results taken in order.

    Spawned on first need (not forked: the window imports from a worker
    thread), one fewer than the cores, so that this process, which stores
    what they make, has one. While they start, and whenever they fall behind,
    this process does the next item itself; if they cannot start at all (a
    script without a ``__main__`` guard), it does every item itself.
    """

    def __init__(self, processes: int | None = None) -> None:
        self.processes = (os.cpu_count() or 1) - 1 if processes is None else processes
        self._pool: ProcessPoolExecutor | None = None
        self._ready: Future[None] | None = None  # done when a worker has started

    def ordered(self, job: Callable[..., Any], items: Iterable[Any], *args: Any) -> Iterator[Any]:
        """``job(item, *args)`` of each item, in order."""
        items = iter(items)
        queue: deque[tuple[Any, Future[Any] | None]] = deque()
        while True:
            self._fill(queue, items, job, args)
            if not queue:
                return
            item, future = queue.popleft()
            yield self._result(future, job, item, args)

    def _fill(
        self,
        queue: deque[tuple[Any, Future[Any] | None]],
        items: Iterator[Any],
        job: Callable[..., Any],
        args: tuple[Any, ...],
    ) -> None:
        """Hand items to the workers, a few ahead; with none ready, take the next one here."""
        while len(queue) < 2 * self.processes + 2:
            if not self._started():
                if not queue:
                    item = next(items, _END)
                    if item is not _END:
                        queue.append((item, None))
                return
            item = next(items, _END)
            if item is _END:
                return
            queue.append((item, self._submit(job, item, *args)))

    def _result(
        self, future: Future[Any] | None, job: Callable[..., Any], item: Any, args: tuple[Any, ...]
    ) -> Any:
        if future is not None and not future.cancel():  # cancelled: no worker took it yet
            try:
                return future.result()
            except BrokenProcessPool:
                self._give_up()
        return job(item, *args)

    def _started(self) -> bool:
        """Whether workers take items: starting them on first call."""
        if self.processes < 1:
            return False
        if self._pool is None:
            # spawn, not fork: the window imports from a worker thread
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                self.processes, mp_context=context, initializer=start_worker
            )
            self._ready = self._submit(ready)
            if self._ready is None:
                return False
        assert self._ready is not None
        if not self._ready.done():
            return False
        if self._ready.exception() is not None:
            self._give_up()
            return False
        return True

    def _submit(self, job: Callable[..., Any], *args: Any) -> Future[Any] | None:
        """The future of ``job(*args)``, or None when no worker process could start."""
        assert self._pool is not None
        try:
            return self._pool.submit(job, *args)
        except (BrokenProcessPool, OSError):
            self._give_up()
            return None

    def _give_up(self) -> None:
        """Workers could not start or died: do everything in this process from now on."""
        self.processes = 0
        self.close()

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        try:
            pool.shutdown(wait=True, cancel_futures=True)
        except BaseException:
            # Interrupted (Ctrl+C again while the workers finish their pieces): stop them
            # now, or the interpreter, exiting, would wait for them for ever (it closes the
            # queue that would have told them to stop).
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
            raise

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
