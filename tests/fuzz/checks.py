"""What must hold after any input, however hostile: one checker a concern.

- `assert_clean_exit`: the command ended with 0, 1 or 2, never a traceback; 1 names
  what it refused, 2 is one line.
- `assert_store_valid`: SQLite's own checks, and every stored row re-validated by
  the rules an import applies (ids from texts, offsets inside, labels that are names,
  attributes of the FIGURE shape, strict JSON, no NUL).
- `assert_exports_valid`: every export format of the result, each into a fresh
  `--out`, read back by a strict reader of that format.
- `tree` / `assert_written_only_under`: no file appears outside the places a command
  may write.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from annotator.cli.main import cli
from annotator.core import figure_attrs
from annotator.core.errors import InvalidSpan
from annotator.core.records import label_problem
from annotator.core.text import article_id

SPAN_TABLES = ("suggestions", "annotations", "gold_spans")
EXPORT_FORMATS = ("jsonl", "prodigy", "conll", "brat", "csv", "spacy")

# What the brat exporter writes (exporters/brat.py): a T line a span, in fragments
# around line breaks; an A line for a FIGURE's qualifier; a # line holding its attributes.
_BRAT_T = re.compile(r"^T\d+\t\S+ \d+ \d+(;\d+ \d+)*\t[^\n\t]*$")
_BRAT_A = re.compile(r"^A\d+\tQualifier T\d+ [^\s|,:;]+$")
_BRAT_NOTE = re.compile(r"^#\d+\tAnnotatorNotes T\d+\t(?P<json>[^\n]*)$")
_CONLL_TAG = re.compile(r"^(O|[BI]-\S+)$")
# A CSV cell a spreadsheet runs as a formula (OWASP's list), unless it is a plain number.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$")


def strict_json(line: str) -> Any:
    """`json.loads` refusing NaN and Infinity, which no other JSON reader accepts."""

    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(line, parse_constant=refuse)


# -- the command ------------------------------------------------------------------------


def run(args: Sequence[str]) -> Result:
    """The real CLI in this process; exceptions caught, so a traceback is a result."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=True)


def assert_clean_exit(result: Result, what: str = "") -> None:
    """Exit 0, 1 or 2, no traceback; 1 names what was refused; 2 says why in one line."""
    error = result.exception
    context = f"{what}\n--- output ---\n{result.output[-3000:]}"
    if error is not None and not isinstance(error, SystemExit):
        import traceback

        trace = "".join(traceback.format_exception(error))
        raise AssertionError(f"uncaught {type(error).__name__}: {error}\n{trace}\n{context}")
    assert result.exit_code in (0, 1, 2), f"exit status {result.exit_code}{context}"
    assert "Traceback (most recent call last)" not in result.output, context
    if result.exit_code in (1, 2):
        # Refused input is listed ("rejected", "refused"); a command that could not run
        # says why on one "Error:" line (click's, exit 1 or 2).
        named = re.search(r"rejected|refused|^Error: \S", result.output, re.MULTILINE)
        assert named, f"exit {result.exit_code} names nothing{context}"


# -- the files --------------------------------------------------------------------------


def tree(root: Path) -> dict[str, int]:
    """Every file under `root` (relative name, size): to compare before and after."""
    found = {}
    for path in root.rglob("*"):
        if path.is_file() or path.is_symlink():
            found[str(path.relative_to(root))] = path.lstat().st_size
    return found


def assert_written_only_under(
    before: dict[str, int], after: dict[str, int], allowed: Iterable[str]
) -> None:
    """Files new under the root are all inside (or named like) one of `allowed` prefixes."""
    prefixes = tuple(allowed)
    new = sorted(set(after) - set(before))
    stray = [name for name in new if not name.startswith(prefixes)]
    assert not stray, f"files written outside {prefixes}: {stray[:10]}"


# -- the store --------------------------------------------------------------------------


def assert_store_valid(db_path: Path) -> None:
    """Every stored row passes the rules an import applies; SQLite's checks are clean."""
    problems: list[str] = []
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as db:
        db.text_factory = lambda raw: raw.decode("utf-8", "surrogateescape")
        integrity = [r[0] for r in db.execute("PRAGMA integrity_check")]
        assert integrity == ["ok"], f"integrity_check: {integrity[:5]}"
        foreign = db.execute("PRAGMA foreign_key_check").fetchall()
        assert not foreign, f"foreign_key_check: {foreign[:5]}"
        texts: dict[str, str] = {}
        for id_, text, meta, title in db.execute("SELECT id, text, meta, title FROM articles"):
            problems += _article_problems(id_, text, meta, title)
            if isinstance(text, str):
                texts[id_] = text
        for table in SPAN_TABLES:
            problems += _span_problems(db, table, texts)
        problems += _duplicate_problems(db)
        problems += _json_column_problems(db)
    assert not problems, f"{len(problems)} stored row(s) fail validation:\n" + "\n".join(
        problems[:20]
    )


def _article_problems(id_: Any, text: Any, meta: Any, title: Any) -> list[str]:
    where = f"article {id_!r}"
    if not isinstance(text, str):
        return [f"{where}: text is {type(text).__name__}"]
    found = []
    if not isinstance(id_, str) or article_id(text) != id_:
        found.append(f"{where}: id is not the one its text gives ({article_id(text)})")
    if "\x00" in text:
        found.append(f"{where}: text holds NUL")
    if not unicodedata.is_normalized("NFC", text):
        found.append(f"{where}: text is not NFC")
    if _surrogates(text) or (isinstance(title, str) and _surrogates(title)):
        found.append(f"{where}: text or title is not valid Unicode")
    try:
        if not isinstance(strict_json(meta), dict):
            found.append(f"{where}: meta is not a JSON object")
    except (ValueError, TypeError) as error:
        found.append(f"{where}: meta is not strict JSON ({error})")
    return found


def _surrogates(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _span_problems(db: sqlite3.Connection, table: str, texts: dict[str, str]) -> list[str]:
    found = []
    rows = db.execute(f'SELECT id, article_id, start, "end", label, attrs FROM {table}')
    for id_, article, start, end, label, attrs in rows:
        where = f"{table} {id_} (article {article!r})"
        text = texts.get(article)
        if text is None:
            found.append(f"{where}: no such article")
            continue
        if not (isinstance(start, int) and isinstance(end, int)):
            found.append(f"{where}: offsets {start!r}, {end!r} are not integers")
            continue
        if not 0 <= start < end <= len(text):
            found.append(f"{where}: {start}-{end} is outside a text of {len(text)}")
        problem = label_problem(label)
        if problem is not None:
            found.append(f"{where}: {problem}")
        try:
            loaded = strict_json(attrs)
        except (ValueError, TypeError) as error:
            found.append(f"{where}: attrs {str(attrs)[:40]!r} are not strict JSON ({error})")
            continue
        if not isinstance(loaded, dict):
            found.append(f"{where}: attrs are not a JSON object")
        elif label == figure_attrs.FIGURE and loaded:
            try:
                figure_attrs.check(label, loaded)
            except InvalidSpan as error:
                found.append(f"{where}: FIGURE attrs {loaded!r}: {error}")
    return found


def _duplicate_problems(db: sqlite3.Connection) -> list[str]:
    """The same span twice for one person (or one suggestion set) is one span stored twice."""
    queries = {
        "annotations": 'SELECT article_id, annotator_id, start, "end", label, count(*)'
        ' FROM annotations GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1',
        "suggestions": 'SELECT article_id, set_id, start, "end", label, count(*)'
        ' FROM suggestions GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1',
        "gold_spans": 'SELECT article_id, 0, start, "end", label, count(*)'
        ' FROM gold_spans GROUP BY 1, 3, 4, 5 HAVING count(*) > 1',
    }
    found = []
    for table, query in queries.items():
        for row in db.execute(query).fetchall()[:5]:
            found.append(f"{table}: span {row[2]}-{row[3]} {row[4]} of {row[0]} stored {row[5]}x")
    return found


def _json_column_problems(db: sqlite3.Connection) -> list[str]:
    """Gold supporters are distinct names; the log's states are strict JSON."""
    found = []
    for id_, supporters in db.execute("SELECT id, supporters FROM gold_spans"):
        try:
            names = strict_json(supporters)
        except (ValueError, TypeError):
            found.append(f"gold_spans {id_}: supporters are not JSON")
            continue
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            found.append(f"gold_spans {id_}: supporters are not a list of names")
        elif len({n.split("@", 1)[0] for n in names}) != len(names):
            found.append(f"gold_spans {id_}: one person counted twice in {names}")
    for id_, before, after in db.execute("SELECT id, before, after FROM events"):
        for state in (before, after):
            if state is None:
                continue
            try:
                strict_json(state)
            except (ValueError, TypeError):
                found.append(f"events {id_}: a state is not strict JSON")
    return found


# -- the exports ------------------------------------------------------------------------


def export_sources(db_path: Path) -> list[str]:
    """The span sources the store holds: gold, suggestions, the first annotators."""
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as db:
        names = [r[0] for r in db.execute("SELECT name FROM annotators ORDER BY id LIMIT 3")]
        sets = db.execute("SELECT count(*) FROM suggestion_sets").fetchone()[0]
    return ["gold", *(["suggestions"] if sets else []), *[n for n in names if isinstance(n, str)]]


def assert_exports_valid(
    db_path: Path, out_root: Path, formats: Sequence[str] = EXPORT_FORMATS, sources=None
) -> None:
    """Each format of each source into a fresh folder; each read back strictly."""
    for source in sources or export_sources(db_path):
        for fmt in formats:
            folder = out_root / f"{fmt}-{len(list(out_root.glob('*')))}"
            folder.mkdir(parents=True)
            out = folder / ("export" if fmt in ("brat", "spacy") else f"export.{fmt}")
            before = tree(folder)
            args = ["export", "--db", str(db_path), "--format", fmt, "--out", str(out)]
            result = run([*args, "--source", source, "--status", "all"])
            assert_clean_exit(result, f"export --format {fmt} --source {source!r}")
            assert_written_only_under(before, tree(folder), [out.name])
            if result.exit_code == 0:
                READERS[fmt](out)


def read_jsonl(path: Path) -> None:
    if not path.exists():
        return
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            record = strict_json(line)
        except ValueError as error:
            raise AssertionError(f"{path.name}:{number} is not strict JSON: {error}") from None
        assert isinstance(record, dict), f"{path.name}:{number} is not an object"
        for span in record.get("spans", []):
            assert isinstance(span.get("start"), int) and isinstance(span.get("end"), int)
            assert label_problem(span.get("label")) is None, f"{path.name}:{number}: {span}"


def read_conll(path: Path) -> None:
    if not path.exists():
        return
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if not line or line == "-DOCSTART- -X- O O":
            continue
        columns = line.split(" ")
        where = f"{path.name}:{number} {line[:80]!r}"
        assert len(columns) == 4, f"{where}: {len(columns)} columns"
        assert columns[0] and columns[1:3] == ["-X-", "_"], where
        assert _CONLL_TAG.match(columns[3]), where
    read_jsonl(path.with_name(path.name + ".articles.jsonl"))


def read_brat(folder: Path) -> None:
    if not folder.exists():
        return
    for path in folder.iterdir():
        assert path.resolve().parent == folder.resolve(), path
        if path.suffix != ".ann":
            continue
        text = path.with_suffix(".txt").read_text(encoding="utf-8")
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            where = f"{path.name}:{number} {line[:80]!r}"
            if not line:
                continue
            if line.startswith("T"):
                assert _BRAT_T.match(line), where
                for piece in line.split("\t")[1].split(" ", 1)[1].split(";"):
                    start, end = map(int, piece.split())
                    assert 0 <= start < end <= len(text), where
            elif line.startswith("A"):
                assert _BRAT_A.match(line), where
            else:
                note = _BRAT_NOTE.match(line)
                assert note, where
                strict_json(note["json"])
    read_jsonl(folder / "articles.jsonl")


def read_csv(path: Path) -> None:
    if not path.exists():
        return
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream, strict=True))
    header = rows[0]
    for number, row in enumerate(rows[1:], 2):
        assert len(row) == len(header), f"{path.name}:{number}: {len(row)} cells"
        for cell in row:
            if cell.startswith(_FORMULA_START) and not _NUMBER.match(cell):
                raise AssertionError(f"{path.name}:{number}: cell {cell[:40]!r} runs as a formula")


def read_spacy(folder: Path) -> None:
    if not folder.exists():
        return
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("fr").vocab
    for path in folder.glob("*.spacy"):
        docs = list(DocBin().from_disk(path).get_docs(vocab))
        for doc in docs:
            for ent in doc.ents:
                assert label_problem(ent.label_) is None, f"{path.name}: {ent.label_!r}"


READERS = {
    "jsonl": read_jsonl,
    "prodigy": read_jsonl,
    "conll": read_conll,
    "brat": read_brat,
    "csv": read_csv,
    "spacy": read_spacy,
}
