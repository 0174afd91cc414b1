"""Agreement benchmark: every measure over 10k articles finished by 3 annotators.

A database of N generated articles (`generate.py`, imported with
`import_paths`) gets three annotators' work on every article, each marked
done (`store.annotations.import_spans`, 500 articles a transaction): ~30
spans each, most shared, some with a shifted boundary, another label,
missing, or extra (see `team_versions`). That database is built once and kept
in out/ as a template; every measured run works on a fresh copy of it.

Measured, each in a fresh process:

* first run: `Store.open`, `from annotator.core.team_agreement import
  team_agreement`, `team_agreement(store)` (tokenizes every article with
  spaCy's French tokenizer and caches the offsets in the store), then
  `report.to_json()`; on a fresh copy of the template;
* warm run: the same on the database the first run left (offsets cached);
* `annotator agreement --json --db DB` as a subprocess, first and warm;
* baseline: scikit-learn's `cohen_kappa_score` for the 3 pairs and the
  `krippendorff` package's nominal alpha, on the very token label arrays our
  token measures use (built untimed from the warm database).

The stages of `team_agreement` are timed by wrapping the functions it calls
(store reading, tokenizing, the measures one by one); `--profile` prints a
cProfile instead. Results go to benchmarks/out/bench_agreement.json and to this
benchmark's section of BENCHMARKS.md.

    python benchmarks/bench_agreement.py                 # 10k articles × 3 annotators
    python benchmarks/bench_agreement.py --size 1000 --repeat 1 --no-write
    python benchmarks/bench_agreement.py --profile warm   # or: first
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agreement_data import ANNOTATORS, SPANS_VERSION, team_versions
from agreement_report import END, MEASURE_STAGES, START, TARGET_SIZE, render
from common import (
    OUT,
    REPORT,
    annotated_template,
    cpu_seconds,
    fresh_db,
    generated_input,
    machine,
    machine_busy_seconds,
    peak_mb,
    rss_mb,
    run_child,
    run_on_snapshot,
    save_profile,
    write_section,
)

CODE = OUT / "code-agreement"  # the copy of annotator/ that the children import


# -- children: each measured run in its own process -------------------------------------


def child_prepare(source: Path, template: Path, seed: int) -> dict[str, Any]:
    kinds: Counter = Counter()
    result = annotated_template(
        source, template, seed, lambda rng, text: team_versions(rng, text, kinds=kinds)
    )
    return result | {
        "article_annotations": result["articles"] * len(ANNOTATORS),
        "kinds": dict(kinds),
    }


class Stages:
    """Wall time spent in chosen functions, by wrapping them where they are looked up."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, owner: Any, name: str, key: str | None = None) -> None:
        """Time calls of `owner.name` under `key`; nothing when the code has no such name."""
        original: Callable[..., Any] | None = getattr(owner, name, None)
        if original is None:
            return
        key = key or name

        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[key] += time.perf_counter() - began

        setattr(owner, name, timed)

    def wrap_iter(self, owner: Any, name: str, key: str | None = None) -> None:
        """The same for a generator function: the time spent producing each item."""
        original: Callable[..., Any] | None = getattr(owner, name, None)
        if original is None:
            return
        key = key or name

        def timed(*args: Any, **kwargs: Any) -> Any:
            items = original(*args, **kwargs)
            while True:
                began = time.perf_counter()
                try:
                    item = next(items)
                except StopIteration:
                    return
                finally:
                    self.seconds[key] += time.perf_counter() - began
                yield item

        setattr(owner, name, timed)


def child_ours(db: Path) -> dict[str, Any]:
    from annotator.core.store import Store

    rss_before = rss_mb()
    busy, cpu = machine_busy_seconds(), cpu_seconds()
    stages = Stages()
    started = time.perf_counter()
    store = Store.open(db)
    opened = time.perf_counter()
    import annotator.core.team_agreement as team

    imported = time.perf_counter()
    import annotator.core.agreement.report as measures
    import annotator.core.token_cache as token_cache

    stages.wrap(token_cache, "tokenizer_name")
    for name in ("default_annotators", "finished_by_all", "article_tokens", "agreement"):
        stages.wrap(team, name)
    stages.wrap(store, "spans_by_article")
    stages.wrap(store.articles, "tokens", "read cached token offsets")
    stages.wrap(store.articles, "save_tokens", "save token offsets")
    for name in MEASURE_STAGES:
        stages.wrap(measures, name)
    cached_before = store.db.execute("SELECT count(*) FROM article_tokens").fetchone()[0]
    report = team.team_agreement(store)
    computed = time.perf_counter()
    data = report.to_json()
    jsoned = time.perf_counter()
    cpu = cpu_seconds() - cpu
    others = machine_busy_seconds() - busy - cpu
    peak = peak_mb()
    text = json.dumps(data, ensure_ascii=False, indent=1)  # what the CLI prints, for scale
    dumped = time.perf_counter()
    store.close()
    tokens = report.tokens
    pairs = [(a, b) for i, a in enumerate(ANNOTATORS) for b in ANNOTATORS[i + 1 :]]
    return {
        "seconds": jsoned - started,  # open + import + team_agreement + to_json
        "open_seconds": opened - started,
        "import_seconds": imported - opened,
        "team_agreement_seconds": computed - imported,
        "to_json_seconds": jsoned - computed,
        "dumps_seconds": dumped - jsoned,
        "json_bytes": len(text.encode()),
        "cpu_seconds": cpu,
        "others_cpu_seconds": others,
        "stages": dict(stages.seconds),
        "cached_before": cached_before,
        "articles": len(report.articles),
        "tokens": tokens.tokens,
        "labels": list(report.labels),
        "cohen_kappa": {f"{a}-{b}": tokens.kappa(a, b) for a, b in pairs},
        "fleiss_kappa": tokens.fleiss_kappa,
        "krippendorff_alpha": tokens.krippendorff_alpha,
        "strict_f1": {f"{a}-{b}": report.span_scores(a, b).micro.f1 for a, b in pairs},
        "lenient_f1": {f"{a}-{b}": report.span_scores(a, b, "lenient").micro.f1 for a, b in pairs},
        "unitizing_alpha": report.unitizing.alpha,
        "disagreements": len(data["disagreements"]),
        "rss_before_mb": rss_before,
        "peak_mb": peak,
    }


def child_cli(db: Path, out: Path) -> dict[str, Any]:
    """`annotator agreement --json` in its own process: wall time, CPU and peak memory."""
    command = [sys.executable, "-m", "annotator", "agreement", "--json", "--db", str(db)]
    errors = out.with_suffix(".err")
    with out.open("wb") as stream, errors.open("wb") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=stream, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    error = errors.read_text(errors="replace")
    errors.unlink()
    if process.returncode != 0:
        raise SystemExit(f"annotator agreement failed ({process.returncode}): {error}")
    size = out.stat().st_size
    with out.open("rb") as stream:
        head = json.loads(stream.read())
    out.unlink()
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        "json_bytes": size,
        "articles": len(head["articles"]),
        "stderr": error[-500:],
    }


def child_baseline(db: Path) -> dict[str, Any]:
    """The libraries on our token label arrays (built untimed from the warm database)."""
    import krippendorff
    import numpy as np
    from sklearn.metrics import cohen_kappa_score

    from annotator.core.adjudication import finished_by_all
    from annotator.core.agreement import AgreementInput, ArticleInput
    from annotator.core.agreement.coding import coding_agreement
    from annotator.core.agreement.columns import build_corpus
    from annotator.core.agreement.report import collector_paused
    from annotator.core.agreement.tokens import token_labels
    from annotator.core.store import Store
    from annotator.core.token_cache import article_tokens

    store = Store.open(db)
    ids = finished_by_all(store, ANNOTATORS)
    tokens = article_tokens(store, ids)
    spans = store.spans_by_article(ids, ANNOTATORS)
    texts = dict(store.articles.texts(ids))
    store.close()
    data = AgreementInput(tuple(ArticleInput(i, texts[i], tokens[i], spans[i]) for i in ids))
    with collector_paused():
        corpus = build_corpus(data, ANNOTATORS)
    del data, spans, texts, tokens
    codes = {name: token_labels(corpus, name) for name in ANNOTATORS}
    categories = len(corpus.labels) + 1
    rss_before = rss_mb()

    # Ours on the same arrays: the token coefficients alone, for comparison.
    began = time.perf_counter()
    ours, _ = coding_agreement(corpus, codes, categories)
    ours_seconds = time.perf_counter() - began

    out: dict[str, Any] = {"tokens": len(codes[ANNOTATORS[0]]), "rss_before_mb": rss_before}
    kappas: dict[str, float] = {}
    began = time.perf_counter()
    for i, a in enumerate(ANNOTATORS):
        for b in ANNOTATORS[i + 1 :]:
            kappas[f"{a}-{b}"] = float(cohen_kappa_score(codes[a], codes[b]))
    out["sklearn_seconds"] = time.perf_counter() - began
    out["sklearn_cohen_kappa"] = kappas
    reliability = np.stack([codes[name] for name in ANNOTATORS])
    began = time.perf_counter()
    alpha = krippendorff.alpha(
        reliability_data=reliability,
        level_of_measurement="nominal",
        value_domain=list(range(categories)),
    )
    out["krippendorff_seconds"] = time.perf_counter() - began
    out["krippendorff_alpha"] = float(alpha)
    out["ours_token_seconds"] = ours_seconds
    out["ours_cohen_kappa"] = {
        f"{a}-{b}": ours.kappa(a, b) for i, a in enumerate(ANNOTATORS) for b in ANNOTATORS[i + 1 :]
    }
    out["ours_krippendorff_alpha"] = ours.krippendorff_alpha
    out["peak_mb"] = peak_mb()
    return out


def child_profile(db: Path, top: int, label: str) -> dict[str, Any]:
    import cProfile

    from annotator.core.store import Store

    store = Store.open(db)
    profiler = cProfile.Profile()
    profiler.enable()
    from annotator.core.team_agreement import team_agreement

    report = team_agreement(store)
    report.to_json()
    profiler.disable()
    store.close()
    return save_profile(profiler, OUT / f"profile-agreement-{label}.txt", top)


# -- parent ---------------------------------------------------------------------------


def _run_child(*args: str) -> dict[str, Any]:
    return run_child(Path(__file__).resolve(), CODE, *args)


def _copy(template: Path, db: Path) -> None:
    fresh_db(db)
    shutil.copyfile(template, db)


def _template(source: Path, seed: int) -> Path:
    """The database with the three annotators' work, built once per input and schema."""
    schema = hashlib.sha256(
        (CODE / "annotator" / "core" / "store" / "schema.py").read_bytes() + SPANS_VERSION.encode()
    ).hexdigest()[:8]
    template = OUT / f"agreement-{source.stem}-{schema}.db"
    info = template.with_suffix(".json")
    if not (template.exists() and info.exists()):
        print(f"  building {template.name} (import + 3 annotators' spans)", flush=True)
        result = _run_child("prepare", str(source), str(template), str(seed))
        info.write_text(json.dumps(result, indent=2))
        print(
            f"  imported {result['articles']:,} articles in {result['import_seconds']:.1f} s,"
            f" {result['spans']:,} spans for {result['article_annotations']:,}"
            f" article-annotations in {result['spans_seconds']:.1f} s",
            flush=True,
        )
    return template


def _best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    best = min(runs, key=lambda r: r["seconds"])
    return best | {"all_seconds": [r["seconds"] for r in runs]}


def run(args: argparse.Namespace, code: str) -> int:
    source = generated_input(args.size, args.seed)
    template = _template(source, args.seed)
    db = OUT / "agreement-run.db"
    if args.profile:
        _copy(template, db)
        if args.profile == "warm":
            _run_child("ours", str(db))  # fills the token cache
        result = _run_child("profile", str(db), "35", args.profile)
        print(Path(result["profile"]).read_text())
        return 0

    results: dict[str, Any] = {
        "machine": machine() | {"code": code},
        "command": " ".join(["python benchmarks/bench_agreement.py", *args.argv]),
        "size": args.size,
        "prepare": json.loads(template.with_suffix(".json").read_text()),
        "load_before": os.getloadavg()[0],
    }
    print(json.dumps(results["machine"]), flush=True)

    def show(name: str, r: dict[str, Any]) -> None:
        print(
            f"  {name:<10} {r['seconds']:6.2f} s  cpu {r['cpu_seconds']:6.2f} s"
            f"  peak {r['peak_mb']:5.0f} MB",
            flush=True,
        )

    first, warm, cli_first, cli_warm = [], [], [], []
    for _ in range(args.repeat):
        _copy(template, db)
        first.append(_run_child("ours", str(db)))
        show("first", first[-1])
        warm.append(_run_child("ours", str(db)))
        show("warm", warm[-1])
    output = OUT / "agreement-cli.json"
    for _ in range(args.repeat):
        _copy(template, db)
        cli_first.append(_run_child("cli", str(db), str(output)))
        show("cli first", cli_first[-1])
    for _ in range(args.repeat):
        cli_warm.append(_run_child("cli", str(db), str(output)))
        show("cli warm", cli_warm[-1])
    baseline = [_run_child("baseline", str(db)) for _ in range(args.repeat)]
    results["first"], results["warm"] = _best(first), _best(warm)
    results["cli_first"], results["cli_warm"] = _best(cli_first), _best(cli_warm)
    results["baseline"] = min(
        baseline, key=lambda r: r["sklearn_seconds"] + r["krippendorff_seconds"]
    )
    for key in ("sklearn_seconds", "krippendorff_seconds", "ours_token_seconds"):
        results["baseline"][f"best_{key}"] = min(r[key] for r in baseline)
    b = results["baseline"]
    print(
        f"  sklearn 3 pairs {b['best_sklearn_seconds']:.2f} s, krippendorff"
        f" {b['best_krippendorff_seconds']:.2f} s, ours (token coefficients)"
        f" {b['best_ours_token_seconds']:.3f} s",
        flush=True,
    )
    fresh_db(db)
    (OUT / "bench_agreement.json").write_text(json.dumps(results, indent=2))
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
        "--size", type=int, default=TARGET_SIZE, help="articles (default: %(default)s)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--repeat",
        type=int,
        default=2,
        help="runs of each kind; the fastest counts (default: %(default)s)",
    )
    parser.add_argument("--no-write", action="store_true", help="leave BENCHMARKS.md alone")
    parser.add_argument(
        "--profile",
        choices=("first", "warm"),
        help="only print a cProfile of one run (first: tokenizing; warm: cached)",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else argv

    if args.child:
        kind, *rest = args.child
        if kind == "prepare":
            result = child_prepare(Path(rest[0]), Path(rest[1]), int(rest[2]))
        elif kind == "ours":
            result = child_ours(Path(rest[0]))
        elif kind == "cli":
            result = child_cli(Path(rest[0]), Path(rest[1]))
        elif kind == "baseline":
            result = child_baseline(Path(rest[0]))
        elif kind == "profile":
            result = child_profile(Path(rest[0]), int(rest[1]), rest[2])
        else:
            raise SystemExit(f"unknown child {kind}")
        print(json.dumps(result))
        return 0

    return run_on_snapshot(CODE, lambda code: run(args, code))


if __name__ == "__main__":
    sys.exit(main())
