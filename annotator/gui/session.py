"""The window's session: one store, one annotator, the open article.

Widgets never write to the store themselves: they call the session, which
runs the action through the Qt-free `ArticleEditor` (committed in the store
first) and then announces what changed. Views redraw from the announcement.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from annotator.core.editing import ArticleEditor, Edit, Key
from annotator.core.errors import AnnotatorError
from annotator.core.records import Status
from annotator.core.store import Store
from annotator.core.tokens import Tokenize, regex_tokens


class Session(QObject):
    articleOpened = Signal()  # another article, or the same one read again: redraw all
    edited = Signal(object)  # an Edit: redraw what it names
    progressChanged = Signal()  # an article's status or counts changed
    message = Signal(str)  # something to tell the annotator in the status bar

    def __init__(self, store: Store, annotator: str, tokenize: Tokenize = regex_tokens) -> None:
        super().__init__()
        self.store = store
        self.annotator = annotator
        self.editor = ArticleEditor(store, annotator, tokenize)

    # -- articles -------------------------------------------------------------

    @property
    def article_id(self) -> str | None:
        return self.editor.document.article.id if self.editor.document else None

    def open(self, article_id: str | None) -> None:
        if article_id is None:
            return
        self.editor.focus = None
        self.editor.open(article_id)
        self.articleOpened.emit()

    def reload(self) -> None:
        if self.article_id is not None:
            self.open(self.article_id)

    def set_tokenizer(self, tokenize: Tokenize) -> None:
        """Token bounds from spaCy once it has loaded (a regex until then)."""
        self.editor.tokenize = tokenize
        self.editor._tokens = None

    def next_article(self, step: int = 1) -> None:
        if self.article_id is None:
            return
        target = self.store.articles.neighbour(self.article_id, step)
        if target is None:
            self.message.emit("No more articles that way.")
            return
        self.open(target)

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

    def set_status(self, status: Status, comment: str | None = None) -> None:
        if self.article_id is not None:
            self._guard(lambda: self.editor.set_status(status, comment))
            self.progressChanged.emit()

    # -- spans ----------------------------------------------------------------

    def focus_next(self, step: int = 1) -> None:
        self.edited.emit(self.editor.focus_next(step))

    def set_focus(self, key: Key | None) -> None:
        self.edited.emit(self.editor.set_focus(key))

    def focus_at(self, position: int) -> None:
        item = self.editor.item_at(position)
        self.set_focus(item.key if item else None)

    def accept(self) -> None:
        self._edit(self.editor.accept)

    def reject_or_delete(self) -> None:
        self._edit(self.editor.reject_or_delete)

    def label(
        self, label: str, selection: tuple[int, int] | None = None, exact: bool = False
    ) -> None:
        """A digit key: label the selection as a new span, else relabel the focused span."""
        if selection is not None and selection[0] < selection[1]:
            start, end = selection
            self._edit(lambda: self.editor.add(start, end, label, snap=not exact))
        elif not exact:
            self._edit(lambda: self.editor.relabel(label))

    def resize(self, edge: str, steps: int, by: str) -> None:
        self._edit(lambda: self.editor.resize(edge, steps, by))  # type: ignore[arg-type]

    def set_attrs(self, key: Key, attrs: dict) -> None:
        self._edit(lambda: self.editor.set_attrs(key, attrs))

    def accept_all(self) -> None:
        self._edit(self.editor.accept_all)

    def undo(self) -> None:
        self._history(self.editor.undo, "Nothing to undo.")

    def redo(self) -> None:
        self._history(self.editor.redo, "Nothing to redo.")

    # -- internals ------------------------------------------------------------

    def _edit(self, action) -> None:  # type: ignore[no-untyped-def]
        edit = self._guard(action)
        if isinstance(edit, Edit):
            self.edited.emit(edit)
            if edit.added or edit.removed:
                self.progressChanged.emit()

    def _history(self, action, nothing: str) -> None:  # type: ignore[no-untyped-def]
        article = self._guard(action)
        if article is None:
            self.message.emit(nothing)
            return
        self.open(article)  # undo follows the change to its article
        self.progressChanged.emit()

    def _guard(self, action):  # type: ignore[no-untyped-def]
        try:
            return action()
        except AnnotatorError as error:
            self.message.emit(str(error))
            return None
