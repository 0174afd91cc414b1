"""Import benchmark: Annotator's importer against plain sqlite3 inserts, and reads.

For each size, the same generated JSON Lines file is imported twice, each run
in a fresh subprocess (so its peak memory is its own) into a fresh database:

* ours: `Store.open` + `import_paths(format="jsonl", batch_size=500)` + `close`;
* baseline: plain `sqlite3` streaming the same file (json.loads, sha256 id,
  word count) into one plain table (id, title, text, source, meta JSON,
  imported_at, words; id UNIQUE) with `executemany`, WAL and synchronous=NORMAL
  as the importer's bulk mode, one transaction every 500 rows.

Both are timed from opening the database to closing it. Then, on the largest
database, ~30 suggestions are added to 1000 random articles and
`store.documents.load` is timed on each of them (reopened store), as is
`store.annotations.accept` (committed, synchronous=FULL) on 200 of them.

The results go to benchmarks/out/bench_import.json and to this benchmark's
section of BENCHMARKS.md (between its markers; other sections are left alone).

    python benchmarks/bench_import.py                      # 1k, 10k, 100k
    python benchmarks/bench_import.py --sizes 1000 --no-write
    python benchmarks/bench_import.py --profile 10000      # where import time goes
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from common import (
    OUT,
    REPORT,
    generated_input,
    machine,
    measured_on,
    run_child,
    run_on_snapshot,
    verdict,
    write_section,
)
from import_children import child_baseline, child_ours, child_profile, child_reads

CODE = OUT / "code"  # the copy of annotator/ that the children import
START, END = "<!-- bench_import:start -->", "<!-- bench_import:end -->"

# Targets (see BENCHMARKS.md).
TARGET_SECONDS_100K = 120.0
TARGET_PEAK_MB = 500.0
TARGET_RATIO = 0.5
TARGET_READ_MS = 5.0


# -- parent: generate inputs, run the children, write the report ------------------------


def _run_child(*args: str) -> dict[str, Any]:
    return run_child(Path(__file__).resolve(), CODE, *args)


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def _speed(n: int, mb: float, seconds: float) -> str:
    return f"{seconds:.2f} s · {n / seconds:,.0f} art/s · {mb / seconds:.2f} MB/s"


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    sizes = results["sizes"]
    lines = [
        START,
        "## Import (`benchmarks/bench_import.py`)",
        "",
        measured_on(m, results["command"]),
        "",
        "Each run is a fresh process importing the generated JSON Lines file into a fresh"
        " database, timed from opening the database to closing it. *Ours*: `Store.open` +"
        " `import_paths` (exact and near-duplicate detection, FTS index, MinHash signatures,"
        " event log). *Baseline*: plain `sqlite3` reading the same file (`json.loads`,"
        " sha256 id, word count) into one plain table with `executemany`, WAL,"
        " synchronous=NORMAL, a commit every 500 rows. MB/s counts the articles' text"
        " (UTF-8). Ratio = our speed / baseline speed. *Baseline + FTS* is the same with the"
        " full-text index ours keeps (FTS5, same tokenizer, filled by a trigger): what"
        " searching costs at import, for reference; the target is against the plain baseline.",
        "",
        "| Articles | Input text | Ours | Baseline | Ratio (target ≥ 0.5×) | Baseline + FTS"
        " | Ratio to it |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in sizes:
        ours, base = row["ours"], row["baseline"]
        n, mb = base["articles"], base["text_bytes"] / 1e6
        ratio = base["seconds"] / ours["seconds"]
        fts = row["baseline_fts"]["seconds"]
        lines.append(
            f"| {n:,} | {mb:,.1f} MB | {_speed(n, mb, ours['seconds'])}"
            f" | {_speed(n, mb, base['seconds'])}"
            f" | {ratio:.2f}× {verdict(ratio >= TARGET_RATIO)}"
            f" | {_speed(n, mb, fts)} | {fts / ours['seconds']:.2f}× |"
        )
    more = results.get("more")
    if more:
        mb = sizes[0]["baseline"]["text_bytes"] / sizes[0]["baseline"]["articles"] * more["added"]
        lines.append(
            f"| {more['added']:,} more into the {more['into']:,} | ≈ {mb / 1e6:,.1f} MB"
            f" | {_speed(more['added'], mb / 1e6, more['seconds'])} | | | | |"
        )
    lines += [
        "",
        "For scale, not measured by us (figures given in the project brief): Label Studio 1.23"
        " imports 10k such articles in 22 s (≈ 450 art/s), doccano 1.8.4 in 53 s (≈ 190 art/s).",
        "",
        "| Articles | DB size, ours | DB size, baseline | Peak memory, ours | Peak memory, baseline"
        " | CPU / wall, ours | Near copies found | Targets |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in sizes:
        ours, base = row["ours"], row["baseline"]
        n = base["articles"]
        targets = ""
        if n >= 100_000:
            fast = ours["seconds"] < TARGET_SECONDS_100K
            small = ours["peak_mb"] < TARGET_PEAK_MB
            targets = (
                f"100k in < {TARGET_SECONDS_100K:.0f} s: {verdict(fast)};"
                f" memory < {TARGET_PEAK_MB:.0f} MB: {verdict(small)}"
            )
        lines.append(
            f"| {n:,} | {_mb(ours['db_bytes'])} | {_mb(base['db_bytes'])}"
            f" | {ours['peak_mb']:,.0f} MB | {base['peak_mb']:,.0f} MB"
            f" | {ours['cpu_seconds'] / ours['seconds']:.0%}"
            f" | {ours['planted_found']}/{ours['planted_copies']}"
            f" (+{ours['unplanted_clustered']} others) | {targets} |"
        )
    if more:
        lines.append(
            f"| {more['added']:,} more into the {more['into']:,} | {_mb(more['db_bytes'])} |"
            f" | {more['peak_mb']:,.0f} MB | | {more['cpu_seconds'] / more['seconds']:.0%} | | |"
        )
    biggest = sizes[-1]["ours"]
    if biggest.get("tables"):
        parts = ", ".join(
            f"{name} {_mb(size)}" for name, size in list(biggest["tables"].items())[:5]
        )
        lines += ["", f"Where the largest database's bytes go (dbstat, with indexes): {parts}."]
    lines += [
        "",
        "Peak memory is the child's `ru_maxrss`; of it, the interpreter with the imported"
        f" modules holds {sizes[0]['ours']['rss_before_mb']:.0f} MB (ours) and"
        f" {sizes[0]['baseline']['rss_before_mb']:.0f} MB (baseline) before the first article."
        " *CPU / wall* well under 100% means the machine was busy with something else during"
        " the run. *Near copies found*: planted lightly edited copies put in a cluster"
        " (others: articles clustered that are not planted copies).",
    ]
    reads = results.get("reads")
    if reads:
        load, accept = reads["load"], reads["accept"]
        per = f"{reads['suggestions_per_article']:.0f}"
        lines += [
            "",
            f"Reading and editing, on the {reads['articles_in_db']:,}-article database after"
            f" adding {per} suggestions to each of {reads['read_articles']:,} random articles"
            " (a freshly opened store; the OS file cache is warm):",
            "",
            "| Operation | Runs | Median | p95 | Max | Target | Peers (not measured by us) |",
            "| --- | ---: | ---: | ---: | ---: | --- | --- |",
            f"| `store.documents.load` (article + {per} spans) | {load['n']:,}"
            f" | {load['median_ms']:.2f} ms | {load['p95_ms']:.2f} ms | {load['max_ms']:.1f} ms"
            f" | < {TARGET_READ_MS:.0f} ms: {verdict(load['p95_ms'] < TARGET_READ_MS)}"
            " | ≈ 50 ms (Label Studio, doccano APIs) |",
            f"| `store.annotations.accept` (committed, synchronous={reads['accept_synchronous']})"
            f" | {accept['n']:,} | {accept['median_ms']:.2f} ms | {accept['p95_ms']:.2f} ms"
            f" | {accept['max_ms']:.1f} ms | | |",
            "",
            f"Adding the suggestions: {reads['suggestions_added']:,} in"
            f" {reads['suggestions_add_seconds']:.2f} s (`store.suggestions.add`, 100 articles"
            " a call).",
        ]
    lines.append(END)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000,10000,100000",
        help="comma-separated article counts (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reads", type=int, default=1000, help="articles read (0: skip)")
    parser.add_argument("--accepts", type=int, default=200)
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs per size and side; the fastest counts (default: %(default)s)",
    )
    parser.add_argument(
        "--more",
        type=int,
        default=1000,
        help="then import this many more into the largest database (0: skip)",
    )
    parser.add_argument("--suggestions", type=int, default=30, help="per article read")
    parser.add_argument("--no-write", action="store_true", help="leave BENCHMARKS.md alone")
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="only profile importing N articles (cProfile), print top functions",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else argv

    if args.child:
        kind, *rest = args.child
        if kind == "ours":
            result = child_ours(Path(rest[0]), Path(rest[1]))
        elif kind == "ours-into":
            result = child_ours(Path(rest[0]), Path(rest[1]), fresh=False)
        elif kind in ("baseline", "baseline-fts"):
            result = child_baseline(Path(rest[0]), Path(rest[1]), fts=kind == "baseline-fts")
        elif kind == "reads":
            result = child_reads(Path(rest[0]), *(int(x) for x in rest[1:]))
        elif kind == "profile":
            result = child_profile(Path(rest[0]), Path(rest[1]), int(rest[2]))
        else:
            raise SystemExit(f"unknown child {kind}")
        print(json.dumps(result))
        return 0

    return run_on_snapshot(CODE, lambda code: run(args, code))


def run(args: argparse.Namespace, code: str) -> int:
    if args.profile:
        source = generated_input(args.profile, args.seed)
        result = _run_child("profile", str(source), str(OUT / "profile.db"), "30")
        print(Path(result["profile"]).read_text())
        return 0

    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    results: dict[str, Any] = {
        "machine": machine() | {"code": code},
        "command": " ".join(["python benchmarks/bench_import.py", *args.argv]),
        "sizes": [],
    }
    print(json.dumps(results["machine"]), flush=True)
    for size in sizes:
        source = generated_input(size, args.seed)
        load_before = os.getloadavg()[0]
        # With --repeat, the fastest of the runs counts: the others were slowed down
        # by something else on the machine, not by the code.
        baseline = min(
            (
                _run_child("baseline", str(source), str(OUT / f"baseline-{size}.db"))
                for _ in range(args.repeat)
            ),
            key=lambda r: r["seconds"],
        )
        print(
            f"  {size:>7,} baseline {baseline['seconds']:7.2f} s"
            f"  peak {baseline['peak_mb']:5.0f} MB",
            flush=True,
        )
        with_fts = min(
            (
                _run_child("baseline-fts", str(source), str(OUT / f"baseline-fts-{size}.db"))
                for _ in range(args.repeat)
            ),
            key=lambda r: r["seconds"],
        )
        print(f"  {size:>7,} +fts     {with_fts['seconds']:7.2f} s", flush=True)
        ours = min(
            (
                _run_child("ours", str(source), str(OUT / f"ours-{size}.db"))
                for _ in range(args.repeat)
            ),
            key=lambda r: r["seconds"],
        )
        print(
            f"  {size:>7,} ours     {ours['seconds']:7.2f} s  peak {ours['peak_mb']:5.0f} MB"
            f"  cpu/wall {ours['cpu_seconds'] / ours['seconds']:.0%}"
            f"  added {ours['added']:,}  near-dups {ours['near_duplicates']:,}"
            f"  ratio {baseline['seconds'] / ours['seconds']:.2f}x",
            flush=True,
        )
        results["sizes"].append(
            {
                "size": size,
                "ours": ours,
                "baseline": baseline,
                "baseline_fts": with_fts,
                "load_before": load_before,
            }
        )
    if args.more and sizes:
        # A small import into the largest database: the near-duplicate index loads
        # every stored signature first, so this costs more than a fresh import.
        source = generated_input(args.more, args.seed + 1)
        results["more"] = _run_child("ours-into", str(source), str(OUT / f"ours-{sizes[-1]}.db"))
        results["more"]["into"] = sizes[-1]
        print(
            f"  {args.more:,} more into {sizes[-1]:,}: {results['more']['seconds']:.2f} s"
            f"  peak {results['more']['peak_mb']:.0f} MB",
            flush=True,
        )
    if args.reads and sizes:
        db = OUT / f"ours-{sizes[-1]}.db"
        results["reads"] = _run_child(
            "reads",
            str(db),
            str(args.reads),
            str(args.accepts),
            str(args.suggestions),
            str(args.seed),
        )
        load, accept = results["reads"]["load"], results["reads"]["accept"]
        print(
            f"  load median {load['median_ms']:.2f} ms p95 {load['p95_ms']:.2f} ms;"
            f" accept median {accept['median_ms']:.2f} ms",
            flush=True,
        )
    (OUT / "bench_import.json").write_text(json.dumps(results, indent=2))
    section = render(results)
    if not args.no_write:
        write_section(section, START, END)
        print(f"updated {REPORT}")
    else:
        print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
