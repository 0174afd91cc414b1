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
import sys
import time
from pathlib import Path
from typing import Any

from common import (
    OUT,
    REPORT,
    fresh_db,
    generated_input,
    machine,
    run_child,
    run_on_snapshot,
    write_section,
)
from window_data import SHORT_SUGGESTIONS, child_prepare_long, child_prepare_nav
from window_measures import child_commit, child_crash_probe, child_window_long, child_window_nav
from window_report import END, START, render

CODE = OUT / "code-window"  # the copy of annotator/ that the children import
AFTER = ("<!-- bench_preannotate:end -->", "<!-- bench_import:end -->")
NAV_SIZE = 100_000


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
    print(
        f"  built the {NAV_SIZE:,}-article database in {time.perf_counter() - began:.0f} s",
        flush=True,
    )
    return db, info


def _crash_probe(template: Path, info: dict[str, Any], opens: int) -> dict[str, Any]:
    """Does the window, as shipped, survive switching to the long article `opens` times?"""
    db = OUT / "window-long-probe.db"
    done = run_child(
        Path(__file__).resolve(),
        CODE,
        "crash-probe",
        str(template),
        str(db),
        json.dumps(info),
        str(opens),
        env={"QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )
    if "returncode" not in done:
        print(f"  without the refcount guard: survived {opens} switches", flush=True)
        return done
    fresh_db(db)
    db.with_suffix(".ini").unlink(missing_ok=True)
    steps = [line for line in done["stdout"].splitlines() if line.startswith("step ")]
    fatal = next(
        (line for line in done["stderr"].splitlines() if "Fatal Python error" in line),
        done["stderr"].strip().splitlines()[-1] if done["stderr"].strip() else "",
    )
    leak = json.loads(done["stdout"].splitlines()[0])["leak"] if done["stdout"] else {}
    result = {
        "returncode": done["returncode"],
        "last_step": steps[-1][5:] if steps else "start",
        "fatal": fatal,
        "leak": leak,
    }
    print(
        f"  without the refcount guard: exit {done['returncode']} at {result['last_step']}:"
        f" {fatal}",
        flush=True,
    )
    return result


def run(args: argparse.Namespace, code: str) -> int:
    results: dict[str, Any] = {
        "machine": machine() | {"code": code},
        "command": " ".join(["python benchmarks/bench_window.py", *args.argv]),
    }
    print(json.dumps(results["machine"]), flush=True)
    template = OUT / "window-long.db"
    long_info = _run_child("prepare-long", str(template), str(args.seed))
    print(
        f"  long article: {long_info['words']:,} words, {long_info['lines']:,} lines,"
        f" {long_info['suggestions']:,} suggestions",
        flush=True,
    )
    probe = None if args.profile else _crash_probe(template, long_info, args.probe_opens)
    nav = None if args.skip_nav else _nav_db(args.seed)
    repeat = 1 if args.profile else args.repeat
    flags = ("p" if args.profile else "") + ("" if args.no_guard else "g") or "-"
    long_runs, nav_runs, commit_runs = [], [], []
    for i in range(repeat):
        run_db = OUT / "window-long-run.db"
        r = _run_child(
            "window-long",
            str(template),
            str(run_db),
            json.dumps(long_info),
            str(args.opens),
            str(args.actions),
            str(args.spread),
            str(args.seed + i),
            flags,
        )
        long_runs.append(r)
        ops = r["ops"]
        print(
            f"  run {i + 1}: open {ops['open']['median_ms']:.1f} ms"
            f" (p95 {ops['open']['p95_ms']:.1f}); focus {ops['focus_reading']['median_ms']:.1f}"
            f" / {ops['focus_spread']['median_ms']:.1f} ms;"
            f" accept {ops['accept_reading']['median_ms']:.1f}"
            f" / {ops['accept_spread']['median_ms']:.1f} ms; peak {r['peak_mb']:.0f} MB;"
            f" cpu/wall {r['cpu_share']:.0%}, others {r['others_cores']:.2f} cores",
            flush=True,
        )
        c = _run_child(
            "commit",
            str(template),
            str(run_db),
            json.dumps(long_info),
            str(args.commits),
            str(args.seed + i),
        )
        commit_runs.append(c)
        print(
            f"  run {i + 1}: commit {c['commit']['median_ms']:.2f} ms"
            f" (p95 {c['commit']['p95_ms']:.2f})",
            flush=True,
        )
        if nav is not None:
            n = _run_child("window-nav", str(nav[0]), json.dumps(nav[1]), flags)
            nav_runs.append(n)
            print(
                f"  run {i + 1}: next {n['ops']['next_start']['median_ms']:.1f} ms"
                f" / {n['ops']['next_middle']['median_ms']:.1f} ms; window up in"
                f" {n['start_ms']:.0f} ms; cpu/wall {n['cpu_share']:.0%},"
                f" others {n['others_cores']:.2f} cores",
                flush=True,
            )
    if args.profile:
        for r in (*long_runs, *nav_runs):
            for kind, path in r.get("profiles", {}).items():
                print(f"\n===== {kind} =====")
                print(Path(path).read_text())
        return 0
    results |= {
        "long": long_info,
        "crash_probe": probe,
        "long_runs": long_runs,
        "commit_runs": commit_runs,
        "nav": nav[1] if nav else None,
        "nav_runs": nav_runs,
    }
    (OUT / "bench_window.json").write_text(json.dumps(results, indent=2))
    section = render(results)
    if args.no_write:
        print(section)
    else:
        write_section(section, START, END, after=AFTER)
        print(f"updated {REPORT}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="measuring processes per measure")
    parser.add_argument("--opens", type=int, default=15)
    parser.add_argument("--actions", type=int, default=100, help="Tab+Enter from the start")
    parser.add_argument("--spread", type=int, default=40, help="Tab+Enter at random places")
    parser.add_argument("--commits", type=int, default=200)
    parser.add_argument("--skip-nav", action="store_true", help="no 100k database")
    parser.add_argument(
        "--probe-opens",
        type=int,
        default=10,
        help="switches to the long article the unguarded window is tried with",
    )
    parser.add_argument(
        "--no-guard",
        action="store_true",
        help="measure without working round PySide6 6.12's None leak (aborts)",
    )
    parser.add_argument("--no-write", action="store_true", help="leave BENCHMARKS.md alone")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile the measured operations, print where the time goes",
    )
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
                Path(rest[0]),
                Path(rest[1]),
                json.loads(rest[2]),
                int(rest[3]),
                int(rest[4]),
                int(rest[5]),
                int(rest[6]),
                rest[7],
            )
        elif kind == "commit":
            result = child_commit(
                Path(rest[0]), Path(rest[1]), json.loads(rest[2]), int(rest[3]), int(rest[4])
            )
        elif kind == "crash-probe":
            result = child_crash_probe(
                Path(rest[0]), Path(rest[1]), json.loads(rest[2]), int(rest[3])
            )
        elif kind == "window-nav":
            result = child_window_nav(Path(rest[0]), json.loads(rest[1]), rest[2])
        else:
            raise SystemExit(f"unknown child {kind}")
        print(json.dumps(result))
        return 0

    return run_on_snapshot(CODE, lambda code: run(args, code))


if __name__ == "__main__":
    sys.exit(main())
