"""Random rows in another database never reach ours unchecked (issue #13, case 2).

Hypothesis puts random annotation and article rows (offsets of any type,
any labels, any text as attributes or metadata) into a real database, as a
hostile tool could; merging it must never raise anything but a named
refusal, and everything stored must hold: offsets inside the text, labels
the exports can write, attributes JSON objects, a sound file whose JSONL
export parses.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.exporters import export_jsonl
from annotator.core.records import LABELS, label_problem
from annotator.core.store import Store
from annotator.core.store.merge import merge
from tests.core.test_hostile_merge import laptop

offsets = st.one_of(
    st.integers(-3, 3000), st.text(max_size=3), st.floats(allow_nan=False)
)
labels = st.one_of(st.sampled_from(LABELS), st.text(max_size=8), st.integers(-9, 9))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
attrs = st.one_of(
    st.text(max_size=20),
    json_values.map(json.dumps),
    st.fixed_dictionaries(
        {"value": json_values, "qualifier": st.sampled_from(["exact", "range", "x"])}
    ).map(json.dumps),
)
rows = st.lists(st.tuples(offsets, offsets, labels, attrs), min_size=1, max_size=6)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=rows, meta=st.one_of(st.text(max_size=10), json_values.map(json.dumps)))
def test_random_rows_never_reach_our_store_unchecked(
    tmp_path_factory, rows: list, meta: str
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    theirs, mine = folder / "theirs.db", folder / "mine.db"
    shutil.copy(_base(tmp_path_factory), theirs)
    with closing(sqlite3.connect(theirs)) as conn:
        conn.execute("PRAGMA ignore_check_constraints=ON")
        article, annotator = conn.execute(
            "SELECT article_id, annotator_id FROM annotations LIMIT 1"
        ).fetchone()
        conn.executemany(
            'INSERT INTO annotations (article_id, annotator_id, start, "end", label, attrs,'
            " origin, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'manual', 'x', 'x')",
            [(article, annotator, *row) for row in rows],
        )
        conn.execute("UPDATE articles SET meta = ? WHERE id != ?", [meta, article])
        conn.commit()

    with Store.open(mine) as store:
        merge(store, theirs)  # refusals are reported, never raised
        assert store.integrity_check() == []
        texts = {i: store.articles.get(i).text for i in store.articles.ids()}
        for article_id, start, end, label, stored in store.db.execute(
            'SELECT article_id, start, "end", label, attrs FROM annotations'
        ):
            assert isinstance(start, int) and isinstance(end, int)
            assert 0 <= start < end <= len(texts[article_id])
            assert label_problem(label) is None
            assert isinstance(json.loads(stored), dict)
        out = folder / "out.jsonl"
        # Alice is here only if some work of hers came in (her refused work's events do not).
        names = {a.name for a in store.annotators.list()}
        export_jsonl(store, out, source="alice" if "alice" in names else "gold", status="all")
        for line in out.read_text(encoding="utf-8").splitlines():
            json.loads(line)


_BASE: list[Path] = []


def _base(factory) -> Path:  # type: ignore[no-untyped-def]
    """Alice's laptop, made once for all the examples."""
    if not _BASE:
        path = factory.mktemp("base") / "theirs.db"
        laptop(path)
        _BASE.append(path)
    return _BASE[0]
