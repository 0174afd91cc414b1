"""The fuzzing suite's budget: a hypothesis profile for CI, a longer campaign by hand.

CI runs a few fixed examples a property (a fixed seed: the same ones every
run) and does not shrink a failure (shrinking costs minutes; the failing input
is printed whole). ``FUZZ_EXAMPLES=500 nice -n 10 python -m pytest tests/fuzz
--runxfail`` runs random examples, shrunk when they fail; ``python -m
tests.fuzz.campaign`` lists every distinct failure at once. A minimal failing
example goes to tests/fuzz/corpus/ (its README says how). Failures of defects
still open are tolerated by their message (known.py); ``FUZZ_STRICT=1`` shows them.
The profile is applied per test (``@FUZZ``), never loaded globally: the rest of
the suite keeps its own settings.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, seed, settings

CAMPAIGN = "FUZZ_EXAMPLES" in os.environ
# CI's examples come from this seed, not from the test's source (derandomize would
# draw others whenever a decorator changes), so the strict xfails stay true.
CI_SEED = 13

settings.register_profile(
    "fuzz-ci",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "5")),
    deadline=None,  # an example runs the real CLI, store and exports: seconds, not ms
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    phases=tuple(Phase) if CAMPAIGN else (Phase.explicit, Phase.generate),
    database=settings.default.database if CAMPAIGN else None,  # CI: no local replays
    report_multiple_bugs=CAMPAIGN,
    print_blob=True,
)


def FUZZ(test: Callable[..., Any]) -> Callable[..., Any]:
    """The profile on one property; in CI, the fixed seed too."""
    test = settings(settings.get_profile("fuzz-ci"))(test)
    return test if CAMPAIGN else seed(CI_SEED)(test)
