"""The annotation window benchmark's measuring children: the real window, offscreen.

What bench_window.py runs in each fresh measuring process: the window on the
long article (open, Tab then Enter), a committed accept alone, PageDown on the
100k database, and the unguarded window tried until PySide6's lost references
to None abort it; with the Probe that times (and may cProfile) each operation.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from common import OUT, cpu_seconds, fresh_db, machine_busy_seconds, ms_stats, peak_mb, rss_mb
from window_data import NAV_FROM_MIDDLE, NAV_FROM_START

ANNOTATOR = "alice"


def refcount_leaks() -> dict[str, int]:
    """References to None and True that PySide6 loses per call (0 when sound).

    PySide6 6.12.0 on Python 3.11 (where None and True are not yet immortal)
    drops a reference to None on every call of a Qt method returning void, and
    one to True on every `Signal.emit()`; when they run out, Python aborts
    ("Fatal Python error: none_dealloc", "bool_dealloc").
    """
    from PySide6.QtCore import QObject, QPoint, Signal

    class Emitter(QObject):
        signal = Signal()

    point, emitter = QPoint(), Emitter()
    nones, trues = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(100):
        point.setX(1)
    for _ in range(100):
        emitter.signal.emit()
    return {
        "none_per_void_call": round((nones - sys.getrefcount(None)) / 100),
        "true_per_emit": round((trues - sys.getrefcount(True)) / 100),
    }


def guard_refcounts() -> None:
    """Give None, True and False references enough for any run, so the window lasts."""
    import ctypes

    for immortal in (None, True, False):
        ctypes.c_ssize_t.from_address(id(immortal)).value += 1 << 40


class Probe:
    """Times operations in nanoseconds; with a profile, cProfiles only them, by kind.

    It also counts the references to None and True each operation loses (see
    refcount_leaks).
    """

    def __init__(self, profile: bool) -> None:
        self.samples: dict[str, list[int]] = {}
        self.lost: dict[str, list[tuple[int, int]]] = {}
        self.profiles: dict[str, Any] = {}
        self.profile = profile

    def measure(self, kind: str, action: Any) -> int:
        profiler = None
        if self.profile:
            import cProfile

            profiler = self.profiles.setdefault(kind, cProfile.Profile())
        nones, trues = sys.getrefcount(None), sys.getrefcount(True)
        if profiler is not None:
            profiler.enable()
        began = time.perf_counter_ns()
        action()
        elapsed = time.perf_counter_ns() - began
        if profiler is not None:
            profiler.disable()
        lost = (nones - sys.getrefcount(None), trues - sys.getrefcount(True))
        self.lost.setdefault(kind, []).append(lost)
        self.samples.setdefault(kind, []).append(elapsed)
        return elapsed

    def stats(self) -> dict[str, dict[str, float]]:
        return {
            kind: ms_stats(ns)
            | {
                "none_lost": statistics.median(n for n, _ in self.lost[kind]),
                "true_lost": statistics.median(t for _, t in self.lost[kind]),
            }
            for kind, ns in self.samples.items()
        }

    def write_profiles(self, name: str, top: int = 30) -> dict[str, str]:
        import io
        import pstats

        written = {}
        for kind, profiler in self.profiles.items():
            text = io.StringIO()
            stats = pstats.Stats(profiler, stream=text)
            stats.sort_stats("cumulative").print_stats(top)
            stats.sort_stats("tottime").print_stats(top)
            path = OUT / f"profile-window-{name}-{kind}.txt"
            path.write_text(text.getvalue())
            written[kind] = str(path)
        return written


def _app(guard: bool) -> tuple[Any, dict[str, Any]]:
    """The QApplication, and what we know of the None leak in this process."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    import annotator.gui.app  # noqa: F401  (the window's modules, before counting)

    leak: dict[str, Any] = refcount_leaks() | {
        "none_refs": sys.getrefcount(None),
        "true_refs": sys.getrefcount(True),
        "guarded": False,
    }
    if (leak["none_per_void_call"] or leak["true_per_emit"]) and guard:
        guard_refcounts()
        leak["guarded"] = True
    return app, leak


def _window(db: Path, ini: Path) -> Any:
    from PySide6.QtCore import QSettings

    from annotator.gui.app import build_window

    ini.unlink(missing_ok=True)
    window = build_window(
        db, ANNOTATOR, QSettings(str(ini), QSettings.Format.IniFormat), preannotate=False
    )
    window.show()
    return window


def _painter(app: Any, window: Any) -> Any:
    def painted() -> None:
        app.processEvents()
        window.view.viewport().repaint()

    return painted


def _measured(
    start_ms: float, leak: dict[str, Any], probe: Probe, since: tuple[float, float, float]
) -> dict[str, Any]:
    """What every window run reports: start-up, the leak, the operations, and the load on
    the machine since `since` (our CPU seconds, the machine's busy seconds, wall time)."""
    cpu, busy, wall = since
    measured_wall = time.perf_counter() - wall
    measured_cpu = cpu_seconds() - cpu
    return {
        "start_ms": start_ms,
        "leak": leak,
        "ops": probe.stats(),
        "cpu_share": measured_cpu / measured_wall,
        "others_cores": max(0.0, (machine_busy_seconds() - busy - measured_cpu) / measured_wall),
    }


def _close(window: Any, ini: Path) -> None:
    window.close()  # saves its geometry in the settings
    window.settings.sync()
    window.session.store.close()
    ini.unlink(missing_ok=True)


def child_window_long(
    template: Path,
    db: Path,
    info: dict[str, Any],
    opens: int,
    actions: int,
    spread: int,
    seed: int,
    flags: str,
) -> dict[str, Any]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    fresh_db(db)
    shutil.copyfile(template, db)
    app, leak = _app(guard="g" in flags)
    rss_imports = rss_mb()
    probe = Probe(profile="p" in flags)
    rng = random.Random(seed)
    ini = db.with_suffix(".ini")
    began = time.perf_counter()
    window = _window(db, ini)
    painted = _painter(app, window)
    painted()
    start_ms = (time.perf_counter() - began) * 1000  # window up on the long article
    session, long_id = window.session, info["long_id"]
    assert session.article_id == long_id
    cpu, busy, wall = cpu_seconds(), machine_busy_seconds(), time.perf_counter()

    # Opening the long article, from an ordinary one each time.
    for i in range(opens):
        short = info["short_ids"][i % len(info["short_ids"])]
        probe.measure("open_short", lambda short=short: (session.open(short), painted()))
        probe.measure("open", lambda: (session.open(long_id), painted()))
        assert session.article_id == long_id and window.view.document().characterCount() > 1

    editor = session.editor

    def decided() -> int:
        return sum(1 for i in editor.items.values() if not i.is_suggestion)

    def act(kind: str) -> None:
        before = decided()
        probe.measure(f"focus_{kind}", lambda: (session.focus_next(), painted()))
        focused = editor.focused()
        assert focused is not None and focused.is_suggestion, focused
        probe.measure(
            f"accept_{kind}", lambda: (QTest.keyClick(window.view, Qt.Key.Key_Return), painted())
        )
        assert decided() == before + 1, "Return did not accept the suggestion"

    # Through the article from its start, as a reviewer reads.
    session.open(long_id)
    painted()
    for _ in range(actions):
        act("reading")
    # At random places: focus put (untimed) just before a pending suggestion.
    for _ in range(spread):
        ordered = editor.ordered()
        i = rng.choice([i for i in range(len(ordered) - 1) if ordered[i + 1].is_suggestion])
        session.set_focus(ordered[i].key)
        painted()
        act("spread")
    result = _measured(start_ms, leak, probe, (cpu, busy, wall)) | {
        "rss_imports_mb": rss_imports,
        "rss_end_mb": rss_mb(),
        "peak_mb": peak_mb(),
        "items_on_screen": len(editor.items),
        "view_blocks": window.view.document().blockCount(),
        "code_path": str(Path(sys.modules["annotator"].__file__).parent),
    }
    if probe.profile:
        result["profiles"] = probe.write_profiles("long")
    _close(window, ini)
    fresh_db(db)
    return result


def child_commit(
    template: Path, db: Path, info: dict[str, Any], accepts: int, seed: int
) -> dict[str, Any]:
    """`store.annotations.accept` alone, committed, on a fresh connection to the long article."""
    from annotator.core.store import Store

    fresh_db(db)
    shutil.copyfile(template, db)
    rng = random.Random(seed)
    store = Store.open(db)
    document = store.documents.load(info["long_id"], ANNOTATOR)
    chosen = rng.sample(document.suggestions, accepts)
    samples = []
    for suggestion in chosen:
        began = time.perf_counter_ns()
        store.annotations.accept(ANNOTATOR, suggestion)
        samples.append(time.perf_counter_ns() - began)
    sync = store.db.execute("PRAGMA synchronous").fetchone()[0]
    stored = store.db.execute("SELECT count(*) FROM annotations").fetchone()[0]
    store.close()
    fresh_db(db)
    return {
        "commit": ms_stats(samples),
        "stored": stored,
        "synchronous": {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(sync, sync),
    }


def child_window_nav(db: Path, info: dict[str, Any], flags: str) -> dict[str, Any]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    app, leak = _app(guard="g" in flags)
    probe = Probe(profile="p" in flags)
    ini = OUT / f"window-nav-{os.getpid()}.ini"
    began = time.perf_counter()
    window = _window(db, ini)
    painted = _painter(app, window)
    painted()
    start_ms = (time.perf_counter() - began) * 1000
    session = window.session
    cpu, busy, wall = cpu_seconds(), machine_busy_seconds(), time.perf_counter()

    def presses(kind: str, count: int) -> None:
        for _ in range(count):
            before = session.article_id
            probe.measure(
                kind, lambda: (QTest.keyClick(window.view, Qt.Key.Key_PageDown), painted())
            )
            assert session.article_id != before, "PageDown did not open the next article"

    presses("next_start", NAV_FROM_START)
    session.open(info["middle_id"])
    painted()
    presses("next_middle", NAV_FROM_MIDDLE)
    result = _measured(start_ms, leak, probe, (cpu, busy, wall)) | {
        "peak_mb": peak_mb(),
        "list_rows": window.articles.rowCount(),
    }
    if probe.profile:
        result["profiles"] = probe.write_profiles("nav")
    _close(window, ini)
    return result


def child_crash_probe(template: Path, db: Path, info: dict[str, Any], opens: int) -> dict[str, Any]:
    """Without the guard: switch between an ordinary article and the long one until Python
    aborts or `opens` switches are done. Each step is printed as it starts."""
    fresh_db(db)
    shutil.copyfile(template, db)
    app, leak = _app(guard=False)
    print(json.dumps({"leak": leak}), flush=True)
    ini = db.with_suffix(".ini")
    window = _window(db, ini)
    painted = _painter(app, window)
    painted()
    session = window.session
    for i in range(opens):
        for what, article_id in (
            ("an ordinary", info["short_ids"][0]),
            ("the long", info["long_id"]),
        ):
            print(f"step switch {i + 1}, to {what} article", flush=True)
            session.open(article_id)
            painted()
    result = {"survived_opens": opens, "leak": leak}
    _close(window, ini)
    fresh_db(db)
    return result
