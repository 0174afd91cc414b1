"""CoNLL-2003-style NER: one token a line, IOB2 tags, a blank line between sentences.

The layout is the four columns of CoNLL-2003, separated by one space::

    -DOCSTART- -X- O O

    Plus -X- _ B-FIGURE
    de -X- _ I-FIGURE
    13 -X- _ I-FIGURE
    000 -X- _ I-FIGURE
    civils -X- _ I-FIGURE
    ont -X- _ O

TOKEN, a part-of-speech placeholder (`-X-`), a chunk placeholder (`_`) and
the IOB2 tag (`B-LABEL` on the first token of a span, `I-LABEL` on the
others, `O` outside). Readers that take the first column as the token and
the last as the tag read it, among them `spacy convert --converter ner`,
which also splits documents at the `-DOCSTART- -X- O O` line written before
each article.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.errors import Cancelled
from annotator.core.exporters.base import (
    FormatReport,
    SourcedArticle,
    review_line,
    sourced_articles,
)
from annotator.core.exporters.common import (
    check_cancelled,
    french,
    place_spans,
    sentences,
    tokenized,
)
from annotator.core.files import atomic_write
from annotator.core.progress import CancelCheck, ProgressCallback
from annotator.core.store import Store

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DOCSTART = "-DOCSTART- -X- O O"
ARTICLES_SUFFIX = ".articles.jsonl"  # the side file: `out` + this
POS = "-X-"
CHUNK = "_"


def export_conll(
    store: Store,
    out: Path,
    *,
    source: str,
    status: str = "all",
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    docstart: bool = True,
) -> FormatReport:
    """Write the articles of `source` as CoNLL-2003 NER; the file appears whole or not at all.

    - Tokens: `spacy.blank("fr")` (the fr_core_news_* tokenizer). White space
      tokens (line breaks, no-break spaces between the digits of "13 000")
      are left out: a CoNLL line cannot hold them. A span with such a token
      inside stays one entity ("13", "000" tagged B- then I-).
    - Sentences: a new one at every line break, then where spaCy's
      rule-based `sentencizer` puts one; never inside a span.
    - Spans: placed by the rule of `spacy_docbin.place_spans` (BIO cannot
      hold overlaps nor part of a token): overlaps keep the longer span; a
      span with an edge inside a token is widened to whole tokens unless that
      overlaps another span; every change is in the report.
    - `-DOCSTART- -X- O O` and a blank line before each article
      (`docstart=False` leaves them out).
    - `<out>.articles.jsonl` beside it: the articles in the file's order, one
      JSON line each, `{"id", "title", "source", "reviewed", "status",
      "comment"?}` (`base.review_record`): CoNLL has no place for whose
      spans they are, whether a person finished the article, nor a flag comment.
    FIGURE attributes have no place in CoNLL: use the JSONL, DocBin, Prodigy,
    brat or figures CSV export for them.
    """
    nlp = french()
    side = out.with_name(out.name + ARTICLES_SUFFIX)
    report = FormatReport(files=[out, side])
    try:
        with atomic_write(out) as stream, atomic_write(side) as articles:
            items = sourced_articles(
                store, source, status=status, progress=progress, cancelled=cancelled
            )
            for item, doc, _ in tokenized(store, items, nlp.vocab, cancelled):
                articles.write(review_line(item))
                if docstart:
                    stream.write(DOCSTART + "\n\n")
                for block in conll_sentences(nlp, doc, item, report):
                    stream.write("\n".join(block) + "\n\n")
                report.articles += 1
            check_cancelled(cancelled)
    except Cancelled:
        report.cancelled, report.files = True, []
    return report


def conll_sentences(
    nlp: Language, doc: Doc, item: SourcedArticle, report: FormatReport
) -> list[list[str]]:
    """The article's lines, one list of `TOKEN -X- _ TAG` lines a sentence; `doc` its tokens."""
    placed = place_spans(doc, item, report)
    tags = ["O"] * len(doc)
    for p in placed:
        t = p.tokens
        words = [i for i in range(t.start, t.end) if not doc[i].is_space]
        for n, i in enumerate(words):
            tags[i] = ("B-" if n == 0 else "I-") + p.span.label
        report.labels[p.span.label] += 1
    blocks = []
    for sentence in sentences(nlp, doc, [(p.tokens.start, p.tokens.end) for p in placed]):
        lines = [f"{t.text} {POS} {CHUNK} {tags[t.i]}" for t in sentence if not t.is_space]
        if lines:
            blocks.append(lines)
    return blocks
