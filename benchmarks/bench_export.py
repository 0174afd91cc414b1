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
import shutil
import sys
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
from export_children import (
    SPANS_PER_ARTICLE,
    child_baseline,
    child_export,
    child_import,
    child_prepare,
    child_profile,
)
from export_report import END, KINDS, START, TARGET_SIZE, render

CODE = OUT / "code-export"  # the copy of annotator/ that the children import
SPANS_VERSION = "1"  # change when the spans change, so templates are rebuilt


def _run_child(*args: str) -> dict[str, Any]:
    return run_child(Path(__file__).resolve(), CODE, *args)


def _template(source: Path, seed: int) -> tuple[Path, dict[str, Any]]:
    """The database of `source` with one annotator's spans, built once per input and schema."""
    schema = hashlib.sha256(
        (CODE / "annotator" / "core" / "store" / "schema.py").read_bytes() + SPANS_VERSION.encode()
    ).hexdigest()[:8]
    template = OUT / f"export-{source.stem}-{schema}.db"
    info = template.with_suffix(".json")
    if not (template.exists() and info.exists()):
        print(
            f"  building {template.name} (import + {SPANS_PER_ARTICLE} spans an article)",
            flush=True,
        )
        result = _run_child("prepare", str(source), str(template), str(seed))
        info.write_text(json.dumps(result, indent=2))
        print(
            f"  imported {result['articles']:,} articles in {result['import_seconds']:.1f} s,"
            f" stored {result['spans']:,} spans in {result['spans_seconds']:.1f} s",
            flush=True,
        )
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
        return {
            "failed": f"exit code {result['returncode']}: {tail[0][:200]}",
            "seconds": float("nan"),
            "cpu_seconds": float("nan"),
            "peak_mb": float("nan"),
        }
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
                print(
                    f"  {size:>7,} {kind:<10} {result['seconds']:7.2f} s"
                    f"  cpu {result['cpu_seconds']:7.2f} s  peak {result['peak_mb']:6.0f} MB"
                    + (f"  FAILED: {result['failed']}" if "failed" in result else ""),
                    flush=True,
                )
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="10000,100000",
        help="comma-separated article counts (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--repeat",
        type=int,
        default=2,
        help="runs up to 10k articles; the fastest counts (default: %(default)s)",
    )
    parser.add_argument(
        "--repeat-large", type=int, default=1, help="runs above 10k articles (default: %(default)s)"
    )
    parser.add_argument(
        "--max-gb",
        type=float,
        default=12.0,
        help="address space cap of each export and import, GB (0: none; default: %(default)s)",
    )
    parser.add_argument("--no-write", action="store_true", help="leave BENCHMARKS.md alone")
    parser.add_argument(
        "--profile",
        choices=("spacy", "jsonl", "import"),
        help="only print a cProfile of one run on 10k articles",
    )
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
