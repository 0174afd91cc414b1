"""The pre-annotation benchmark's children: what each measuring process runs.

bench_preannotate.py starts each of these in a fresh process: importing the
template database, ours (`preannotate`) and the baseline (`nlp.pipe`) on a
copy of it, both in one process in alternating chunks, and a cProfile of
ours; `_Clock` gives each run's wall and CPU time and the machine's load.
"""

from __future__ import annotations

import hashlib
import resource
import shutil
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

from common import (
    OUT,
    cpu_seconds,
    fresh_db,
    machine_busy_seconds,
    peak_mb,
    rss_mb,
    save_profile,
)

BATCH = 64


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
        preannotate(
            store,
            pipeline=pipeline,
            batch_size=BATCH,
            progress=progress,
            cancelled=lambda: done["n"] >= chunk,
        )

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
