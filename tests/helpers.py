"""Helpers for tests: workbook surgery (real .xlsx files derived from the committed sample) and
stand-ins for what a claim kind is given (where its rule is declared, the context it checks in), and the
`xlplugin` command run in-process."""

from __future__ import annotations

import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.worksheet.cell_range import CellRange

from xlplugin.core.amounts import Amount
from xlplugin.core.errors import NotRunnable, XlpluginError
from xlplugin.core.findings import Operand
from xlplugin.core.intervals import Interval
from xlplugin.doors.cli import cli
from xlplugin.engine.context import Resolved
from xlplugin.packs.places import BUNDLED_PACKS
from xlplugin.workbook.narrative import Paragraph


def copy_to(source: Path, directory: Path, name: str | None = None) -> Path:
    target = directory / (name or source.name)
    shutil.copyfile(source, target)
    return target


def edit_workbook(path: Path, edit, output: Path | None = None) -> Path:
    """Load with openpyxl, apply ``edit(workbook)``, save to ``output`` (default: in place)."""
    workbook = openpyxl.load_workbook(path)
    edit(workbook)
    output = output or path
    workbook.save(output)
    return output


def insert_rows(sheet, index: int, amount: int = 1) -> None:
    """Insert rows at 1-based ``index`` and shift merged ranges with them (openpyxl does not)."""
    merged = [CellRange(str(r)) for r in sheet.merged_cells.ranges]
    for cell_range in merged:
        sheet.unmerge_cells(str(cell_range))
    sheet.insert_rows(index, amount)
    for cell_range in merged:
        if cell_range.min_row >= index:
            cell_range.shift(row_shift=amount)
        sheet.merge_cells(cell_range.coord)


def find_cell(sheet, text: str):
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell
    raise LookupError(text)


class StubWhere:
    """Where a rule is declared, for a kind's ``prepare``: its errors are ValueErrors naming the code."""

    def error(self, code, message, line=None):
        return ValueError(f"{code}: {message}")


class StubNarrativeContext:
    """A narrative and a table in which row 201 is missing: the context of a claim kind's ``check``, given
    the narrative's paragraphs; of the table rows only 208 resolves (to 110.00)."""

    tolerance = None
    skipped_cells: set = set()

    def __init__(self, texts):
        self.paragraphs = [Paragraph("情况说明", f"A{i}", text) for i, text in enumerate(texts, start=1)]
        self.covered = []

    def require_narrative(self):
        return self.paragraphs

    def cover(self, paragraph, span):
        self.covered.append(paragraph.cell)

    def resolve(self, ref):
        if ref.row != "208":
            raise NotRunnable(f"{ref.table}中找不到行：{ref.row}")
        return Resolved(
            Interval.of(Amount(Decimal("110.00"), 2)),
            Operand(str(ref), "公开05表", "B7", Decimal("110.00")),
            None,
            None,
            "合计",
        )


#: the bundled Chongqing pack's folder
CITY = BUNDLED_PACKS / "chongqing-2021"


def run_cli(*args):
    """An ``xlplugin`` command in-process, with the console entry point's handling of user errors
    (exit 2 and the message in the output)."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if isinstance(result.exception, XlpluginError):
        return SimpleNamespace(exit_code=2, output=result.output + result.exception.message)
    return result


def soffice() -> str | None:
    """LibreOffice's command, or ``None`` where it is not installed (never in CI, which installs it)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("CI"):
        raise AssertionError("LibreOffice is required in CI (.ci/run installs libreoffice-calc-nogui)")
    return found


def libreoffice_convert(path: Path, to: str, work: Path) -> Path:
    """``path`` opened and saved as ``to`` (``xlsx``, ``ods``) by a real LibreOffice, headless, with its
    profile in ``work``; the test is skipped where LibreOffice is not installed."""
    found = soffice()
    if found is None:
        pytest.skip("LibreOffice is not installed here (CI installs it)")
    out = work / "lo"
    done = subprocess.run(
        [found, "--headless", "--calc", "--convert-to", to, "--outdir", str(out), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HOME": str(work)},
    )
    assert done.returncode == 0, done.stderr
    return out / f"{path.stem}.{to}"
