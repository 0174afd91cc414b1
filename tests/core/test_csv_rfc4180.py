"""CSV follows RFC 4180 and a broken row costs that row only (#13, case 4).

Each file here is imported by `annotator import`, as a user runs it.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.cli.bad_input import french_texts, integrity_ok, run_import, stored_texts


def _csv(path: Path, rows: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("title,text\n" + "".join(rows)).encode(encoding))
    return path


def test_doubled_quotes_are_one_quote_and_the_text_is_whole(tmp_path: Path) -> None:
    one, two = french_texts(2)
    quoted = f'Il a parlé d\'un « effet d\'annonce » : ""{one}"", a-t-il dit, puis est parti.'
    path = _csv(tmp_path / "quotes.csv", [f'Annonce,"{quoted}"\n', f'Suite,"{two}"\n'])
    db = tmp_path / "db.db"
    result = run_import(db, path)
    assert result.exit_code == 0, result.output
    expected = quoted.replace('""', '"')
    assert stored_texts(db) == [expected, two]
    with sqlite3.connect(db) as connection:
        metas = [json.loads(m) for (m,) in connection.execute("SELECT meta FROM articles")]
    assert all("extra_cells" not in meta for meta in metas)


def test_an_unclosed_quote_is_named_by_its_line_and_the_rows_after_it_kept(
    tmp_path: Path,
) -> None:
    first, broken, after, last = french_texts(4)
    rows = [
        f'Un,"{first}"\n',
        f'Deux,"{broken}\n',  # line 3: the quote is never closed
        f"Trois,{after.replace(',', '')}\n",
        f'Quatre,"{last}"\n',
    ]
    db = tmp_path / "db.db"
    result = run_import(db, _csv(tmp_path / "unclosed.csv", rows))
    assert result.exit_code == 1
    assert "unclosed.csv:3: invalid CSV" in result.output
    assert stored_texts(db) == [first, after.replace(",", ""), last]
    assert integrity_ok(db)


def test_an_unclosed_quote_that_closes_rows_later_is_named_and_the_rows_kept(
    tmp_path: Path,
) -> None:
    texts = [t.replace(",", "").replace('"', "") for t in french_texts(5)]
    rows = [
        f"Un,{texts[0]}\n",
        f'Deux,"{texts[1]}\n',  # line 3: its quote is closed at the end of line 5
        f"Trois,{texts[2]}\n",
        f'Quatre,{texts[3]}"\n',
        f"Cinq,{texts[4]}\n",
    ]
    db = tmp_path / "db.db"
    result = run_import(db, _csv(tmp_path / "swallowed.csv", rows))
    assert result.exit_code == 1
    assert "swallowed.csv:3: invalid CSV" in result.output
    stored = stored_texts(db)
    assert stored == [texts[0], texts[2], texts[3] + '"', texts[4]]
    assert all("\n" not in text for text in stored)


def test_a_stray_quote_is_named_by_the_line_its_row_starts_on(tmp_path: Path) -> None:
    one, two, three, four = french_texts(4)
    rows = [
        f'Un,"{one}\n\nSuite du texte, sur deux paragraphes."\n',  # lines 2 to 4
        f'Deux,"{two}" puis du texte\n',  # line 5: text after the closing quote
        f'Trois,"{three}"\n',
        f'Quatre,"{four}"\n',
    ]
    db = tmp_path / "db.db"
    result = run_import(db, _csv(tmp_path / "stray.csv", rows))
    assert result.exit_code == 1
    assert "stray.csv:5: invalid CSV" in result.output
    assert stored_texts(db) == [f"{one}\n\nSuite du texte, sur deux paragraphes.", three, four]
    assert integrity_ok(db)


def test_a_row_with_undecodable_bytes_is_named_and_the_rows_after_it_kept(
    tmp_path: Path,
) -> None:
    one, two, three = french_texts(3)
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        b"title,text\n"
        + f'Un,"{one}"\n'.encode()
        + f'Deux,"{two}"\n'.encode("cp1252", errors="replace")  # line 3: not UTF-8
        + f'Trois,"{three}"\n'.encode()
    )
    db = tmp_path / "db.db"
    result = run_import(db, path)
    assert result.exit_code == 1
    assert "mixed.csv:3: undecodable bytes" in result.output
    assert stored_texts(db) == [one, three]
    assert integrity_ok(db)


def test_a_header_with_undecodable_bytes_is_named_and_nothing_half_stored(tmp_path: Path) -> None:
    (one,) = french_texts(1)
    path = tmp_path / "header.csv"
    path.write_bytes("titré,text,note\n".encode("cp1252") + f'Un,"{one}",é\n'.encode())
    db = tmp_path / "db.db"
    result = run_import(db, path)
    assert result.exit_code == 1
    assert "header.csv:1: undecodable bytes in the header" in result.output
    assert stored_texts(db) == []
    assert integrity_ok(db)


def test_a_control_byte_in_one_row_costs_that_row_only(tmp_path: Path) -> None:
    """#13, case F11: not "binary file, not text" for the whole file."""
    first, second, third = french_texts(3)
    rows = [
        f'Un,"{first[:40]}\x1b[31m{first[40:]}"\n',  # line 2: an escape code
        f'Deux,"{second}"\n',
        f'Trois,"{third[:10]}\x00{third[10:]}"\n',  # line 4: a NUL
        "Quatre,Une ligne de texte ordinaire.\n",
    ]
    db = tmp_path / "db.db"
    result = run_import(db, _csv(tmp_path / "controls.csv", rows))
    assert result.exit_code == 1, result.output
    assert "controls.csv:2: control character U+001B" in result.output
    assert "controls.csv:4: control character U+0000" in result.output
    assert stored_texts(db) == [second, "Une ligne de texte ordinaire."]
    assert integrity_ok(db)
