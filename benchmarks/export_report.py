"""The export benchmark's section of BENCHMARKS.md (`bench_export.py`)."""

from __future__ import annotations

from typing import Any

from common import (
    measured_on,
    verdict,
)
from export_children import STAGES

START, END = "<!-- bench_export:start -->", "<!-- bench_export:end -->"
# Targets for 10k articles with ~30 spans each (see BENCHMARKS.md).
TARGET_SIZE = 10_000
TARGET_SECONDS = 2.5
# For scale, not measured by us (figures given in the project brief), 10k articles.
PEERS = {
    "export": {"Label Studio 1.23": 25.0, "doccano 1.8.4": 35.0},
    "import": {"Label Studio 1.23": 22.0, "doccano 1.8.4": 53.0},
}

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
        where = [
            stage
            for stage, depth in STAGES.get(kind, [])
            if depth == 0 and stage in r.get("stages", {})
        ]
        inside = f" in {where[-1]}" if where else ""
        return (
            f"| {n:,} | {NAMES[kind]} | **did not finish**: {r['failed']}{inside}, after"
            f" {r['seconds']:.0f} s | {every} | | | | {r['cpu_seconds'] / r['seconds']:.0%}"
            f" | {r['peak_mb']:,.0f} MB (when it failed) | {target} | {peers} |"
        )
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
        " `user_data`, split train/dev/test, written from arrays 500 articles at a time (no"
        " spaCy Doc is made). *First time*: on a"
        " copy of the database whose token cache is empty, so every article goes through"
        " spaCy's tokenizer (and into the cache), as on a corpus never pre-annotated nor"
        " exported; *tokens cached*: the same export again on that copy, as after"
        " `annotator preannotate` (which keeps the tokens it makes) or any earlier token"
        ' export. *Prodigy*: `EXPORTERS["prodigy"]`, tasks with `tokens` and token-indexed'
        " spans (Prodigy's form: every token a JSON object, so the file is eight times the"
        " JSONL's), tokens cached, from arrays as the DocBin."
        ' *JSONL*: `EXPORTERS["jsonl"](store, file, source="ana",'
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
        lines.append(
            f"| {NAMES[kind]} | the rest ({what}) | {rest:.2f} s | {rest / r['seconds']:.0%} |"
        )
        lines.append(f"| {NAMES[kind]} | **whole run** | {r['seconds']:.2f} s | 100% |")
    lines += ["", "Details:", ""]
    for row in rows:
        n, prep = row["prepared"]["articles"], row["prepared"]
        sp, pr, js, im, ba = (
            row.get(k, {}) for k in ("spacy", "prodigy", "jsonl", "import", "baseline")
        )
        parts = [f"- {n:,} articles, {prep['spans']:,} spans:"]
        if sp and "failed" not in sp:
            splits = ", ".join(f"{k} {v:,}" for k, v in sp["splits"].items())
            parts.append(
                f"the DocBin files weigh {sp['bytes'] / 1e6:,.1f} MB ({splits} articles;"
                f" {sp['spans_written']:,} entities, {sp['misaligned']:,} spans widened to"
                f" whole tokens, {sp['overlapping']:,} left out as overlapping);"
            )
        if pr and "failed" not in pr:
            parts.append(f"the Prodigy file {pr['bytes'] / 1e6:,.1f} MB;")
        if js and "failed" not in js:
            parts.append(
                f"the JSONL file {js['bytes'] / 1e6:,.1f} MB ({js['spans_written']:,} spans);"
            )
        if im and "failed" not in im:
            parts.append(
                f"the import stored {im['articles']:,} articles and {im['spans']:,}"
                f" spans ({len(im['problems'])} problems) into"
                f" {im['db_bytes'] / 1e6:,.0f} MB."
            )
        if ba and "failed" not in ba:
            parts.append(
                f"Baseline: {ba['tokens']:,} tokens; `import spacy`"
                f' {ba["import_seconds"]:.2f} s, `spacy.blank("fr")`'
                f" {ba['blank_seconds']:.2f} s, `pipe` {ba['pipe_seconds']:.2f} s."
            )
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
        where = [
            stage
            for stage, depth in STAGES["spacy"]
            if depth == 0 and stage in bad["spacy"].get("stages", {})
        ]
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
        lines += [
            "",
            "Peak memory is the child's `ru_maxrss`, which includes the interpreter"
            f" with its modules ({first['rss_before_mb']:.0f} MB before the export starts).",
        ]
    lines.append(END)
    return "\n".join(lines)
