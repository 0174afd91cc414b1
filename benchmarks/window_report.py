"""The annotation window benchmark's section of BENCHMARKS.md: its markers, targets and tables.

`render` turns bench_window.py's results (what out/bench_window.json holds)
into the section, between its markers.
"""

from __future__ import annotations

from typing import Any

from common import measured_on, verdict

START, END = "<!-- bench_window:start -->", "<!-- bench_window:end -->"

# Targets (see BENCHMARKS.md).
TARGET_OPEN_MS = 300.0
TARGET_ACTION_MS = 30.0
TARGET_COMMIT_MS = 5.0
TARGET_NEXT_MS = 50.0
TARGET_PEAK_MB = 500.0
PEERS_COMMIT = "≈ 52 ms a stored annotation (Label Studio, doccano; not measured by us)"


def _best(runs: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    """The run with the lowest median for `kind`, with every run's median."""
    best = dict(min((r["ops"][kind] for r in runs), key=lambda s: s["median_ms"]))
    best["medians_ms"] = [r["ops"][kind]["median_ms"] for r in runs]
    return best


def _row(what: str, s: dict[str, Any], target: float | None, peers: str = "") -> str:
    aim = f"< {target:.0f} ms: {verdict(s['p95_ms'] < target)}" if target else ""
    medians = ", ".join(f"{m:.1f}" for m in s["medians_ms"])
    return (
        f"| {what} | {s['n']:,} | {s['median_ms']:.1f} ms | {s['p95_ms']:.1f} ms"
        f" | {s['max_ms']:.1f} ms | {medians} | {aim} | {peers} |"
    )


def _leak_note(leak: dict[str, Any], probe: dict[str, Any] | None) -> list[str]:
    """What the run found of PySide6's lost references to None and True."""
    if not (leak["none_per_void_call"] or leak["true_per_emit"]):
        return ["PySide6 loses no references to None or True here (checked in every run)."]
    if probe is None:
        outcome = "was not tried without the guard in this run"
    elif "returncode" in probe:
        outcome = (
            f"(started on the long article, then switching to an ordinary article and"
            f" back) aborted at {probe['last_step']}: exit code {probe['returncode']},"
            f" `{probe['fatal']}`"
        )
    else:
        outcome = (
            f"(started on the long article, then switching to an ordinary article and"
            f" back) survived {probe['survived_opens']} switches"
        )
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
        results["long_runs"],
        results["commit_runs"],
        results["nav_runs"],
    )
    commit = dict(min((r["commit"] for r in commit_runs), key=lambda s: s["median_ms"]))
    commit["medians_ms"] = [r["commit"]["median_ms"] for r in commit_runs]
    peak = max(r["peak_mb"] for r in long_runs)
    rows = [
        _row(
            "Open the long article (`session.open`) until painted",
            _best(long_runs, "open"),
            TARGET_OPEN_MS,
        ),
        _row(
            "Open an ordinary article (≈ 400 words, 30 suggestions), for scale",
            _best(long_runs, "open_short"),
            None,
        ),
        _row(
            "Tab: `focus_next()` until painted, reading from the start",
            _best(long_runs, "focus_reading"),
            TARGET_ACTION_MS,
        ),
        _row(
            "Enter: accept (`QTest.keyClick` Return) until painted, reading from the start",
            _best(long_runs, "accept_reading"),
            TARGET_ACTION_MS,
        ),
        _row(
            "Tab: `focus_next()` until painted, at random places",
            _best(long_runs, "focus_spread"),
            TARGET_ACTION_MS,
        ),
        _row(
            "Enter: accept until painted, at random places",
            _best(long_runs, "accept_spread"),
            TARGET_ACTION_MS,
        ),
        _row(
            f"`store.annotations.accept` alone, committed (synchronous="
            f"{commit_runs[0]['synchronous']}), fresh connection",
            commit,
            TARGET_COMMIT_MS,
            PEERS_COMMIT,
        ),
    ]
    if nav_runs:
        rows += [
            _row(
                f"PageDown: next article until painted, {results['nav']['articles']:,}"
                " articles, from the first",
                _best(nav_runs, "next_start"),
                TARGET_NEXT_MS,
            ),
            _row(
                "PageDown, from the middle of the corpus",
                _best(nav_runs, "next_middle"),
                TARGET_NEXT_MS,
            ),
        ]
    first = long_runs[0]
    lines = [
        START,
        "## The annotation window (`benchmarks/bench_window.py`)",
        "",
        measured_on(m, results["command"]),
        "",
        f'The real window (`build_window(db, "alice", QSettings(ini), preannotate=False)`,'
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
    load = [
        f"{r['cpu_share']:.0%} CPU/wall, others {r['others_cores']:.2f} cores"
        for r in (*long_runs, *nav_runs)
    ]
    lines += [
        "",
        f"The machine during the measuring processes: {'; '.join(load)} (well under 100%, or"
        " others above zero, means other work on the 2 cores slowed the window down).",
        END,
    ]
    return "\n".join(lines)
