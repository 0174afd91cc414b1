"""What the token and folder exports share (spaCy, Prodigy, CoNLL, brat, figures CSV).

The report with its span problems, the French tokenizer and sentence
splitter, the rule that turns an article's spans into non-overlapping token
spans, and writing a folder so that it appears whole or not at all.

Tokens come from `spacy.blank("fr")`: the same tokenizer as fr_core_news_sm
and fr_core_news_md, so the tokens of an export are the tokens those
pipelines see.
"""

from __future__ import annotations

import contextlib
import glob
import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from annotator.core.errors import AnnotatorError, Cancelled
from annotator.core.exporters.base import FormatReport, SourcedArticle, SpanIssue
from annotator.core.files import (
    MARK,
    atomic_write,
    clean_leftovers,
    leftover_prefix,
    make_folder,
    umask,
)
from annotator.core.progress import CancelCheck
from annotator.core.records import Span
from annotator.core.store import Store
from annotator.core.token_cache import Tokenizer, article_tokens, words_and_spaces

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.tokens import Span as TokenSpan
    from spacy.vocab import Vocab


T = TypeVar("T")
TOKEN_CHUNK = 500  # articles whose token offsets are read (or made) together
SPAN_GROUP = "annotator"  # doc.spans[SPAN_GROUP]: every span of the source, overlaps included
USER_DATA_KEY = "annotator"  # doc.user_data[USER_DATA_KEY]: article id, source, exact spans
SUGGESTION = "suggestion"  # the origin written for a span of the suggestions source
# The characters str.splitlines() breaks at: a sentence never runs across one.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


# -- tokens, spans and sentences ---------------------------------------------


def french() -> Language:
    """A blank French pipeline (tokenizer, plus a rule-based `sentencizer` not run by default).

    A new one each export: a Language is not shared between the GUI's threads.
    """
    import spacy

    nlp = spacy.blank("fr")
    nlp.add_pipe("sentencizer")
    return nlp


def tokenized(
    store: Store,
    items: Iterable[SourcedArticle],
    vocab: Vocab,
    cancelled: CancelCheck | None = None,
) -> Iterator[tuple[SourcedArticle, Doc, list[str]]]:
    """Each article with its Doc (and the Doc's token texts), tokens as `spacy.blank("fr")`
    makes them.

    The Docs are rebuilt from the store's token cache, ten times faster than
    tokenizing; only articles never tokenised before go through the tokenizer
    (and into the cache), a chunk at a time, in worker processes (one a core)
    when a chunk has many.
    """
    with Tokenizer(processes=os.cpu_count() or 1) as tokenizer:
        chunk: list[SourcedArticle] = []
        for item in items:
            chunk.append(item)
            if len(chunk) == TOKEN_CHUNK:
                yield from _docs(store, chunk, vocab, tokenizer, cancelled)
                chunk = []
        yield from _docs(store, chunk, vocab, tokenizer, cancelled)


def _docs(
    store: Store,
    chunk: list[SourcedArticle],
    vocab: Vocab,
    tokenizer: Tokenizer,
    cancelled: CancelCheck | None,
) -> Iterator[tuple[SourcedArticle, Doc, list[str]]]:
    from spacy.tokens import Doc

    if not chunk:
        return
    ids = [item.article.id for item in chunk]
    offsets = article_tokens(store, ids, cancelled=cancelled, tokenizer=tokenizer)
    check_cancelled(cancelled)
    for item in chunk:
        words, spaces = words_and_spaces(item.article.text, offsets[item.article.id])
        yield item, Doc(vocab, words=words, spaces=spaces), words


def origin_name(origin: str | None) -> str:
    """accepted / edited / manual / imported for human work; `suggestion` for machine output."""
    return origin if origin is not None else SUGGESTION


@dataclass(frozen=True, slots=True)
class Placed:
    """A span of the source as the token formats write it."""

    index: int  # position in SourcedArticle.spans
    span: Span  # as stored
    origin: str
    tokens: TokenSpan  # doc tokens [start, end), with the label; start_char/end_char
    widened: bool  # the stored span did not fall on token edges


def place_spans(doc: Doc, item: SourcedArticle, report: FormatReport) -> list[Placed]:
    """The article's spans as non-overlapping token spans of `doc`, in text order.

    The rule, the same for the DocBin, Prodigy and CoNLL exports (the DocBin
    export follows it with numpy over many articles at once, in
    `token_arrays.place`; a test keeps the two equal):

    1. A span whose edges fall on token edges (`doc.char_span(alignment_mode="strict")`)
       is a candidate as it is.
    2. Overlapping candidates (entities cannot overlap): the longer span in
       characters is kept; between spans of equal length, the one that starts
       first, then the first in the store's order. Each span left out is
       reported in `report.overlapping`, naming the span it lost to.
    3. A span with an edge inside a token is reported in `report.misaligned`
       and never dropped silently: it is widened to whole tokens
       (`alignment_mode="expand"`) and kept only if the widened span overlaps
       no span kept in steps 1-2 nor an earlier widened one (same order as in
       step 2); otherwise it is left out, and its report entry says which
       span it would have overlapped. A span with no tokens at its offsets
       (past the text, or over a token's trailing space alone) is left out and
       reported.
    """
    aligned: list[Placed] = []
    widened: list[Placed] = []
    misaligned: list[SpanIssue] = []
    overlapping: list[SpanIssue] = []
    for index, (span, origin) in enumerate(zip(item.spans, item.origins, strict=True)):
        strict = doc.char_span(span.start, span.end, span.label, alignment_mode="strict")
        if strict is not None:
            aligned.append(Placed(index, span, origin_name(origin), strict, widened=False))
            continue
        wide = doc.char_span(span.start, span.end, span.label, alignment_mode="expand")
        if wide is None or len(wide) == 0:  # outside the text, or a trailing space alone
            misaligned.append(_issue(item, span, "left out: no tokens at these offsets"))
        else:
            widened.append(Placed(index, span, origin_name(origin), wide, widened=True))

    def order(p: Placed) -> tuple[int, int, int]:
        return (-(p.span.end - p.span.start), p.span.start, p.index)

    kept: list[Placed] = []
    taken = bytearray(len(doc))
    for candidates in (aligned, widened):
        for placed in sorted(candidates, key=order):
            t = placed.tokens
            if not any(taken[t.start : t.end]):
                kept.append(placed)
                taken[t.start : t.end] = b"\x01" * (t.end - t.start)
                if placed.widened:
                    misaligned.append(
                        _issue(item, placed.span, f"widened to whole tokens: {_where(t)}")
                    )
                continue
            winner = next(
                k.tokens for k in kept if k.tokens.start < t.end and t.start < k.tokens.end
            )
            if placed.widened:
                misaligned.append(
                    _issue(
                        item,
                        placed.span,
                        f"left out: widened to {_where(t)}, it would overlap {_named(winner)}",
                    )
                )
            else:
                same = (winner.start_char, winner.end_char) == (t.start_char, t.end_char)
                clash = "has the same characters as" if same else "overlaps"
                overlapping.append(
                    _issue(
                        item,
                        placed.span,
                        f"left out: {clash} {_named(winner)}"
                        " (kept: the longer span, then the earlier)",
                    )
                )
    kept.sort(key=lambda p: p.tokens.start)
    report.misaligned.extend(sorted(misaligned, key=lambda i: (i.start, i.end)))
    report.overlapping.extend(sorted(overlapping, key=lambda i: (i.start, i.end)))
    return kept


def _issue(item: SourcedArticle, span: Span, resolution: str) -> SpanIssue:
    text = item.article.text[span.start : span.end]
    return SpanIssue(item.article.id, span.start, span.end, text, span.label, resolution)


def _where(tokens: TokenSpan) -> str:
    return f"{tokens.start_char}-{tokens.end_char} {tokens.text!r}"


def _named(tokens: TokenSpan) -> str:
    return f"{tokens.label_} {_where(tokens)}"


def has_line_break(text: str) -> bool:
    return any(c in LINE_BREAKS for c in text)


def sentences(nlp: Language, doc: Doc, together: Iterable[tuple[int, int]] = ()) -> list[TokenSpan]:
    """Split `doc` into sentences: at line breaks, then with spaCy's rule-based sentencizer.

    A white space token holding a line break ends the sentence before it;
    `together` gives token ranges [start, end) that no sentence boundary may
    cut (the spans being exported), so a span always lies in one sentence.
    """
    from spacy.attrs import SENT_START  # spaCy is loaded here already: `doc` is its

    # Decided in one array (1 starts a sentence, -1 does not, 0 undecided) and set
    # with one `from_array`: setting `is_sent_start` token by token checks the whole
    # doc each time, hours for an article of a million characters (#13, case 10).
    starts = np.zeros(len(doc), dtype=np.int64)
    breaks = [token.is_space and has_line_break(token.text) for token in doc]
    for i in range(1, len(doc)):
        if breaks[i]:
            starts[i] = -1
        elif breaks[i - 1]:
            starts[i] = 1
    for start, end in together:
        starts[max(start + 1, 1) : end] = -1
    if len(doc):
        doc.from_array([SENT_START], starts.astype(np.uint64))  # -1 as spaCy stores it
    nlp.get_pipe("sentencizer")(doc)  # decides only the tokens left undecided above
    return list(doc.sents)


# -- writing -----------------------------------------------------------------


@contextlib.contextmanager
def staged_directory(out: Path, written: list[Path]) -> Iterator[Path]:
    """A fresh folder beside `out` to write into; published as `out` on success.

    Publishing is all or nothing: the files of an existing `out` that this
    export does not write (an earlier export's, the user's) are linked into
    the staging folder, which then takes `out`'s place by two renames (the
    old folder moved aside, then removed). On error or cancel the staging
    folder is removed and `out` is untouched; a process killed between the
    two renames leaves the old folder under a recognisable name, which the
    next export to `out` puts back (or removes, if the new one made it).
    A folder that cannot be renamed (a mount point) gets the files one by
    one. The published paths are appended to `written`.
    """
    if out.is_symlink():
        out = out.resolve()  # publish into the folder the link names, keep the link
    if out.exists() and not out.is_dir():
        raise AnnotatorError(f"{out} is a file: this format writes a folder of files")
    make_folder(out)
    try:
        _recover(out)
        clean_leftovers(out.parent, out.name)
        staging = Path(tempfile.mkdtemp(prefix=leftover_prefix(out.name), dir=out.parent))
        os.chmod(staging, 0o777 & ~umask())  # a folder like any other, not mkdtemp's 0700
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(out)) from error
    try:
        yield staging
        names = sorted(p.name for p in staging.iterdir())
        _publish(staging, out, names)
        written.extend(out / name for name in names)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _publish(staging: Path, out: Path, names: list[str]) -> None:
    """`staging` becomes `out`, keeping the files of `out` it has not written."""
    if not out.exists():
        os.rename(staging, out)
        return
    for entry in os.scandir(out):
        if entry.name not in names:
            _link_tree(Path(entry.path), staging / entry.name)
    aside = out.parent / f"{leftover_prefix(out.name)}old"
    try:
        os.rename(out, aside)
    except OSError:  # a mount point, a folder we may not move: one file at a time
        for name in names:
            os.replace(staging / name, out / name)
        return
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(aside, out)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _link_tree(source: Path, target: Path) -> None:
    """`source` (a file, a link or a folder) into `target`, hard-linked where possible."""

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst, follow_symlinks=False)
        except (OSError, NotImplementedError):  # no hard links there: a copy
            shutil.copy2(src, dst, follow_symlinks=False)

    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, target, symlinks=True, copy_function=link)
    else:
        link(str(source), str(target))


def _recover(out: Path) -> None:
    """Put back the folder an export killed between its two renames left aside."""
    start = f".{out.name}{MARK}"
    for aside in out.parent.glob(f"{glob.escape(start)}*.old"):
        if out.exists():
            continue  # the new folder was published: the old one is a leftover
        with contextlib.suppress(OSError):
            os.rename(aside, out)


def write_bytes(path: Path, data: bytes) -> None:
    with atomic_write(path, "wb") as stream:
        stream.write(data)


def check_cancelled(cancelled: CancelCheck | None) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled("export cancelled")


# -- the split ---------------------------------------------------------------


# -- reading ahead ---------------------------------------------------------------


def read_ahead(produce: Callable[[], Iterator[T]], depth: int = 2) -> Iterator[T]:
    """The items of `produce()`, made in a thread of their own up to `depth` items ahead.

    SQLite releases the GIL while it steps through a query, so the next chunk
    is read from the store on the second core while this thread writes the
    current one. Exceptions raised by the producer are raised here; leaving
    the loop early stops the producer.
    """
    items: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def run() -> None:
        try:
            for item in produce():
                while not stop.is_set():
                    try:
                        items.put(("item", item), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            items.put(("end", None))
        except BaseException as error:  # handed to the consumer, raised there
            items.put(("error", error))

    thread = threading.Thread(target=run, name="export-reader", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = items.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        thread.join()
