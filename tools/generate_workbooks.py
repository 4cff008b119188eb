"""Generate realistic department workbooks from the corrected sample, for batch tests and benchmarks.

Each unit gets its own name and its own figures: an amount moves between two 项 of one 款
(2101101 行政单位医疗 and 2101103 公务员医疗补助) in every table that lists them, so the totals, the
cross-table identities and the narrative stay true while the detail differs. Every
``inject_every``-th unit carries one injected error, cycling through the kinds in :data:`INJECTIONS`. Bad files (truncated,
empty, wrong format) can be added. Generation edits the package part by part (no spreadsheet
library), so hundreds take seconds.

    python -m tools.generate_workbooks OUT_DIR [COUNT]
"""

from __future__ import annotations

import random
import re
import sys
from decimal import Decimal
from pathlib import Path

from lxml import etree

from tools.build_workbooks import CORRECTED
from xlplugin.output.ooxml.package import MAIN, Package
from xlplugin.output.ooxml.sheet import SheetXml
from xlplugin.workbook.layout_load import load_layout
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.readers import read_book

INJECTIONS = ("row-total", "roll-up", "name", "text-number", "narrative", "formula", "missing-sheet")
#: (sheet, columns) where 2101101 gains and 2101103 loses the unit's amount
_MOVES = {"公开02表": (2, 3), "公开03表": (2, 4), "公开05表": (2, 4)}


def _cell_text(cell) -> str:
    return "".join(t.text or "" for t in cell.iter(f"{{{MAIN}}}t"))


def _set_text(cell, text: str) -> None:
    for child in list(cell):
        cell.remove(child)
    cell.set("t", "inlineStr")
    inline = etree.SubElement(cell, f"{{{MAIN}}}is")
    etree.SubElement(inline, f"{{{MAIN}}}t").text = text


def _set_number(cell, value: Decimal) -> None:
    for child in list(cell):
        cell.remove(child)
    cell.attrib.pop("t", None)
    etree.SubElement(cell, f"{{{MAIN}}}v").text = format(value, "f")


class Generator:
    """Reads the base workbook once; :meth:`write` makes one unit's workbook."""

    def __init__(self, base: Path = CORRECTED):
        self.base = base
        layout = load_layout(Path(__file__).resolve().parent.parent / "rules" / "chongqing-2021")
        located = locate_book(read_book(base), layout)
        self.department = next(iter(located.tables.values())).meta["department"]

    def write(self, target: Path, unit: str, move: Decimal, inject: str | None = None) -> Path:
        """``move``: the amount (万元, −320 … 650) that 2101101 gains and 2101103 loses."""
        package = Package(self.base)
        parts = {name: part for name, part, _ in package.sheets()}
        for sheet_name, part in parts.items():
            sheet = SheetXml(package.xml(part))
            for cell in sheet.cells.values():
                text = _cell_text(cell)
                if self.department in text:
                    _set_text(cell, text.replace(self.department, unit))
            if sheet_name in _MOVES:
                for code, sign in (("2101101", 1), ("2101103", -1)):
                    row = _first_row(sheet, code)
                    for col in _MOVES[sheet_name]:
                        cell = sheet.cells[(row, col)]
                        _set_number(cell, Decimal(cell.findtext(f"{{{MAIN}}}v") or "0") + sign * move)
            if inject:
                _inject(inject, sheet_name, sheet)
            package.write(part, sheet.root)
        if inject == "missing-sheet":
            package.remove_sheet("公开08表")
        return package.save(target)


def _first_row(sheet: SheetXml, code: str) -> int:
    return next(r for (r, c), cell in sheet.cells.items() if c == 0 and _cell_text(cell) == code)


def _inject(kind: str, sheet_name: str, sheet: SheetXml) -> None:
    if kind == "row-total" and sheet_name == "公开03表":
        row = _first_row(sheet, "2101101")
        cell = sheet.cells[(row, 3)]  # 基本支出 D: the row no longer adds up
        _set_number(cell, Decimal(cell.findtext(f"{{{MAIN}}}v") or "0") + 10)
    elif kind == "roll-up" and sheet_name == "公开02表":
        row = _first_row(sheet, "2101102")
        for col in (2, 3):  # both the total and 财政拨款: the row adds up, its 款 does not
            cell = sheet.cells[(row, col)]
            _set_number(cell, Decimal(cell.findtext(f"{{{MAIN}}}v") or "0") + 5)
    elif kind == "name" and sheet_name == "公开02表":
        row = _first_row(sheet, "2080101")
        _set_text(sheet.cells[(row, 1)], "行政运行费")
    elif kind == "text-number" and sheet_name == "公开05表":
        row = _first_row(sheet, "2101102")
        _set_text(sheet.cells[(row, 2)], "约7")
    elif kind == "narrative" and sheet_name == "情况说明":
        for cell in sheet.cells.values():
            text = _cell_text(cell)
            if text.startswith("2.收入情况。"):
                _set_text(cell, re.sub(r"收入总计 [\d.]+ 万元", "收入总计 1.00 万元", text, count=1))
    elif kind == "formula" and sheet_name == "公开05表":
        row = _first_row(sheet, "2101103")
        cell = sheet.cells[(row, 2)]
        for child in list(cell):
            cell.remove(child)
        etree.SubElement(cell, f"{{{MAIN}}}f").text = f"D{row + 1}+E{row + 1}"


def add_bad_files(folder: Path) -> list[Path]:
    """A truncated workbook, an empty one, an old .xls and a CSV: each must be listed, not crash."""
    folder.mkdir(parents=True, exist_ok=True)
    data = CORRECTED.read_bytes()
    bad = {
        "损坏的工作簿.xlsx": data[: len(data) // 3],
        "空文件.xlsx": b"",
        "旧格式.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
        "导出的表.csv": "项目,决算数\n合计,9909.15\n".encode(),
    }
    paths = []
    for name, content in bad.items():
        path = folder / name
        path.write_bytes(content)
        paths.append(path)
    return paths


def generate(folder: Path, count: int, inject_every: int = 5, seed: int = 2021, bad_files: bool = True) -> dict:
    """Write ``count`` unit workbooks (in sub-folders of 50) and, optionally, the bad files."""
    generator = Generator()
    rng = random.Random(seed)
    injected: dict[str, str] = {}
    for number in range(1, count + 1):
        unit = f"重庆市示例区第{number:03d}部门"
        move = Decimal(rng.randint(-30000, 30000)) / 100
        inject = INJECTIONS[(number // inject_every) % len(INJECTIONS)] if number % inject_every == 0 else None
        target = folder / f"批次{(number - 1) // 50 + 1}" / f"{number:03d}-{unit}.xlsx"
        target.parent.mkdir(parents=True, exist_ok=True)
        generator.write(target, unit, move, inject)
        if inject:
            injected[unit] = inject
    bad = add_bad_files(folder / "其他") if bad_files else []
    return {"count": count, "injected": injected, "bad": bad}


if __name__ == "__main__":
    out = Path(sys.argv[1])
    made = generate(out, int(sys.argv[2]) if len(sys.argv) > 2 else 200)
    print(
        f"{made['count']} workbooks ({len(made['injected'])} with an injected error) and {len(made['bad'])} bad files in {out}"
    )
