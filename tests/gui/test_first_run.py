"""Only the default database gets the sample corpus; the export dialog remembers its place."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings

from annotator.core.first_run import prepare
from annotator.core.store import Store
from annotator.gui.export_dialog import ExportDialog
from tests.conftest import ROOT
from tests.gui.conftest import committed, make_window


def test_a_team_database_named_with_db_gets_no_sample_articles(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    team = tmp_path / "team.db"
    window = make_window(qtbot, team, "alice", tmp_path)  # what `annotator gui --db` builds
    assert committed(team, "SELECT count(*) FROM articles") == [(0,)]
    assert window.session.article_id is None and window.view.toPlainText() == ""
    window.close()
    window.session.store.close()


def test_the_command_with_db_and_no_command_imports_no_samples(tmp_path: Path) -> None:
    team = tmp_path / "team.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ANNOTATOR_DB": str(tmp_path / "default.db")}
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "--db", str(team), "--no-window"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "no articles yet" in done.stdout
    assert committed(team, "SELECT count(*) FROM articles") == [(0,)]
    assert not (tmp_path / "default.db").exists()


def test_only_the_default_database_is_prepared_with_samples(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    default = tmp_path / "default.db"
    monkeypatch.setenv("ANNOTATOR_DB", str(default))  # where the default database is
    with Store.open(default) as store:
        assert len(prepare(store).imported.added) == 2  # type: ignore[union-attr]
    with Store.open(tmp_path / "team.db") as store:
        report = prepare(store)
        assert report.imported is None and report.articles == 0


def test_the_export_dialog_reopens_on_the_last_format_and_folder(
    qtbot, prepared_db: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    with Store.open(prepared_db) as store:
        first = ExportDialog(store, None, settings)
        qtbot.addWidget(first)
        assert first.format.currentText() == "brat"
        assert Path(first.out.text()).parent == Path.home()
        first.format.setCurrentText("jsonl")
        first.out.setText(str(tmp_path / "exports" / "gold.jsonl"))
        first.accept()
        again = ExportDialog(store, None, settings)
        qtbot.addWidget(again)
        assert again.format.currentText() == "jsonl"
        assert again.options()["out"] == tmp_path / "exports" / "export.jsonl"
        cancelled = ExportDialog(store, None, settings)
        qtbot.addWidget(cancelled)
        cancelled.format.setCurrentText("csv")
        cancelled.reject()  # a cancelled dialog changes nothing
        assert ExportDialog(store, None, settings).format.currentText() == "jsonl"
