"""The agreement benchmark's section of BENCHMARKS.md: its markers, target and tables.

`render` turns bench_agreement.py's results (what out/bench_agreement.json
holds) into the section, between its markers; `_stage_rows` splits a run's
time by stage.
"""

from __future__ import annotations

from typing import Any

from common import measured_on, verdict

START, END = "<!-- bench_agreement:start -->", "<!-- bench_agreement:end -->"
TARGET_SECONDS = 5.0  # team_agreement + to_json, 10k articles × 3 annotators
TARGET_SIZE = 10_000
# The functions of `annotator.core.agreement.report` timed as stages, in the order shown.
MEASURE_STAGES = (
    "build_corpus",
    "pair_scores",
    "token_labels",
    "coding_agreement",
    "corpus_unitizing_alpha",
    "_tokens_by_label",
    "disagreements",
)


def _s(x: float) -> str:
    return f"{x:.2f} s"


def _runs(r: dict[str, Any]) -> str:
    return ", ".join(f"{x:.2f}" for x in r["all_seconds"])


def _stage_rows(r: dict[str, Any]) -> list[tuple[str, float]]:
    """Where a run's time went: store reading, tokenizing, each measure, to_json."""
    st = r["stages"]
    tokens = st.get("article_tokens", 0.0)
    cached = st.get("read cached token offsets", 0.0)
    saved = st.get("save token offsets", 0.0)
    measures = st.get("agreement", 0.0)
    named = (
        "default_annotators",
        "finished_by_all",
        "article_tokens",
        "spans_by_article",
        "agreement",
    )
    rest = r["team_agreement_seconds"] - sum(st.get(k, 0.0) for k in named)
    version = st.get("tokenizer_name", 0.0)
    rows = [
        (
            "`Store.open` + `import annotator.core.team_agreement`",
            r["open_seconds"] + r["import_seconds"],
        ),
        (
            "store: who finished what (`default_annotators`, `finished_by_all`)",
            st.get("default_annotators", 0.0) + st.get("finished_by_all", 0.0),
        ),
        ("`import spacy` to name the tokenizer (`token_cache.tokenizer_name`)", version),
        ("store: cached token offsets read", cached),
        (
            "tokenizing: `spacy.blank('fr')`, `nlp.pipe`, offsets to arrays, saved to the cache",
            tokens - cached - version,
        ),
        ("  of which saving the offsets", saved),
        ("store: spans (`spans_by_article`)", st.get("spans_by_article", 0.0)),
        ("store: texts + building the input", rest),
        ("measures (`agreement()`)", measures),
    ]
    labels = {
        "build_corpus": "columns (`build_corpus`)",
        "pair_scores": "span F1, strict and lenient (`pair_scores`)",
        "token_labels": "token labels (`token_labels`)",
        "coding_agreement": "κ, Fleiss, α overall and per article (`coding_agreement`)",
        "corpus_unitizing_alpha": "unitizing α (`corpus_unitizing_alpha`)",
        "_tokens_by_label": "token agreement per label (`_tokens_by_label`)",
        "disagreements": "disagreement list (`disagreements`)",
    }
    rows += [(f"  {labels[k]}", st.get(k, 0.0)) for k in MEASURE_STAGES]
    rows.append(("`report.to_json()`", r["to_json_seconds"]))
    return rows


def render(results: dict[str, Any]) -> str:
    m, prep = results["machine"], results["prepare"]
    first, warm = results["first"], results["warm"]
    cli_first, cli_warm, base = results["cli_first"], results["cli_warm"], results["baseline"]
    n = prep["articles"]
    per = prep["spans"] / prep["article_annotations"]
    kinds = prep["kinds"]
    decided = sum(kinds.get(k, 0) for k in ("same", "shifted", "relabelled", "missed"))
    share = {k: kinds.get(k, 0) / decided for k in ("same", "shifted", "relabelled", "missed")}
    big = n >= TARGET_SIZE
    target = f"< {TARGET_SECONDS:.0f} s"

    def tgt(r: dict[str, Any]) -> str:
        return f"{target}: {verdict(r['seconds'] < TARGET_SECONDS)}" if big else ""

    def load(r: dict[str, Any]) -> str:
        return f"{r['cpu_seconds'] / r['seconds']:.0%}"

    lines = [
        START,
        "## Agreement (`benchmarks/bench_agreement.py`)",
        "",
        measured_on(m, results["command"]),
        "",
        f"{n:,} generated articles ({results['first']['tokens']:,} tokens), each done by 3"
        f" annotators with {per:.1f} spans each on average ({prep['spans']:,} spans, stored with"
        " `store.annotations.import_spans`): per annotator and shared span,"
        f" {share['same']:.0%} the same, {share['shifted']:.0%} one boundary moved by a word,"
        f" {share['relabelled']:.0%} another label, {share['missed']:.0%} missing, plus"
        f" {kinds.get('extra', 0) / prep['article_annotations']:.2f} extra spans an article"
        f" (some marked by one or two of the three). Labels found: {', '.join(first['labels'])}."
        " *Ours*: a fresh process timing `Store.open`, `from annotator.core.team_agreement import"
        " team_agreement`, `team_agreement(store)` (every measure: span F1 strict and lenient"
        " for each pair, Cohen's κ, Fleiss' κ and Krippendorff's α over tokens, overall, per"
        " label and per article, unitizing α, the disagreement list) and `report.to_json()`."
        " *First run*: on a fresh copy of the database, so every article is tokenized"
        " (`spacy.blank('fr')`) and the offsets cached in the store; *warm*: the next run."
        f" Best of {len(first['all_seconds'])} runs (all runs listed). CPU / wall under 100%:"
        " the machine was busy with something else.",
        "",
        "| Run | Wall time | All runs (s) | CPU / wall | Peak memory | Target |",
        "| --- | ---: | --- | ---: | ---: | --- |",
        f"| First run (tokenizes {n:,} articles) | {_s(first['seconds'])} | {_runs(first)}"
        f" | {load(first)} | {first['peak_mb']:,.0f} MB | {tgt(first)} |",
        f"| Warm run (token offsets cached) | {_s(warm['seconds'])} | {_runs(warm)}"
        f" | {load(warm)} | {warm['peak_mb']:,.0f} MB | {tgt(warm)} |",
        f"| `annotator agreement --json` (subprocess), first run | {_s(cli_first['seconds'])}"
        f" | {_runs(cli_first)} | {load(cli_first)} | {cli_first['peak_mb']:,.0f} MB | |",
        f"| `annotator agreement --json` (subprocess), warm | {_s(cli_warm['seconds'])}"
        f" | {_runs(cli_warm)} | {load(cli_warm)} | {cli_warm['peak_mb']:,.0f} MB | |",
        "",
        f"The command prints {cli_warm['json_bytes'] / 1e6:,.1f} MB of JSON"
        f" ({first['disagreements']:,} disagreements listed); `json.dumps(..., indent=1)` of the"
        f" report took {_s(warm['dumps_seconds'])} in the warm run (not in *Ours*). Peak memory"
        f" is `ru_maxrss`; the interpreter held {warm['rss_before_mb']:.0f} MB before opening the"
        " store.",
        "",
        "Where the time goes (from wrapping the functions `team_agreement` calls):",
        "",
        "| Stage | First run | Warm run |",
        "| --- | ---: | ---: |",
    ]
    for (name, a), (_, b) in zip(_stage_rows(first), _stage_rows(warm), strict=True):
        lines.append(f"| {name} | {_s(a)} | {_s(b)} |")
    lines.append(f"| **Total** | {_s(first['seconds'])} | {_s(warm['seconds'])} |")
    pairs = list(base["sklearn_cohen_kappa"])
    kappas = ", ".join(f"{base['sklearn_cohen_kappa'][p]:.4f}" for p in pairs)
    same_k = max(abs(base["sklearn_cohen_kappa"][p] - base["ours_cohen_kappa"][p]) for p in pairs)
    same_a = abs(base["krippendorff_alpha"] - base["ours_krippendorff_alpha"])
    lines += [
        "",
        f"Baseline, for context: the libraries on the same {base['tokens']:,}-token label"
        " arrays (one code per token: O or a label; built untimed from the warm database), in"
        " one process:",
        "",
        "| Computation | Time | Result |",
        "| --- | ---: | --- |",
        f"| scikit-learn `cohen_kappa_score`, the 3 pairs | {_s(base['best_sklearn_seconds'])}"
        f" | κ {kappas} |",
        f"| `krippendorff.alpha` (nominal, 3 annotators) | {_s(base['best_krippendorff_seconds'])}"
        f" | α {base['krippendorff_alpha']:.4f} |",
        f"| Ours, the same coefficients (`coding_agreement`: κ for 3 pairs, Fleiss' κ, α,"
        f" overall and for each of the {n:,} articles) | {_s(base['best_ours_token_seconds'])}"
        f" | largest difference to the libraries: κ {same_k:.1e}, α {same_a:.1e} |",
        "",
        f"That process peaked at {base['peak_mb'] / 1024:,.1f} GB (`krippendorff.alpha`; it held"
        f" {base['rss_before_mb']:,.0f} MB with the arrays before the libraries ran).",
        "",
        "The libraries compute one number each from ready arrays; ours reads the store and"
        " computes all the measures above. For the record, span F1 (strict / lenient) of the"
        " pairs: "
        + ", ".join(
            f"{p} {first['strict_f1'][p]:.3f} / {first['lenient_f1'][p]:.3f}" for p in pairs
        )
        + f"; Fleiss' κ {first['fleiss_kappa']:.3f}; unitizing α {first['unitizing_alpha']:.3f}.",
        "",
        f"Setting up (not timed above): importing the {n:,} articles took"
        f" {prep['import_seconds']:.1f} s and storing {prep['spans']:,} spans for"
        f" {prep['article_annotations']:,} article-annotations with `import_spans`"
        f" {prep['spans_seconds']:.1f} s"
        f" ({prep['article_annotations'] / prep['spans_seconds']:,.0f} article-annotations/s,"
        f" {prep['spans'] / prep['spans_seconds']:,.0f} spans/s, 500"
        f" articles a transaction); the database is {prep['db_bytes'] / 1e6:,.0f} MB.",
        END,
    ]
    return "\n".join(lines)
