"""Figures for the bundled sample: ``make bench`` (or ``python benchmarks/bench.py``).

Prints the median and best of N runs in milliseconds for: opening the workbook into grids
(calamine fast path vs openpyxl), locating all nine tables and the narrative, loading the layout and
the rule pack, running all rules, a whole check (open + locate + rules), checking the 情况说明 alone
(.txt and .docx: read, choose the pack by region, run), and the pack's own test cases; then the wall time of cold processes (``xlplugin tables`` and ``xlplugin check``).
"""

from __future__ import annotations

import copy
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.build_workbooks import LAYOUT, SAMPLE
from xlplugin.api import check_narrative
from xlplugin.engine.run import run_pack
from xlplugin.packs.load import load_pack
from xlplugin.packs.resolve import find_pack
from xlplugin.packs.testing import run_cases
from xlplugin.workbook.layout_load import load_layout
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.readers import read_book

RUNS = 30
NARRATIVE = SAMPLE.with_name(SAMPLE.stem + "-情况说明.txt")


def measure(function) -> tuple[float, float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def main() -> None:
    layout = load_layout(LAYOUT)
    book = read_book(SAMPLE)
    pack = load_pack(find_pack("cq-2021"))
    located = locate_book(book, pack.layout)
    narrative = copy.copy(pack)
    narrative.rules = [r for r in pack.rules if r.kind.startswith(("claim", "narrative"))]
    rows = [
        ("open, calamine (fast path)", lambda: read_book(SAMPLE, engine="calamine")),
        ("open, openpyxl", lambda: read_book(SAMPLE, engine="openpyxl")),
        ("locate 9 tables + narrative", lambda: locate_book(book, layout)),
        ("open + locate, calamine", lambda: locate_book(read_book(SAMPLE, engine="calamine"), layout)),
        ("open + locate, openpyxl", lambda: locate_book(read_book(SAMPLE, engine="openpyxl"), layout)),
        ("load layout (10 YAML files)", lambda: load_layout(LAYOUT)),
        (f"load pack (layout + {len(pack.rules)} rules)", lambda: load_pack(pack.path)),
        (f"run all {len(pack.rules)} rules", lambda: run_pack(pack, located)),
        (f"run {len(narrative.rules)} narrative rules", lambda: run_pack(narrative, located)),
        ("check: open + locate + rules", lambda: run_pack(pack, locate_book(read_book(SAMPLE), pack.layout))),
        ("check the 情况说明 alone (.txt)", lambda: check_narrative(NARRATIVE)),
        ("check the 情况说明 alone (.docx)", lambda: check_narrative(NARRATIVE.with_suffix(".docx"))),
    ]
    print(
        f"sample: {SAMPLE.name} ({SAMPLE.stat().st_size / 1024:.0f} KiB), {RUNS} runs each, Python {sys.version.split()[0]}"
    )
    print(f"{'what':34} {'median ms':>10} {'best ms':>9}")
    for name, function in rows:
        median, best = measure(function)
        print(f"{name:34} {median:10.2f} {best:9.2f}")
    start = time.perf_counter()
    cases = run_cases(pack)
    print(f"{f'pack test ({len(cases)} cases), once':34} {(time.perf_counter() - start) * 1000:10.2f}")
    for command in (["tables", str(SAMPLE)], ["check", str(SAMPLE)], ["check", str(NARRATIVE)]):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "xlplugin", *command], capture_output=True, cwd=ROOT)
        what = f"cold process: xlplugin {command[0]}" + (" (情况说明)" if command[-1] == str(NARRATIVE) else "")
        print(f"{what:34} {(time.perf_counter() - start) * 1000:10.2f}")


if __name__ == "__main__":
    main()
