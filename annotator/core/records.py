"""Plain records that cross the store's boundary: frozen, typed, Qt-free.

The words follow the glossary in ARCHITECTURE.md: an *Article* has machine
*Suggestions* (from a *SuggestionSet*) and human *Annotations* per *Annotator*.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

LABELS: tuple[str, ...] = ("PER", "ORG", "LOC", "MISC", "FIGURE", "DATE")
LABEL_MAX = 64


def label_problem(label: object) -> str | None:
    """Why a label cannot be stored, or None.

    Other tools' files bring their own labels, so any name is allowed, but one
    with white space or control characters would forge lines in brat and CoNLL
    exports (a tab or a newline inside it starts a new field or record).
    """
    if not isinstance(label, str) or not label.strip():
        return "a span needs a label"
    return _string_label_problem(label)


@functools.lru_cache(maxsize=4096)  # a corpus has a handful of labels, checked per span
def _string_label_problem(label: str) -> str | None:
    if len(label) > LABEL_MAX:
        return f"label {label[:20]!r}… is longer than {LABEL_MAX} characters"
    if any(c.isspace() or unicodedata.category(c).startswith("C") for c in label):
        return f"label {label!r} holds white space or control characters"
    return None


class Origin(StrEnum):
    """Where a human annotation came from."""

    ACCEPTED = "accepted"  # a suggestion taken as it was
    EDITED = "edited"  # a suggestion taken, then relabelled or resized
    MANUAL = "manual"  # added by hand
    IMPORTED = "imported"  # read from another tool's annotated file


class Status(StrEnum):
    """An annotator's progress on one article."""

    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"
    FLAGGED = "flagged"


@dataclass(frozen=True, slots=True)
class Span:
    """Characters ``text[start:end]`` of an article with a label."""

    start: int
    end: int
    label: str
    attrs: dict[str, Any] = field(default_factory=dict)


# A span as bulk imports carry it, with no Span record made for each: (start, end, label, attrs).
SpanTuple = tuple[int, int, str, dict[str, Any]]


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    """An article as an importer read it, before it has an id in the store.

    Readers of annotated formats also give the spans they read, with offsets
    into `text` exactly as given (before the store cleans the text).
    """

    text: str
    title: str | None
    source: str
    meta: dict[str, Any] = field(default_factory=dict)
    spans: tuple[Span, ...] | None = None
    where: str | None = None  # file and line, for errors, when the reader knows the line


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    title: str | None
    text: str
    source: str
    meta: dict[str, Any]
    imported_at: str
    words: int
    cluster: str | None  # id of the first article of its near-duplicate cluster

    @property
    def display_title(self) -> str:
        return self.title or snippet(self.text)


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """One row of the article list: no text, so listing 100k stays cheap."""

    id: str
    title: str
    words: int
    source: str
    cluster: str | None
    status: Status
    suggestions: int
    annotations: int
    comment: str | None = None  # the annotator's flag comment (without one: "name: comment" lines)


@dataclass(frozen=True, slots=True)
class Annotator:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class SuggestionSet:
    id: int
    model: str
    model_version: str
    recognizers_version: str
    created_at: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: int
    set_id: int
    article_id: str
    span: Span


@dataclass(frozen=True, slots=True)
class Annotation:
    id: int
    article_id: str
    annotator: str
    span: Span
    origin: Origin
    suggestion_id: int | None
    updated_at: str


@dataclass(frozen=True, slots=True)
class ArticleStatus:
    article_id: str
    annotator: str
    status: Status
    comment: str | None
    updated_at: str | None


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the append-only log: who changed what, from what, to what."""

    id: int
    action: int  # the rows of one user action share it; undo reverts a whole action
    at: str
    annotator: str | None
    kind: str
    article_id: str | None
    entity_id: str | None
    before: Any
    after: Any
    undoes: int | None = None
    redoes: int | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """An article with everything one annotator sees of it."""

    article: Article
    suggestion_set: SuggestionSet | None
    suggestions: tuple[Suggestion, ...]
    annotations: tuple[Annotation, ...]
    status: ArticleStatus


def snippet(text: str, width: int = 80) -> str:
    """The first words of a text, for lists where an article has no title."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"
