"""Figures for the Excel doors on the bundled sample: ``make bench`` (or ``python benchmarks/lite_bench.py``).

The door runs against the xlwings stand-in (there is no Excel here), so the figures are the
door's own Python time and its round trips, not Excel's drawing time:

- the desktop door and the xlwings Lite door in this CPython: first 校验, a re-run (which first
  removes the previous marks), 清除标注; calls made into xlwings by kind;
- the Lite door in Pyodide (CPython 3.14 compiled to WebAssembly, run by Node.js; the Python
  xlwings Lite runs), from the kit's wheel: import time, first 校验, a re-run. Skipped with a note
  when Node.js is not installed.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.xlwings_standin import Book
from tools import pyodide_node
from tools.build_workbooks import SAMPLE
from xlplugin.doors import excel, lite

RUNS = 7
PROGRAM = """
import json, pickle, sys, time
sys.modules["python_calamine"] = None
start = time.perf_counter()
import xlplugin.doors.lite
imported = time.perf_counter()
book = pickle.load(open("book.pickle", "rb"))
first_start = time.perf_counter()
await xlplugin.doors.lite.validate(book)
first = time.perf_counter()
await xlplugin.doors.lite.validate(book)
again = time.perf_counter()
print(json.dumps({"import": imported - start, "first": first - first_start, "rerun": again - first}))
"""


def _quiet(steps):
    """Run a Lite step without its copy of the message box on stdout (the output pane in Lite)."""
    with contextlib.redirect_stdout(io.StringIO()):
        return asyncio.run(steps)


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def doors() -> None:
    print(f"sample: {SAMPLE.name}, Python {sys.version.split()[0]}, median of {RUNS} runs")
    print(f"{'door':10} {'校验 ms':>9} {'re-run ms':>10} {'清除 ms':>9}  calls into xlwings (first 校验)")
    for name, is_lite, check, clear in (
        ("desktop", False, excel.validate, excel.clear),
        ("lite", True, lambda b: _quiet(lite.validate(b)), lambda b: _quiet(lite.clear(b))),
    ):
        runs = []
        for _ in range(RUNS):
            book = Book.open(SAMPLE, lite=is_lite)
            first = timed(lambda: check(book))
            calls = dict(sorted(book.calls.items()))
            runs.append((first, timed(lambda: check(book)), timed(lambda: clear(book))))
        first, again, cleared = (statistics.median(column) for column in zip(*runs))
        print(f"{name:10} {first:9.1f} {again:10.1f} {cleared:9.1f}  {calls}")


def pyodide() -> None:
    package = pyodide_node.pyodide_dir()
    if package is None:
        print("pyodide: Node.js is not installed, skipped")
        return
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        paths = pyodide_node.stage_lite_run(root, Book.open(SAMPLE, lite=True), PROGRAM)
        start = time.perf_counter()
        done = pyodide_node.run(
            package, root / "program.py", root, [*paths, pyodide_node.pure_yaml(root / "pure-yaml")]
        )
        wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"pyodide {pyodide_node.VERSION} (lite door from the wheel; pure-Python PyYAML): "
        f"import {figures['import'] * 1000:.0f} ms, 校验 {figures['first'] * 1000:.0f} ms, "
        f"re-run {figures['rerun'] * 1000:.0f} ms; whole Node.js process {wall:.1f} s (Pyodide start-up included)"
    )


if __name__ == "__main__":
    doors()
    pyodide()
