"""A longer fuzzing campaign that lists every distinct failure with its smallest example.

    FUZZ_EXAMPLES=200 nice -n 10 python -m tests.fuzz.campaign [FORMAT|merge ...]

Unlike the pytest properties (which stop at the first failure), each example's
failure is classified by its first line (the exception and where it was
raised, or the check that failed) and the smallest input of each class is kept,
so one run reports them all. Nothing is shrunk: the smallest input seen is
printed, to be cut down by hand into tests/fuzz/corpus/.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fuzz.hostile_db import base_pair, mutations
from tests.fuzz.strategies import FORMATS
from tests.fuzz.test_fuzz_import import MODES, check_import
from tests.fuzz.test_fuzz_merge import check_merge

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
CAMPAIGN = settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=(Phase.generate,),
    suppress_health_check=list(HealthCheck),
    database=None,
)
_NOISE = re.compile(r"0x[0-9a-f]+|\d+|'[^']*'|\"[^\"]*\"")


def kind_of(error: BaseException) -> str:
    """What failed, without the values: the message's first line, digits and quotes blanked."""
    first = str(error).split("\n", 1)[0]
    if "stored row(s) fail validation" in first:
        first = str(error).split("\n")[1].split(": ", 1)[-1]
    where = ""
    frames = traceback.extract_tb(error.__traceback__)
    for line in str(error).splitlines():  # the innermost frame of an uncaught error
        if line.strip().startswith('File "') and "/annotator/" in line:
            where = line.strip()
    if not where and frames:
        where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}"
    return f"{_NOISE.sub('_', first)[:140]} @ {where[-90:]}"


def campaign(name: str, strategy: st.SearchStrategy[Any], check: Any) -> dict[str, Any]:
    found: dict[str, tuple[int, Any, str]] = {}

    @CAMPAIGN
    @given(case=strategy)
    def run(case: Any) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            try:
                check(Path(tmp), case)
            except Exception as error:
                key = kind_of(error)
                size = len(repr(case))
                if key not in found or size < found[key][0]:
                    found[key] = (size, case, str(error).split("\n", 1)[0][:300])

    run()
    print(f"== {name}: {len(found)} distinct failure(s) in {EXAMPLES} examples", flush=True)
    for key, (_, case, message) in sorted(found.items()):
        print(f"-- {key}\n   message: {message}\n   smallest: {case!r}"[:2500], flush=True)
    return found


def main(names: list[str]) -> None:
    names = names or [*sorted(FORMATS), "merge"]
    for name in names:
        if name == "merge":
            base = base_pair(Path(tempfile.mkdtemp()) / "base")
            campaign(name, mutations, lambda root, changes, b=base: check_merge(b, root, changes))
        else:
            strategy = st.tuples(FORMATS[name], st.sampled_from(sorted(MODES)))
            campaign(name, strategy, lambda root, c, n=name: check_import(root, n, c[0], c[1]))


if __name__ == "__main__":
    main(sys.argv[1:])
