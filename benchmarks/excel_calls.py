"""How many xlwings calls, and round trips to Excel, the 校验 button makes: ``python benchmarks/excel_calls.py``.

There is no Excel here, so the desktop door runs against the test stand-in of the xlwings objects it
uses (``tests/xlwings_standin.py``), which counts every xlwings call (``api``) and the round trips
to Excel that call makes in xlwings 0.37.8's Windows engine (``trips``, by its ``TRIPS`` table).

Two workbooks: the bundled sample, and the sample with about 500 findings (every amount of
公开01–09表 raised by a few cents, different in every cell, which breaks nearly every total and
relation). For each: the first 校验, a second 校验 (which replaces our marks), and 清除标注, on the Windows
and the macOS model (where a multi-area address is refused and each block is coloured by itself).
"""

from __future__ import annotations

import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl

from tests.xlwings_standin import Book
from tools.build_workbooks import SAMPLE
from xlplugin.doors import excel


def many_findings(target: Path) -> Path:
    """The sample with every amount of the nine tables raised by a few cents, different in every cell."""
    workbook = openpyxl.load_workbook(SAMPLE)
    for sheet in workbook.worksheets:
        if not sheet.title.startswith("公开0"):
            continue
        for row in sheet.iter_rows(min_row=6):
            for cell in row:
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) and cell.column > 1:
                    cell.value = float(Decimal(str(cell.value)) + Decimal(cell.row * 7 + cell.column) / 100)
    workbook.save(target)
    return target


def run(path: Path, platform: str) -> list[tuple[str, object, int, int]]:
    """(step, findings or restored cells, calls, round trips) of each step; a failed step ends the run."""
    book = Book.open(path, platform=platform)
    surface = excel.Desktop(mac=platform == "mac")
    rows: list[tuple[str, object, int, int]] = []
    for step, action in (("校验", excel.validate), ("再次校验", excel.validate), ("清除标注", excel.clear)):
        book.api = book.trips = 0
        result = action(book, surface=surface)
        if "无法" in book.app.alerts[-1][1]:
            rows.append((step, "失败", book.api, book.trips))
            break
        rows.append((step, len(result.findings) if hasattr(result, "findings") else result, book.api, book.trips))
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        workbooks = {"样例": SAMPLE, "约 500 个问题": many_findings(Path(folder) / "many.xlsx")}
        print(f"{'workbook':<14}{'platform':<10}{'step':<10}{'findings/cells':>15}{'calls':>8}{'round trips':>13}")
        for label, path in workbooks.items():
            for platform in ("win", "mac"):
                for step, marked, calls, trips in run(path, platform):
                    print(f"{label:<14}{platform:<10}{step:<10}{marked:>15}{calls:>8}{trips:>13}")


if __name__ == "__main__":
    main()
