"""Real French text at any length: the repository's articles one after the other."""

from __future__ import annotations

import json

from tests.conftest import CORPUS, ROOT


def real_articles() -> list[str]:
    """The French articles of the repository: the sample corpus and the test data."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    for name in ("ner_fr.jsonl", "figures_fr.jsonl"):
        lines = (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["text"] for line in lines if line.strip()]
    return texts


def long_article(words: int) -> str:
    """Real articles one after the other, as a single article of about `words` words."""
    texts = real_articles()
    parts: list[str] = []
    count = 0
    while count < words:
        text = texts[len(parts) % len(texts)]
        parts.append(text)
        count += len(text.split())
    return "\n\n".join(parts)
