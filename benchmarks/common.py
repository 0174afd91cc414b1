"""What the benchmark scripts share: inputs, children, the machine, the report.

Every benchmark runs its measured work in fresh child processes (so each
run's peak memory and start-up are its own) on a snapshot of `annotator/`
(others may edit the package while a long run goes on), describes the machine
it ran on, and rewrites only its own section of BENCHMARKS.md, between its
markers.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import platform
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import generate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
REPORT = ROOT / "BENCHMARKS.md"

INTRO = """\
# Benchmarks

Measured numbers for Annotator on a synthetic French news corpus
(`benchmarks/generate.py`: sentences of the sample articles cut at their
commas and recombined, about 400 words an article, 1% lightly edited copies).
Each section is written by the script named in it; rerun the script to update
its section. How to run them: `benchmarks/README.md`.
"""


# -- measuring inside a child -----------------------------------------------------------


def peak_mb() -> float:
    """This process's peak resident memory so far (ru_maxrss)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    """CPU time of this process (or of its waited-for children) so far.

    Close to wall time unless the machine is busy with something else.
    """
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def machine_busy_seconds() -> float:
    """CPU seconds every core of the machine has spent busy since boot (/proc/stat).

    Subtracting our own CPU time from its growth over a run tells how much
    the rest of the machine worked meanwhile; NaN where /proc/stat is missing.
    """
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return float("nan")
    ticks = [int(f) for f in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    # guest time is already counted in user time
    busy = sum(ticks[:8]) - idle
    return busy / os.sysconf("SC_CLK_TCK")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def annotated_template(
    source: Path,
    template: Path,
    seed: int,
    versions: Callable[[random.Random, str], dict[str, list[Any]]],
) -> dict[str, Any]:
    """Import `source` into a fresh `template` database, then store each annotator's spans
    of every article, `versions(rng, text)` -> {annotator: spans}, `rng` seeded by
    (seed, article id) so the same input gives the same spans."""
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
                    for name, spans in versions(rng, text).items():
                        stored += store.annotations.import_spans(name, article_id, spans)
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


def fresh_db(db: Path) -> None:
    """Remove a database and its WAL files."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def db_bytes(db: Path) -> int:
    return sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists())


def ms_stats(samples_ns: Sequence[int]) -> dict[str, float]:
    """Median, p95 and max in milliseconds of durations in nanoseconds."""
    ms = sorted(s / 1e6 for s in samples_ns)
    return {
        "n": len(ms),
        "median_ms": statistics.median(ms),
        "p95_ms": ms[max(0, round(0.95 * len(ms)) - 1)],
        "max_ms": ms[-1],
    }


def suggestion_spans(rng: random.Random, text: str, count: int) -> list[Any]:
    """`count` spans over words of `text`, spread at random, labels mixed, none overlapping.

    Spans start and end on word characters, never on white space; about a
    third cover two words ("Igor Konachenkov"), and half carry a score.
    Words are picked at even positions so a two-word span never reaches the
    next pick: asking for N gives N (as long as the text has 2N words).
    """
    from annotator.core.records import LABELS, Span

    words = [m.span() for m in re.finditer(r"\w+(?:[-’']\w+)*", text)]
    slots = range(0, len(words) - 1, 2)
    spans = []
    for i in sorted(rng.sample(slots, min(count, len(slots)))):
        start, end = words[i]
        if rng.random() < 0.3:
            end = words[i + 1][1]
        attrs = {"score": round(rng.uniform(0.5, 1.0), 3)} if rng.random() < 0.5 else {}
        spans.append(Span(start, end, rng.choice(LABELS), attrs))
    return spans


# -- the parent: inputs, code snapshot, children ------------------------------------------


def generated_input(size: int, seed: int = 0) -> Path:
    """The generated JSON Lines file of `size` articles, made once and kept in out/."""
    # Named after the generator's source too, so a changed generator makes new files.
    version = hashlib.sha256(Path(generate.__file__).read_bytes()).hexdigest()[:8]
    path = OUT / f"synthetic-{size}-seed{seed}-{version}.jsonl"
    if not path.exists():
        began = time.perf_counter()
        generate.write_jsonl(size, path, seed)
        print(f"  generated {path.name} in {time.perf_counter() - began:.1f} s", flush=True)
    return path


def snapshot_code(target: Path) -> str:
    """Copy annotator/ to target/annotator so every child runs the same code.

    Others may change the package while a long run goes on: without the copy,
    runs made later would measure different code from runs made earlier. The
    sample corpus and resources are linked beside it, where the package looks
    for them. Returns a fingerprint of the copied sources.
    """
    package = target / "annotator"
    if package.exists():
        shutil.rmtree(package)
    shutil.copytree(ROOT / "annotator", package, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("corpus", "resources"):
        link = target / name
        if not link.exists():
            link.symlink_to(ROOT / name, target_is_directory=True)
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(target).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def run_child(
    script: Path, code: Path, *args: str, env: dict[str, str] | None = None, check: bool = True
) -> dict[str, Any]:
    """Run `script --child args...` in a fresh interpreter on the code snapshot.

    The child prints one JSON object as its last line of output. With
    check=False a child that fails gives {"returncode", "stdout", "stderr"}
    instead of stopping the benchmark.
    """
    environ = dict(os.environ) | (env or {})
    path = str(code) if (code / "annotator").exists() else str(ROOT)
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [path, environ.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, str(script), "--child", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 and not check:
        return {"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"child {args[0]} failed with exit code {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> dict[str, Any]:
    """The machine, the software and the commit a benchmark ran on."""

    def meminfo_gb() -> float:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024**2
        return float("nan")

    cpu = platform.processor()
    if Path("/proc/cpuinfo").exists():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "annotator"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if dirty:
            commit += " with uncommitted changes to annotator/"
    except (OSError, subprocess.CalledProcessError):
        commit = "none"
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "ram_gb": round(meminfo_gb(), 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "commit": commit,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def measured_on(m: dict[str, Any], command: str) -> str:
    """The "Measured ... on ..." sentence that opens a section."""
    return (
        f"Measured {m['date']} on {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM,"
        f" {m['os']}, Python {m['python']}, SQLite {m['sqlite']}; code: commit {m['commit']}"
        f" (annotator/*.py fingerprint {m['code']}). Command: `{command}`."
    )


# -- the report --------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


@contextmanager
def _locked(path: Path):  # type: ignore[no-untyped-def]
    """Keep two benchmarks finishing together from losing each other's section."""
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / f".{path.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def write_section(
    section: str, start: str, end: str, path: Path = REPORT, after: Sequence[str] = ()
) -> None:
    """Put `section` (which begins with `start` and ends with `end`) into the report.

    It replaces what lies between the markers; a new section goes right after
    the first of the `after` markers found, else at the end. Nothing else of
    the file changes.
    """
    with _locked(path):
        text = path.read_text(encoding="utf-8") if path.exists() else INTRO
        if start in text and end in text:
            head, rest = text.split(start, 1)
            tail = rest.split(end, 1)[1]
            text = head + section + tail
        else:
            anchor = next((a for a in after if a in text), None)
            if anchor is None:
                text = text.rstrip("\n") + "\n\n" + section + "\n"
            else:
                head, tail = text.split(anchor, 1)
                text = head + anchor + "\n\n" + section + tail
        path.write_text(text, encoding="utf-8")


def save_profile(profiler: Any, path: Path, top: int) -> dict[str, Any]:
    """A cProfile's `top` functions by own time, then by cumulative time, written to `path`."""
    import io
    import pstats

    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    path.write_text(text.getvalue())
    return {"profile": str(path)}


def run_on_snapshot(folder: Path, run: Callable[[str], int]) -> int:
    """`run(code)` while the children import a copy of annotator/ in `folder` (removed after),
    so that editing the tree during a long benchmark changes nothing it measures."""
    OUT.mkdir(parents=True, exist_ok=True)
    code = snapshot_code(folder)
    try:
        return run(code)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
