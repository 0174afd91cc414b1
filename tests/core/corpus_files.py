"""A folder of real import files: each good encoding, each kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

_SEED = Path(__file__).resolve().parents[2] / "corpus" / "002_9dd8e93c5f6863b9.txt"
_PARAGRAPHS = [p for p in _SEED.read_text(encoding="utf-8").split("\n") if len(p) > 60]


def _article(n: int) -> str:
    """A distinct short article made of real sentences of the sample corpus."""
    return f"Syrie : point numéro {n}\n{_PARAGRAPHS[n]}\n{_PARAGRAPHS[n + 1]}"


# File name -> the text that must be stored for it.
ARTICLES: dict[str, str] = {
    "utf8.txt": _article(0),
    "bom.txt": _article(2),
    "cp1252.txt": "Alep : l’œuvre des secours\nLes évacués ont reçu 5 € et du pain à Noël.",
    "crlf.txt": _article(4),
    "cr.txt": _article(6),
    "utf16.txt": _article(8),
    "lot.jsonl#1": _article(10),
    "lot.jsonl#2": _article(12),
    "table.csv#1": _article(14),
}

# (file, start of the message) for every bad input in the folder.
BAD_FILES: list[tuple[str, str]] = [
    ("empty.txt", "empty file"),
    ("binary.txt", "binary file, not text"),
    ("broken.txt", "undecodable bytes"),
    ("huge.txt", "article too large"),
    ("lot.jsonl:3", "invalid JSON"),
    ("lot.jsonl:5", 'no "text" string'),
    ("no_text_column.csv", 'no "text" column (columns found: body, titre)'),
    ("nowhere", "no such file or directory"),
]


def write_mixed_folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "utf8.txt").write_text(ARTICLES["utf8.txt"], encoding="utf-8")
    (folder / "bom.txt").write_bytes(b"\xef\xbb\xbf" + ARTICLES["bom.txt"].encode())
    (folder / "cp1252.txt").write_bytes(ARTICLES["cp1252.txt"].encode("cp1252"))
    (folder / "crlf.txt").write_bytes(ARTICLES["crlf.txt"].replace("\n", "\r\n").encode())
    (folder / "cr.txt").write_bytes(ARTICLES["cr.txt"].replace("\n", "\r").encode())
    (folder / "utf16.txt").write_bytes(ARTICLES["utf16.txt"].encode("utf-16"))
    lines = [
        json.dumps({"text": ARTICLES["lot.jsonl#1"], "id": "a1"}, ensure_ascii=False),
        json.dumps({"text": ARTICLES["lot.jsonl#2"], "id": "a2"}),
        '{"text": "coupé en plein milieu',
        "",
        json.dumps({"title": "sans texte"}),
    ]
    (folder / "lot.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "table.csv").write_text(
        'text,source\n"' + ARTICLES["table.csv#1"] + '",AFP\n', encoding="utf-8"
    )
    (folder / "no_text_column.csv").write_text("body,titre\nUn texte,Un titre\n", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "broken.txt").write_bytes("Début correct, é.\n".encode() + b"puis \x81\xfe\xff\n")
    with (folder / "huge.txt").open("wb") as out:  # a 50 MB "article"
        line = ("Le déminage de la ville est en cours. " * 26 + "\n").encode()
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            out.write(line)
    (folder / "notes.odt").write_bytes(b"PK\x03\x04 not an article format")
    (folder / ".hidden.txt").write_text("un fichier caché", encoding="utf-8")
    return folder
