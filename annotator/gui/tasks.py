"""Long work off the UI thread: a worker runs a core function with its own Store.

Core functions take `progress` and `cancelled` callbacks; the worker relays
progress as a signal, and Cancel sets a flag the function polls. The window
keeps responding because nothing long runs on the UI thread.

Closing the window never waits long: a task that does not stop within
`stop`'s delay (spaCy loading a model cannot be interrupted) is left to end
on its own. Its result is dropped, what it committed stays, and the process
waits for it before exiting (Qt aborts on a QThread destroyed while running).
"""

from __future__ import annotations

import atexit
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from annotator.core.progress import Progress
from annotator.core.store import Store

# A task: fn(store, progress=..., cancelled=...) -> result
Task = Callable[..., Any]


class Worker(QObject):
    progressed = Signal(int, int)  # done, total
    finished = Signal(object)  # the function's result
    failed = Signal(str)

    def __init__(self, db_path: Path, task: Task) -> None:
        super().__init__()
        self._db_path = db_path
        self._task = task
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            self._run()
        finally:
            # End the thread from inside, so waiting for it never needs the UI loop.
            self.thread().quit()

    def _run(self) -> None:
        try:
            # A Store belongs to one thread: this one opens its own connection.
            with Store.open(self._db_path) as store:
                result = self._task(
                    store,
                    progress=lambda p: (
                        self.progressed.emit(p.done, p.total) if isinstance(p, Progress) else None
                    ),
                    cancelled=self._cancel.is_set,
                )
        except Exception as error:  # shown to the user, never swallowed
            traceback.print_exc()
            self.failed.emit(f"{type(error).__name__}: {error}")
            return
        self.finished.emit(result)


# Tasks left running by a closed window: kept referenced until they end.
_LEFT: list[tuple[QThread, Worker]] = []


def wait_for_left_tasks(ms: int = 120_000) -> bool:
    """Block until the tasks closed windows left running have ended."""
    ended = all(thread.wait(ms) for thread, _ in _LEFT)
    _LEFT[:] = [(t, w) for t, w in _LEFT if t.isRunning()]
    return ended


atexit.register(wait_for_left_tasks)


class TaskRunner(QObject):
    """Runs one task at a time in a QThread and keeps the thread alive until it ends."""

    started = Signal(str)
    progressed = Signal(int, int)
    finished = Signal(str, object)
    failed = Signal(str, str)

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self._db_path = db_path
        self._thread: QThread | None = None
        self._worker: Worker | None = None
        self._name = ""

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def start(self, name: str, task: Task) -> bool:
        if self.busy:
            return False
        self._name = name
        self._thread = QThread()
        self._worker = Worker(self._db_path, task)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progressed.connect(self.progressed)
        self._worker.finished.connect(self._done)
        self._worker.failed.connect(self._fail)
        self._thread.start()
        self.started.emit(name)
        return True

    @property
    def name(self) -> str | None:
        """The running task's name."""
        return self._name if self.busy else None

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

    def wait(self, ms: int = 60_000) -> bool:
        """Block until the task's thread ends (its result is delivered later, by the loop)."""
        return self._thread is None or self._thread.wait(ms)

    def stop(self, ms: int) -> bool:
        """Cancel, wait at most `ms`, and forget the task: no result is delivered.

        True if it ended; else it is left to end on its own (see the module's doc).
        """
        if self._thread is None or self._worker is None:
            return True
        thread, worker = self._thread, self._worker
        for signal, slot in (
            (worker.progressed, self.progressed),
            (worker.finished, self._done),
            (worker.failed, self._fail),
        ):
            signal.disconnect(slot)
        worker.cancel()
        self._thread, self._worker = None, None
        if thread.wait(ms):
            thread.deleteLater()
            return True
        _LEFT.append((thread, worker))
        return False

    def _done(self, result: object) -> None:
        if self._worker is None or self.sender() is not self._worker:
            return  # a stopped task's result, posted before it was stopped
        name = self._name
        self._stop()
        self.finished.emit(name, result)

    def _fail(self, message: str) -> None:
        if self._worker is None or self.sender() is not self._worker:
            return
        name = self._name
        self._stop()
        self.failed.emit(name, message)

    def _stop(self) -> None:
        assert self._thread is not None
        self._thread.quit()
        self._thread.wait()
        self._thread.deleteLater()
        self._thread, self._worker = None, None


class TaskIndicator(QWidget):
    """The status bar's progress bar and Cancel button, shown while a task runs."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("taskIndicator")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(160)
        self.bar.setTextVisible(True)
        self.cancel = QPushButton("Cancel")
        self.cancel.clicked.connect(runner.cancel)
        self.cancel.clicked.connect(self._cancelling)
        for widget in (self.label, self.bar, self.cancel):
            layout.addWidget(widget)
        self.hide()
        runner.started.connect(self._start)
        runner.progressed.connect(self._progress)
        runner.finished.connect(lambda *_: self.hide())
        runner.failed.connect(lambda *_: self.hide())

    def _cancelling(self) -> None:
        # Seen at once; the task stops at its next check (after a loading model, if one is).
        self.label.setText(f"{self.label.text()}: stopping…")
        self.cancel.setEnabled(False)

    def _start(self, name: str) -> None:
        self.cancel.setEnabled(True)
        self.label.setText(name)
        self.bar.setRange(0, 0)  # busy until the first report
        self.show()

    def _progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
