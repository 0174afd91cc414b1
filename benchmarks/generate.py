"""A synthetic French news corpus for benchmarks, as large as asked.

Articles are sentences of the sample articles (corpus/*.txt), cut into
clauses at their commas and recombined at random, about 400 words each, with
a short title line taken from the start of a sentence, and the digits of every
number shuffled so articles differ in their figures. About 1% of the articles
are lightly edited copies (a few words changed) of an earlier one, to exercise
near-duplicate detection; their meta says which (`near_copy_of`).

Article i depends only on (seed, i), so the first N articles of a larger run
are exactly the articles of a run of N, and a copy is rebuilt from its
original's index instead of keeping earlier articles in memory.

    python benchmarks/generate.py 10000 --out out/10k.jsonl
    python benchmarks/generate.py 200 --txt-dir out/txt
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
WORDS_PER_ARTICLE = 400
COPY_SHARE = 0.01
EDITS = (2, 6)  # words changed in a near copy, inclusive range
TITLE_WORDS = (5, 10)

# A sentence ends at . ! ? or a closing guillemet, before a space and a capital
# or an opening quote; paragraphs (lines) always end one.
_SENTENCE_END = re.compile(r"(?<=[.!?»])\s+(?=[«\"A-ZÀ-ÖØ-Þ])")
_CLAUSE_END = re.compile(r"(?<=,) ")
_NUMBER = re.compile(r"\d+")
_TITLE_TRIM = ".,;:!?«»\"  "  # punctuation a headline neither starts nor ends with
_ENDS_SENTENCE = (".", "!", "?", "»", "…")


@cache
def sentences() -> tuple[str, ...]:
    """Every sentence of the sample corpus, in order."""
    found: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            found += [s.strip() for s in _SENTENCE_END.split(line.strip()) if s.strip()]
    if not found:
        raise SystemExit(f"no sample sentences found in {CORPUS}")
    return tuple(found)


@cache
def clauses() -> tuple[str, ...]:
    """The sentences cut after their commas: the pieces articles are made of.

    Recombining whole sentences is not enough: with only some forty of them,
    every article holds about half the corpus, and 15% of 10k articles came
    out as near-duplicates of one another by chance. Three times as many
    smaller pieces make chance near-duplicates vanishingly rare.
    """
    return tuple(c for s in sentences() for c in _CLAUSE_END.split(s) if c.strip())


@cache
def vocabulary() -> tuple[str, ...]:
    """Plain words of the corpus, to replace words with in near copies."""
    words = {w for s in sentences() for w in s.split() if w.isalpha() and len(w) > 3}
    return tuple(sorted(words))


def _shuffle_digits(rng: random.Random, text: str) -> str:
    def swap(match: re.Match[str]) -> str:
        digits = list(match.group())
        if len(digits) == 1:
            return str(rng.randrange(1, 10))
        rng.shuffle(digits)
        if digits[0] == "0":  # keep "2016" from becoming "0216"
            first = next((i for i, d in enumerate(digits) if d != "0"), 0)
            digits[0], digits[first] = digits[first], digits[0]
        return "".join(digits)

    return _NUMBER.sub(swap, text)


def _original(seed: int, index: int) -> dict:
    rng = random.Random(f"{seed}:{index}:text")
    pool = clauses()
    order: list[int] = []
    chosen: list[str] = []
    words = 0
    while words < WORDS_PER_ARTICLE:
        if not order:  # a short corpus: start over with a fresh order
            order = rng.sample(range(len(pool)), len(pool))
        clause = _shuffle_digits(rng, pool[order.pop()])
        if not chosen or chosen[-1].endswith(_ENDS_SENTENCE):
            clause = clause[0].upper() + clause[1:]
        chosen.append(clause)
        words += len(clause.split())
    paragraphs: list[str] = []
    while chosen:
        take = rng.randint(2, 8)
        paragraph = " ".join(chosen[:take])
        del chosen[:take]
        if paragraph.endswith(","):
            paragraph = paragraph[:-1] + "."
        paragraphs.append(paragraph)
    starts = sentences()
    title_words = starts[rng.randrange(len(starts))].split()[: rng.randint(*TITLE_WORDS)]
    title = _shuffle_digits(rng, " ".join(title_words)).strip(_TITLE_TRIM)
    text = title + "\n" + "\n".join(paragraphs)
    return {"text": text, "title": title, "meta": {"synthetic": index}}


def _near_copy(seed: int, index: int, original: int) -> dict:
    """Article `original` with a few words replaced (never the title line)."""
    rng = random.Random(f"{seed}:{index}:edit")
    base = article(seed, original)
    title, _, body = base["text"].partition("\n")
    tokens = re.split(r"( +)", body)  # keep the spaces and line breaks as they are
    spots = [i for i, t in enumerate(tokens) if t.strip() and "\n" not in t and t.isalpha()]
    for spot in rng.sample(spots, min(len(spots), rng.randint(*EDITS))):
        tokens[spot] = rng.choice(vocabulary())
    meta = {"synthetic": index, "near_copy_of": original}
    return {"text": title + "\n" + "".join(tokens), "title": title, "meta": meta}


def _copy_of(seed: int, index: int) -> int | None:
    """The earlier article that article `index` is a near copy of, if any."""
    rng = random.Random(f"{seed}:{index}:copy")
    if index == 0 or rng.random() >= COPY_SHARE:
        return None
    return rng.randrange(index)


def article(seed: int, index: int) -> dict:
    """Article number `index` of the corpus of this seed."""
    original = _copy_of(seed, index)
    return _original(seed, index) if original is None else _near_copy(seed, index, original)


def generate(n: int, seed: int = 0) -> Iterator[dict]:
    """The first `n` articles: {"text", "title", "meta"} dicts, as JSONL lines hold them."""
    for index in range(n):
        yield article(seed, index)


def write_jsonl(n: int, out: Path, seed: int = 0) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with partial.open("w", encoding="utf-8") as stream:
        for item in generate(n, seed):
            stream.write(json.dumps(item, ensure_ascii=False) + "\n")
    partial.replace(out)  # a half-written file never passes for a whole one
    return out


def write_txt_dir(n: int, folder: Path, seed: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    width = len(str(max(n - 1, 0)))
    for index, item in enumerate(generate(n, seed)):
        # The title is the text's first line, so a .txt import finds it too.
        (folder / f"{index:0{width}d}.txt").write_text(item["text"] + "\n", encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="how many articles")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write a JSON Lines file")
    parser.add_argument("--txt-dir", type=Path, help="write one .txt file per article here")
    args = parser.parse_args(argv)
    if args.out is None and args.txt_dir is None:
        for item in generate(args.n, args.seed):
            sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")
    if args.out is not None:
        write_jsonl(args.n, args.out, args.seed)
    if args.txt_dir is not None:
        write_txt_dir(args.n, args.txt_dir, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
