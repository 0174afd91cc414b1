"""Failures of issue #13 still open at b80a3ef, told by their message: tolerated by the
properties (counted as hypothesis events), so that CI fails on any *other* failure.

Whether a property's few CI examples meet a known defect depends on what hypothesis
draws (its constants pool follows the modules loaded), so a strict xfail on a whole
property would flip with the rest of the suite. The open cases are shown instead by
the corpus's strict xfails (tests/fuzz/corpus/cases.toml), one input each: when a fix
lands there, remove its line here. ``FUZZ_STRICT=1`` tolerates nothing.
"""

from __future__ import annotations

import os
import re

from hypothesis import event

STRICT = os.environ.get("FUZZ_STRICT") == "1"

# (case, a regular expression the failure message matches, the commands it may come from)
KNOWN: list[tuple[int, str, tuple[str, ...]]] = [
    (9, "surrogates not allowed", ("import",)),  # a file name that is not UTF-8
    (9, "for integer string conversion", ("import",)),  # a 5,000-digit integer
    (9, "uncaught RecursionError", ("import",)),  # JSON nested deep
    (8, r"run twice stored more \(suggestions\)", ("import",)),
    (15, "text holds NUL", ("import", "merge")),
    (15, "text is not NFC", ("import", "merge")),
    (15, "meta is not strict JSON", ("import", "merge")),  # NaN in metadata
    (15, "runs as a formula", ("import", "merge")),  # figures CSV
    (15, r"stored \d+x", ("import",)),  # the same span stored twice
    (4, "not stored as written", ("import",)),  # CSV doubled quotes
    (2, "uncaught ", ("merge",)),  # every traceback of merge on a tampered file
    (2, "are not strict JSON", ("merge",)),  # attrs, supporters, states
    (2, "is outside a text", ("merge",)),
]


def tolerated(error: AssertionError, command: str) -> bool:
    """Whether `error` is a known open defect of `command`; if so, counted as an event."""
    if STRICT:
        return False
    message = str(error)
    for case, holds, commands in KNOWN:
        if command in commands and re.search(holds, message):
            event(f"#13 case {case} (open): {holds}")
            return True
    return False
