"""The agreement benchmark's data: three annotators' work on a generated article.

`team_versions` gives each annotator's spans over a text: shared ones, each
annotator departing from them (a boundary moved, another label, missing,
extra) at the rates set here. bench_agreement.py stores them for every
article of its template database.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from typing import Any

ANNOTATORS = ("ana", "ben", "chloe")

# How each annotator's version departs from the shared spans of an article.
SPANS_PER_ARTICLE = 30
SHIFTED = 0.07  # one boundary moved by a word
RELABELLED = 0.05
MISSED = 0.06
EXTRA_CANDIDATES = 3  # spans only some annotators mark: each takes each with EXTRA_ODDS
EXTRA_ODDS = 0.35
LABEL_WEIGHTS = {"PER": 3, "ORG": 3, "LOC": 3, "MISC": 1, "FIGURE": 3, "DATE": 2}
_WORD = re.compile(r"\w+(?:[-’']\w+)*")
SPANS_VERSION = "1"  # change when team_versions changes, so templates are rebuilt


def team_versions(
    rng: random.Random, text: str, count: int = SPANS_PER_ARTICLE, kinds: Counter | None = None
) -> dict[str, list[Any]]:
    """Each annotator's spans over `text`: `count` shared ones, each annotator departing.

    Spans lie on words picked four words apart, so a span may grow by a word
    on either side without touching another pick: an annotator's own spans
    never overlap. A third of the shared spans cover two words. Per annotator
    and shared span: 7% one boundary moved by a word, 5% another label, 6%
    missing, else the same; and each of 3 extra candidates is marked by each
    annotator with odds 0.35 (so an extra is often marked by one or two of the
    three). FIGURE spans carry a `value` attribute, as the recognizers give.
    """
    from annotator.core.records import Span

    kinds = Counter() if kinds is None else kinds
    labels, weights = list(LABEL_WEIGHTS), list(LABEL_WEIGHTS.values())
    words = [m.span() for m in _WORD.finditer(text)]
    slots = range(1, len(words) - 3, 4)
    picks = rng.sample(slots, min(count + EXTRA_CANDIDATES, len(slots)))
    shared, extras = sorted(picks[:count]), sorted(picks[count:])

    def span(first: int, last: int, label: str) -> Any:
        attrs = {"value": rng.randrange(1, 10_000)} if label == "FIGURE" else {}
        return Span(words[first][0], words[last][1], label, attrs)

    base = [(i, i + (rng.random() < 0.3), rng.choices(labels, weights)[0]) for i in shared]
    versions: dict[str, list[Any]] = {}
    for name in ANNOTATORS:
        mine = []
        for first, last, label in base:
            draw = rng.random()
            if draw < SHIFTED:
                kinds["shifted"] += 1
                moves = [(first - 1, last), (first, last + 1)]
                if last > first:
                    moves.append((first, first))
                first, last = rng.choice(moves)
            elif draw < SHIFTED + RELABELLED:
                kinds["relabelled"] += 1
                label = rng.choice([x for x in labels if x != label])
            elif draw < SHIFTED + RELABELLED + MISSED:
                kinds["missed"] += 1
                continue
            else:
                kinds["same"] += 1
            mine.append(span(first, last, label))
        for i in extras:
            if rng.random() < EXTRA_ODDS:
                kinds["extra"] += 1
                mine.append(span(i, i, rng.choices(labels, weights)[0]))
        versions[name] = sorted(mine, key=lambda s: (s.start, s.end))
    return versions
