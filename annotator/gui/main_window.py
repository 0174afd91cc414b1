"""The main window: composes the views and menus; holds no truth of its own."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.paths import resources_dir
from annotator.core.preannotation import DEFAULT_MODEL
from annotator.core.preannotation.run import pending_count
from annotator.core.records import Status
from annotator.core.tokens import regex_tokens
from annotator.gui import background
from annotator.gui.article_header import ArticleHeader
from annotator.gui.article_list import ArticleListModel
from annotator.gui.article_view import ArticleView
from annotator.gui.cheat_sheet import CheatSheet
from annotator.gui.label_bar import LabelBar
from annotator.gui.pending import PendingLabel
from annotator.gui.session import Session
from annotator.gui.span_panel import SpanPanel
from annotator.gui.tasks import TaskIndicator, TaskRunner

CLOSE_WAIT_MS = 1000  # the longest a close waits for a task to stop (it is asked for 2 s)


class MainWindow(QMainWindow):
    taskDone = Signal(str, object)  # a background task's name and result, once applied

    def __init__(self, session: Session, settings: QSettings | None = None) -> None:
        super().__init__()
        self.session = session
        self.settings = settings or QSettings("annotator", "annotator")
        self.tasks = TaskRunner(session.store.path)
        self._closing = False
        self.setWindowTitle(f"Annotator — {session.annotator} — {session.store.path.name}")
        self.setObjectName("mainWindow")

        self.view = ArticleView(session)
        self.view.commandRequested.connect(self._command)
        self.label_bar = LabelBar(lambda label: self.view.run(f"label:{label}"))
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label_bar)
        self.header = ArticleHeader(session)  # status and flag comment, above the text
        layout.addWidget(self.header)
        layout.addWidget(self.view)
        self.setCentralWidget(central)

        self.articles = ArticleListModel(session.store, session.annotator)
        self._build_list_dock()
        self.spans = SpanPanel(session)
        self.spans.editingFinished.connect(self.view.setFocus)  # keys work on at once
        self.spans_dock = self._dock(
            "Spans", "spansDock", self.spans, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self._build_status_bar()
        self._build_menus()

        session.articleOpened.connect(self._article_opened)
        session.progressChanged.connect(self._progress_changed)
        session.storeChanged.connect(self._store_changed)
        # A pre-annotation run elsewhere can bring the open article its suggestions.
        session.edited.connect(lambda _edit: self._show_suggestion_set())
        session.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.tasks.finished.connect(self._task_finished)
        self.tasks.failed.connect(self._task_failed)
        self.resize(1500, 900)
        self.resizeDocks(
            [self.articles_dock, self.spans_dock], [380, 460], Qt.Orientation.Horizontal
        )
        self._restore()

    # -- building -------------------------------------------------------------

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_list_dock(self) -> None:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(2, 2, 2, 2)
        self.status_filter = QComboBox()
        self.status_filter.addItem("All statuses", None)
        for status in Status:
            self.status_filter.addItem(status.value.replace("_", " "), status)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search (accents optional; word* a prefix)")
        self.search.setClearButtonEnabled(True)
        self.search_note = QLabel()  # how many match, or why none
        self.search_note.setTextFormat(Qt.TextFormat.PlainText)
        self.search_note.setWordWrap(True)
        self.search_note.hide()
        self.search_delay = QTimer(self)  # search as you type, once typing pauses
        self.search_delay.setSingleShot(True)
        self.search_delay.setInterval(250)
        self.search_delay.timeout.connect(self._filter)
        self.article_table = QTableView()
        self.article_table.setObjectName("articleList")
        self.article_table.setModel(self.articles)
        self.article_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.article_table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.article_table.verticalHeader().setVisible(False)
        self.article_table.setWordWrap(False)
        header = self.article_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, self.articles.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.article_table.clicked.connect(self._list_clicked)
        for widget in (self.status_filter, self.search, self.search_note, self.article_table):
            layout.addWidget(widget)
        self.status_filter.currentIndexChanged.connect(self._filter)
        self.search.returnPressed.connect(self._filter)
        self.search.textChanged.connect(lambda _: self.search_delay.start())
        self.articles_dock = self._dock(
            "Articles", "articlesDock", panel, Qt.DockWidgetArea.LeftDockWidgetArea
        )

    def _build_status_bar(self) -> None:
        bar, session = self.statusBar(), self.session
        # Whose work this is, in plain words: several annotators may share a machine.
        self.who = QLabel(f"Annotating as <b>{escape(self.session.annotator)}</b>")
        self.who.setObjectName("annotatorLabel")
        self.who.setTextFormat(Qt.TextFormat.RichText)
        self.done_label = QLabel()
        self.set_label = QLabel()
        self.set_label.setTextFormat(Qt.TextFormat.PlainText)  # model names are data
        self.task_indicator = TaskIndicator(self.tasks)
        for widget in (self.who, self.done_label, self.set_label, PendingLabel(session.pending)):
            bar.addPermanentWidget(widget)
        bar.addPermanentWidget(self.task_indicator)
        self._progress_changed()

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file = menus.addMenu("&File")
        self._action(file, "Import articles…", self._import)
        self._action(file, "Pre-annotate", self.start_preannotation)
        self._action(file, "Export…", self._export)
        file.addSeparator()
        self._action(file, "Quit", self.close, "Ctrl+Q")  # the same on every platform
        edit = menus.addMenu("&Edit")
        self._action(edit, "Undo", self.session.undo, "Ctrl+Z")
        self._action(edit, "Redo", self.session.redo, "Ctrl+Shift+Z")
        article = menus.addMenu("&Article")
        self._action(article, "Accept all suggestions", self.session.accept_all, "Shift+Return")
        self._action(article, "Done, next not done", self.session.done_and_next, "Ctrl+Return")
        self._action(article, "Next", lambda: self.session.next_article(1), "PgDown")
        self._action(article, "Previous", lambda: self.session.next_article(-1), "PgUp")
        article.addSeparator()
        self._action(article, "Skip", lambda: self.session.set_status(Status.SKIPPED))
        self._action(article, "Flag with a comment…", self._flag)
        team = menus.addMenu("&Team")
        self._action(team, "Agreement…", self.start_agreement)
        self._action(team, "Review disagreements…", self.open_review)
        self._action(team, "Evaluate against gold…", self._evaluate)
        helper = menus.addMenu("&Help")
        self._action(helper, "Keys", self.show_cheat_sheet, "F1")
        self._action(helper, "Annotation guidelines", self._guidelines)

    def _action(self, menu, text: str, slot, keys=None) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(text, self)
        if keys is not None:
            # Window-wide: the key works wherever the focus is in the window, docks
            # included. Qt asks the focused widget first (ShortcutOverride), so a
            # text field keeps its editing keys (Ctrl+Z undoes typing in the search
            # box) and the article view its key table; both run the same commands.
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _=False: slot())
        menu.addAction(action)
        return action

    # -- reacting -------------------------------------------------------------

    def _task_failed(self, name: str, error: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, name, f"{name} failed:\n{error}", parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # the error may quote a file or a name
        box.open()

    def _show_suggestion_set(self) -> None:
        editor = self.session.editor
        if editor.document and editor.document.suggestion_set:
            s = editor.document.suggestion_set
            self.set_label.setText(
                f"Suggestions: {s.model} {s.model_version} · recognisers {s.recognizers_version}"
            )
        else:
            self.set_label.setText("No suggestions yet")

    def _article_opened(self) -> None:
        article_id = self.session.article_id
        self._show_suggestion_set()
        row = self.articles.row_of(article_id) if article_id else None
        if row is not None:
            self.article_table.selectRow(row)
            self.article_table.scrollTo(self.articles.index(row, 0))
        if article_id:
            self.settings.setValue(self._last_article_key(), article_id)
        self.view.setFocus()

    def _progress_changed(self) -> None:
        store, annotator = self.session.store, self.session.annotator
        done = store.statuses.count(annotator, Status.DONE)
        self.done_label.setText(f"{done} / {store.articles.count()} done")
        if self.session.article_id:
            self.articles.update_article(self.session.article_id)

    def _list_clicked(self, index) -> None:  # type: ignore[no-untyped-def]
        self.session.open(self.articles.article_id(index.row()))

    def _filter(self) -> None:
        self.search_delay.stop()
        search = self.search.text()  # a trailing space ends the last word: not a prefix then
        self.articles.set_filter(self.status_filter.currentData(), search)
        row = self.articles.row_of(self.session.article_id) if self.session.article_id else None
        if row is not None:  # the open article stays selected when it is listed
            self.article_table.selectRow(row)
        self._search_note()

    def _store_changed(self) -> None:
        """Another window or a command wrote: the list follows, the note too."""
        self.articles.reread()
        self._search_note()

    def _search_note(self) -> None:
        search = self.search.text()
        if self.articles.problem:
            note = f"Search failed, nothing listed: {self.articles.problem}"
        elif search.strip() and not self.articles.total:
            note = f"No article matches “{search.strip()}”."
        elif search.strip():
            note = f"{self.articles.total} article(s) match."
        else:
            note = ""
        self.search_note.setText(note)
        self.search_note.setVisible(bool(note))

    def _command(self, name: str) -> None:
        if name == "cheat_sheet":
            self.show_cheat_sheet()

    def show_cheat_sheet(self) -> CheatSheet:
        sheet = CheatSheet(self)
        sheet.show()
        return sheet

    def _guidelines(self) -> None:
        browser = QTextBrowser()
        browser.setMarkdown((resources_dir() / "guidelines.md").read_text(encoding="utf-8"))
        dock = self._dock(
            "Guidelines", "guidelinesDock", browser, Qt.DockWidgetArea.RightDockWidgetArea
        )
        dock.setFloating(True)
        dock.resize(700, 800)

    def _flag(self) -> None:
        if self.session.article_id is None:
            return
        current = self.session.store.statuses.get(self.session.article_id, self.session.annotator)
        comment, ok = QInputDialog.getText(
            self, "Flag the article", "What is wrong?", text=current.comment or ""
        )
        if ok:  # the comment as edited: emptied, it is cleared
            self.session.set_status(Status.FLAGGED, comment)

    def open_review(self, annotators: list[str] | None = None, article_id: str | None = None):  # type: ignore[no-untyped-def]
        """The review window over the given annotators (default: all with work done)."""
        from annotator.core.adjudication import default_annotators
        from annotator.gui.review_window import ReviewWindow

        session = self.session
        names = annotators or default_annotators(session.store)
        if len(names) < 2:
            QMessageBox.information(
                self, "Review", "Review needs two annotators who have marked articles done."
            )
            return None
        window = ReviewWindow(session.store, session.annotator, names, session.pending)
        if article_id:
            window.open(article_id)
        window.show()
        self._review = window  # keep it alive
        return window

    def start_agreement(self) -> bool:
        """Measure agreement in the worker; the view opens when it is done."""

        def task(store, progress, cancelled):  # type: ignore[no-untyped-def]
            from annotator.core.team_agreement import team_agreement

            return team_agreement(store, progress=progress, cancelled=cancelled)

        return self.tasks.start("Measuring agreement", task)

    def show_agreement(self, report) -> QWidget:  # type: ignore[no-untyped-def]
        from annotator.gui.agreement_window import AgreementWindow

        def title_of(article_id: str) -> str:
            summary = self.session.store.articles.summary(article_id)
            return summary.title if summary else article_id

        window = AgreementWindow(
            report, lambda names, article: self.open_review(names, article), title_of
        )
        window.show()
        self._agreement = window  # keep it alive
        return window

    def _evaluate(self) -> None:
        from annotator.gui.evaluation_window import EvaluationDialog

        dialog = EvaluationDialog(self.session.store, self)
        if dialog.exec() == EvaluationDialog.DialogCode.Accepted:
            self.start_evaluation(**dialog.options())

    def start_evaluation(self, **options) -> bool:  # type: ignore[no-untyped-def]
        def task(store, progress, cancelled):  # type: ignore[no-untyped-def]
            from annotator.core.evaluation import evaluate

            return evaluate(store, progress=progress, cancelled=cancelled, **options)

        return self.tasks.start("Evaluating", task)

    # -- long work ------------------------------------------------------------

    def start_background_work(self) -> bool:
        """At launch: pre-annotate if some article needs it (no spaCy to find out), else
        only load spaCy's tokenizer; either way the focus and open article stay."""
        if self._pending_preannotation():
            return self.start_preannotation()
        return self.load_tokenizer()

    def start_preannotation(self, model: str | None = None) -> bool:
        """Pre-annotate what is not yet, then give the session spaCy's tokens."""
        model = model or DEFAULT_MODEL
        pending = self._pending_preannotation(model)
        if not pending:
            if pending == 0:
                self.statusBar().showMessage(f"Every article has {model}'s suggestions.", 10000)
            return self.load_tokenizer()
        return self.tasks.start(background.PREANNOTATING, background.preannotation_task(model))

    def load_tokenizer(self) -> bool:
        """spaCy's French tokenizer for snapping spans, unless the session has it."""
        if self.session.editor.tokenize is not regex_tokens:
            return False
        return self.tasks.start(background.LOADING_TOKENIZER, background.tokenizer_task)

    def _pending_preannotation(self, model: str = DEFAULT_MODEL) -> int | None:
        """Articles the installed model has not run over; None (said) if it is not installed."""
        try:
            return pending_count(self.session.store, model)
        except AnnotatorError as error:
            self.statusBar().showMessage(str(error), 10000)
            return None

    def _import(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder of articles")
        if not folder:
            return

        def task(store, progress, cancelled):  # type: ignore[no-untyped-def]
            from annotator.core.importing import import_paths

            return import_paths(store, [folder], progress=progress, cancelled=cancelled)

        self.tasks.start("Importing", task)

    def _export(self) -> None:
        from annotator.gui.export_dialog import ExportDialog

        dialog = ExportDialog(self.session.store, self, self.settings)
        if dialog.exec() != ExportDialog.DialogCode.Accepted:
            return
        self.start_export(**dialog.options())

    def start_export(self, format: str, out: Path, **options) -> bool:  # type: ignore[no-untyped-def]
        def task(store, progress, cancelled):  # type: ignore[no-untyped-def]
            from annotator.core.exporters.formats import EXPORTERS

            return EXPORTERS[format](store, out, progress=progress, cancelled=cancelled, **options)

        return self.tasks.start("Exporting", task)

    def _task_finished(self, name: str, result: object) -> None:
        if self._closing:
            return
        if name == "Measuring agreement":
            self.show_agreement(result)
            self.taskDone.emit(name, result)
            return
        if name == "Evaluating":
            from annotator.gui.evaluation_window import EvaluationWindow

            self._evaluation = EvaluationWindow(result)  # type: ignore[arg-type]
            self._evaluation.show()
            self.taskDone.emit(name, result)
            return
        if name == background.LOADING_TOKENIZER:
            self.session.set_tokenizer(result)  # type: ignore[arg-type]
            self.taskDone.emit(name, result)
            return
        if name == background.PREANNOTATING:
            result, tokenize = result  # type: ignore[misc]
            if tokenize is not None:
                self.session.set_tokenizer(tokenize)
        self.articles.refresh()
        self._progress_changed()
        if self.session.article_id is None:
            self.session.open(self.session.store.articles.first())
        else:
            self._reload_if_changed()
        summary = ""
        if hasattr(result, "articles") and isinstance(result.articles, int):
            summary = f" {result.articles} article(s)"
            files = getattr(result, "files", None)
            if files:
                summary += f" → {', '.join(str(f) for f in files[:3])}"
        if getattr(result, "cancelled", False):
            summary += " (cancelled: the rest is done next time)"
        self.statusBar().showMessage(f"{name}: finished.{summary}", 10000)
        self.taskDone.emit(name, result)

    def _reload_if_changed(self) -> None:
        """Read the open article again if the task gave it new suggestions, keeping the focus.

        Reloading otherwise would drop the focused span under the annotator's keys.
        """
        editor, store = self.session.editor, self.session.store
        article_id = self.session.article_id
        document = editor.document
        if article_id is None or document is None:
            return
        if document.suggestion_set == store.suggestions.newest_set(article_id):
            return
        focus = editor.focus
        self.session.reload()
        if focus is not None and focus in editor.items:
            self.session.set_focus(focus)

    # -- persistence ----------------------------------------------------------

    def _last_article_key(self) -> str:
        # Per database and annotator: people sharing a machine share these settings.
        return f"lastArticle/{self.session.store.path.resolve()}/{self.session.annotator}"

    def _restore(self) -> None:
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.value("windowState")
        if state is not None:
            self.restoreState(state)

    def open_first_article(self) -> None:
        """Reopen this annotator's last article of this database, else the first."""
        store = self.session.store
        last = self.settings.value(self._last_article_key())
        if last and store.articles.existing([last]):
            self.session.open(last)
        else:
            self.session.open(store.articles.first())

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.session.pending.retry(patience=2.0):  # actions wait: closes once saved
            self.session.pending.drained.connect(self.close, Qt.ConnectionType.SingleShotConnection)
            return event.ignore()
        self.session.watch.stop()
        self.search_delay.stop()  # a search typed just before closing must not run after it
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("windowState", self.saveState())
        # Long work never holds it open: a pre-annotation resumes, spaCy loading ends alone.
        self._closing = True
        self.tasks.stop(CLOSE_WAIT_MS)
        super().closeEvent(event)
