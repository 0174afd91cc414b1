"""kill -9 at random moments loses nothing the window had shown as done.

The app runs as a separate process, driven key by key through its test
driver (annotator/gui/driver.py); after each key it reports what it shows.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.core.store import Store
from tests.gui.conftest import committed

KEYS = (
    ["Tab"] * 6
    + ["Return"] * 5
    + ["Delete"] * 2
    + [
        "Shift+Tab",
        "2",
        "5",
        "Alt+Shift+Right",
        "Ctrl+Z",
        "Ctrl+Shift+Z",
        "PgDown",
        "PgUp",
        "Shift+Return",
        "Ctrl+Return",
    ]
)
pytestmark = pytest.mark.slow


class App:
    def __init__(self, db: Path, home: Path) -> None:
        env = {
            **os.environ,
            "ANNOTATOR_TEST_DRIVER": "1",
            "QT_QPA_PLATFORM": "offscreen",
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "annotator", "gui", "--db", str(db), "--annotator", "alice"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        self.shown: dict[str, dict] = {}
        self.expect("ready")

    def expect(self, word: str) -> dict:
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            assert line, "the app ended"
            if line.startswith(word + " "):
                state = json.loads(line[len(word) + 1 :])
                if state["article"]:
                    self.shown[state["article"]] = state
                return state

    def press(self, keys: str, wait: bool = True) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(keys + "\n")
        self.process.stdin.flush()
        if wait:
            self.expect("shown")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)


def stored_state(db: Path, article: str) -> dict:
    annotations = sorted(
        list(row)
        for row in committed(
            db,
            'SELECT n.id, n.start, n."end", n.label FROM annotations n'
            " JOIN annotators a ON a.id = n.annotator_id WHERE a.name = 'alice'"
            " AND n.article_id = ?",
            (article,),
        )
    )
    status = committed(db, "SELECT status FROM article_status WHERE article_id = ?", (article,))
    shown_status = {"todo": "todo", "in_progress": "in progress", "done": "done"}
    return {"annotations": annotations, "status": shown_status[status[0][0]] if status else "todo"}


def test_kill_9_at_random_moments_loses_nothing_shown(prepared_db: Path, tmp_path: Path) -> None:
    rng = random.Random(20261121)
    for _ in range(8):
        app = App(prepared_db, tmp_path)
        for _ in range(rng.randint(3, 30)):
            app.press(rng.choice(KEYS))
        time.sleep(rng.choice([0, 0, 0.001, 0.005, 0.02]))
        app.kill()
        with Store.open(prepared_db) as store:
            assert store.integrity_check() == []
        for article, state in app.shown.items():
            assert stored_state(prepared_db, article) == {
                "annotations": state["annotations"],
                "status": state["status"],
            }


def test_kill_9_with_a_key_in_flight_leaves_a_sound_database(
    prepared_db: Path, tmp_path: Path
) -> None:
    rng = random.Random(7)
    for _ in range(4):
        app = App(prepared_db, tmp_path)
        for _ in range(rng.randint(1, 10)):
            app.press(rng.choice(KEYS))
        app.press(rng.choice(["Shift+Return", "Return", "Ctrl+Return"]), wait=False)
        time.sleep(rng.random() * 0.01)
        app.kill()
        with Store.open(prepared_db) as store:
            assert store.integrity_check() == []


def test_accept_all_then_done_survives_a_kill_a_second_later(
    prepared_db: Path, tmp_path: Path
) -> None:
    app = App(prepared_db, tmp_path)
    article = next(iter(app.shown))
    app.press("Shift+Return")
    accepted = len(app.shown[article]["annotations"])
    app.press("Ctrl+Return")
    time.sleep(1)
    app.kill()
    stats = subprocess.run(
        [sys.executable, "-m", "annotator", "stats", "--json", "--db", str(prepared_db)],
        capture_output=True,
        text=True,
        check=True,
    )
    alice = json.loads(stats.stdout)["annotators"]["alice"]
    assert alice["done"] == 1 and alice["annotations"] == accepted > 30
