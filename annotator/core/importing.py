"""Import of articles: read files, drop exact duplicates, cluster near ones, store.

It streams: files are read one item at a time and stored in batches, each
batch one transaction, so memory stays flat, an interrupted run leaves only
whole batches, and running it again stores what is missing (the rest are
exact duplicates of what is already there).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from annotator.core import text as texts
from annotator.core.errors import Cancelled, InputError
from annotator.core.importers import FORMATS, Format, ReadOptions, format_for
from annotator.core.neardup import NearDuplicateIndex
from annotator.core.progress import CancelCheck, Progress, ProgressCallback
from annotator.core.records import ArticleDraft, Span
from annotator.core.store import NewArticle, Store

_WAL_PAGES = 16384  # see _roomy_wal


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
    with store.bulk(), _roomy_wal(store), _old_objects_left_alone():
        for source in sources:
            for item, position in _read(source, options):
                if isinstance(item, InputError):
                    report.problems.append(item)
                else:
                    batch.add(item)
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
def _old_objects_left_alone() -> Iterator[None]:
    """Keep the garbage collector's full passes to the objects made while importing.

    An import makes millions of objects (a JSON record, its spans), which
    triggers full collections, and each went through every object of the
    program (modules, functions): a tenth of the import. Frozen, those are
    skipped; nothing is lost, they are collected as usual afterwards.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


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

    def store(self, spans_by_article: dict[str, list[Span]], report: ImportReport) -> None:
        if not spans_by_article:
            return
        if self.annotator is not None:
            stored = self._store.annotations.import_many(self.annotator, spans_by_article)
            report.spans += sum(stored.values())
            report.already_annotated += [i for i in spans_by_article if i not in stored]
        elif self.as_suggestions:
            if self._set_id is None:
                stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
                self._set_id = self._store.suggestions.set_for(
                    f"import:{self._format}", stamp, "-"
                ).id
            self._store.suggestions.add(self._set_id, spans_by_article)
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
        self._spans: dict[str, list[Span]] = {}
        self._drafts: list[tuple[str, str, int, ArticleDraft]] = []  # id, text, words, draft
        self._seen: dict[str, str] = {}  # id -> source, for duplicates within the run

    def __len__(self) -> int:
        return len(self._drafts)

    def add(self, draft: ArticleDraft) -> None:
        if draft.spans is None:
            text, spans = texts.clean_text(draft.text), None
        else:
            text, spans = texts.clean_text_and_spans(draft.text, draft.spans)
        if not text.strip():
            self._report.problems.append(InputError(draft.source, "empty article: no text"))
            return
        article_id, words = texts.article_id_and_words(text)
        if spans is not None:
            if self._target.wanted:
                self._spans[article_id] = self._valid(text, spans, draft.source)
            else:
                self._report.spans_ignored += len(spans)
        self._drafts.append((article_id, text, words, draft))

    def _valid(self, text: str, spans: list[Span], source: str) -> list[Span]:
        """Spans inside the text, without white space at their edges; others reported."""
        good = []
        length = len(text)
        for span in spans:
            start, end = span.start, span.end
            if not (0 <= start < end <= length):
                self._report.problems.append(
                    InputError(
                        source, f"span {span.start}-{span.end} {span.label} is outside the text"
                    )
                )
                continue
            if not (text[start].isspace() or text[end - 1].isspace()):
                good.append(span)  # the common case, kept as it is
                continue
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start < end:
                good.append(Span(start, end, span.label, span.attrs))
        return good

    def flush(self) -> None:
        if not self._drafts:
            return
        # Articles and their spans commit together: a run stopped in between
        # would leave articles that running it again skips as duplicates.
        with self._store.transaction():
            self._store_drafts()
        self._spans = {}
        self._drafts.clear()

    def _store_drafts(self) -> None:
        report = self._report
        stored = self._store.articles.existing(i for i, _, _, _ in self._drafts)
        unseen = []
        for article_id, text, words, draft in self._drafts:
            if article_id in stored or article_id in self._seen:
                report.duplicates.append(Duplicate(draft.source, article_id))
                continue
            self._seen[article_id] = draft.source
            unseen.append((article_id, text, words, draft))
        fresh: list[tuple[str, str, int, ArticleDraft, bytes]] = []
        found = self._index.add_many([(article_id, text) for article_id, text, _, _ in unseen])
        for (article_id, text, words, draft), (signature, cluster, similarity) in zip(
            unseen, found, strict=True
        ):
            if cluster is not None:
                report.near_duplicates.append(
                    NearDuplicate(draft.source, article_id, cluster, similarity)
                )
            fresh.append((article_id, text, words, draft, signature))
        new = [
            NewArticle(
                id=article_id,
                title=draft.title or texts.guess_title(text),
                text=text,
                source=draft.source,
                meta=draft.meta,
                words=words,
                cluster=self._index.cluster_of(article_id),
                signature=signature,
            )
            for article_id, text, words, draft, signature in fresh
        ]
        fresh_ids = {a.id for a in new}
        # A stored article that a new one is the first near-duplicate of.
        joined = {(n.cluster, n.cluster) for n in new if n.cluster and n.cluster not in fresh_ids}
        self._store.articles.add(new, joined)
        report.added.extend(a.id for a in new)
        self._target.store(self._spans, report)


def _sources(paths: Iterable[str | Path], format: str, report: ImportReport) -> Iterator[_Source]:
    forced = None if format == "auto" else FORMATS[format]
    for given in paths:
        path = Path(given)
        if not path.exists():
            report.problems.append(InputError(str(path), "no such file or directory"))
        elif path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                fmt = forced or format_for(child)
                if forced is not None and child.suffix.lower() not in forced.extensions:
                    fmt = None  # in a folder, a forced format reads only its own files
                elif (
                    forced is None and child.suffix == ".txt" and child.with_suffix(".ann").exists()
                ):
                    continue  # the text of a brat document, read with its .ann
                if fmt is None:
                    report.skipped.append(str(child))
                else:
                    yield _Source(child, fmt, child.stat().st_size)
        else:
            # A file named on purpose is read even with an unknown ending.
            yield _Source(path, forced or format_for(path) or FORMATS["txt"], path.stat().st_size)


def _read(source: _Source, options: ReadOptions) -> Iterator[tuple[ArticleDraft | InputError, int]]:
    try:
        yield from source.format.read(source.path, options)
    except OSError as error:
        yield InputError(str(source.path), f"cannot read: {error.strerror or error}"), source.size
