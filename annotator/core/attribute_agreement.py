"""When two spans' attributes agree: the FIGURE attributes, compared after normalisation.

Agreement (`agreement/`) and adjudication both decide with `attribute_key`,
so a span the agreement report calls agreed is exactly one that adjudication
may take into gold. Kept apart from `agreement/` (numpy, scipy) because
adjudication runs at every command's start-up.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

# The attributes the guideline gives a FIGURE; other keys (bookkeeping such as a
# hand-edited mark) say nothing about what the annotator read, so they never count.
FIGURE_ATTRIBUTES: tuple[str, ...] = ("value", "value_max", "qualifier", "unit")

AttributeKey = tuple[Any, ...]
NO_ATTRIBUTES: AttributeKey = (None,) * len(FIGURE_ATTRIBUTES)


def attribute_key(attrs: Mapping[str, Any]) -> AttributeKey:
    """What decides agreement: one normalised value per FIGURE attribute (None when absent).

    Numbers compare by value (13000, 13000.0 and 1.3e4 are one key); strings
    compare as stored (the recogniser and the span panel store them normalised).
    """
    if not attrs:
        return NO_ATTRIBUTES
    return tuple(_normal(attrs.get(name)) for name in FIGURE_ATTRIBUTES)


def compared_attributes(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """The attributes `attribute_key` looks at, as stored, for showing what each one said."""
    return {name: attrs[name] for name in FIGURE_ATTRIBUTES if attrs.get(name) is not None}


def _normal(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list | dict):  # not hashable; not a FIGURE attribute either
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    # 12 significant digits: equal readings of "1,2 milliard" made by different
    # multiplications differ in the last binary digit, never in the 12th decimal one.
    return float(f"{float(value):.12g}")
