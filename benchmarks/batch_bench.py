"""Batch figures: ``make bench-batch`` (or ``python benchmarks/batch_bench.py [N]``).

Generates N department workbooks from the sample (values moved between items, every 5th with an
injected error, plus 4 bad files), then measures on the same files, each in a fresh process:

- a cold single-workbook ``xlplugin check``;
- the bare read: every workbook opened with the fast reader and its tables located (no rules);
- a straightforward openpyxl + pandas script doing a few of the same checks (02/03/05 row totals and
  类/款 roll-ups) — the baseline a bureau would write by hand;
- ``xlplugin batch`` report-only and with ``--annotate``, at 1 and 2 jobs;
- peak memory (RSS of the process and its workers), and report-only at N/4 vs N workbooks to show
  that memory does not grow with the batch.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.generate_workbooks import generate

PYTHON = sys.executable
_MEASURE = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
start = time.perf_counter()
{body}
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({{"seconds": seconds, "rss_mb": max(usage) / 1024}}))
"""

BARE_READ = """
from pathlib import Path
from xlplugin.workbook.readers import read_book
from xlplugin.workbook.book import Book
from xlplugin.core.errors import XlpluginError
from xlplugin.workbook.layout_load import load_layout
from xlplugin.workbook.locate import locate_book
from xlplugin.doors.batch import discover
layout = load_layout({layout!r})
for path in discover([{folder!r}]):
    try:
        locate_book(read_book(path), layout)
    except XlpluginError:
        pass
"""

OPENPYXL_PANDAS = """
import openpyxl, pandas as pd
from decimal import Decimal
from pathlib import Path
from xlplugin.doors.batch import discover
mismatches = 0
for path in discover([{folder!r}]):
    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except Exception:
        continue
    for name, total, parts in (("公开02表", 2, [3, 4, 5, 7, 8, 9]), ("公开03表", 2, [3, 4, 5, 6, 7]), ("公开05表", 2, [3, 4])):
        if name not in workbook.sheetnames:
            continue
        rows = [r for r in workbook[name].iter_rows(min_row=6, values_only=True) if r[0] and str(r[0]).isdigit()]
        frame = pd.DataFrame(rows).fillna(0)
        frame[0] = frame[0].astype(str)
        numeric = frame.iloc[:, 2:].apply(pd.to_numeric, errors="coerce").fillna(0)
        mismatches += int(((numeric[total] - numeric[parts].sum(axis=1)).abs() > 0.015).sum())
        for width in (3, 5):
            parents = frame[frame[0].str.len() == width]
            children = frame[frame[0].str.len() == width + 2]
            sums = numeric.loc[children.index].groupby(children[0].str[:width]).sum()
            for index, code in parents[0].items():
                if code in sums.index and abs(numeric.loc[index, total] - sums.loc[code, total]) > 0.05:
                    mismatches += 1
"""

BATCH = """
from xlplugin.doors.batch import run_batch
run_batch([{folder!r}], {out!r}, {pack!r}, annotate={annotate}, jobs={jobs}, force=True)
"""


def measure(body: str) -> dict:
    code = _MEASURE.format(root=str(ROOT), body=body)
    done = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(count: int) -> None:
    layout = str(ROOT / "rules" / "chongqing-2021")
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        folder = scratch / "in"
        started = time.perf_counter()
        made = generate(folder, count)
        generated = time.perf_counter() - started
        small = scratch / "small"
        generate(small, max(count // 4, 1), bad_files=False)
        files = count + len(made["bad"])
        one = next((folder / "批次1").glob("001-*.xlsx"))
        start = time.perf_counter()
        subprocess.run([PYTHON, "-m", "xlplugin", "check", str(one), "--format", "json"], capture_output=True, cwd=ROOT)
        cold = time.perf_counter() - start

        rows = []
        bare = measure(BARE_READ.format(layout=layout, folder=str(folder)))
        rows.append(("bare read (fast reader, locate, no rules)", 1, bare))
        baseline = measure(OPENPYXL_PANDAS.format(folder=str(folder)))
        rows.append(("openpyxl + pandas script (3 tables)", 1, baseline))
        results = {}
        for annotate in (False, True):
            for jobs in (1, 2):
                out = scratch / f"out-{annotate}-{jobs}"
                figures = measure(
                    BATCH.format(folder=str(folder), out=str(out), pack=layout, annotate=annotate, jobs=jobs)
                )
                results[(annotate, jobs)] = figures
                rows.append((f"xlplugin batch{' --annotate' if annotate else ''} (all rules)", jobs, figures))
        small_figures = measure(
            BATCH.format(folder=str(small), out=str(scratch / "out-small"), pack=layout, annotate=False, jobs=1)
        )

    print(
        f"{count} generated workbooks + {len(made['bad'])} bad files ({generated:.1f} s to generate); machine: {os.cpu_count()} cores"
    )
    print(f"cold single-workbook `xlplugin check`: {cold * 1000:.0f} ms")
    print(f"{'what':48} {'jobs':>4} {'seconds':>8} {'workbooks/s':>12} {'peak MB':>8}")
    for name, jobs, figures in rows:
        print(
            f"{name:48} {jobs:>4} {figures['seconds']:8.2f} {files / figures['seconds']:12.1f} {figures['rss_mb']:8.0f}"
        )
    report_only = min(results[(False, 1)]["seconds"], results[(False, 2)]["seconds"])
    print(f"report-only batch vs bare read: {report_only / bare['seconds']:.2f}× the time (target ≤ 3×)")
    print(f"report-only batch vs openpyxl + pandas: {baseline['seconds'] / report_only:.1f}× faster")
    print(
        f"peak memory, report-only, 1 job: {small_figures['rss_mb']:.0f} MB for {max(count // 4, 1)} workbooks, "
        f"{results[(False, 1)]['rss_mb']:.0f} MB for {count}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
