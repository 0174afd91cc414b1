"""The annotation window benchmark's databases: the long article and the 100k corpus.

What bench_window.py's set-up children build: one article of 50,000 words
carrying 5,000 suggestions beside a few ordinary articles, and the 100,000
generated articles with suggestions on those the navigation goes through.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import generate
from common import fresh_db, suggestion_spans

LONG_WORDS = 50_000
LONG_SUGGESTIONS = 5_000
SHORT_ARTICLES = 3
SHORT_SUGGESTIONS = 30
NAV_FROM_START = 200  # PageDown presses from the first article
NAV_FROM_MIDDLE = 100  # and from the middle of the corpus
SET = ("bench-window", "1.0", "bench")  # the suggestion set's model, version, recognisers


def long_article(seed: int, words: int = LONG_WORDS) -> dict[str, Any]:
    """One article of exactly `words` words: generated articles' paragraphs, one a line."""
    first = generate.article(seed, 0)
    lines = [first["title"]]
    count = len(first["title"].split())
    index = 0
    while count < words:
        body = generate.article(seed, index)["text"].split("\n")[1:]  # without its title
        for paragraph in body:
            take = paragraph.split()
            if count + len(take) > words:  # the last paragraph, cut to the word
                paragraph = " ".join(take[: words - count]).rstrip(",;:") + "."
                take = paragraph.split()
            lines.append(paragraph)
            count += len(take)
            if count >= words:
                break
        index += 1
    return {"title": first["title"], "text": "\n".join(lines), "meta": {"synthetic": "long"}}


def child_prepare_long(db: Path, seed: int) -> dict[str, Any]:
    from annotator.core.importing import import_paths
    from annotator.core.store import Store

    fresh_db(db)
    source = db.with_suffix(".jsonl")
    long = long_article(seed)
    # Ordinary articles from far in the generator's sequence, unlike the long one's.
    shorts = [generate.article(seed, 1_000_000 + i) for i in range(SHORT_ARTICLES)]
    with source.open("w", encoding="utf-8") as stream:
        for item in (long, *shorts):
            stream.write(json.dumps(item, ensure_ascii=False) + "\n")
    rng = random.Random(seed)
    with Store.open(db) as store:
        report = import_paths(store, [source], format="jsonl")
        ids = store.articles.ids()
        assert len(ids) == 1 + SHORT_ARTICLES, report
        long_id, short_ids = ids[0], ids[1:]
        text = store.articles.get(long_id).text
        spans = suggestion_spans(rng, text, LONG_SUGGESTIONS)
        assert len(spans) == LONG_SUGGESTIONS
        assert all(not text[s.start].isspace() and not text[s.end - 1].isspace() for s in spans)
        suggestion_set = store.suggestions.set_for(*SET)
        store.suggestions.add(suggestion_set.id, {long_id: spans})
        store.suggestions.add(
            suggestion_set.id,
            {
                aid: suggestion_spans(rng, store.articles.get(aid).text, SHORT_SUGGESTIONS)
                for aid in short_ids
            },
        )
    source.unlink()
    return {
        "long_id": long_id,
        "short_ids": short_ids,
        "words": len(text.split()),
        "chars": len(text),
        "lines": text.count("\n") + 1,
        "suggestions": len(spans),
        "labels": sorted({s.label for s in spans}),
    }


def child_prepare_nav(source: Path, db: Path, seed: int) -> dict[str, Any]:
    """The 100k database; the articles navigated through get suggestions."""
    from annotator.core.importing import import_paths
    from annotator.core.store import Store

    fresh_db(db)
    began = time.perf_counter()
    with Store.open(db) as store:
        import_paths(store, [source], format="jsonl")
        imported = time.perf_counter() - began
        ids = store.articles.ids()
        middle = len(ids) // 2
        navigated = ids[: NAV_FROM_START + 1] + ids[middle : middle + NAV_FROM_MIDDLE + 1]
        rng = random.Random(seed)
        suggestion_set = store.suggestions.set_for(*SET)
        for i in range(0, len(navigated), 100):
            store.suggestions.add(
                suggestion_set.id,
                {
                    aid: suggestion_spans(rng, text, SHORT_SUGGESTIONS)
                    for aid, text in store.articles.texts(navigated[i : i + 100])
                },
            )
    return {"articles": len(ids), "middle_id": ids[middle], "import_seconds": imported}
