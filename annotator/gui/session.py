"""The window's session: one store, one annotator, the open article.

Widgets never write to the store themselves: they call the session, which
runs the action through the Qt-free `ArticleEditor` (committed in the store
first) and then announces what changed. Views redraw from the announcement.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.core.editing import ArticleEditor, Edit, Key
from annotator.core.errors import AnnotatorError, StaleState
from annotator.core.history import describe
from annotator.core.records import Event, Status
from annotator.core.store import Store
from annotator.core.tokens import Tokenize, regex_tokens
from annotator.gui.pending import PendingActions, is_busy

# How often the window asks SQLite whether another connection wrote (a cheap pragma).
WATCH_MS = 250


def queued(method: Callable[..., None]) -> Callable[..., None]:
    """A session command that goes through `Session.pending`: run now if the store is
    free, else kept with those after it, in order, and run when it is free."""

    @functools.wraps(method)
    def submit(self: Session, *args: Any, **kwargs: Any) -> None:
        self.pending.submit(method.__name__, lambda: method(self, *args, **kwargs))

    return submit


class Session(QObject):
    articleOpened = Signal()  # another article, or the same one read again: redraw all
    edited = Signal(object)  # an Edit: redraw what it names
    progressChanged = Signal()  # an article's status or counts changed
    storeChanged = Signal()  # another window or a command wrote: lists and counts may be stale
    message = Signal(str)  # something to tell the annotator in the status bar

    def __init__(self, store: Store, annotator: str, tokenize: Tokenize = regex_tokens) -> None:
        super().__init__()
        self.store = store
        self.annotator = annotator
        self.editor = ArticleEditor(store, annotator, tokenize)
        # The other window's action the person was told about: a second Ctrl+Z undoes it.
        self._confirmed: tuple[str, int] | None = None
        self._version = store.data_version()
        # Every command, in order, through one queue: a busy store (another program
        # writing) keeps the action and those after it instead of freezing or losing it.
        self.pending = PendingActions(store, self)
        self.pending.message.connect(self.message)
        self.watch = QTimer(self)
        self.watch.setInterval(WATCH_MS)
        self.watch.timeout.connect(self._watch)
        self.watch.start()

    # -- articles -------------------------------------------------------------

    @property
    def article_id(self) -> str | None:
        return self.editor.document.article.id if self.editor.document else None

    @queued
    def open(self, article_id: str | None) -> None:
        if article_id is None:
            return
        self._version = self.store.data_version()
        self.editor.focus = None
        self.editor.open(article_id)
        self.articleOpened.emit()

    def _watch(self) -> None:
        """The timer's look at the store; a busy moment is skipped, the next tick sees it."""
        try:
            self.sync()
        except Exception as error:
            if not is_busy(error):
                raise

    def sync(self, force: bool = False) -> bool:
        """Bring the window up to the store if another connection wrote.

        Returns whether the open article's spans changed (a status change does
        not make a decision on a span stale; the list and counts follow it).
        """
        version = self.store.data_version()
        if version == self._version and not force:
            return False
        self._version = version
        changed = False
        if self.editor.document is not None:
            edit = self.editor.refresh()
            changed = bool(edit.removed or edit.added)
            if changed:
                self.edited.emit(edit)
        self.storeChanged.emit()
        self.progressChanged.emit()
        return changed

    def reload(self) -> None:
        if self.article_id is not None:
            self.open(self.article_id)

    def set_tokenizer(self, tokenize: Tokenize) -> None:
        """Token bounds from spaCy once it has loaded (a regex until then)."""
        self.editor.tokenize = tokenize
        self.editor._tokens = None

    @queued
    def next_article(self, step: int = 1) -> None:
        if self.article_id is None:
            return
        target = self.store.articles.neighbour(self.article_id, step)
        if target is None:
            self.message.emit("No more articles that way.")
            return
        self.open(target)

    @queued
    def done_and_next(self) -> None:
        """Ctrl+Enter: mark done (committed), then open the next article not done."""
        if self.article_id is None:
            return
        current = self.article_id
        self._guard(lambda: self.editor.set_status(Status.DONE))
        self.progressChanged.emit()
        target = self.store.articles.next_not_done(current, self.annotator)
        if target is None:
            self.message.emit("Every article is done.")
            self.reload()
        else:
            self.open(target)

    @queued
    def set_status(self, status: Status, comment: str | None = None) -> None:
        if self.article_id is not None:
            self._guard(lambda: self.editor.set_status(status, comment))
            self.progressChanged.emit()

    # -- spans ----------------------------------------------------------------

    @queued
    def focus_next(self, step: int = 1) -> None:
        self.edited.emit(self.editor.focus_next(step))

    @queued
    def set_focus(self, key: Key | None) -> None:
        self.edited.emit(self.editor.set_focus(key))

    @queued
    def focus_at(self, position: int) -> None:
        item = self.editor.item_at(position)
        self.set_focus(item.key if item else None)

    @queued
    def accept(self) -> None:
        self._edit(self.editor.accept)

    @queued
    def reject_or_delete(self) -> None:
        self._edit(self.editor.reject_or_delete)

    @queued
    def label(
        self, label: str, selection: tuple[int, int] | None = None, exact: bool = False
    ) -> None:
        """A digit key: label the selection as a new span, else relabel the focused span."""
        if selection is not None and selection[0] < selection[1]:
            start, end = selection
            self._edit(lambda: self.editor.add(start, end, label, snap=not exact))
        elif not exact:
            self._edit(lambda: self.editor.relabel(label))

    @queued
    def resize(self, edge: str, steps: int, by: str) -> None:
        self._edit(lambda: self.editor.resize(edge, steps, by))  # type: ignore[arg-type]

    @queued
    def set_attrs(self, key: Key, attrs: dict) -> None:
        self._edit(lambda: self.editor.set_attrs(key, attrs))

    @queued
    def accept_all(self) -> None:
        self._edit(self.editor.accept_all)

    @queued
    def undo(self) -> None:
        self._history("Undo", self.store.events.next_undo, self.editor.undo)

    @queued
    def redo(self) -> None:
        self._history("Redo", self.store.events.next_redo, self.editor.redo)

    # -- internals ------------------------------------------------------------

    def _edit(self, action) -> None:  # type: ignore[no-untyped-def]
        if self.sync():
            # What the person acted on is no longer what the store holds.
            self.message.emit(
                "This article was changed in another window or by a command: it is shown"
                " again as stored. Nothing was done; look and act again."
            )
            return
        edit = self._guard(action)
        if isinstance(edit, Edit):
            self.edited.emit(edit)
            if edit.added or edit.removed:
                self.progressChanged.emit()

    def _history(
        self,
        name: str,
        peek: Callable[[str], list[Event]],
        act: Callable[[int], str | None],
    ) -> None:
        """Undo or redo, saying what and where; another window's action only when asked.

        The first Ctrl+Z on an action this window did not make (another window,
        an earlier session) only names it; the second one undoes it.
        """
        self.sync()
        rows = peek(self.annotator)
        if not rows:
            self.message.emit(f"Nothing to {name.lower()}.")
            return
        action, what = rows[0].action, describe(self.store, rows)
        if action not in self.store.events.logged_here and self._confirmed != (name, action):
            self._confirmed = (name, action)
            keys = "Ctrl+Z" if name == "Undo" else "Ctrl+Shift+Z"
            self.message.emit(
                f"Press {keys} again to {name.lower()} {what}: made in another window or"
                f" session ({rows[0].at[11:16]} UTC)."
            )
            return
        article = self._guard(lambda: act(action))  # a busy store: asked again when free
        self._confirmed = None
        if article is None:
            return
        self.open(article)  # undo follows the change to its article
        self.progressChanged.emit()
        self.message.emit(f"{'Undone' if name == 'Undo' else 'Redone'}: {what}.")

    def _guard(self, action):  # type: ignore[no-untyped-def]
        try:
            return action()
        except StaleState as error:
            self.message.emit(f"Not done: {error}.")
            self.sync(force=True)
            return None
        except AnnotatorError as error:
            self.message.emit(str(error))
            return None
