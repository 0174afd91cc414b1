"""Annotation window benchmark: the real window, offscreen, on a long article and on 100k.

Two databases, made once per run (the 100k one is kept in out/ and reused):

* long: one article of 50,000 words (the generator's French sentences, its
  paragraphs one line each) carrying 5,000 suggestions spread over the text,
  labels mixed (`store.suggestions.add`), imported first so the window opens
  on it, plus three ordinary articles to switch from;
* 100k: the generated 100,000 articles (bench_import's file), imported with
  `import_paths`; the articles the navigation goes through carry 30
  suggestions each.

Each measure runs in a fresh process (QT_QPA_PLATFORM=offscreen) with the
window of `annotator.gui.app.build_window(db, "alice", QSettings(ini),
preannotate=False)`, shown. "Painted" means: `QApplication.processEvents()`
(Qt's posted work, the span panel and article list included) then a forced,
synchronous `window.view.viewport().repaint()`. Measures:

* open: `window.session.open(long)` from an ordinary article, until painted;
* action: `window.session.focus_next()` until painted, then
  `QTest.keyClick(window.view, Key_Return)` (accept) until painted; once
  going through the article from its start, once at random places in it;
* commit: `store.annotations.accept` alone, on a fresh connection (no window);
* next article: `QTest.keyClick(window.view, Key_PageDown)` until painted, on
  the 100k database, from the first article and from the middle;
* peak memory (ru_maxrss) of the process with the long article open, after
  the actions.

With --repeat, each measuring process runs that many times; for each measure
the run with the lowest median counts (the machine has 2 cores that others
use too), and every run's median is kept. --profile runs cProfile around
each measured operation (not the set-up) and prints where the time goes.

    python benchmarks/bench_window.py
    python benchmarks/bench_window.py --repeat 1 --no-write
    python benchmarks/bench_window.py --profile
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import generate
from common import (
    OUT,
    REPORT,
    cpu_seconds,
    fresh_db,
    generated_input,
    machine,
    machine_busy_seconds,
    measured_on,
    ms_stats,
    peak_mb,
    rss_mb,
    run_child,
    run_on_snapshot,
    suggestion_spans,
    verdict,
    write_section,
)

CODE = OUT / "code-window"  # the copy of annotator/ that the children import
START, END = "<!-- bench_window:start -->", "<!-- bench_window:end -->"
AFTER = ("<!-- bench_preannotate:end -->", "<!-- bench_import:end -->")
ANNOTATOR = "alice"
LONG_WORDS = 50_000
LONG_SUGGESTIONS = 5_000
SHORT_ARTICLES = 3
SHORT_SUGGESTIONS = 30
NAV_SIZE = 100_000
NAV_FROM_START = 200  # PageDown presses from the first article
NAV_FROM_MIDDLE = 100  # and from the middle of the corpus
SET = ("bench-window", "1.0", "bench")  # the suggestion set's model, version, recognisers

# Targets (see BENCHMARKS.md).
TARGET_OPEN_MS = 300.0
TARGET_ACTION_MS = 30.0
TARGET_COMMIT_MS = 5.0
TARGET_NEXT_MS = 50.0
TARGET_PEAK_MB = 500.0
PEERS_COMMIT = "≈ 52 ms a stored annotation (Label Studio, doccano; not measured by us)"


# -- building the databases (children) ----------------------------------------------------


def long_article(seed: int, words: int = LONG_WORDS) -> dict[str, Any]:
    """One article of exactly `words` words: generated articles' paragraphs, one a line."""
    first = generate.article(seed, 0)
    lines = [first["title"]]
    count = len(first["title"].split())
    index = 0
    while count < words:
        body = generate.article(seed, index)["text"].split("\n")[1:]  # without its title
        for paragraph in body:
            take = paragraph.split()
            if count + len(take) > words:  # the last paragraph, cut to the word
                paragraph = " ".join(take[: words - count]).rstrip(",;:") + "."
                take = paragraph.split()
            lines.append(paragraph)
            count += len(take)
            if count >= words:
                break
        index += 1
    return {"title": first["title"], "text": "\n".join(lines), "meta": {"synthetic": "long"}}


def child_prepare_long(db: Path, seed: int) -> dict[str, Any]:
    from annotator.core.importing import import_paths
    from annotator.core.store import Store

    fresh_db(db)
    source = db.with_suffix(".jsonl")
    long = long_article(seed)
    # Ordinary articles from far in the generator's sequence, unlike the long one's.
    shorts = [generate.article(seed, 1_000_000 + i) for i in range(SHORT_ARTICLES)]
    with source.open("w", encoding="utf-8") as stream:
        for item in (long, *shorts):
            stream.write(json.dumps(item, ensure_ascii=False) + "\n")
    rng = random.Random(seed)
    with Store.open(db) as store:
        report = import_paths(store, [source], format="jsonl")
        ids = store.articles.ids()
        assert len(ids) == 1 + SHORT_ARTICLES, report
        long_id, short_ids = ids[0], ids[1:]
        text = store.articles.get(long_id).text
        spans = suggestion_spans(rng, text, LONG_SUGGESTIONS)
        assert len(spans) == LONG_SUGGESTIONS
        assert all(not text[s.start].isspace() and not text[s.end - 1].isspace() for s in spans)
        suggestion_set = store.suggestions.set_for(*SET)
        store.suggestions.add(suggestion_set.id, {long_id: spans})
        store.suggestions.add(suggestion_set.id, {
            aid: suggestion_spans(rng, store.articles.get(aid).text, SHORT_SUGGESTIONS)
            for aid in short_ids
        })
    source.unlink()
    return {
        "long_id": long_id,
        "short_ids": short_ids,
        "words": len(text.split()),
        "chars": len(text),
        "lines": text.count("\n") + 1,
        "suggestions": len(spans),
        "labels": sorted({s.label for s in spans}),
    }


def child_prepare_nav(source: Path, db: Path, seed: int) -> dict[str, Any]:
    """The 100k database; the articles navigated through get suggestions."""
    from annotator.core.importing import import_paths
    from annotator.core.store import Store

    fresh_db(db)
    began = time.perf_counter()
    with Store.open(db) as store:
        import_paths(store, [source], format="jsonl")
        imported = time.perf_counter() - began
        ids = store.articles.ids()
        middle = len(ids) // 2
        navigated = ids[: NAV_FROM_START + 1] + ids[middle : middle + NAV_FROM_MIDDLE + 1]
        rng = random.Random(seed)
        suggestion_set = store.suggestions.set_for(*SET)
        for i in range(0, len(navigated), 100):
            store.suggestions.add(suggestion_set.id, {
                aid: suggestion_spans(rng, text, SHORT_SUGGESTIONS)
                for aid, text in store.articles.texts(navigated[i : i + 100])
            })
    return {"articles": len(ids), "middle_id": ids[middle], "import_seconds": imported}


# -- measuring in the window (children) ---------------------------------------------------


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
            kind: ms_stats(ns) | {
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
        "none_refs": sys.getrefcount(None), "true_refs": sys.getrefcount(True), "guarded": False}
    if (leak["none_per_void_call"] or leak["true_per_emit"]) and guard:
        guard_refcounts()
        leak["guarded"] = True
    return app, leak


def _window(db: Path, ini: Path) -> Any:
    from PySide6.QtCore import QSettings

    from annotator.gui.app import build_window

    ini.unlink(missing_ok=True)
    window = build_window(db, ANNOTATOR, QSettings(str(ini), QSettings.Format.IniFormat),
                          preannotate=False)
    window.show()
    return window


def _painter(app: Any, window: Any) -> Any:
    def painted() -> None:
        app.processEvents()
        window.view.viewport().repaint()

    return painted


def child_window_long(template: Path, db: Path, info: dict[str, Any], opens: int,
                      actions: int, spread: int, seed: int, flags: str) -> dict[str, Any]:
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
        probe.measure(f"accept_{kind}", lambda: (
            QTest.keyClick(window.view, Qt.Key.Key_Return), painted()))
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
    measured_wall = time.perf_counter() - wall
    measured_cpu = cpu_seconds() - cpu
    result = {
        "start_ms": start_ms,
        "leak": leak,
        "ops": probe.stats(),
        "cpu_share": measured_cpu / measured_wall,
        "others_cores": max(0.0, (machine_busy_seconds() - busy - measured_cpu) / measured_wall),
        "rss_imports_mb": rss_imports,
        "rss_end_mb": rss_mb(),
        "peak_mb": peak_mb(),
        "items_on_screen": len(editor.items),
        "view_blocks": window.view.document().blockCount(),
        "code_path": str(Path(sys.modules["annotator"].__file__).parent),
    }
    if probe.profile:
        result["profiles"] = probe.write_profiles("long")
    window.close()  # saves its geometry in the settings
    window.settings.sync()
    session.store.close()
    ini.unlink(missing_ok=True)
    fresh_db(db)
    return result


def child_commit(template: Path, db: Path, info: dict[str, Any], accepts: int,
                 seed: int) -> dict[str, Any]:
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
            probe.measure(kind, lambda: (
                QTest.keyClick(window.view, Qt.Key.Key_PageDown), painted()))
            assert session.article_id != before, "PageDown did not open the next article"

    presses("next_start", NAV_FROM_START)
    session.open(info["middle_id"])
    painted()
    presses("next_middle", NAV_FROM_MIDDLE)
    measured_wall = time.perf_counter() - wall
    measured_cpu = cpu_seconds() - cpu
    result = {
        "start_ms": start_ms,
        "leak": leak,
        "ops": probe.stats(),
        "cpu_share": measured_cpu / measured_wall,
        "others_cores": max(0.0, (machine_busy_seconds() - busy - measured_cpu) / measured_wall),
        "peak_mb": peak_mb(),
        "list_rows": window.articles.rowCount(),
    }
    if probe.profile:
        result["profiles"] = probe.write_profiles("nav")
    window.close()  # saves its geometry in the settings
    window.settings.sync()
    session.store.close()
    ini.unlink(missing_ok=True)
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
        for what, article_id in (("an ordinary", info["short_ids"][0]),
                                 ("the long", info["long_id"])):
            print(f"step switch {i + 1}, to {what} article", flush=True)
            session.open(article_id)
            painted()
    result = {"survived_opens": opens, "leak": leak}
    window.close()
    window.settings.sync()
    session.store.close()
    ini.unlink(missing_ok=True)
    fresh_db(db)
    return result


# -- parent -----------------------------------------------------------------------------


def _run_child(*args: str) -> dict[str, Any]:
    return run_child(Path(__file__).resolve(), CODE, *args, env={"QT_QPA_PLATFORM": "offscreen"})


def _nav_db(seed: int) -> tuple[Path, dict[str, Any]]:
    """The 100k database, reused when a previous run built it from the same file."""
    source = generated_input(NAV_SIZE, seed)
    db = OUT / f"window-{source.stem}.db"
    done = db.with_suffix(".json")  # written once the database is complete
    if db.exists() and done.exists():
        info = json.loads(done.read_text())
        if info.get("source") == source.name and info.get("sizes") == [SHORT_SUGGESTIONS]:
            return db, info
    began = time.perf_counter()
    info = _run_child("prepare-nav", str(source), str(db), str(seed))
    info |= {"source": source.name, "sizes": [SHORT_SUGGESTIONS]}
    done.write_text(json.dumps(info))
    print(f"  built the {NAV_SIZE:,}-article database in {time.perf_counter() - began:.0f} s",
          flush=True)
    return db, info


def _crash_probe(template: Path, info: dict[str, Any], opens: int) -> dict[str, Any]:
    """Does the window, as shipped, survive switching to the long article `opens` times?"""
    db = OUT / "window-long-probe.db"
    done = run_child(Path(__file__).resolve(), CODE, "crash-probe", str(template), str(db),
                     json.dumps(info), str(opens), env={"QT_QPA_PLATFORM": "offscreen"},
                     check=False)
    if "returncode" not in done:
        print(f"  without the refcount guard: survived {opens} switches", flush=True)
        return done
    fresh_db(db)
    db.with_suffix(".ini").unlink(missing_ok=True)
    steps = [line for line in done["stdout"].splitlines() if line.startswith("step ")]
    fatal = next((line for line in done["stderr"].splitlines() if "Fatal Python error" in line),
                 done["stderr"].strip().splitlines()[-1] if done["stderr"].strip() else "")
    leak = json.loads(done["stdout"].splitlines()[0])["leak"] if done["stdout"] else {}
    result = {"returncode": done["returncode"], "last_step": steps[-1][5:] if steps else "start",
              "fatal": fatal, "leak": leak}
    print(f"  without the refcount guard: exit {done['returncode']} at {result['last_step']}:"
          f" {fatal}", flush=True)
    return result


def _best(runs: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    """The run with the lowest median for `kind`, with every run's median."""
    best = dict(min((r["ops"][kind] for r in runs), key=lambda s: s["median_ms"]))
    best["medians_ms"] = [r["ops"][kind]["median_ms"] for r in runs]
    return best


def run(args: argparse.Namespace, code: str) -> int:
    results: dict[str, Any] = {
        "machine": machine() | {"code": code},
        "command": " ".join(["python benchmarks/bench_window.py", *args.argv]),
    }
    print(json.dumps(results["machine"]), flush=True)
    template = OUT / "window-long.db"
    long_info = _run_child("prepare-long", str(template), str(args.seed))
    print(f"  long article: {long_info['words']:,} words, {long_info['lines']:,} lines,"
          f" {long_info['suggestions']:,} suggestions", flush=True)
    probe = None if args.profile else _crash_probe(template, long_info, args.probe_opens)
    nav = None if args.skip_nav else _nav_db(args.seed)
    repeat = 1 if args.profile else args.repeat
    flags = ("p" if args.profile else "") + ("" if args.no_guard else "g") or "-"
    long_runs, nav_runs, commit_runs = [], [], []
    for i in range(repeat):
        run_db = OUT / "window-long-run.db"
        r = _run_child("window-long", str(template), str(run_db), json.dumps(long_info),
                       str(args.opens), str(args.actions), str(args.spread),
                       str(args.seed + i), flags)
        long_runs.append(r)
        ops = r["ops"]
        print(f"  run {i + 1}: open {ops['open']['median_ms']:.1f} ms"
              f" (p95 {ops['open']['p95_ms']:.1f}); focus {ops['focus_reading']['median_ms']:.1f}"
              f" / {ops['focus_spread']['median_ms']:.1f} ms;"
              f" accept {ops['accept_reading']['median_ms']:.1f}"
              f" / {ops['accept_spread']['median_ms']:.1f} ms; peak {r['peak_mb']:.0f} MB;"
              f" cpu/wall {r['cpu_share']:.0%}, others {r['others_cores']:.2f} cores", flush=True)
        c = _run_child("commit", str(template), str(run_db), json.dumps(long_info),
                       str(args.commits), str(args.seed + i))
        commit_runs.append(c)
        print(f"  run {i + 1}: commit {c['commit']['median_ms']:.2f} ms"
              f" (p95 {c['commit']['p95_ms']:.2f})", flush=True)
        if nav is not None:
            n = _run_child("window-nav", str(nav[0]), json.dumps(nav[1]), flags)
            nav_runs.append(n)
            print(f"  run {i + 1}: next {n['ops']['next_start']['median_ms']:.1f} ms"
                  f" / {n['ops']['next_middle']['median_ms']:.1f} ms; window up in"
                  f" {n['start_ms']:.0f} ms; cpu/wall {n['cpu_share']:.0%},"
                  f" others {n['others_cores']:.2f} cores", flush=True)
    if args.profile:
        for r in (*long_runs, *nav_runs):
            for kind, path in r.get("profiles", {}).items():
                print(f"\n===== {kind} =====")
                print(Path(path).read_text())
        return 0
    results |= {"long": long_info, "crash_probe": probe, "long_runs": long_runs,
                "commit_runs": commit_runs, "nav": nav[1] if nav else None, "nav_runs": nav_runs}
    (OUT / "bench_window.json").write_text(json.dumps(results, indent=2))
    section = render(results)
    if args.no_write:
        print(section)
    else:
        write_section(section, START, END, after=AFTER)
        print(f"updated {REPORT}")
    return 0


# -- the report -------------------------------------------------------------------------


def _row(what: str, s: dict[str, Any], target: float | None, peers: str = "") -> str:
    aim = f"< {target:.0f} ms: {verdict(s['p95_ms'] < target)}" if target else ""
    medians = ", ".join(f"{m:.1f}" for m in s["medians_ms"])
    return (f"| {what} | {s['n']:,} | {s['median_ms']:.1f} ms | {s['p95_ms']:.1f} ms"
            f" | {s['max_ms']:.1f} ms | {medians} | {aim} | {peers} |")


def _leak_note(leak: dict[str, Any], probe: dict[str, Any] | None) -> list[str]:
    """What the run found of PySide6's lost references to None and True."""
    if not (leak["none_per_void_call"] or leak["true_per_emit"]):
        return ["PySide6 loses no references to None or True here (checked in every run)."]
    if probe is None:
        outcome = "was not tried without the guard in this run"
    elif "returncode" in probe:
        outcome = (f"(started on the long article, then switching to an ordinary article and"
                   f" back) aborted at {probe['last_step']}: exit code {probe['returncode']},"
                   f" `{probe['fatal']}`")
    else:
        outcome = (f"(started on the long article, then switching to an ordinary article and"
                   f" back) survived {probe['survived_opens']} switches")
    return [
        "**Bug found (PySide6 on Python 3.11):** each call of a Qt method returning void"
        f" loses {leak['none_per_void_call']} reference to None, each `Signal.emit()`"
        f" {leak['true_per_emit']} to True (counted in every measuring process), and Python"
        " aborts when they run out (`Fatal Python error: none_dealloc` / `bool_dealloc`)."
        f" A process with the window's modules imported holds {leak['none_refs']:,} references"
        f" to None and {leak['true_refs']:,} to True. The window as it is {outcome}. So that"
        " the window can be measured at all, each measuring process first adds 2⁴⁰ references"
        " to None, True and False (`guard_refcounts`; `--no-guard` measures without it).",
    ]


def render(results: dict[str, Any]) -> str:
    m, info = results["machine"], results["long"]
    long_runs, commit_runs, nav_runs = (
        results["long_runs"], results["commit_runs"], results["nav_runs"])
    commit = dict(min((r["commit"] for r in commit_runs), key=lambda s: s["median_ms"]))
    commit["medians_ms"] = [r["commit"]["median_ms"] for r in commit_runs]
    peak = max(r["peak_mb"] for r in long_runs)
    rows = [
        _row("Open the long article (`session.open`) until painted", _best(long_runs, "open"),
             TARGET_OPEN_MS),
        _row("Open an ordinary article (≈ 400 words, 30 suggestions), for scale",
             _best(long_runs, "open_short"), None),
        _row("Tab: `focus_next()` until painted, reading from the start",
             _best(long_runs, "focus_reading"), TARGET_ACTION_MS),
        _row("Enter: accept (`QTest.keyClick` Return) until painted, reading from the start",
             _best(long_runs, "accept_reading"), TARGET_ACTION_MS),
        _row("Tab: `focus_next()` until painted, at random places",
             _best(long_runs, "focus_spread"), TARGET_ACTION_MS),
        _row("Enter: accept until painted, at random places",
             _best(long_runs, "accept_spread"), TARGET_ACTION_MS),
        _row(f"`store.annotations.accept` alone, committed (synchronous="
             f"{commit_runs[0]['synchronous']}), fresh connection", commit, TARGET_COMMIT_MS,
             PEERS_COMMIT),
    ]
    if nav_runs:
        rows += [
            _row(f"PageDown: next article until painted, {results['nav']['articles']:,}"
                 " articles, from the first", _best(nav_runs, "next_start"), TARGET_NEXT_MS),
            _row("PageDown, from the middle of the corpus", _best(nav_runs, "next_middle"),
                 TARGET_NEXT_MS),
        ]
    first = long_runs[0]
    lines = [
        START,
        "## The annotation window (`benchmarks/bench_window.py`)",
        "",
        measured_on(m, results["command"]),
        "",
        f"The real window (`build_window(db, \"alice\", QSettings(ini), preannotate=False)`,"
        f" shown, 1500×900, `QT_QPA_PLATFORM=offscreen`) on a database holding one article"
        f" of {info['words']:,} words ({info['chars'] / 1e3:,.0f}k characters,"
        f" {info['lines']:,} paragraphs, the generator's French sentences) with"
        f" {info['suggestions']:,} suggestions spread over it (labels mixed, none starting or"
        f" ending with white space), and {len(info['short_ids'])} ordinary articles."
        " *Until painted*: the call, then `QApplication.processEvents()` and a forced"
        " `window.view.viewport().repaint()`. *Open*: from an ordinary article to the long"
        " one. *Tab then Enter*: `window.session.focus_next()` then Return on the view, which"
        " accepts the focused suggestion (committed) and redraws the view, the span panel and"
        " the article list; once going through the article from its start, once with the"
        " focus first put (not timed) at a random place. Each measure ran in"
        f" {len(long_runs)} fresh process(es); the run with the lowest median counts, and"
        " every run's median is listed. Targets hold when p95 is under them.",
        "",
        "| Operation | Runs | Median | p95 | Max | Medians of the runs (ms) | Target | Peers |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- | --- |",
        *rows,
        "",
        "| Memory, long article open, after the actions | Peak (ru_maxrss) | Target |",
        "| --- | ---: | --- |",
        f"| Whole process (Python, Qt, the window, the store) | {peak:,.0f} MB"
        f" | < {TARGET_PEAK_MB:.0f} MB: {verdict(peak < TARGET_PEAK_MB)} |",
        f"| of which before the window (interpreter, PySide6, our modules) |"
        f" {first['rss_imports_mb']:,.0f} MB | |",
        "",
        f"Starting the window on the long article (`build_window`, `show`, painted):"
        f" {min(r['start_ms'] for r in long_runs):,.0f} ms.",
    ]
    if nav_runs:
        nav = results["nav"]
        lines[-1] += (
            f" On the {nav['articles']:,}-article database: "
            f"{min(r['start_ms'] for r in nav_runs):,.0f} ms; its peak memory"
            f" {max(r['peak_mb'] for r in nav_runs):,.0f} MB."
        )
    lines += ["", *_leak_note(first["leak"], results.get("crash_probe"))]
    load = [f"{r['cpu_share']:.0%} CPU/wall, others {r['others_cores']:.2f} cores"
            for r in (*long_runs, *nav_runs)]
    lines += [
        "",
        f"The machine during the measuring processes: {'; '.join(load)} (well under 100%, or"
        " others above zero, means other work on the 2 cores slowed the window down).",
        END,
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="measuring processes per measure")
    parser.add_argument("--opens", type=int, default=15)
    parser.add_argument("--actions", type=int, default=100, help="Tab+Enter from the start")
    parser.add_argument("--spread", type=int, default=40, help="Tab+Enter at random places")
    parser.add_argument("--commits", type=int, default=200)
    parser.add_argument("--skip-nav", action="store_true", help="no 100k database")
    parser.add_argument("--probe-opens", type=int, default=10,
                        help="switches to the long article the unguarded window is tried with")
    parser.add_argument("--no-guard", action="store_true",
                        help="measure without working round PySide6 6.12's None leak (aborts)")
    parser.add_argument("--no-write", action="store_true", help="leave BENCHMARKS.md alone")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the measured operations, print where the time goes")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else argv

    if args.child:
        kind, *rest = args.child
        if kind == "prepare-long":
            result = child_prepare_long(Path(rest[0]), int(rest[1]))
        elif kind == "prepare-nav":
            result = child_prepare_nav(Path(rest[0]), Path(rest[1]), int(rest[2]))
        elif kind == "window-long":
            result = child_window_long(
                Path(rest[0]), Path(rest[1]), json.loads(rest[2]), int(rest[3]), int(rest[4]),
                int(rest[5]), int(rest[6]), rest[7],
            )
        elif kind == "commit":
            result = child_commit(Path(rest[0]), Path(rest[1]), json.loads(rest[2]),
                                  int(rest[3]), int(rest[4]))
        elif kind == "crash-probe":
            result = child_crash_probe(Path(rest[0]), Path(rest[1]), json.loads(rest[2]),
                                       int(rest[3]))
        elif kind == "window-nav":
            result = child_window_nav(Path(rest[0]), json.loads(rest[1]), rest[2])
        else:
            raise SystemExit(f"unknown child {kind}")
        print(json.dumps(result))
        return 0

    return run_on_snapshot(CODE, lambda code: run(args, code))


if __name__ == "__main__":
    sys.exit(main())
