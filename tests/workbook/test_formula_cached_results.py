"""Reading formula cells: a cached result that is empty text is a value, not a formula Excel never
calculated."""

from __future__ import annotations

import re
import zipfile

import openpyxl

from xlplugin.workbook.book import FormulaWithoutValue
from xlplugin.workbook.readers import read_book


def test_a_formula_whose_cached_result_is_empty_text_is_not_uncalculated(tmp_path):
    path = tmp_path / "formulas.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "=1+1"  # openpyxl writes <f>1+1</f><v></v>: never calculated
    workbook.active["A2"] = "placeholder"
    workbook.save(path)
    # Rewrite A2 as Excel and LibreOffice save IF(…,""): a text result that is empty.
    patched = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<c r="A2".*?</c>', b'<c r="A2" t="str"><f>IF(1,"",1)</f><v></v></c>', data)
                assert b'IF(1,"",1)' in data
            target.writestr(item, data)
    sheet = read_book(patched, engine="openpyxl").sheets[0]
    assert isinstance(sheet.value(0, 0), FormulaWithoutValue)
    assert sheet.value(1, 0) is None
