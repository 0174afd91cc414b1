"""What an import stores, a batch at a time: each text once, its spans exactly as read.

`Batch` holds the articles read (`importers.prepare`) until a batch is full,
then stores them in one transaction with their spans (`SpanTarget`):

- an annotated article is stored whole or not at all: one of its spans
  refused by the reader (named before it) refuses the article;
- the same text twice in a run: the first record is stored with its spans,
  a later one is a duplicate whose spans are not stored (named as a problem
  when they differ from the first's);
- a record whose text is already stored (the same but for white space, as
  ids are made) brings spans made on its own text: they are carried to the
  stored text character for character (`text.moved_spans`), never applied
  to it as they are;
- near-duplicates are found among what every process has stored: the index
  catches up with the store inside the batch's write transaction, so two
  imports running together cluster each other's articles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from annotator.core import text as texts
from annotator.core.errors import InputError
from annotator.core.importers.prepare import Prepared, Problem, prepare
from annotator.core.neardup import NearDuplicateIndex, signatures
from annotator.core.records import ArticleDraft, Span, SpanTuple, Status
from annotator.core.store import NewArticle, Store


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
    already_suggested: list[str] = field(default_factory=list)  # this input's set has them
    duplicates: list[Duplicate] = field(default_factory=list)
    near_duplicates: list[NearDuplicate] = field(default_factory=list)
    problems: list[InputError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files of no known format in folders
    files: int = 0
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


class SpanTarget:
    """Where spans read with articles go: an annotator, a suggestion set, or nowhere.

    The suggestion set of an import is named after the format and what the
    input holds (`input_digest`): the same input, the same set, whose
    articles are not suggested twice, so a re-run (after a stop or not)
    ends with the store one run makes.
    """

    def __init__(
        self,
        store: Store,
        annotator: str | None,
        as_suggestions: bool,
        fmt: str,
        input_digest: str = "-",
    ) -> None:
        self._store = store
        self.annotator = annotator
        self.as_suggestions = as_suggestions
        self._format = fmt
        self._digest = input_digest
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
        """Store spans read with articles; `texts`: their stored text, spans checked on it."""
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
                self._set_id = self._store.suggestions.set_for(
                    f"import:{self._format}", self._digest, "-"
                ).id
            spans = {i: [Span(*row) for row in rows] for i, rows in spans_by_article.items()}
            added = self._store.suggestions.add(self._set_id, spans)
            report.spans += sum(added.values())
            report.already_suggested += [i for i in spans_by_article if i not in added]


@dataclass(frozen=True, slots=True)
class _First:
    """The first record of a text in this run: where, and its spans (`text.spans_key`)."""

    source: str
    spans: int | None  # hash of the spans key; None: read without spans


class Batch:
    """Articles read but not yet stored; flushing stores them in one transaction."""

    def __init__(
        self,
        store: Store,
        index: NearDuplicateIndex,
        report: ImportReport,
        target: SpanTarget,
        indexed: int | None = None,
    ) -> None:
        """`indexed`: the last seq of the store's articles `index` holds (read before it)."""
        self._store = store
        self._index = index
        self._report = report
        self._target = target
        self._items: list[Prepared] = []
        self._seen: dict[str, _First] = {}  # id -> its first record in this run
        self._held: list[Problem] = []  # problems read since the last article
        self._last_seq = store.articles.last_seq() if indexed is None else indexed

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
            self._held.append(item)
            return
        held, self._held = self._held, []
        if item.spans is not None and any(_refused_span_of(problem, item) for problem in held):
            message = "some of its spans were refused (named above): article not stored"
            report.problems.append(InputError(item.where or item.source, message))
            return
        report.problems.extend(problem.error() for problem in item.problems)
        report.spans_ignored += item.ignored
        key = None if item.spans is None else hash(texts.spans_key(item.spans, item.text))
        first = self._seen.get(item.article_id)
        if first is not None:
            report.duplicates.append(Duplicate(item.source, item.article_id))
            if key is not None and key != first.spans:
                message = (
                    f"same text as {first.source}, with other spans: this record's spans are"
                    " not stored, the first one's are"
                )
                report.problems.append(InputError(item.where or item.source, message))
            return
        self._seen[item.article_id] = _First(item.source, key)
        self._items.append(item)

    def flush(self) -> None:
        if not self._items:
            return
        # Articles and their spans commit together: a run stopped in between
        # would leave articles that running it again skips as duplicates.
        with self._store.transaction():
            self._store_items()
        self._items.clear()

    def _store_items(self) -> None:
        report = self._report
        self._catch_up()
        stored = self._store.articles.existing(item.article_id for item in self._items)
        unseen = []
        for item in self._items:
            if item.article_id in stored:
                report.duplicates.append(Duplicate(item.source, item.article_id))
            else:
                unseen.append(item)
        new = self._new_articles(unseen)
        fresh_ids = {a.id for a in new}
        # A stored article that a new one is the first near-duplicate of.
        joined = {(n.cluster, n.cluster) for n in new if n.cluster and n.cluster not in fresh_ids}
        self._store.articles.add(new, joined)
        self._last_seq = self._store.articles.last_seq()
        report.added.extend(a.id for a in new)
        spans, checked = self._spans_on_stored_texts(stored)
        self._target.store(spans, checked, report)

    def _new_articles(self, unseen: list[Prepared]) -> list[NewArticle]:
        report = self._report
        unsigned = [i for i, item in enumerate(unseen) if item.signature is None]
        for i, made in zip(unsigned, signatures([unseen[i].text for i in unsigned]), strict=True):
            unseen[i] = unseen[i]._replace(signature=made)
        found = self._index.add_signatures([(item.article_id, item.signature) for item in unseen])
        for item, (cluster, similarity) in zip(unseen, found, strict=True):
            if cluster is not None:
                report.near_duplicates.append(
                    NearDuplicate(item.source, item.article_id, cluster, similarity)
                )
        return [
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

    def _spans_on_stored_texts(
        self, stored: set[str]
    ) -> tuple[dict[str, list[SpanTuple]], dict[str, str]]:
        """Each article's spans on its stored text, and that text (spans checked on it)."""
        spans: dict[str, list[SpanTuple]] = {}
        checked: dict[str, str] = {}
        with_spans = [item for item in self._items if item.spans is not None]
        earlier = dict(
            self._store.articles.texts([i.article_id for i in with_spans if i.article_id in stored])
        )
        for item in with_spans:
            assert item.spans is not None
            text = earlier.get(item.article_id, item.text)
            if text != item.text and texts.identity_text(text) != texts.identity_text(item.text):
                # Only an id not made from its text (a database of an older version) does it.
                message = f"article {item.article_id} is stored with another text: spans not stored"
                self._report.problems.append(InputError(item.where or item.source, message))
                continue
            spans[item.article_id] = texts.moved_spans(item.spans, item.text, text)
            checked[item.article_id] = text
        return spans, checked

    def _catch_up(self) -> None:
        """Index what other processes stored since: inside the write transaction, none can."""
        rows, self._last_seq = self._store.articles.signatures_after(self._last_seq)
        self._index.load(rows)


def _refused_span_of(problem: Problem, item: Prepared) -> bool:
    """Whether a problem read just before an annotated article is one of its spans refused.

    A reader names a refused span by its record (`item.where`), or for brat by
    the line of the `.ann` file beside the text.
    """
    if item.where and problem.where == item.where:
        return True
    ann = str(Path(item.source).with_suffix(".ann"))
    return problem.where.rpartition(":")[0] == ann
