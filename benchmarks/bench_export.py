"""Export benchmark: many annotated articles to a spaCy DocBin and to JSON Lines, and back.

For each size N, a database of N generated articles (`generate.py`, imported
with `import_paths`) where one annotator ("ana") has 30 spans on every article,
marked done (`store.annotations.import_spans`, 500 articles a transaction), is
built once and kept in out/ as a template. Then, each in a fresh process:

* DocBin: `EXPORTERS["spacy"](store, out_dir, source="ana", status="all")`
  (train/dev/test.spacy, tokens of `spacy.blank("fr")`): first on a copy of
  the database with no tokens cached (every article tokenised), then again on
  that copy, tokens cached;
* Prodigy JSONL: `EXPORTERS["prodigy"]`, tokens cached;
* JSON Lines: `EXPORTERS["jsonl"](store, out_file, source="ana", status="all")`;
* import of that JSON Lines file (it carries the spans) into a fresh database:
  `import_paths(store, [out_file], annotator="other")`;
* baseline: spaCy's tokenizer alone on the same texts,
  `spacy.blank("fr").pipe(texts)` consumed (texts read beforehand, untimed).

Each is timed from `Store.open` to the end of the call (the import: to
`store.close()`). Results go to benchmarks/out/bench_export.json and to this
benchmark's section of BENCHMARKS.md.

    python benchmarks/bench_export.py                      # 10k and 100k
    python benchmarks/bench_export.py --sizes 10000 --repeat 3
    python benchmarks/bench_export.py --profile spacy      # or jsonl, import (10k)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from bench_agreement import Stages
from common import (
    OUT,
    REPORT,
    cpu_seconds,
    db_bytes,
    fresh_db,
    generated_input,
    machine,
    machine_busy_seconds,
    measured_on,
    peak_mb,
    rss_mb,
    run_child,
    run_on_snapshot,
    save_profile,
    suggestion_spans,
    verdict,
    write_section,
)

CODE = OUT / "code-export"  # the copy of annotator/ that the children import
START, END = "<!-- bench_export:start -->", "<!-- bench_export:end -->"
ANNOTATOR = "ana"
SPANS_PER_ARTICLE = 30
SPANS_VERSION = "1"  # change when the spans change, so templates are rebuilt

# Targets for 10k articles with ~30 spans each (see BENCHMARKS.md).
TARGET_SIZE = 10_000
TARGET_SECONDS = 2.5
# For scale, not measured by us (figures given in the project brief), 10k articles.
PEERS = {
    "export": {"Label Studio 1.23": 25.0, "doccano 1.8.4": 35.0},
    "import": {"Label Studio 1.23": 22.0, "doccano 1.8.4": 53.0},
}


# -- children: each measured run in its own process -------------------------------------


def annotator_spans(rng: random.Random, text: str) -> list[Any]:
    """30 spans over words of `text` (`common.suggestion_spans`), as a person's work.

    Without the suggestions' scores; FIGURE spans carry a `value` as the
    recognizers give.
    """
    from annotator.core.records import Span

    return [
        Span(s.start, s.end, s.label,
             {"value": rng.randrange(1, 10_000)} if s.label == "FIGURE" else {})
        for s in suggestion_spans(rng, text, SPANS_PER_ARTICLE)
    ]


def child_prepare(source: Path, template: Path, seed: int) -> dict[str, Any]:
    from annotator.core.importing import import_paths
    from annotator.core.store import Store

    fresh_db(template)
    store = Store.open(template)
    started = time.perf_counter()
    report = import_paths(store, [source], format="jsonl", batch_size=500)
    imported = time.perf_counter()
    ids = store.articles.ids()
    stored = 0
    with store.bulk():
        for i in range(0, len(ids), 500):
            # One transaction per 500 articles: import_spans's own transactions join it.
            with store.transaction():
                for article_id, text in store.articles.texts(ids[i : i + 500]):
                    rng = random.Random(f"{seed}:{article_id}")
                    stored += store.annotations.import_spans(
                        ANNOTATOR, article_id, annotator_spans(rng, text)
                    )
    spans_seconds = time.perf_counter() - imported
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return {
        "articles": len(ids),
        "added": len(report.added),
        "import_seconds": imported - started,
        "spans": stored,
        "spans_seconds": spans_seconds,
        "db_bytes": db_bytes(template),
    }


class _Clock:
    """Wall and CPU time of a run, and how busy the rest of the machine was meanwhile."""

    def __init__(self) -> None:
        self.rss_before = rss_mb()
        self.busy, self.cpu = machine_busy_seconds(), cpu_seconds()
        self.began = time.perf_counter()

    def stop(self) -> dict[str, Any]:
        seconds = time.perf_counter() - self.began
        cpu = cpu_seconds() - self.cpu
        return {
            "seconds": seconds,
            "cpu_seconds": cpu,
            "others_cpu_seconds": machine_busy_seconds() - self.busy - cpu,
            "rss_before_mb": self.rss_before,
            "peak_mb": peak_mb(),
        }


def _bytes(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir())
    return path.stat().st_size


def _limit_memory(max_gb: float) -> None:
    """Cap this process's address space: past it, MemoryError instead of starving others."""
    if max_gb > 0:
        limit = int(max_gb * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


# Stages of each run, in the order shown, with their depth (1: part of the row above).
_ROWS = [
    ("reading the store (`sourced_rows`)", 0),
    ("store: articles", 1),
    ("store: spans", 1),
    ("store: status", 1),
]
_ARRAYS = [
    ("reader thread, alongside the rest: the store (`sourced_rows`)", 0),
    ("store: articles", 1),
    ("store: spans", 1),
    ("token offsets and ORTH ids from the cache (`token_arrays`)", 0),
    ("tokens of a chunk, white space included (`tokens_of`)", 0),
    ("spans placed on tokens (`place`)", 0),
]
STAGES: dict[str, list[tuple[str, int]]] = {
    "spacy_cold": [
        *_ARRAYS,
        ("entity columns (`_entities`)", 0),
        ("span groups (`_group_records`, `one_group_bytes`)", 0),
        ("strings new to a file (`new_strings`)", 0),
        ("user data (`UserData.spans`, `UserData.packed`)", 0),
        ("`DocBinWriter.add_arrays`", 0),
        ("`DocBinWriter.close` (compress, write)", 0),
    ],
    "prodigy": [
        *_ARRAYS,
        ("tokens as JSON text (`_tokens`)", 0),
        ("entities as JSON text (`_spans`)", 0),
        ("the task lines (`_line`)", 0),
    ],
    "jsonl": [
        *_ROWS,
        ("one line (`_line`)", 0),
    ],
    "import": [
        ("waiting for the worker's articles (read, cleaned, signed: `_prepared`)", 0),
        ("near-duplicates: LSH of the signatures (`NearDuplicateIndex.add_signatures`)", 0),
        ("storing the articles, full-text index (`articles.add`)", 0),
        ("storing the spans (`_SpanTarget.store`)", 0),
        ("`import_many` (one transaction a batch)", 1),
        ("`import_spans` (one transaction an article)", 1),
        ("event log (`events.log`)", 1),
    ],
}
STAGES["spacy"] = STAGES["spacy_cold"]


def _export_stages(kind: str, stages: Stages) -> None:
    """Time the parts of an export by wrapping the functions it calls (no profiler)."""
    import annotator.core.store.batches as batches

    stages.wrap(batches, "articles", "store: articles")
    stages.wrap(batches, "annotated", "store: spans")
    stages.wrap(batches, "statuses", "store: status")
    if kind == "jsonl":
        import annotator.core.exporters.jsonl as jsonl

        stages.wrap_iter(jsonl, "sourced_rows", _ROWS[0][0])
        stages.wrap(jsonl, "_line", "one line (`_line`)")
    else:
        import annotator.core.exporters.chunks as chunks
        import annotator.core.exporters.prodigy_jsonl as prodigy
        import annotator.core.exporters.spacy_docbin as docbin

        module = prodigy if kind == "prodigy" else docbin
        keys = [key for key, _ in STAGES[kind]]
        stages.wrap_iter(chunks, "sourced_rows", keys[0])
        stages.wrap(module, "token_arrays", keys[3])
        stages.wrap(module, "tokens_of", keys[4])
        stages.wrap(module, "place", keys[5])
        if kind == "prodigy":
            for i, name in enumerate(("_tokens", "_spans", "_line"), 6):
                stages.wrap(prodigy, name, keys[i])
            return
        stages.wrap(docbin, "_entities", keys[6])
        stages.wrap(docbin, "_group_records", keys[7])
        stages.wrap(docbin, "one_group_bytes", keys[7])
        stages.wrap(docbin._Split, "new_strings", keys[8])
        stages.wrap(docbin.UserData, "spans", keys[9])
        stages.wrap(docbin.UserData, "packed", keys[9])
        stages.wrap(docbin.DocBinWriter, "add_arrays", keys[10])
        stages.wrap(docbin.DocBinWriter, "close", keys[11])


def child_export(kind: str, db: Path, out: Path, max_gb: float = 0) -> dict[str, Any]:
    from annotator.core.exporters.formats import EXPORTERS
    from annotator.core.store import Store

    if out.is_dir():
        shutil.rmtree(out)
    else:
        out.unlink(missing_ok=True)
    exporter = EXPORTERS["spacy" if kind == "spacy_cold" else kind]
    stages = Stages()
    _limit_memory(max_gb)
    _export_stages(kind, stages)
    clock = _Clock()
    store = Store.open(db)
    try:
        report = exporter(store, out, source=ANNOTATOR, status="all")
    except MemoryError:
        timing = clock.stop()
        return timing | {"failed": f"MemoryError (address space capped at {max_gb:g} GB)",
                         "stages": dict(stages.seconds)}
    timing = clock.stop()
    store.close()
    result = timing | {
        "stages": dict(stages.seconds),
        "articles": report.articles,
        "spans_written": sum(report.labels.values()),
        "bytes": _bytes(out),
        "files": [p.name for p in report.files],
    }
    if kind in ("spacy", "spacy_cold"):
        result |= {
            "misaligned": len(report.misaligned),
            "overlapping": len(report.overlapping),
            "splits": report.splits,
        }
    return result


def _import_stages(stages: Stages, store: Any) -> None:
    """Time the parts of `import_paths`, wrapping only what runs once an article or less."""
    import annotator.core.importing as importing
    from annotator.core.neardup import NearDuplicateIndex

    stages.wrap_iter(importing, "_prepared",
                     "waiting for the worker's articles (read, cleaned, signed: `_prepared`)")
    stages.wrap(NearDuplicateIndex, "add_signatures",
                "near-duplicates: LSH of the signatures (`NearDuplicateIndex.add_signatures`)")
    stages.wrap(store.articles, "add", "storing the articles, full-text index (`articles.add`)")
    stages.wrap(importing._SpanTarget, "store", "storing the spans (`_SpanTarget.store`)")
    stages.wrap(store.annotations, "import_many", "`import_many` (one transaction a batch)")
    stages.wrap(store.annotations, "import_spans", "`import_spans` (one transaction an article)")
    stages.wrap(store.events, "log", "event log (`events.log`)")


def child_import(source: Path, db: Path, max_gb: float = 0) -> dict[str, Any]:
    from annotator.core.importing import import_paths
    from annotator.core.store import Store

    fresh_db(db)
    stages = Stages()
    _limit_memory(max_gb)
    clock = _Clock()
    store = Store.open(db)
    _import_stages(stages, store)
    report = import_paths(store, [source], annotator="other")
    store.close()
    timing = clock.stop()
    result = timing | {
        "stages": dict(stages.seconds),
        "articles": len(report.added),
        "spans": report.spans,
        "duplicates": len(report.duplicates),
        "problems": [str(p) for p in report.problems[:5]],
        "db_bytes": db_bytes(db),
    }
    fresh_db(db)
    return result


def child_baseline(db: Path) -> dict[str, Any]:
    """spaCy's French tokenizer alone over the same texts, read first (not timed)."""
    conn = sqlite3.connect(db)
    texts = [r[0] for r in conn.execute("SELECT text FROM articles ORDER BY seq")]
    conn.close()
    clock = _Clock()
    import spacy

    imported = time.perf_counter()
    nlp = spacy.blank("fr")
    made = time.perf_counter()
    tokens = 0
    for doc in nlp.pipe(texts):
        tokens += len(doc)
    timing = clock.stop()
    return timing | {
        "import_seconds": imported - clock.began,
        "blank_seconds": made - imported,
        "pipe_seconds": time.perf_counter() - made,
        "articles": len(texts),
        "tokens": tokens,
    }


def child_profile(kind: str, db: Path, out: Path, top: int) -> dict[str, Any]:
    import cProfile

    from annotator.core.exporters.formats import EXPORTERS
    from annotator.core.importing import import_paths
    from annotator.core.store import Store

    profiler = cProfile.Profile()
    if kind == "import":
        target = OUT / "export-profile-import.db"
        fresh_db(target)
        store = Store.open(target)
        profiler.enable()
        import_paths(store, [out], annotator="other")
        profiler.disable()
        store.close()
        fresh_db(target)
    else:
        store = Store.open(db)
        profiler.enable()
        EXPORTERS[kind](store, out, source=ANNOTATOR, status="all")
        profiler.disable()
        store.close()
    return save_profile(profiler, OUT / f"profile-export-{kind}.txt", top)


# -- parent ---------------------------------------------------------------------------


def _run_child(*args: str) -> dict[str, Any]:
    return run_child(Path(__file__).resolve(), CODE, *args)


def _template(source: Path, seed: int) -> tuple[Path, dict[str, Any]]:
    """The database of `source` with one annotator's spans, built once per input and schema."""
    schema = hashlib.sha256(
        (CODE / "annotator" / "core" / "store" / "schema.py").read_bytes()
        + SPANS_VERSION.encode()
    ).hexdigest()[:8]
    template = OUT / f"export-{source.stem}-{schema}.db"
    info = template.with_suffix(".json")
    if not (template.exists() and info.exists()):
        print(f"  building {template.name} (import + {SPANS_PER_ARTICLE} spans an article)",
              flush=True)
        result = _run_child("prepare", str(source), str(template), str(seed))
        info.write_text(json.dumps(result, indent=2))
        print(f"  imported {result['articles']:,} articles in {result['import_seconds']:.1f} s,"
              f" stored {result['spans']:,} spans in {result['spans_seconds']:.1f} s", flush=True)
    return template, json.loads(info.read_text())


def _best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    done = [r for r in runs if "failed" not in r] or runs
    best = min(done, key=lambda r: r["seconds"])
    return best | {"all_seconds": [r["seconds"] for r in runs]}


def _attempt(*args: str) -> dict[str, Any]:
    """A child run; one that dies (killed, out of memory) is reported, not fatal."""
    result = run_child(Path(__file__).resolve(), CODE, *args, check=False)
    if "returncode" in result:
        tail = (result["stderr"] or "").strip().splitlines()[-1:] or [""]
        return {"failed": f"exit code {result['returncode']}: {tail[0][:200]}",
                "seconds": float("nan"), "cpu_seconds": float("nan"), "peak_mb": float("nan")}
    return result


def run(args: argparse.Namespace, code: str) -> int:
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    if args.profile:
        source = generated_input(TARGET_SIZE, args.seed)
        template, _ = _template(source, args.seed)
        if args.profile == "import":
            out = OUT / f"export-{TARGET_SIZE}.jsonl"
            _run_child("export", "jsonl", str(template), str(out), "0")
        else:
            out = OUT / f"export-{TARGET_SIZE}{'' if args.profile == 'spacy' else '.jsonl'}"
        result = _run_child("profile", args.profile, str(template), str(out), "35")
        print(Path(result["profile"]).read_text())
        if out.is_dir():
            shutil.rmtree(out)
        else:
            out.unlink(missing_ok=True)
        return 0

    results: dict[str, Any] = {
        "machine": machine() | {"code": code},
        "command": " ".join(["python benchmarks/bench_export.py", *args.argv]),
        "max_gb": args.max_gb,
        "sizes": [],
    }
    print(json.dumps(results["machine"]), flush=True)
    cap = str(args.max_gb)
    for size in sizes:
        source = generated_input(size, args.seed)
        template, prepared = _template(source, args.seed)
        folder, jsonl = OUT / f"export-{size}", OUT / f"export-{size}.jsonl"
        prodigy = OUT / f"export-{size}.prodigy.jsonl"
        imported = OUT / f"export-import-{size}.db"
        repeat = args.repeat if size <= TARGET_SIZE else args.repeat_large
        runs: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
        load_before = os.getloadavg()[0]
        warm = OUT / f"export-warm-{size}.db"
        for _ in range(repeat):
            for kind in ("baseline", "spacy_cold", "spacy", "prodigy", "jsonl", "import"):
                if kind == "baseline":
                    result = _attempt("baseline", str(template))
                elif kind == "import":
                    if not jsonl.exists():
                        continue
                    result = _attempt("import", str(jsonl), str(imported), cap)
                elif kind == "spacy_cold":
                    # A copy of the template, whose token cache is empty (not timed); the
                    # export fills it, and the warm runs use that copy.
                    fresh_db(warm)
                    shutil.copyfile(template, warm)
                    result = _attempt("export", kind, str(warm), str(folder), cap)
                else:
                    out = {"spacy": folder, "prodigy": prodigy}.get(kind, jsonl)
                    result = _attempt("export", kind, str(warm), str(out), cap)
                runs[kind].append(result)
                print(f"  {size:>7,} {kind:<10} {result['seconds']:7.2f} s"
                      f"  cpu {result['cpu_seconds']:7.2f} s  peak {result['peak_mb']:6.0f} MB"
                      + (f"  FAILED: {result['failed']}" if "failed" in result else ""),
                      flush=True)
        fresh_db(warm)
        prodigy.unlink(missing_ok=True)
        row = {kind: _best(r) for kind, r in runs.items() if r}
        row |= {"size": size, "prepared": prepared, "load_before": load_before}
        results["sizes"].append(row)
        shutil.rmtree(folder, ignore_errors=True)
        jsonl.unlink(missing_ok=True)
        fresh_db(imported)
        (OUT / "bench_export.json").write_text(json.dumps(results, indent=2))
    section = render(results)
    if args.no_write:
        print(section)
    else:
        write_section(section, START, END)
        print(f"updated {REPORT}")
    return 0


# -- the report -------------------------------------------------------------------------

KINDS = ("spacy_cold", "spacy", "prodigy", "jsonl", "import", "baseline")
NAMES = {
    "spacy_cold": "Export DocBin (`spacy`), first time: tokens not cached",
    "spacy": "Export DocBin (`spacy`), tokens cached",
    "prodigy": "Export Prodigy JSONL (`prodigy`), tokens cached",
    "jsonl": "Export JSONL (`jsonl`)",
    "import": "Import that JSONL with its spans",
    "baseline": 'Baseline: `spacy.blank("fr").pipe(texts)`',
}
def _row(n: int, spans: int, kind: str, r: dict[str, Any], base: float) -> str:
    every = ", ".join(f"{x:.2f}" for x in r["all_seconds"])
    target = peers = ""
    if kind != "baseline" and n == TARGET_SIZE:
        peer = PEERS["import" if kind == "import" else "export"]
        peers = "; ".join(f"{name} {sec:.0f} s" for name, sec in peer.items())
        ok = "failed" not in r and r["seconds"] < TARGET_SECONDS
        target = f"< {TARGET_SECONDS} s: {verdict(ok)}"
    if "failed" in r:
        where = [stage for stage, depth in STAGES.get(kind, []) if depth == 0
                 and stage in r.get("stages", {})]
        inside = f" in {where[-1]}" if where else ""
        return (f"| {n:,} | {NAMES[kind]} | **did not finish**: {r['failed']}{inside}, after"
                f" {r['seconds']:.0f} s | {every} | | | | {r['cpu_seconds'] / r['seconds']:.0%}"
                f" | {r['peak_mb']:,.0f} MB (when it failed) | {target} | {peers} |")
    s = r["seconds"]
    ratio = f"{s / base:.2f}×" if kind != "baseline" else "1×"
    span_rate = f"{spans / s:,.0f}" if kind != "baseline" else ""
    return (
        f"| {n:,} | {NAMES[kind]} | {s:.2f} s | {every} | {n / s:,.0f} | {span_rate} | {ratio}"
        f" | {r['cpu_seconds'] / s:.0%} | {r['peak_mb']:,.0f} MB | {target} | {peers} |"
    )


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    rows = results["sizes"]
    lines = [
        START,
        "## Export (`benchmarks/bench_export.py`)",
        "",
        measured_on(m, results["command"]),
        "",
        "A database of N generated articles where one annotator has 30 spans on every article"
        " (a third of them two words long, labels mixed, FIGURE spans with a `value`), marked"
        " done. Each run is a fresh process, timed from `Store.open` to the end of the call."
        ' *DocBin*: `EXPORTERS["spacy"](store, folder, source="ana", status="all")`: the'
        ' tokens of `spacy.blank("fr")`, entities, the span group and the exact spans in'
        " `user_data`, split train/dev/test, written a Doc at a time. *First time*: on a"
        " copy of the database whose token cache is empty, so every article goes through"
        " spaCy's tokenizer (and into the cache), as on a corpus never pre-annotated nor"
        " exported; *tokens cached*: the same export again on that copy, as after"
        " `annotator preannotate` (which keeps the tokens it makes) or any earlier token"
        ' export. *Prodigy*: `EXPORTERS["prodigy"]`, tasks with `tokens` and token-indexed'
        ' spans, tokens cached. *JSONL*: `EXPORTERS["jsonl"](store, file, source="ana",'
        ' status="all")`, exact character offsets, no tokens. *Import*: that JSONL file (with'
        ' its spans) into a fresh database, `import_paths(store, [file], annotator="other")`'
        " (duplicate and near-duplicate detection, full-text index, the spans stored as the"
        " annotator's work, marked done), until `store.close()`. *Baseline*: spaCy's"
        " tokenizer alone on the same texts (read beforehand, not timed): `import spacy`,"
        ' `spacy.blank("fr")`'
        " and `nlp.pipe(texts)` consumed. *× tokenizer* = our time / the baseline's. The"
        " fastest of the runs counts (every run listed); CPU / wall under 100% means the"
        " machine was busy with something else. Exports and imports ran with their address"
        f" space capped at {results['max_gb']:g} GB, so that one running out of memory fails"
        " alone instead of starving the machine.",
        "",
        "| Articles | Operation | Time | Runs (s) | Articles/s | Spans/s | × tokenizer"
        " | CPU / wall | Peak memory | Target (10k) | Peers, 10k (not measured by us) |",
        "| ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for row in rows:
        n, spans = row["prepared"]["articles"], row["prepared"]["spans"]
        base = row["baseline"]["seconds"]
        lines += [_row(n, spans, kind, row[kind], base) for kind in KINDS if kind in row]
    focus = next((r for r in rows if r["size"] == TARGET_SIZE), rows[0])
    lines += [
        "",
        f"Where the time goes, {focus['prepared']['articles']:,} articles (the fastest run of"
        " each; from wrapping the functions each calls, no profiler; an indented stage is part"
        " of the one above it):",
        "",
        "| Operation | Stage | Time | Share |",
        "| --- | --- | ---: | ---: |",
    ]
    for kind in ("spacy_cold", "spacy", "prodigy", "jsonl", "import"):
        r = focus.get(kind)
        if not r or "failed" in r:
            continue
        top = 0.0
        for stage, depth in STAGES[kind]:
            if stage not in r["stages"]:
                continue
            sec = r["stages"][stage]
            # the reader thread runs alongside: its time is not part of the rest's
            top += sec if depth == 0 and not stage.startswith("reader thread") else 0.0
            name = "&nbsp;&nbsp;&nbsp;&nbsp;" * depth + stage
            lines.append(f"| {NAMES[kind]} | {name} | {sec:.2f} s | {sec / r['seconds']:.0%} |")
        rest = r["seconds"] - top
        what = "`Store.open`, the loop, closing" if kind == "import" else "`Store.open`, the loop"
        if kind == "jsonl":
            what += ", writing the file"
        lines.append(f"| {NAMES[kind]} | the rest ({what}) | {rest:.2f} s"
                     f" | {rest / r['seconds']:.0%} |")
        lines.append(f"| {NAMES[kind]} | **whole run** | {r['seconds']:.2f} s | 100% |")
    lines += ["", "Details:", ""]
    for row in rows:
        n, prep = row["prepared"]["articles"], row["prepared"]
        sp, js, im, ba = (row.get(k, {}) for k in ("spacy", "jsonl", "import", "baseline"))
        parts = [f"- {n:,} articles, {prep['spans']:,} spans:"]
        if sp and "failed" not in sp:
            splits = ", ".join(f"{k} {v:,}" for k, v in sp["splits"].items())
            parts.append(
                f"the DocBin files weigh {sp['bytes'] / 1e6:,.1f} MB ({splits} articles;"
                f" {sp['spans_written']:,} entities, {sp['misaligned']:,} spans widened to"
                f" whole tokens, {sp['overlapping']:,} left out as overlapping);"
            )
        if js and "failed" not in js:
            parts.append(f"the JSONL file {js['bytes'] / 1e6:,.1f} MB"
                         f" ({js['spans_written']:,} spans);")
        if im and "failed" not in im:
            parts.append(f"the import stored {im['articles']:,} articles and {im['spans']:,}"
                         f" spans ({len(im['problems'])} problems) into"
                         f" {im['db_bytes'] / 1e6:,.0f} MB.")
        if ba and "failed" not in ba:
            parts.append(f"Baseline: {ba['tokens']:,} tokens; `import spacy`"
                         f" {ba['import_seconds']:.2f} s, `spacy.blank(\"fr\")`"
                         f" {ba['blank_seconds']:.2f} s, `pipe` {ba['pipe_seconds']:.2f} s.")
        parts.append(
            f"Building the database (not timed above): import {prep['import_seconds']:.1f} s,"
            f" `import_spans` {prep['spans_seconds']:.1f} s"
            f" ({prep['spans'] / prep['spans_seconds']:,.0f} spans/s, 500 articles a"
            " transaction)."
        )
        lines.append(" ".join(parts))
    done = [r for r in rows if "spacy" in r and "failed" not in r["spacy"]]
    failed = [r for r in rows if "spacy" in r and "failed" in r["spacy"]]
    if done and failed:
        ok, bad = done[-1], failed[0]
        linear = ok["spacy"]["peak_mb"] / 1024 * bad["size"] / ok["size"]
        where = [stage for stage, depth in STAGES["spacy"] if depth == 0
                 and stage in bad["spacy"].get("stages", {})]
        lines += [
            "",
            f"The DocBin export of {bad['prepared']['articles']:,} articles ran out of memory"
            f" (in {where[-1] if where else '?'}) under the {results['max_gb']:g} GB cap;"
            f" at {ok['prepared']['articles']:,} articles it peaked at"
            f" {ok['spacy']['peak_mb'] / 1024:,.1f} GB; growing linearly it would need about"
            f" {linear:,.0f} GB.",
        ]
    first = next(
        (r[k] for r in rows for k in ("jsonl", "import") if k in r and "failed" not in r[k]),
        None,
    )
    if first:
        lines += ["", "Peak memory is the child's `ru_maxrss`, which includes the interpreter"
                  f" with its modules ({first['rss_before_mb']:.0f} MB before the export starts)."]
    lines.append(END)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="comma-separated article counts (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=2,
                        help="runs up to 10k articles; the fastest counts (default: %(default)s)")
    parser.add_argument("--repeat-large", type=int, default=1,
                        help="runs above 10k articles (default: %(default)s)")
    parser.add_argument("--max-gb", type=float, default=12.0,
                        help="address space cap of each export and import, GB (0: none;"
                             " default: %(default)s)")
    parser.add_argument("--no-write", action="store_true", help="leave BENCHMARKS.md alone")
    parser.add_argument("--profile", choices=("spacy", "jsonl", "import"),
                        help="only print a cProfile of one run on 10k articles")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else argv

    if args.child:
        kind, *rest = args.child
        if kind == "prepare":
            result = child_prepare(Path(rest[0]), Path(rest[1]), int(rest[2]))
        elif kind == "export":
            result = child_export(rest[0], Path(rest[1]), Path(rest[2]), float(rest[3]))
        elif kind == "import":
            result = child_import(Path(rest[0]), Path(rest[1]), float(rest[2]))
        elif kind == "baseline":
            result = child_baseline(Path(rest[0]))
        elif kind == "profile":
            result = child_profile(rest[0], Path(rest[1]), Path(rest[2]), int(rest[3]))
        else:
            raise SystemExit(f"unknown child {kind}")
        print(json.dumps(result))
        return 0

    return run_on_snapshot(CODE, lambda code: run(args, code))


if __name__ == "__main__":
    sys.exit(main())
