"""Benchmark the localizer (建议修改): a 2,000-row keyed table, and the published sample.

    .venv/bin/python -m benchmarks.localize_bench

The synthetic table has 类/款/项 rows (20 类 × 10 款 × 9 项 = 2,000 rows) with 合计 = 基本支出 +
项目支出 on every row and the code roll-ups in all three columns: 6,000 cells, about 8,000 relations.
Three errors are injected (an amount ×10, a value in the wrong column, a blanked 项); the localizer
must find exactly those cells.
"""

from __future__ import annotations

import random
import time
from decimal import Decimal

from xlplugin.core.findings import Operand
from xlplugin.core.intervals import Interval
from xlplugin.engine.localize import localize
from xlplugin.engine.relations import Relations

HALF = Decimal("0.005")
COLUMNS = ("C", "D", "E")  # 合计, 基本支出, 项目支出


def _table(rng: random.Random):
    """codes → [合计, 基本, 项目] that add up, and the row numbers."""
    leaves, rows = {}, []
    for a in range(20):
        for b in range(10):
            for c in range(9):
                basic, project = Decimal(rng.randint(0, 99999)) / 100, Decimal(rng.randint(0, 99999)) / 100
                leaves[f"{201 + a}{b + 1:02d}{c + 1:02d}"] = [basic + project, basic, project]
    values = dict(leaves)
    for length in (5, 3):
        for code in list(values):
            if len(code) == length + 2:
                parent = values.setdefault(code[:length], [Decimal(0)] * 3)
                for i in range(3):
                    parent[i] += values[code][i]
    rows = sorted(values)
    return values, {code: index + 6 for index, code in enumerate(rows)}


def build(values, row_of, errors) -> Relations:
    relations = Relations()
    operands = {}
    for code, triple in values.items():
        for column, value in zip(COLUMNS, triple):
            cell = f"{column}{row_of[code]}"
            value = errors.get(cell, value)
            blank = value == 0
            operand = Operand(cell, "表", cell, value, "blank" if blank else "number")
            interval = Interval.exact(value) if blank else Interval(value, value - HALF, value + HALF)
            operands[cell] = (operand, interval)
            relations.note_cell(operand, interval, "表", code, column)
    for code in values:
        c, d, e = (operands[f"{col}{row_of[code]}"] for col in COLUMNS)
        relations.add("row", [(1, *c), (-1, *d), (-1, *e)], "==", None, total=c[0])
        children = [k for k in values if len(k) == len(code) + 2 and k.startswith(code)]
        for column in COLUMNS:
            if children:
                whole = operands[f"{column}{row_of[code]}"]
                parts = [(-1, *operands[f"{column}{row_of[k]}"]) for k in children]
                relations.add("rollup", [(1, *whole), *parts], "==", None, total=whole[0])
    return relations


def main() -> None:
    rng = random.Random(2021)
    values, row_of = _table(rng)
    leaves = [k for k in values if len(k) == 7]
    a, b, c = rng.sample(leaves, 3)
    errors = {
        f"D{row_of[a]}": values[a][1] * 10,  # ×10
        f"D{row_of[b]}": Decimal(0),  # moved to 项目支出
        f"E{row_of[b]}": values[b][2] + values[b][1],
        f"E{row_of[c]}": Decimal(0),  # blanked
    }
    started = time.perf_counter()
    relations = build(values, row_of, errors)
    built = time.perf_counter() - started
    result = localize(relations)
    found = {s.cell: s.suggested for s in result.suggestions}
    original = {f"D{row_of[a]}": values[a][1], f"D{row_of[b]}": values[b][1], f"E{row_of[b]}": values[b][2]}
    original[f"E{row_of[c]}"] = values[c][2]
    print(f"rows {len(values)}, cells {len(relations.cells)}, relations {len(relations.relations)}")
    print(f"collect {built * 1000:.0f} ms, localize {result.seconds * 1000:.0f} ms, status {result.status}")
    print(f"found {len(found)} cells; all restored: {found == original}")


if __name__ == "__main__":
    main()
