"""Whose work it is: annotators sharing a machine keep their own last article, a one-off
`--annotator` does not become the default, and the window says who is annotating."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt

from tests.conftest import ROOT
from tests.gui.conftest import make_window


def test_each_annotator_reopens_their_own_last_article(
    qtbot, prepared_db: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # One settings file, as when alice and bob take turns on one machine account.
    shared = QSettings(str(tmp_path / "machine.ini"), QSettings.Format.IniFormat)
    alice = make_window(qtbot, prepared_db, "alice", tmp_path, shared)
    first = alice.session.article_id
    qtbot.keyClick(alice.view, Qt.Key.Key_PageDown)
    second = alice.session.article_id
    assert second != first
    alice.close()
    bob = make_window(qtbot, prepared_db, "bob", tmp_path, shared)
    assert bob.session.article_id == first  # not alice's article
    bob.close()
    again = make_window(qtbot, prepared_db, "alice", tmp_path, shared)
    assert again.session.article_id == second
    again.close()


def test_the_window_says_whose_work_it_is(qtbot, prepared_db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = make_window(qtbot, prepared_db, "bob", tmp_path, settings)
    label = window.statusBar().findChild(type(window.who), "annotatorLabel")
    assert label is not None and label.isVisible()
    assert label.text() == "Annotating as <b>bob</b>"
    assert "bob" in window.windowTitle()
    window.close()


def test_a_name_given_for_one_run_is_not_remembered(tmp_path: Path) -> None:
    from annotator.gui.app import choose_annotator

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("annotator", "alice")
    assert choose_annotator(settings, "lead") == "lead"
    assert settings.value("annotator") == "alice"
    assert choose_annotator(settings, None) == "alice"
    assert choose_annotator(settings, "lead", remember=True) == "lead"
    assert settings.value("annotator") == "lead"


def test_gui_with_annotator_leaves_the_default_identity(prepared_db: Path, tmp_path: Path) -> None:
    """`annotator gui --annotator lead` run as a user runs it, then closed."""
    config = tmp_path / "config"
    (config / "annotator").mkdir(parents=True)
    conf = config / "annotator" / "annotator.conf"
    conf.write_text("[General]\nannotator=alice\n", encoding="utf-8")
    env = {
        **os.environ,
        "ANNOTATOR_TEST_DRIVER": "1",
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(config),
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "annotator", "gui", "--db", str(prepared_db)]
    done = subprocess.run(
        [*command, "--annotator", "lead"],
        input="",  # the driver quits the app when its input ends
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ready ")
    assert QSettings(str(conf), QSettings.Format.IniFormat).value("annotator") == "alice"
