"""Hostile input for every importer: real French records mixed with broken ones.

Each `*_files` strategy draws the files of one input folder, ``{name: bytes}``,
in one import format (`FORMATS` maps a format to its strategy). Good records
are real French news text from tests/data with their real spans; bad ones have
wrong JSON types, huge integers, NaN, NUL, lone surrogates, deep nesting, long
strings, offsets out of range or reversed, labels with tabs, newlines or
markup, random bytes; file names hold dots, encoded slashes and bytes that are
not UTF-8.
"""

from __future__ import annotations

import csv
import io
import json
import os
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from annotator.core.records import LABELS
from tests.conftest import DATA

Files = dict[bytes, bytes]  # file name (bytes: may not be UTF-8) to content


@cache
def good_records() -> tuple[dict[str, Any], ...]:
    """Real French articles with their spans (tests/data/figures_fr.jsonl)."""
    lines = (DATA / "figures_fr.jsonl").read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line) for line in lines[:60])


good = st.sampled_from(range(60)).map(lambda i: good_records()[i])

# -- values -----------------------------------------------------------------------------

HOSTILE_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t",
    "\n",
    "PER\tLOC",
    "PER\nT9\tLOC 0 3\tforged",
    "B-PER",
    "<b>gras</b>",
    '<img src="/etc/passwd">',
    "\x1b[31mrouge\x1b[0m",
    "\u202eevil",
    "a\u2028b",
    "\ud800",
    "\udfff",
    "e\u0301",  # NFD
    "../../../../tmp/x",
    "..%2f..%2fx",
    "=cmd|' /C calc'!A0",
    "+1",
    "@SUM(A1)",
    "x" * 300,
    "Préfecture",
]

hostile_string = st.one_of(
    st.sampled_from(HOSTILE_STRINGS),
    st.text(max_size=20),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=8),
)

label = st.one_of(
    st.sampled_from(LABELS),
    st.sampled_from(LABELS),
    hostile_string,
    st.none(),
    st.integers(-3, 3),
    st.lists(st.sampled_from(LABELS), max_size=2),
)

HUGE = [10**30, -(10**30), 2**63, 2**64 + 1, -(2**63) - 1]


def offset(length: int) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.integers(-3, length + 3),
        st.integers(0, length),
        st.sampled_from(HUGE),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(["3", "0", None, True, [], {}]),
    )


json_value = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | hostile_string,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_string, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def hostile_text(draw: st.DrawFn) -> Any:
    """A record's text: real, real but damaged, or not a text at all."""
    base = draw(good)["text"]
    kind = draw(
        st.sampled_from(
            ["real", "real", "nul", "surrogate", "nfd", "spaces", "crlf", "bom", "control",
             "markup", "long", "empty", "blank", "other"]
        )
    )
    at = draw(st.integers(0, len(base)))
    return {
        "real": base,
        "nul": base[:at] + "\x00" + base[at:],
        "surrogate": base[:at] + "\ud83d" + base[at:],
        "nfd": unicodedata.normalize("NFD", base),
        "spaces": base.replace(" ", "  ", 2),
        "crlf": base.replace(" ", "\r\n", 1),
        "bom": "\ufeff" + base,
        "control": base[:at] + "\x1b]0;titre\x07\x08" + base[at:],
        "markup": "<script>alert(1)</script> " + base,
        "long": base + " " + "mot " * draw(st.integers(2_000, 6_000)),
        "empty": "",
        "blank": " \n\t ",
        "other": draw(json_value),
    }[kind]


@st.composite
def spans_for(draw: st.DrawFn, record: dict[str, Any], text: Any) -> list[dict[str, Any]]:
    """The record's real spans, some of them damaged, plus random ones."""
    length = len(text) if isinstance(text, str) else 50
    spans = [dict(s) for s in record.get("spans", [])]
    for span in spans:
        if draw(st.integers(0, 4)) == 0:
            key = draw(st.sampled_from(["start", "end", "label", "attrs", "text"]))
            span[key] = draw(
                label if key == "label" else json_value if key == "attrs" else offset(length)
            )
    extra = draw(
        st.lists(
            st.fixed_dictionaries(
                {"start": offset(length), "end": offset(length), "label": label},
                optional={"attrs": json_value},
            ),
            max_size=3,
        )
    )
    return spans + extra


def dump(value: Any) -> bytes:
    """JSON as a careless writer makes it: NaN written, non-ASCII escaped (so lone
    surrogates survive as \\ud800)."""
    return json.dumps(value, allow_nan=True, ensure_ascii=True).encode("ascii")


# A line that is not one JSON record: each a case of #13 or a near miss.
BROKEN_LINES = [
    b'{"text": "Le maire de Lyon a re\xe7u 300 lettres."}',  # CP1252 byte in UTF-8 JSON
    b'{"text": "Lyon", "n": ' + b"9" * 5000 + b"}",  # an integer too long to read
    b"[" * 100_000 + b"]" * 100_000,  # nesting deeper than the recursion limit
    b'{"text": "Lyon", "meta": ' + b'{"a": ' * 2_000 + b"1" + b"}" * 2_000 + b"}",
    b'{"text": "Lyon"',  # cut short
    b"\x00\x01\x02\xff\xfe",
    b'{"text": NaN}',
    b'{"text": "a", "text": 3}',
    b"\xef\xbb\xbf" + b'{"text": "Un texte apr\xc3\xa8s un BOM au milieu."}',
]


@st.composite
def json_lines(draw: st.DrawFn, record: st.SearchStrategy[Any]) -> bytes:
    """JSON Lines: good and hostile records, broken lines, blank lines."""
    lines = draw(
        st.lists(
            st.one_of(record.map(dump), record.map(dump), st.sampled_from(BROKEN_LINES),
                      st.binary(max_size=40), st.just(b"")),
            min_size=1,
            max_size=6,
        )
    )
    return b"\n".join(lines) + draw(st.sampled_from([b"\n", b"", b"\r\n"]))


# -- records of each JSON format --------------------------------------------------------


@st.composite
def jsonl_record(draw: st.DrawFn, with_spans: bool) -> Any:
    record = draw(good)
    text = draw(hostile_text())
    out: dict[str, Any] = {"text": text}
    if draw(st.booleans()):
        out["title"] = draw(st.one_of(hostile_string, json_value))
    if draw(st.booleans()):
        out["meta"] = draw(json_value)
    if draw(st.booleans()):
        out["id"] = draw(st.one_of(hostile_string, json_value))
    if with_spans:
        out["spans"] = draw(st.one_of(spans_for(record, text), spans_for(record, text), json_value))
    if draw(st.integers(0, 9)) == 0:
        return draw(json_value)
    return out


@st.composite
def doccano_record(draw: st.DrawFn) -> Any:
    record = draw(good)
    text = draw(hostile_text())
    spans = draw(spans_for(record, text))
    if draw(st.booleans()):
        triples = [[s.get("start"), s.get("end"), s.get("label")] for s in spans]
        return {"text": text, "label": triples}
    return {
        "text": text,
        "entities": [
            {"id": n, "start_offset": s.get("start"), "end_offset": s.get("end"),
             "label": s.get("label")}
            for n, s in enumerate(spans)
        ],
    }


@st.composite
def prodigy_record(draw: st.DrawFn) -> Any:
    record = draw(good)
    text = draw(hostile_text())
    out = {"text": text, "spans": draw(spans_for(record, text))}
    out["answer"] = draw(st.sampled_from(["accept", "reject", "ignore", None, 3]))
    if draw(st.booleans()):
        out["tokens"] = draw(json_value)
    return out


@st.composite
def label_studio_task(draw: st.DrawFn) -> Any:
    record = draw(good)
    text = draw(hostile_text())
    results = [
        {
            "type": draw(st.sampled_from(["labels", "labels", "relation", None])),
            "value": {"start": s.get("start"), "end": s.get("end"), "labels": [s.get("label")]},
        }
        for s in draw(spans_for(record, text))
    ]
    key = draw(st.sampled_from(["annotations", "completions", "predictions"]))
    return {"id": draw(json_value), "data": {"text": text}, key: [{"result": results}]}


# -- one strategy a format: the files of an input folder --------------------------------


@st.composite
def file_name(draw: st.DrawFn, suffix: str) -> bytes:
    """A file name as found on disks: plain, dotted, escaped, or not UTF-8 at all."""
    stem = draw(
        st.one_of(
            st.just(b"article"),
            st.sampled_from([b"a..b", b"..%2f..%2fx", b"caf\xc3\xa9", b"caf\xe9", b"\xff\xfe",
                             b"-n", b"<b>", b"a\x1b[31mb", b"x" * 200, b"a;b,c"]),
            st.text(alphabet="abcé-_. ", min_size=1, max_size=12).map(str.encode),
        )
    )
    return stem.replace(b"/", b"%2f") + suffix.encode()


def named(content: bytes, suffix: str) -> st.SearchStrategy[Files]:
    return file_name(suffix).map(lambda name: {name: content})


def json_lines_files(record: st.SearchStrategy[Any], suffix: str) -> st.SearchStrategy[Files]:
    return json_lines(record).flatmap(lambda content: named(content, suffix))


@st.composite
def label_studio_files(draw: st.DrawFn) -> Files:
    tasks = draw(st.lists(st.one_of(label_studio_task(), json_value), min_size=1, max_size=4))
    content = dump(tasks) if draw(st.booleans()) else draw(st.sampled_from(BROKEN_LINES))
    return draw(named(content, ".json"))


@st.composite
def txt_files(draw: st.DrawFn) -> Files:
    text = draw(hostile_text())
    if not isinstance(text, str):
        text = str(text)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "surrogates"]))
    if encoding == "surrogates":
        content = text.encode("utf-8", "surrogatepass")
    else:
        content = text.encode(encoding, "surrogatepass" if "utf" in encoding else "replace")
    content = draw(st.one_of(st.just(content), st.just(content), st.binary(max_size=200)))
    return draw(named(content, ".txt"))


CSV_BROKEN_ROWS = [
    b'"Un texte avec ""des guillemets"" au milieu, puis la suite.",Titre\r\n',
    b'"Une citation jamais ferm\xc3\xa9e, qui avale la suite\r\n',
    b"a\x00b,titre\r\n",
    b"\xff\xfe\x00,titre\r\n",
    b"=HYPERLINK(\"http://x\"),@SUM(A1)\r\n",
    b'"' + b"x" * 70_000 + b'",long\r\n',
    b"un;deux;trois\r\n",
    b"trop,de,cellules,ici\r\n",
]


@st.composite
def csv_files(draw: st.DrawFn) -> Files:
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    header = draw(st.sampled_from([["text", "title"], ["title", "text", "extra"], ["texte"]]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    head = buffer.getvalue().encode("utf-8")
    rows = []
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.integers(0, 2)) == 0:
            rows.append(draw(st.sampled_from(CSV_BROKEN_ROWS)))
            continue
        text = draw(hostile_text())
        cells = {"text": str(text), "title": draw(hostile_string), "extra": draw(hostile_string)}
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow(
            [cells.get(c, "") for c in header]
        )
        rows.append(buffer.getvalue().encode("utf-8", "surrogatepass"))
    return draw(named(head + b"".join(rows), ".csv"))


@st.composite
def brat_files(draw: st.DrawFn) -> Files:
    """A .txt and its .ann: T lines from real spans, damaged ones, junk lines."""
    files: Files = {}
    for n in range(draw(st.integers(1, 2))):
        record = draw(good)
        text = draw(hostile_text())
        text = text if isinstance(text, str) else record["text"]
        lines = []
        for i, span in enumerate(draw(spans_for(record, text)), 1):
            kind = draw(st.sampled_from(["T", "T", "T", "fragments", "junk", "note", "attr"]))
            if kind == "fragments":
                lines.append(f"T{i}\t{span['label']} {span['start']} 3;1 {span['end']}\tx")
            elif kind == "junk":
                lines.append(draw(hostile_string))
            elif kind == "note":
                lines.append(f"#{i}\tAnnotatorNotes T{i}\t{draw(hostile_string)}")
            elif kind == "attr":
                lines.append(f"A{i}\tQualifier T{i} {draw(hostile_string)}")
            else:
                covered = ""
                if isinstance(span["start"], int) and isinstance(span["end"], int):
                    covered = text[span["start"] : span["end"]]
                lines.append(f"T{i}\t{span['label']} {span['start']} {span['end']}\t{covered}")
        stem = f"doc{n}".encode()
        files[stem + b".txt"] = text.encode("utf-8", "surrogatepass")
        files[stem + b".ann"] = "\n".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        files[b"orphan.ann"] = b"T1\tPER 0 4\tJean\n"
    return files


@st.composite
def conll_files(draw: st.DrawFn) -> Files:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 2))):
        if draw(st.booleans()):
            lines += ["-DOCSTART- -X- O O", ""]
        record = draw(good)
        for word in record["text"].split()[:40]:
            tag = draw(st.sampled_from(["O", "O", "O", "B-PER", "I-LOC", "S-ORG", "E-MISC",
                                        "tag", "B-", "junk"]))
            if tag == "junk":
                lines.append(draw(hostile_string))
                continue
            if tag.startswith(("B-", "I-")) and draw(st.integers(0, 3)) == 0:
                tag = tag[:2] + str(draw(hostile_string))
            sep = draw(st.sampled_from([" ", "\t", " -X- _ "]))
            lines.append(f"{word}{sep}{tag}")
        lines.append("")
    return draw(named("\n".join(lines).encode("utf-8", "surrogatepass"), ".conll"))


@st.composite
def conllu_files(draw: st.DrawFn) -> Files:
    lines: list[str] = []
    for sentence in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            lines.append(f"# newdoc id = {draw(hostile_string)}")
        words = draw(good)["text"].split()[:25]
        if draw(st.booleans()):
            text = " ".join(words) if draw(st.booleans()) else draw(hostile_string)
            lines.append(f"# text = {text}")
        lines.append(f"# sent_id = s{sentence}")
        for i, word in enumerate(words, 1):
            if draw(st.integers(0, 9)) == 0:
                lines.append(draw(hostile_string))
                continue
            tag = draw(st.sampled_from(["O", "B-PER", "I-PER", "B-LOC", "S-ORG"]))
            if draw(st.integers(0, 5)) == 0:
                tag = "B-" + str(draw(hostile_string)).replace("|", "")
            misc = f"NER={tag}" + ("|SpaceAfter=No" if draw(st.integers(0, 6)) == 0 else "")
            ident = draw(st.sampled_from([str(i), str(i), f"{i}-{i + 1}", f"{i}.1", "x", "-1"]))
            lines.append("\t".join([ident, word, word, "X", "_", "_", "0", "dep", "_", misc]))
        lines.append("")
    return draw(named("\n".join(lines).encode("utf-8", "surrogatepass"), ".conllu"))


# The strategy of each import format (`annotator import --format NAME`).
FORMATS: dict[str, st.SearchStrategy[Files]] = {
    "txt": txt_files(),
    "jsonl": json_lines_files(jsonl_record(with_spans=False), ".jsonl"),
    "jsonl-spans": json_lines_files(jsonl_record(with_spans=True), ".jsonl"),
    "csv": csv_files(),
    "brat": brat_files(),
    "conll": conll_files(),
    "conllu": conllu_files(),
    "doccano": json_lines_files(doccano_record(), ".jsonl"),
    "prodigy": json_lines_files(prodigy_record(), ".jsonl"),
    "label-studio": label_studio_files(),
}


def cli_format(name: str) -> str:
    """The `--format` of a strategy's name (jsonl with spans is read by the jsonl reader)."""
    return "jsonl" if name == "jsonl-spans" else name


def write_files(folder: Path, files: Files) -> None:
    """The files, their names as raw bytes (Linux takes any byte but / and NUL)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = os.path.join(os.fsencode(folder), name.replace(b"\x00", b"_"))
        with open(path, "wb") as stream:
            stream.write(content)
