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
KNOWN: list[tuple[int, str, tuple[str, ...]]] = []  # none open: all of #13 is fixed


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
