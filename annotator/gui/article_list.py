"""The article list: a lazy Qt model over the store, fine with 100k articles.

Rows are read a page at a time as the view scrolls (canFetchMore/fetchMore),
and `data()` only maps roles to cells of the rows in hand. A row with a flag
comment has a mark after its status and the comment in its tooltip. A
search the store refuses empties the list and `problem` says why: never the
previous results under the new search.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from annotator.core.errors import AnnotatorError
from annotator.core.records import ArticleSummary, Status
from annotator.core.store import Store

_PAGE = 200
COLUMNS = ("Title", "Status", "Sugg.", "Ann.")
STATUS_TEXT = {
    Status.TODO: "todo",
    Status.IN_PROGRESS: "in progress",
    Status.DONE: "done",
    Status.SKIPPED: "skipped",
    Status.FLAGGED: "flagged",
}
COMMENT_MARK = " ✎"  # after the status of a row with a flag comment
Index = QModelIndex | QPersistentModelIndex


class ArticleListModel(QAbstractTableModel):
    def __init__(self, store: Store, annotator: str) -> None:
        super().__init__()
        self._store = store
        self._annotator = annotator
        self._status: Status | None = None
        self._search: str | None = None
        self._rows: list[ArticleSummary] = []
        self._total = 0
        self.problem: str | None = None  # why the list is empty when a search failed
        self.refresh()

    # -- filters --------------------------------------------------------------

    def set_filter(self, status: Status | None, search: str | None) -> None:
        """Filter by status and by a search as typed: the last word is a prefix."""
        self._status, self._search = status, (search or None)
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows, self._total, self.problem = [], 0, None
        try:
            self._total = self._count()
            self._fetch()
        except AnnotatorError as error:
            self._rows, self._total, self.problem = [], 0, str(error)
        finally:
            self.endResetModel()

    def reread(self) -> None:
        """Read the rows in hand again (another window or a command wrote).

        Unlike `refresh`, the view keeps its scroll position and selection when
        the same articles are still listed, only their cells change.
        """
        try:
            total = self._count()
            fresh = self._page(0, max(len(self._rows), _PAGE))
        except AnnotatorError:
            self.refresh()  # says why, as a search typed in does
            return
        self.problem = None
        if [r.id for r in fresh[: len(self._rows)]] != [r.id for r in self._rows]:
            self.refresh()
            return
        self._total = total
        shown = len(self._rows)
        if fresh[:shown] != self._rows and shown:
            self._rows[:] = fresh[:shown]
            self.dataChanged.emit(self.index(0, 0), self.index(shown - 1, len(COLUMNS) - 1))
        if len(fresh) > shown:  # new articles (an import): listed at once
            self.beginInsertRows(QModelIndex(), shown, len(fresh) - 1)
            self._rows.extend(fresh[shown:])
            self.endInsertRows()

    def update_article(self, article_id: str) -> None:
        """Read one article's row again (its status or counts changed)."""
        row = self.row_of(article_id)
        if row is None:
            return
        fresh = self._store.articles.summary(article_id, self._annotator)
        if fresh is not None:
            self._rows[row] = fresh
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def row_of(self, article_id: str) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == article_id), None)

    def article_id(self, row: int) -> str:
        return self._rows[row].id

    @property
    def total(self) -> int:
        return self._total

    # -- Qt model -------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid():
            return
        first = len(self._rows)
        try:
            page = self._page(first)
        except AnnotatorError as error:  # keep what is shown, say it is not all
            self._total, self.problem = first, str(error)
            return
        if not page:
            self._total = first  # the store shrank under us
            return
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                ("≈ " if row.cluster else "") + row.title,
                STATUS_TEXT[row.status] + (COMMENT_MARK if row.comment else ""),
                row.suggestions,
                row.annotations,
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            comment = f"\nComment: {row.comment}" if row.comment else ""
            if column != 0:
                return comment.strip() or None
            cluster = f"\nNear-duplicate cluster {row.cluster}" if row.cluster else ""
            return f"{row.title}\n{row.words} words · {row.source}{cluster}{comment}"
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def _fetch(self) -> None:
        self._rows = self._page(0)

    def _count(self) -> int:
        return self._store.articles.count_where(
            annotator=self._annotator, status=self._status, search=self._search, prefix=True
        )

    def _page(self, offset: int, limit: int = _PAGE) -> list[ArticleSummary]:
        return self._store.articles.list(
            annotator=self._annotator,
            status=self._status,
            search=self._search,
            prefix=True,
            limit=limit,
            offset=offset,
        )
