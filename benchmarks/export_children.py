"""The export benchmark's measured runs, each in a process of its own (`bench_export.py`):
building the template database, the exports, the import, the tokenizer baseline, and
the stages each is split into."""

from __future__ import annotations

import random
import resource
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

from bench_agreement import Stages
from common import (
    OUT,
    annotated_template,
    cpu_seconds,
    db_bytes,
    fresh_db,
    machine_busy_seconds,
    peak_mb,
    rss_mb,
    save_profile,
    suggestion_spans,
)

ANNOTATOR = "ana"
SPANS_PER_ARTICLE = 30


def annotator_spans(rng: random.Random, text: str) -> list[Any]:
    """30 spans over words of `text` (`common.suggestion_spans`), as a person's work.

    Without the suggestions' scores; FIGURE spans carry a `value` as the
    recognizers give.
    """
    from annotator.core.records import Span

    return [
        Span(
            s.start,
            s.end,
            s.label,
            {"value": rng.randrange(1, 10_000)} if s.label == "FIGURE" else {},
        )
        for s in suggestion_spans(rng, text, SPANS_PER_ARTICLE)
    ]


def child_prepare(source: Path, template: Path, seed: int) -> dict[str, Any]:
    return annotated_template(
        source, template, seed, lambda rng, text: {ANNOTATOR: annotator_spans(rng, text)}
    )


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
        return timing | {
            "failed": f"MemoryError (address space capped at {max_gb:g} GB)",
            "stages": dict(stages.seconds),
        }
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

    stages.wrap_iter(
        importing,
        "_prepared",
        "waiting for the worker's articles (read, cleaned, signed: `_prepared`)",
    )
    stages.wrap(
        NearDuplicateIndex,
        "add_signatures",
        "near-duplicates: LSH of the signatures (`NearDuplicateIndex.add_signatures`)",
    )
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
