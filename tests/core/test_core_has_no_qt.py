"""annotator.core must run headless: importing all of it pulls in no Qt."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import importlib, pkgutil, sys
import annotator.core as core
names = [m.name for m in pkgutil.walk_packages(core.__path__, "annotator.core.")]
for name in names:
    importlib.import_module(name)
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6"))
print(len(names), qt)
"""


def test_importing_every_core_module_loads_no_qt() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=True
    ).stdout.split(maxsplit=1)
    modules, qt = int(out[0]), out[1].strip()
    assert modules > 20  # the walk really found the package
    assert qt == "[]"
