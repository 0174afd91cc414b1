"""A database given to `merge` is untrusted input (issue #13, case 2).

Each hostile file is a real Annotator database made by the store, then
altered with sqlite3 as an attacker (or a broken tool) would: a trigger, a
recursive view, bad attributes, offsets, labels, an article too large, a
table missing, a newer schema. Merging it by command must name what it
refuses, store none of it, run none of its code, keep our file sound, and
leave everything that reads the store (the JSONL export, the window's
`documents.load`) working.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from annotator.core.errors import StoreError
from annotator.core.exporters import export_jsonl
from annotator.core.importing import import_paths
from annotator.core.records import Span, Status
from annotator.core.store import Store
from annotator.core.store.merge import merge
from annotator.core.text import article_id
from tests.commands import annotator
from tests.conftest import CORPUS


def run(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """The real command; a hang (the old merge on a recursive view) fails by timeout."""
    return annotator(*args, timeout=timeout)


def laptop(path: Path) -> tuple[str, str]:
    """Alice's laptop: the sample corpus, a LOC and a FIGURE on each article, both done."""
    with Store.open(path) as store:
        import_paths(store, [CORPUS])
        ids = store.articles.ids()
        for article in ids:
            text = store.articles.get(article).text
            at = text.index("russe")
            store.annotations.add("alice", article, Span(at, at + 5, "MISC"))
            number = text.index("13 000") if "13 000" in text else text.index("71.000")
            store.annotations.add("alice", article, Span(number, number + 6, "FIGURE"))
            store.statuses.set("alice", article, Status.DONE)
    return ids[0], ids[1]


def tamper(path: Path, *statements: str) -> None:
    """Change the file as a hostile tool would: CHECK constraints are no guard."""
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(";\n".join(["PRAGMA ignore_check_constraints=ON", *statements]))
        conn.commit()


def ours(tmp_path: Path) -> Path:
    path = tmp_path / "ours.db"
    with Store.open(path) as store:
        import_paths(store, [CORPUS])
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_sound(path: Path, tmp_path: Path) -> None:
    """Our file is whole, its JSONL export parses, the window can load every article."""
    with Store.open(path) as store:
        assert store.integrity_check() == []
        out = tmp_path / "suggestions.jsonl"
        names = [a.name for a in store.annotators.list()]
        source = "alice" if "alice" in names else "suggestions"
        export_jsonl(store, out, source=source, status="all")
        for line in out.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            for span in record["spans"]:
                assert 0 <= span["start"] < span["end"] <= len(record["text"])
        for article in store.articles.ids():
            for name in names or ["alice"]:
                store.documents.load(article, name)


def alice_spans(path: Path, article: str) -> list[Span]:
    with Store.open(path) as store:
        return [a.span for a in store.annotations.for_article(article, "alice")]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("UPDATE annotations SET attrs = '{\"value\": 13000,' WHERE label = 'FIGURE'", "JSON"),
        (
            "UPDATE annotations SET attrs = '{\"qualifier\": \"lots\"}' WHERE label = 'FIGURE'",
            "qualifier must be one of",
        ),
        ("UPDATE annotations SET attrs = '[1, 2]' WHERE label = 'FIGURE'", "not a JSON object"),
        ("UPDATE annotations SET attrs = '{\"value\": NaN}' WHERE label = 'FIGURE'", "NaN"),
        (
            "UPDATE annotations SET attrs = '{\"value\": [1]}' WHERE label = 'FIGURE'",
            "value must be a number",
        ),
        ('UPDATE annotations SET "end" = 10000000 WHERE label = \'MISC\'', "outside the text"),
        ("UPDATE annotations SET label = 'Person' WHERE label = 'MISC'", "not one of this project"),
        ("UPDATE annotations SET start = 'x' WHERE label = 'MISC'", "not integers"),
        ("UPDATE article_status SET status = 'pwned'", "status 'pwned'"),
    ],
)
def test_bad_work_is_refused_whole_and_named(tmp_path: Path, change: str, reason: str) -> None:
    theirs = tmp_path / "theirs.db"
    first, second = laptop(theirs)
    # Only the first article's work is altered; the second's comes in.
    where = " AND" if "WHERE" in change else " WHERE"
    tamper(theirs, f"{change}{where} article_id = '{first}'")
    mine = ours(tmp_path)

    result = run("merge", theirs, "--db", mine)

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"refused: article {first}: alice's version:" in result.stderr
    assert reason in result.stderr and "theirs.db" in result.stderr
    assert alice_spans(mine, first) == []  # none of that version, not part of it
    assert merged_events(mine, first) == []  # nor its log events, which carry its spans
    assert len(alice_spans(mine, second)) == 2 and merged_events(mine, second)
    assert_sound(mine, tmp_path)


def test_a_trigger_in_their_file_never_runs(tmp_path: Path) -> None:
    """The old merge migrated a copy of the file; a trigger on the migrations table
    then wrote into it, and what it wrote was merged (here: mallory's work)."""
    theirs = tmp_path / "theirs.db"
    first, _ = laptop(theirs)
    tamper(
        theirs,
        "DELETE FROM _sqlite_migrations WHERE name = '0007_token_orths'",
        "ALTER TABLE article_tokens DROP COLUMN orths",
        "CREATE TRIGGER evil AFTER INSERT ON _sqlite_migrations BEGIN"
        " INSERT INTO annotators (name, created_at) VALUES ('mallory', 'x');"
        " INSERT INTO article_status VALUES"
        f" ('{first}', (SELECT id FROM annotators WHERE name = 'mallory'), 'done', 'pwned', 'x');"
        " END",
    )
    before = digest(theirs)
    mine = ours(tmp_path)

    result = run("merge", theirs, "--db", mine)

    assert result.returncode == 0, result.stderr
    with Store.open(mine) as store:
        assert "mallory" not in {a.name for a in store.annotators.list()}
        assert store.statuses.count("alice", Status.DONE) == 2  # an older schema still merges
    assert digest(theirs) == before  # their file is only read: not migrated, not touched
    assert_sound(mine, tmp_path)


def test_a_recursive_view_is_refused_at_once(tmp_path: Path) -> None:
    """The old merge listed the file's annotators first: a recursive view there hung it
    (this one loops for ever without a row, in constant memory)."""
    theirs = tmp_path / "theirs.db"
    laptop(theirs)
    tamper(
        theirs,
        "PRAGMA foreign_keys=OFF",
        "DROP TABLE annotators",
        "CREATE VIEW annotators AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1"
        " FROM r) SELECT n AS id, 'x' AS name, 'x' AS created_at FROM r WHERE n < 0",
    )
    mine = ours(tmp_path)

    result = run("merge", theirs, "--db", mine, timeout=30)

    assert result.returncode == 1, result.stderr
    assert "table annotators is a view" in result.stderr and "Traceback" not in result.stderr
    with Store.open(mine) as store:
        assert store.annotators.list() == []  # nothing of that file came in
    assert_sound(mine, tmp_path)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("DROP TABLE article_status", "table article_status is missing"),
        (
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('annotator', '0099_future', 'x')",
            "newer version of Annotator",
        ),
        (
            "ALTER TABLE annotations RENAME TO annotations_real;"
            " CREATE VIRTUAL TABLE annotations USING fts5(article_id, annotator_id, start,"
            ' "end", label, attrs, origin, suggestion_id, created_at, updated_at)',
            "table annotations is",
        ),
        (  # F13: only listed columns are read, but the docs promise plain tables
            "ALTER TABLE articles ADD COLUMN g TEXT GENERATED ALWAYS AS (title || 'x') VIRTUAL",
            "table articles has a generated column ('g')",
        ),
    ],
)
def test_a_file_that_is_not_ours_is_refused_and_the_others_merged(
    tmp_path: Path, change: str, reason: str
) -> None:
    theirs, good = tmp_path / "theirs.db", tmp_path / "good.db"
    laptop(theirs)
    first, _ = laptop(good)
    tamper(theirs, change)
    mine = ours(tmp_path)

    result = run("merge", theirs, good, "--db", mine)

    assert result.returncode == 1, result.stderr
    assert reason in result.stderr and "theirs.db" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(alice_spans(mine, first)) == 2  # the good file went in
    assert_sound(mine, tmp_path)


def test_an_article_longer_than_the_import_limit_is_refused(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs.db"
    first, _ = laptop(theirs)
    text = ("Le maire de Lyon a reçu 300 lettres. " * 81_081).strip()  # 3 million characters
    huge = article_id(text)
    with closing(sqlite3.connect(theirs)) as conn:
        conn.execute(
            "INSERT INTO articles (id, title, text, source, meta, imported_at, words)"
            " VALUES (?, 'Lettres', ?, 'x', '{}', 'x', 7)",
            [huge, text],
        )
        conn.commit()
    mine = ours(tmp_path)

    result = run("merge", theirs, "--db", mine, "--max-chars", "2000000")

    assert result.returncode == 1, result.stderr
    assert f"refused: article '{huge}': article too large: 3.0 million" in result.stderr
    with Store.open(mine) as store:
        assert huge not in store.articles.ids()
    assert len(alice_spans(mine, first)) == 2
    assert_sound(mine, tmp_path)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("UPDATE articles SET meta = '{\"a\": NaN}'", "metadata is not valid JSON"),
        ("UPDATE articles SET meta = 'nope'", "metadata is not valid JSON"),
        ("UPDATE articles SET text = char(0) || text", "NUL character"),
        ("UPDATE articles SET title = CAST(x'ff41' AS TEXT)", "not valid Unicode"),
    ],
)
def test_a_bad_article_is_refused_with_its_work(tmp_path: Path, change: str, reason: str) -> None:
    theirs = tmp_path / "theirs.db"
    first, second = laptop(theirs)
    tamper(theirs, f"{change} WHERE id = '{first}'")
    mine = tmp_path / "mine.db"
    Store.open(mine).close()  # empty: the articles come from their file

    with Store.open(mine) as store:
        report = merge(store, theirs)

    assert any(r.startswith(f"article '{first}'") and reason in r for r in report.refused)
    assert report.articles == 1
    with Store.open(mine) as store:
        assert store.articles.ids() == [second]
    assert alice_spans(mine, first) == []
    assert_sound(mine, tmp_path)


def test_a_read_that_takes_too_long_is_stopped(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs.db"
    laptop(theirs)
    with closing(sqlite3.connect(theirs)) as conn:
        conn.executemany(
            "INSERT INTO events (action, at, kind, before, after) VALUES (?, 'x', 'k', NULL, '1')",
            [(n,) for n in range(20_000)],
        )
        conn.commit()
    mine = ours(tmp_path)
    with Store.open(mine) as store, pytest.raises(StoreError, match="took longer than 0 s"):
        merge(store, theirs, time_limit=0.0)
    assert_sound(mine, tmp_path)


def test_a_file_that_is_no_database_is_named(tmp_path: Path) -> None:
    other = tmp_path / "notes.db"
    other.write_text("not a database\n" * 100, encoding="utf-8")
    mine = ours(tmp_path)
    result = run("merge", other, "--db", mine)
    assert result.returncode == 1
    assert "notes.db" in result.stderr and "Traceback" not in result.stderr


def test_other_labels_attributes_come_in_as_an_import_takes_them(tmp_path: Path) -> None:
    """Imports keep any JSON object of attributes on a span of another tool: so does merge
    (only a FIGURE's are checked, by the panel's own rule)."""
    theirs = tmp_path / "theirs.db"
    first, _ = laptop(theirs)
    tamper(theirs, "UPDATE annotations SET attrs = '{\"note\": \"brat #3\"}' WHERE label = 'MISC'")
    mine = ours(tmp_path)
    result = run("merge", theirs, "--db", mine)
    assert result.returncode == 0, result.stderr
    with Store.open(mine) as store:
        attrs = [a.span.attrs for a in store.annotations.for_article(first, "alice")]
    assert {"note": "brat #3"} in attrs


# -- #13 retest: merge checks exactly as import does ---------------------------


def merged_events(path: Path, article: str) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [
            r[0]
            for r in conn.execute(
                "SELECT kind FROM events WHERE kind LIKE 'merged.%' AND article_id = ?", [article]
            )
        ]


def add_article(path: Path, text: str, *spans: tuple[int, int, str]) -> str:
    """An article with its right id and alice's finished version, as a forged file holds it."""
    given = article_id(text)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(
            "INSERT INTO articles (id, title, text, source, meta, imported_at, words)"
            " VALUES (?, 'Forgé', ?, 'x', '{}', '2026-01-01T00:00:00+00:00', 5)",
            [given, text],
        )
        alice = conn.execute("SELECT id FROM annotators WHERE name = 'alice'").fetchone()[0]
        conn.executemany(
            'INSERT INTO annotations (article_id, annotator_id, start, "end", label, attrs,'
            " origin, created_at, updated_at) VALUES (?, ?, ?, ?, ?, '{}', 'manual', 'x', 'x')",
            [(given, alice, *span) for span in spans],
        )
        conn.execute(
            "INSERT INTO article_status VALUES (?, ?, 'done', NULL, 'x')", [given, alice]
        )
        conn.commit()
    return given


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (  # F2: the store refuses the same span twice for an annotator; so does merge
            "INSERT INTO annotations (article_id, annotator_id, start, \"end\", label, attrs,"
            " origin, created_at, updated_at) SELECT article_id, annotator_id, start, \"end\","
            " label, attrs, origin, created_at, updated_at FROM annotations WHERE label = 'MISC'",
            "given twice",
        ),
        (  # F3a: the space before "russe"
            "UPDATE annotations SET start = start - 1, \"end\" = start WHERE label = 'MISC'",
            "white space",
        ),
    ],
)
def test_spans_import_refuses_are_refused_with_their_events(
    tmp_path: Path, change: str, reason: str
) -> None:
    """The refused version's log events do not come in either: they carry its spans."""
    theirs = tmp_path / "theirs.db"
    first, second = laptop(theirs)
    tamper(theirs, f"{change} AND article_id = '{first}'")
    mine = ours(tmp_path)

    result = run("merge", theirs, "--db", mine)

    assert result.returncode == 1, result.stderr
    assert f"refused: article {first}: alice's version:" in result.stderr
    assert reason in result.stderr
    assert alice_spans(mine, first) == []
    assert merged_events(mine, first) == []
    assert len(alice_spans(mine, second)) == 2 and merged_events(mine, second)
    assert_sound(mine, tmp_path)


def test_a_span_cutting_a_letter_from_its_accent_is_refused(tmp_path: Path) -> None:
    """F3b: "q" + U+0301 stays two characters in NFC; an edge between them cuts the accent."""
    theirs = tmp_path / "theirs.db"
    laptop(theirs)
    text = "Le village de Zq\u0301x est calme."
    cut = add_article(theirs, text, (14, 16, "LOC"))
    whole = add_article(theirs, text + " Il pleut.", (14, 17, "LOC"))
    mine = ours(tmp_path)

    result = run("merge", theirs, "--db", mine)

    assert result.returncode == 1, result.stderr
    assert f"refused: article {cut}: alice's version: span 14-16 LOC cuts a character" in (
        result.stderr
    )
    assert alice_spans(mine, cut) == []
    assert alice_spans(mine, whole) == [Span(14, 17, "LOC")]
    assert_sound(mine, tmp_path)


def test_a_text_with_an_escape_code_is_refused_as_import_refuses_it(tmp_path: Path) -> None:
    """F3c: its id is the right one; the control character alone refuses it."""
    theirs = tmp_path / "theirs.db"
    first, _ = laptop(theirs)
    forged = add_article(theirs, "Texte \x1b[2J escape à Lyon.", (0, 5, "MISC"))
    mine = ours(tmp_path)

    result = run("merge", theirs, "--db", mine)

    assert result.returncode == 1, result.stderr
    assert f"refused: article '{forged}': its text: control character U+001B" in result.stderr
    assert "\x1b" not in result.stderr + result.stdout
    with Store.open(mine) as store:
        assert forged not in store.articles.ids()
    assert merged_events(mine, forged) == []
    assert len(alice_spans(mine, first)) == 2
    assert_sound(mine, tmp_path)


def test_paths_that_are_no_database_file_are_named_and_the_others_merged(
    tmp_path: Path,
) -> None:
    """F8: a FIFO is never opened (it would hang), a folder or a missing file is no usage
    error: each is named, the good file merged, exit status 1."""
    theirs = tmp_path / "theirs.db"
    first, _ = laptop(theirs)
    fifo, folder = tmp_path / "fifo.db", tmp_path / "folder.db"
    os.mkfifo(fifo)
    folder.mkdir()
    mine = ours(tmp_path)

    result = run("merge", fifo, folder, tmp_path / "nowhere.db", theirs, "--db", mine, timeout=60)

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "fifo.db: not a database file (a FIFO); not opened" in result.stderr
    assert "folder.db: not a database file (a folder)" in result.stderr
    assert "nowhere.db: no such file" in result.stderr
    assert len(alice_spans(mine, first)) == 2
    assert_sound(mine, tmp_path)


def test_an_article_too_large_is_said_in_characters_under_a_million(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs.db"
    laptop(theirs)
    mine = tmp_path / "mine.db"
    with Store.open(mine) as store:
        report = merge(store, theirs, max_chars=100)
    assert report.refused
    assert all("characters (the import limit is 100 characters)" in r for r in report.refused)
    assert not any("0.0 million" in r for r in report.refused)


def test_a_suggestion_given_twice_refuses_that_set_on_that_article(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs.db"
    first, second = laptop(theirs)
    with closing(sqlite3.connect(theirs)) as conn:
        conn.execute(
            "INSERT INTO suggestion_sets VALUES (1, 'fr_core_news_md', '3.8', '1', 'x')"
        )
        for article, times in ((first, 2), (second, 1)):
            conn.execute("INSERT INTO suggested_articles VALUES (1, ?)", [article])
            start = conn.execute("SELECT instr(text, 'russe') - 1 FROM articles WHERE id = ?",
                                 [article]).fetchone()[0]  # fmt: skip
            conn.executemany(
                "INSERT INTO suggestions (set_id, article_id, start, \"end\", label)"
                " VALUES (1, ?, ?, ?, 'MISC')",
                [(article, start, start + 5)] * times,
            )
        conn.commit()
    mine = tmp_path / "mine.db"
    with Store.open(mine) as store:
        report = merge(store, theirs)
        counts = dict(store.db.execute("SELECT article_id, count(*) FROM suggestions GROUP BY 1"))
    assert any(f"article {first}: suggestions of fr_core_news_md 3.8: span" in r
               and "given twice" in r for r in report.refused)  # fmt: skip
    assert counts == {second: 1}
    assert_sound(mine, tmp_path)


def test_a_file_named_with_escape_codes_is_named_safely(tmp_path: Path) -> None:
    """The other file's name is data: in the report and its refusals, shown escaped."""
    theirs = tmp_path / "\x1b[2Jev\u202e.db"
    laptop(theirs)
    tamper(theirs, "UPDATE annotations SET label = 'PE R' WHERE label = 'MISC'")
    result = run("merge", theirs, "--db", ours(tmp_path))
    assert result.returncode == 1, result.stderr
    output = result.stdout + result.stderr
    assert "\x1b" not in output and "\u202e" not in output
    assert "\\x1b[2Jev\\u202e.db" in output
