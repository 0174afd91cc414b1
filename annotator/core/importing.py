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
import hashlib
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
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
from annotator.core.importing_batch import Batch as _Batch
from annotator.core.importing_batch import ImportReport
from annotator.core.importing_batch import SpanTarget as _SpanTarget
from annotator.core.neardup import NearDuplicateIndex
from annotator.core.progress import CancelCheck, Progress, ProgressCallback
from annotator.core.records import ArticleDraft
from annotator.core.store import Store

_WAL_PAGES = 16384  # see _roomy_wal
_CACHE_KIB = 64 << 10  # see _roomy_cache
# A file of one article a line (JSON Lines) this big is read in pieces by worker
# processes while this one stores what they made (see _Workers): WORKERS of them,
# None for one fewer than the cores.
PARALLEL_FROM = 4 << 20
PIECE_BYTES = 1 << 20
WORKERS: int | None = None


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
    indexed = store.articles.last_seq()  # before loading: what comes later is caught up
    index.load(store.articles.signatures())
    digest = _input_digest(sources, format) if as_suggestions else "-"
    target = _SpanTarget(store, annotator, as_suggestions, format, digest)
    batch = _Batch(store, index, report, target, indexed)
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


def _input_digest(sources: Sequence[_Source], format: str) -> str:
    """What the input holds, as a short hash: the version of its suggestion set."""
    digest = hashlib.sha256(format.encode())
    for source in sources:
        try:
            with source.path.open("rb") as stream:
                digest.update(hashlib.file_digest(stream, "sha256").digest())
        except OSError as error:  # named when it is read; here it only changes the hash
            digest.update(str(error).encode("utf-8", "replace"))
    return "sha256:" + digest.hexdigest()[:16]


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
