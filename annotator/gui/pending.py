"""Actions waiting for a busy store: kept, in order, and saved as soon as it is free.

Another program (a long `annotator merge`, an import) may hold the store's
write lock. The window then waits a fraction of a second, not SQLite's 10 s,
keeps the action and everything the person does after it, in order, tries
again on a timer and says so; the action shows as done only once committed.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel

from annotator.core.store import Store

PATIENCE = 0.15  # seconds one attempt waits for the lock: the window never freezes longer
RETRY_MS = 300  # between attempts while the store is busy
BUSY = (
    "Store busy (another program is writing): your action will be saved when it is free"
    " ({n} waiting)."
)


def is_busy(error: BaseException) -> bool:
    """Whether `error` is SQLite's "database is locked": another connection holds the lock."""
    return isinstance(error, sqlite3.OperationalError) and (
        getattr(error, "sqlite_errorcode", 0) & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    )


class PendingActions(QObject):
    """The session's actions, run at once when the store is free, else queued in order."""

    changed = Signal(int)  # how many actions wait
    message = Signal(str)  # something to tell the person in the status bar
    drained = Signal()  # every action that waited is saved

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._queue: deque[tuple[str, Callable[[], None]]] = deque()
        self._waited = False  # some action met a busy store since the queue was last empty
        self._running = False  # an action is running now
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(RETRY_MS)
        self.timer.timeout.connect(self.retry)

    def __len__(self) -> int:
        return len(self._queue)

    def submit(self, name: str, action: Callable[[], None]) -> None:
        """Run `action` now, or after those waiting; queue it if the store is busy.

        An action submitted by one that runs (undo opening its article) is part
        of it: it runs at once, and a busy store sends the whole back to wait.
        """
        if self._running:
            action()
            return
        self._queue.append((name, action))
        if len(self._queue) == 1:
            self.retry()
        else:
            self._waiting()

    def retry(self, patience: float = PATIENCE) -> bool:
        """Run the waiting actions in order until one meets a busy store; True once all ran."""
        had = len(self._queue)
        while self._queue:
            _, action = self._queue[0]
            self._running = True
            try:
                with self._store.patience(patience):
                    action()
            except sqlite3.OperationalError as error:
                if not is_busy(error):
                    self._queue.popleft()
                    raise
                self._waiting()
                self.timer.start()
                return False
            except BaseException:
                self._queue.popleft()
                raise
            finally:
                self._running = False
            self._queue.popleft()
        if self._waited:
            self._waited = False
            self.message.emit(f"Saved: the {had} action(s) that waited for the store.")
            self.changed.emit(0)
            self.drained.emit()
        return True

    def _waiting(self) -> None:
        self._waited = True
        self.changed.emit(len(self._queue))
        self.message.emit(BUSY.format(n=len(self._queue)))


class PendingLabel(QLabel):
    """The status bar's note of actions not saved yet: shown only while some wait."""

    def __init__(self, pending: PendingActions) -> None:
        super().__init__()
        self.setObjectName("pendingLabel")
        self.setTextFormat(Qt.TextFormat.PlainText)
        pending.changed.connect(self._show)
        self.hide()

    def _show(self, waiting: int) -> None:
        self.setText(f"{waiting} action(s) not saved yet: the store is busy")
        self.setVisible(waiting > 0)
