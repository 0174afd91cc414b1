"""Random sequences of real key presses in two real windows, a command writing between.

Two windows of the same annotator on one database (the case where a window
goes stale), driven through the article view's keys as a person would press
them, with the store written meanwhile by the real `annotator import` command.
After every step: what each up-to-date window shows is what a fresh read of
the store shows, the event log replayed gives the tables, SQLite's integrity
check passes, no suggestion is both taken and rejected, and the JSONL export
of the annotator says "reviewed" only for articles they marked done.

`STATEFUL_EXAMPLES` (default 25, of up to 25 steps) runs it longer by hand.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from annotator.cli.main import cli
from annotator.core.exporters.jsonl import export_jsonl
from annotator.core.importing import import_paths
from annotator.core.preannotation.run import preannotate
from annotator.core.records import LABELS, Status
from annotator.core.store import Store
from annotator.gui.main_window import MainWindow
from tests.conftest import CORPUS
from tests.gui.conftest import make_window
from tests.gui.stateful_checks import (
    contradictions,
    items_of,
    replayed,
    store_view,
    stored,
)

ALT, SHIFT, CTRL = (
    Qt.KeyboardModifier.AltModifier,
    Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.ControlModifier,
)
NO = Qt.KeyboardModifier.NoModifier
DIGITS = [getattr(Qt.Key, f"Key_{n}") for n in range(1, len(LABELS) + 1)]
EXAMPLES = int(os.environ.get("STATEFUL_EXAMPLES", "25"))
STEPS = 25
WINDOWS = st.sampled_from(["a", "b"])


@pytest.fixture(scope="module")
def template_db(tmp_path_factory, pipeline) -> Path:  # type: ignore[no-untyped-def]
    """The sample corpus imported and pre-annotated once; each run gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    with Store.open(path) as store:
        import_paths(store, [CORPUS])
        preannotate(store, pipeline=pipeline)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def annotated_jsonl(db: Path, folder: Path) -> Path:
    """Both sample articles with a span on their first word, as another tool writes them."""
    with closing(sqlite3.connect(db)) as conn:
        texts = conn.execute("SELECT text FROM articles ORDER BY seq").fetchall()
    path = folder / "work.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for (text,) in texts:
            first = text.split()[0]
            spans = [{"start": 0, "end": len(first), "label": "MISC"}]
            out.write(json.dumps({"text": text, "spans": spans}, ensure_ascii=False) + "\n")
    return path


class TwoWindows(RuleBasedStateMachine):
    qtbot = None
    template: Path
    steps = 0

    @initialize()
    def open_windows(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="stateful-"))
        self.db = self.folder / "corpus.db"
        shutil.copy(self.template, self.db)
        self.windows: dict[str, MainWindow] = {
            name: make_window(self.qtbot, self.db, "alice", self.folder / name)
            for name in ("a", "b")
        }
        for window in self.windows.values():
            window.session.watch.stop()  # windows look at the store when a rule says so
        self.work = annotated_jsonl(self.db, self.folder)

    def teardown(self) -> None:
        for window in getattr(self, "windows", {}).values():
            window.close()
            window.session.store.close()
        shutil.rmtree(getattr(self, "folder", ""), ignore_errors=True)

    # -- keys ---------------------------------------------------------------

    def press(self, name: str, key: Qt.Key, modifiers=NO) -> None:  # type: ignore[no-untyped-def]
        window = self.windows[name]
        window.view.setFocus()
        self.qtbot.keyClick(window.view, key, modifiers)
        TwoWindows.steps += 1

    @rule(name=WINDOWS, steps=st.integers(1, 6), back=st.booleans())
    def tab(self, name: str, steps: int, back: bool) -> None:
        for _ in range(steps):
            self.press(name, Qt.Key.Key_Backtab if back else Qt.Key.Key_Tab)

    @rule(name=WINDOWS)
    def accept(self, name: str) -> None:
        self.press(name, Qt.Key.Key_Return)

    @rule(name=WINDOWS)
    def reject_or_delete(self, name: str) -> None:
        self.press(name, Qt.Key.Key_Delete)

    @rule(name=WINDOWS, digit=st.sampled_from(DIGITS))
    def relabel(self, name: str, digit: Qt.Key) -> None:
        self.press(name, digit)

    @rule(
        name=WINDOWS,
        key=st.sampled_from([Qt.Key.Key_Left, Qt.Key.Key_Right]),
        end=st.booleans(),
        by_char=st.booleans(),
    )
    def resize(self, name: str, key: Qt.Key, end: bool, by_char: bool) -> None:
        self.press(name, key, ALT | (SHIFT if end else NO) | (CTRL if by_char else NO))

    @rule(name=WINDOWS, data=st.data(), exact=st.booleans(), digit=st.sampled_from(DIGITS))
    def label_selection(self, name: str, data, exact: bool, digit: Qt.Key) -> None:  # type: ignore[no-untyped-def]
        window = self.windows[name]
        length = window.view.document().characterCount() - 1
        start = data.draw(st.integers(0, max(0, length - 1)))
        end = data.draw(st.integers(start, min(length, start + 40)))
        cursor = window.view.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        window.view.setTextCursor(cursor)
        self.press(name, digit, ALT if exact else NO)

    @rule(name=WINDOWS, value=st.integers(0, 10**7))
    def edit_figure_value(self, name: str, value: int) -> None:
        """What the span panel does when a FIGURE's value is typed in."""
        session = self.windows[name].session
        item = session.editor.focused()
        if item is not None and item.span.label == "FIGURE":
            session.set_attrs(item.key, {**item.span.attrs, "value": value})
            TwoWindows.steps += 1

    @rule(name=WINDOWS)
    def accept_all(self, name: str) -> None:
        self.press(name, Qt.Key.Key_Return, SHIFT)

    @rule(name=WINDOWS, times=st.integers(1, 2))
    def undo(self, name: str, times: int) -> None:
        for _ in range(times):  # a second press undoes another window's action
            self.press(name, Qt.Key.Key_Z, CTRL)

    @rule(name=WINDOWS, times=st.integers(1, 2))
    def redo(self, name: str, times: int) -> None:
        for _ in range(times):
            self.press(name, Qt.Key.Key_Z, CTRL | SHIFT)

    @rule(name=WINDOWS)
    def done_and_next(self, name: str) -> None:
        self.press(name, Qt.Key.Key_Return, CTRL)

    @rule(name=WINDOWS, comment=st.sampled_from(["", "titre coupé", "doublon ?"]))
    def flag(self, name: str, comment: str) -> None:
        """Article → Flag with a comment (the dialog's answer given directly)."""
        self.windows[name].session.set_status(Status.FLAGGED, comment or None)
        TwoWindows.steps += 1

    @rule(name=WINDOWS, key=st.sampled_from([Qt.Key.Key_PageDown, Qt.Key.Key_PageUp]))
    def switch_article(self, name: str, key: Qt.Key) -> None:
        self.press(name, key)

    @rule(name=WINDOWS)
    def look(self, name: str) -> None:
        """The window's watch ticks: it reads the store if another connection wrote."""
        self.windows[name].session.sync()

    @precondition(lambda self: not getattr(self, "imported", False))
    @rule(annotator=st.sampled_from(["alice", "bob"]))
    def command_writes(self, annotator: str) -> None:
        """`annotator import --annotator NAME` of annotated work, in between."""
        result = CliRunner().invoke(
            cli,
            ["import", "--db", str(self.db), "--annotator", annotator, str(self.work)],
        )
        assert result.exit_code == 0, result.output
        self.imported = True
        TwoWindows.steps += 1

    # -- what must always hold ------------------------------------------------

    @invariant()
    def windows_show_the_store(self) -> None:
        QApplication.processEvents()
        for window in self.windows.values():
            session = window.session
            if session.article_id is None:
                continue
            if session.store.data_version() != session._version:
                continue  # the store changed since it last looked: its watch will catch up
            assert items_of(session.editor) == store_view(self.db, session.article_id, "alice")

    @invariant()
    def the_log_replays_to_the_tables(self) -> None:
        assert replayed(self.db) == stored(self.db)

    @invariant()
    def the_store_is_sound(self) -> None:
        with Store.open(self.db) as store:
            assert store.integrity_check() == []
        assert contradictions(self.db) == []

    @invariant()
    def exports_say_reviewed_only_for_finished_articles(self) -> None:
        out = self.folder / "alice.jsonl"
        with Store.open(self.db) as store:
            if "alice" not in {a.name for a in store.annotators.list()}:
                return  # no work of hers yet: nothing to export
            export_jsonl(store, out, source="alice", status="all")
            done = set(store.articles_done_by("alice"))
        for line in out.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            assert record["source"]["reviewed"] == (record["id"] in done), record["source"]


@pytest.mark.slow
def test_two_windows_and_a_command_never_disagree_with_the_store(qtbot, template_db: Path) -> None:  # type: ignore[no-untyped-def]
    TwoWindows.qtbot = qtbot
    TwoWindows.template = template_db
    TwoWindows.steps = 0
    run_state_machine_as_test(
        TwoWindows,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    print(f"{TwoWindows.steps} key presses and actions in {EXAMPLES} runs")
    assert TwoWindows.steps >= 500 or EXAMPLES < 25
