"""Inter-annotator agreement: pure functions over plain data (no Qt, no database).

The caller gathers the articles every compared annotator finished, their
token offsets (spaCy's French tokenizer) and each annotator's spans into an
`AgreementInput`; `agreement()` computes every measure into an
`AgreementReport`. docs/agreement.md gives the definitions and references.
"""

from annotator.core.agreement.attributes import AttributeAgreement, AttributeCounts
from annotator.core.agreement.coding import TokenAgreement
from annotator.core.agreement.coefficients import (
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha_nominal,
)
from annotator.core.agreement.disagreements import Disagreement, Disagreements
from annotator.core.agreement.inputs import AgreementInput, ArticleInput
from annotator.core.agreement.report import AgreementReport, agreement
from annotator.core.agreement.spans import SpanCounts, SpanScores
from annotator.core.agreement.unitizing import (
    UnitizingAlpha,
    unitizing_alpha,
    unitizing_alpha_by_category,
)

__all__ = [
    "AgreementInput",
    "AgreementReport",
    "ArticleInput",
    "AttributeAgreement",
    "AttributeCounts",
    "Disagreement",
    "Disagreements",
    "SpanCounts",
    "SpanScores",
    "TokenAgreement",
    "UnitizingAlpha",
    "agreement",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha_nominal",
    "unitizing_alpha",
    "unitizing_alpha_by_category",
]
