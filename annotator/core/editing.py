"""Correcting one article: the annotator's actions on the spans they see.

The window and the tests drive this Qt-free editor. What an annotator sees of
an article is a list of *items*: their annotations, and the suggestions they
have neither accepted nor rejected. Every action goes through the store (one
transaction, committed) before the items change, and returns what changed so
a view can redraw only that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from annotator.core import figure_attrs
from annotator.core.records import Annotation, Document, Origin, Span, Status, Suggestion
from annotator.core.store import Store
from annotator.core.tokens import TokenBounds, Tokenize, regex_tokens

Kind = Literal["suggestion", "annotation"]
Key = tuple[Kind, int]


@dataclass(frozen=True, slots=True)
class Item:
    """A span on screen: a pending suggestion or one of the annotator's annotations."""

    kind: Kind
    id: int
    span: Span
    origin: Origin | None = None  # annotations only

    @property
    def key(self) -> Key:
        return (self.kind, self.id)

    @property
    def is_suggestion(self) -> bool:
        return self.kind == "suggestion"


@dataclass(frozen=True, slots=True)
class Edit:
    """What an action changed: items gone, items new, and where focus went."""

    removed: tuple[Item, ...] = ()
    added: tuple[Item, ...] = ()
    focus: Key | None = None
    reloaded: bool = False  # the whole article was read again (undo, redo, switch)


@dataclass
class ArticleEditor:
    store: Store
    annotator: str
    tokenize: Tokenize = regex_tokens
    document: Document | None = None
    items: dict[Key, Item] = field(default_factory=dict)
    focus: Key | None = None
    _suggestions: dict[int, Suggestion] = field(default_factory=dict)
    _tokens: TokenBounds | None = None

    # -- reading --------------------------------------------------------------

    def open(self, article_id: str) -> Edit:
        document = self.store.documents.load(article_id, self.annotator)
        decided = {a.suggestion_id for a in document.annotations if a.suggestion_id is not None}
        decided |= self.store.annotations.rejected(article_id, self.annotator)
        self.document = document
        self._suggestions = {s.id: s for s in document.suggestions}
        self._tokens = None
        items = [
            Item("suggestion", s.id, s.span) for s in document.suggestions if s.id not in decided
        ]
        items += [_annotation_item(a) for a in document.annotations]
        self.items = {i.key: i for i in sorted(items, key=order_key)}
        if self.focus not in self.items:
            self.focus = None
        return Edit(added=tuple(self.items.values()), focus=self.focus, reloaded=True)

    def reload(self) -> Edit:
        assert self.document is not None
        return self.open(self.document.article.id)

    def refresh(self) -> Edit:
        """Read the open article again; the Edit names what the store changed.

        Another window or a command may have written meanwhile. Focus stays
        where it was if that item is still there.
        """
        old = dict(self.items)
        focus = self.focus
        self.reload()
        self.focus = focus if focus in self.items else None
        removed = tuple(i for k, i in old.items() if self.items.get(k) != i)
        added = tuple(i for k, i in self.items.items() if old.get(k) != i)
        return Edit(removed=removed, added=added, focus=self.focus)

    @property
    def article_id(self) -> str:
        assert self.document is not None, "no article open"
        return self.document.article.id

    @property
    def text(self) -> str:
        assert self.document is not None, "no article open"
        return self.document.article.text

    @property
    def tokens(self) -> TokenBounds:
        if self._tokens is None:
            self._tokens = TokenBounds(self.text, self.tokenize)
        return self._tokens

    def ordered(self) -> list[Item]:
        return sorted(self.items.values(), key=order_key)

    def focused(self) -> Item | None:
        return self.items.get(self.focus) if self.focus else None

    def item_at(self, position: int) -> Item | None:
        """The shortest item covering a character (annotations before suggestions)."""
        covering = [i for i in self.items.values() if i.span.start <= position < i.span.end]
        return min(
            covering, key=lambda i: (i.span.end - i.span.start, i.is_suggestion), default=None
        )

    # -- moving focus ---------------------------------------------------------

    def focus_next(self, step: int = 1) -> Edit:
        ordered = self.ordered()
        if not ordered:
            return Edit(focus=None)
        keys = [i.key for i in ordered]
        if self.focus in keys:
            index = (keys.index(self.focus) + step) % len(keys)
        else:
            index = 0 if step > 0 else len(keys) - 1
        self.focus = keys[index]
        return Edit(focus=self.focus)

    def set_focus(self, key: Key | None) -> Edit:
        self.focus = key if key in self.items else None
        return Edit(focus=self.focus)

    # -- actions on the focused item -----------------------------------------

    def accept(self) -> Edit:
        """Enter: take the focused suggestion as it is."""
        item = self.focused()
        if item is None or not item.is_suggestion:
            return Edit(focus=self.focus)
        annotation = self.store.annotations.accept(self.annotator, self._suggestions[item.id])
        return self._replace(item, _annotation_item(annotation), advance=True)

    def reject_or_delete(self) -> Edit:
        """Delete: reject the focused suggestion, or delete the focused annotation."""
        item = self.focused()
        if item is None:
            return Edit(focus=self.focus)
        if item.is_suggestion:
            self.store.annotations.reject(self.annotator, self._suggestions[item.id])
        else:
            self.store.annotations.delete(item.id, expected=item.span)
        return self._replace(item, None, advance=True)

    def relabel(self, label: str) -> Edit:
        """1-6 on a focused span: give it that label."""
        item = self.focused()
        if item is None or item.span.label == label:
            return Edit(focus=self.focus)
        # Attributes of the old label never carry over; a FIGURE reads its own.
        attrs = figure_attrs.follow(label, self.text[item.span.start : item.span.end], {})
        return self._change(item, item.span.start, item.span.end, label, attrs)

    def set_attrs(self, key: Key, attrs: dict[str, Any]) -> Edit:
        """Edit a span's attributes (a suggestion is accepted as edited); they are
        checked against the guideline and kept, marked typed by hand, when the span changes."""
        item = self.items[key]
        attrs = figure_attrs.by_hand(item.span.label, attrs)  # InvalidSpan: nothing stored
        self.focus = key
        return self._change(item, item.span.start, item.span.end, item.span.label, attrs)

    def resize(
        self, edge: Literal["start", "end"], steps: int, by: Literal["token", "char"]
    ) -> Edit:
        """Alt(+Shift)(+Ctrl)+Left/Right: move an edge by a token or a character."""
        item = self.focused()
        if item is None:
            return Edit(focus=self.focus)
        start, end = item.span.start, item.span.end
        if edge == "start":
            start = start + steps if by == "char" else self.tokens.move_start(start, steps)
        else:
            end = end + steps if by == "char" else self.tokens.move_end(end, steps)
        start, end = _tidy(self.text, start, end)
        if start >= end or (start, end) == (item.span.start, item.span.end):
            return Edit(focus=self.focus)
        label = item.span.label
        attrs = figure_attrs.follow(label, self.text[start:end], item.span.attrs)
        return self._change(item, start, end, label, attrs)

    def add(self, start: int, end: int, label: str, *, snap: bool = True) -> Edit:
        """1-6 with text selected: a new span, snapped to token bounds unless Alt."""
        if snap:
            start, end = self.tokens.snap(start, end)
        start, end = _tidy(self.text, start, end)
        if start >= end:
            return Edit(focus=self.focus)
        attrs = figure_attrs.follow(label, self.text[start:end], {})
        annotation = self.store.annotations.add(
            self.annotator, self.article_id, Span(start, end, label, attrs)
        )
        item = _annotation_item(annotation)
        self.items[item.key] = item
        self.focus = item.key
        return Edit(added=(item,), focus=self.focus)

    def accept_all(self) -> Edit:
        """Shift+Enter: accept every suggestion still pending, as one undo step."""
        pending = [i for i in self.ordered() if i.is_suggestion]
        if not pending:
            return Edit(focus=self.focus)
        created = self.store.annotations.accept_all(
            self.annotator, [self._suggestions[i.id] for i in pending]
        )
        for item in pending:
            del self.items[item.key]
        added = tuple(_annotation_item(a) for a in created)
        self.items.update((a.key, a) for a in added)
        self.focus = None
        return Edit(removed=tuple(pending), added=added, focus=None)

    def set_status(self, status: Status, comment: str | None = None) -> None:
        self.store.statuses.set(self.annotator, self.article_id, status, comment)

    def undo(self, expected: int | None = None) -> str | None:
        """Ctrl+Z: undo the annotator's last action; returns the article it touched.

        `expected`: the action the person was told would be undone.
        """
        return _article_of(self.store.events.undo(self.annotator, expected))

    def redo(self, expected: int | None = None) -> str | None:
        return _article_of(self.store.events.redo(self.annotator, expected))

    # -- internals ------------------------------------------------------------

    def _change(
        self, item: Item, start: int, end: int, label: str, attrs: dict[str, Any] | None = None
    ) -> Edit:
        attrs = dict(item.span.attrs) if attrs is None else attrs
        if item.is_suggestion:
            suggestion = self._suggestions[item.id]
            annotation = self.store.annotations.add(
                self.annotator,
                self.article_id,
                Span(start, end, label, attrs),
                Origin.EDITED,
                suggestion.id,
            )
        else:
            annotation = self.store.annotations.update(
                item.id, start=start, end=end, label=label, attrs=attrs, expected=item.span
            )
        return self._replace(item, _annotation_item(annotation), advance=False)

    def _replace(self, old: Item, new: Item | None, *, advance: bool) -> Edit:
        keys = [i.key for i in self.ordered()]
        position = keys.index(old.key)
        del self.items[old.key]
        if new is not None:
            self.items[new.key] = new
        if new is not None and not advance:
            self.focus = new.key
        else:
            # Focus moves on to the next item, as a reviewer reads on.
            following = [k for k in keys[position + 1 :] if k in self.items]
            self.focus = following[0] if following else (new.key if new else None)
        return Edit(removed=(old,), added=(new,) if new else (), focus=self.focus)


def _annotation_item(annotation: Annotation) -> Item:
    return Item("annotation", annotation.id, annotation.span, annotation.origin)


def order_key(item: Item) -> tuple[int, int, int]:
    return (item.span.start, item.span.end, 0 if item.kind == "annotation" else 1)


def _tidy(text: str, start: int, end: int) -> tuple[int, int]:
    """Clamp to the text and drop white space at both edges."""
    start, end = max(0, start), min(len(text), end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _article_of(events: list) -> str | None:
    return next((e.article_id for e in events if e.article_id), None)
