"""Fixtures for the agreement tests: French sentences with spans, and synthetic corpora.

Run as a program for the timing check (not a test; prints seconds):

    /work/venv/bin/python -m tests.core.agreement_cases [articles] [annotators]
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass

from annotator.core.agreement import AgreementInput, ArticleInput
from annotator.core.records import LABELS, Span


@dataclass(frozen=True)
class Sentence:
    text: str
    spans: dict[str, list[tuple[str, str]]]  # annotator → (phrase, label), found in order


def spans_of(text: str, marks: list[tuple[str, str]]) -> list[Span]:
    """Spans from phrases: each phrase is searched after the previous one's start."""
    out: list[Span] = []
    at = 0
    for phrase, label in marks:
        start = text.index(phrase, at)
        out.append(Span(start, start + len(phrase), label))
        at = start
    return out


# Real French news sentences, with what three annotators could plausibly mark.
SENTENCES: list[Sentence] = [
    Sentence(
        "Emmanuel Macron a rencontré Olaf Scholz à Berlin mardi.",
        {
            "alice": [
                ("Emmanuel Macron", "PER"),
                ("Olaf Scholz", "PER"),
                ("Berlin", "LOC"),
                ("mardi", "DATE"),
            ],
            "bruno": [("Macron", "PER"), ("Olaf Scholz", "PER"), ("Berlin", "ORG")],
            "chloé": [
                ("Emmanuel Macron", "PER"),
                ("Olaf Scholz", "PER"),
                ("Berlin", "LOC"),
                ("mardi", "DATE"),
            ],
        },
    ),
    Sentence(
        "Selon l’Insee, le chômage a reculé de 0,3 point au troisième trimestre 2023.",
        {
            "alice": [
                ("Insee", "ORG"),
                ("0,3 point", "FIGURE"),
                ("troisième trimestre 2023", "DATE"),
            ],
            "bruno": [("l’Insee", "ORG"), ("0,3", "FIGURE"), ("troisième trimestre 2023", "DATE")],
            "chloé": [("Insee", "ORG"), ("0,3 point", "FIGURE"), ("2023", "DATE")],
        },
    ),
    Sentence(
        "La Banque de France prévoit une croissance de 1,4 % pour l’économie française.",
        {
            # Overlapping spans of different labels: LOC "France" inside ORG.
            "alice": [("Banque de France", "ORG"), ("France", "LOC"), ("1,4 %", "FIGURE")],
            "bruno": [("Banque de France", "ORG"), ("1,4 %", "FIGURE")],
            "chloé": [
                ("Banque", "ORG"),
                ("France", "LOC"),
                ("1,4", "FIGURE"),
                ("française", "MISC"),
            ],
        },
    ),
    Sentence(
        "Le Paris Saint-Germain s’est imposé 3-1 face à l’Olympique de Marseille dimanche soir.",
        {
            "alice": [
                ("Paris Saint-Germain", "ORG"),
                ("Olympique de Marseille", "ORG"),
                ("dimanche soir", "DATE"),
            ],
            "bruno": [("Paris Saint-Germain", "ORG"), ("Marseille", "LOC"), ("dimanche", "DATE")],
            "chloé": [
                ("Paris", "LOC"),
                ("Saint-Germain", "ORG"),
                ("Olympique de Marseille", "ORG"),
                ("dimanche soir", "DATE"),
            ],
        },
    ),
    Sentence(
        "Jean-Pierre Dupont, maire de Lyon, a annoncé 12 millions d’euros pour la Croix-Rousse.",
        {
            "alice": [
                ("Jean-Pierre Dupont", "PER"),
                ("Lyon", "LOC"),
                ("12 millions d’euros", "FIGURE"),
                ("Croix-Rousse", "LOC"),
            ],
            "bruno": [
                ("Jean-Pierre", "PER"),
                ("Dupont", "PER"),
                ("Lyon", "LOC"),
                ("12 millions", "FIGURE"),
                ("Croix-Rousse", "LOC"),
            ],
            "chloé": [
                ("Jean-Pierre Dupont", "PER"),
                ("Lyon", "LOC"),
                ("12 millions d’euros", "FIGURE"),
            ],
        },
    ),
    Sentence(
        "Le festival de Cannes, créé en 1946, a récompensé « Anatomie d’une chute » en mai.",
        {
            "alice": [
                ("festival de Cannes", "MISC"),
                ("1946", "DATE"),
                ("Anatomie d’une chute", "MISC"),
                ("mai", "DATE"),
            ],
            "bruno": [
                ("Cannes", "LOC"),
                ("1946", "DATE"),
                ("Anatomie d’une chute", "MISC"),
                ("mai", "DATE"),
            ],
            "chloé": [
                ("festival de Cannes", "MISC"),
                ("1946", "DATE"),
                ("« Anatomie d’une chute »", "MISC"),
                ("mai", "DATE"),
            ],
        },
    ),
]

ANNOTATORS = ("alice", "bruno", "chloé")


def french_input(tokenize, sentences: list[Sentence] = SENTENCES) -> AgreementInput:  # type: ignore[no-untyped-def]
    """One article per sentence, tokenized by `tokenize` (text → (start, end) offsets)."""
    return AgreementInput(
        [
            ArticleInput(
                f"s{k}",
                s.text,
                list(tokenize(s.text)),
                {name: spans_of(s.text, marks) for name, marks in s.spans.items()},
            )
            for k, s in enumerate(sentences)
        ]
    )


VOCABULARY = (
    "le la les un une de du des et à au en pour sur avec dans par que qui ne pas plus "
    "gouvernement ministre président ville région pays accord réforme loi projet budget "
    "semaine année mois janvier février mars avril mai juin juillet août septembre "
    "Paris Lyon Marseille France Europe Macron Borne Dupont Martin Bernard Renault Airbus "
    "millions milliards euros cent hausse baisse croissance emploi entreprise ."
)
WORDS = VOCABULARY.split()


def synthetic_input(
    articles: int, annotators: int = 3, words: int = 400, spans: int = 30, seed: int = 0
) -> AgreementInput:
    """Articles of random words; the first annotator marks `spans` spans of 1–4 words,
    the others copy them with changes (boundaries moved, labels changed, spans left out
    or added), as real annotators disagree."""
    rng = random.Random(seed)
    names = [f"annotator{k}" for k in range(annotators)]
    out = []
    for a in range(articles):
        chosen = [rng.choice(WORDS) for _ in range(words)]
        text = " ".join(chosen)
        tokens = []
        at = 0
        for w in chosen:
            tokens.append((at, at + len(w)))
            at += len(w) + 1
        first = _random_spans(rng, tokens, spans)
        marked = {names[0]: first}
        for name in names[1:]:
            marked[name] = _vary(rng, tokens, first)
        out.append(ArticleInput(f"a{a}", text, tokens, marked))
    return AgreementInput(out)


def _random_spans(rng: random.Random, tokens: list[tuple[int, int]], n: int) -> list[Span]:
    starts = sorted(rng.sample(range(0, len(tokens) - 4, 4), n))
    return [
        Span(tokens[k][0], tokens[k + rng.randint(0, 3)][1], rng.choice(LABELS)) for k in starts
    ]


def _vary(rng: random.Random, tokens: list[tuple[int, int]], spans: list[Span]) -> list[Span]:
    starts = {s: k for k, (s, _) in enumerate(tokens)}
    out = []
    for span in spans:
        roll = rng.random()
        if roll < 0.08:
            continue  # missed
        k = starts[span.start]
        if roll < 0.16:
            out.append(Span(tokens[k][0], tokens[k][1], span.label))  # shorter
        elif roll < 0.22:
            out.append(Span(span.start, span.end, rng.choice(LABELS)))  # other label
        else:
            out.append(span)
        if rng.random() < 0.05:
            j = rng.randrange(len(tokens))
            out.append(Span(tokens[j][0], tokens[j][1], rng.choice(LABELS)))  # extra
    return out


def main() -> None:
    from annotator.core.agreement import agreement

    articles = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    annotators = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    t0 = time.perf_counter()
    data = synthetic_input(articles, annotators)
    t1 = time.perf_counter()
    report = agreement(data)
    t2 = time.perf_counter()
    report.to_json()
    t3 = time.perf_counter()
    tokens = report.tokens.tokens
    spans = sum(len(a.spans[n]) for a in data.articles for n in report.annotators)
    print(f"{articles} articles × {annotators} annotators: {tokens} tokens, {spans} spans")
    print(f"build input {t1 - t0:.2f} s · agreement() {t2 - t1:.2f} s · to_json {t3 - t2:.2f} s")
    print(
        f"disagreements {len(report.disagreements)}; Fleiss κ {report.tokens.fleiss_kappa:.3f}; "
        f"u-alpha {report.unitizing.alpha:.3f}"
    )


if __name__ == "__main__":
    main()
