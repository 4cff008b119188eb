"""The bundled national pack cn-2024 (issue #20): it loads and its own cases pass; recognition picks it
for its synthetic base and the blank national template and still picks cq-2021 for the Chongqing sample
(results unchanged); the base passes; three injected defects — a 类 figure ×10, a 302 value shifted by
one row, a “三公” part changed — are each found at the right cell. The pack is built from the national
template's structure and a synthetic base, not yet from real disclosures (see its README)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.helpers import run_cli
from xlplugin.api import check
from xlplugin.core.findings import ERROR, WARNING
from xlplugin.packs.load import load_pack
from xlplugin.packs.places import BUNDLED_PACKS
from xlplugin.packs.resolve import pack_fits
from xlplugin.workbook.readers import read_book

PACK = BUNDLED_PACKS / "national-2024"
BASE = PACK / "tests" / "基准-合成.xlsx"
TEMPLATE = Path(__file__).resolve().parents[2] / "workbooks" / "templates" / "全国部门决算公开表样-2024.xlsx"


def test_the_pack_loads_and_says_it_is_unverified():
    pack = load_pack(PACK)
    assert (pack.id, pack.version, pack.year, pack.region) == ("cn-2024", "0.1.0", 2024, "全国")
    assert pack.name == "全国通用部门决算公开校验规则（2024年度）"
    assert "尚未用真实公开件核对" in (PACK / "pack.yaml").read_text(encoding="utf-8")
    assert "合成" in (PACK / "README.md").read_text(encoding="utf-8")
    assert len(pack.rules) >= 60


def test_pack_test_passes():
    result = run_cli("pack", "test", PACK)
    assert result.exit_code == 0, result.output
    assert "个符合期望，0 个不符合" in result.output.splitlines()[-1]


@pytest.mark.parametrize("path", [BASE, TEMPLATE], ids=["base", "blank-template"])
def test_recognition_picks_the_national_pack(path):
    ranked = pack_fits(read_book(path))
    assert ranked[0][0].pack_id == "cn-2024" and ranked[0][0].describe() == "9 张表中找到 9 张"
    assert ranked[0][0].score > ranked[1][0].score


def test_the_blank_template_is_checked_with_the_national_pack():
    checked = check(TEMPLATE)
    assert checked.pack.id == "cn-2024" and checked.source.step == 5
    assert checked.located.not_found == {} and checked.located.problems == []


def test_the_chongqing_sample_still_gets_the_chongqing_pack_and_results(sample_path):
    checked = check(sample_path)
    assert checked.pack.id == "cq-2021"
    severities = [f.severity for f in checked.report.findings]
    assert (severities.count(ERROR), severities.count(WARNING)) == (13, 13)


def test_the_synthetic_base_passes_every_rule():
    checked = check(BASE)
    assert checked.pack.id == "cn-2024"
    assert [f for f in checked.report.findings if f.severity in (ERROR, WARNING)] == []
    assert checked.report.not_run == [] and checked.report.verdict == "通过"


def _defect(tmp_path: Path, sheet_name: str, edit) -> Path:
    path = tmp_path / "有误.xlsx"
    shutil.copyfile(BASE, path)
    workbook = openpyxl.load_workbook(path)
    edit(workbook[sheet_name])
    workbook.save(path)
    return path


def _row_of(sheet, column: int, text: str) -> int:
    return next(row[0].row for row in sheet.iter_rows() if row[column - 1].value == text)


def _errors(path: Path) -> list[tuple[str, str, str]]:
    report = check(path).report
    return [(f.sheet, f.cell, f.rule) for f in report.findings if f.severity == ERROR]


def test_a_class_figure_times_ten_is_found_at_its_cell(tmp_path):
    def tenfold(sheet):  # 208 社会保障和就业支出, 本年支出合计 135.07 → 1350.70
        sheet.cell(_row_of(sheet, 1, "208"), 3).value = 1350.70

    path = _defect(tmp_path, "3支出决算表", tenfold)
    assert _errors(path) == [("3支出决算表", "C12", "CN03-01")]
    suggestion = check(path).report.suggestions[0]
    assert (suggestion.cell, suggestion.suggested) == ("C12", Decimal("135.07"))
    assert {"CN03-02", "CNX-05"} <= set(suggestion.rules)


def test_a_302_value_shifted_by_one_row_is_found_at_302(tmp_path):
    def shift(sheet):  # 公用经费 block: 30201 办公费 written on the 30202 印刷费 line
        row = _row_of(sheet, 7, "办公费")
        sheet.cell(row + 1, 8).value, sheet.cell(row, 8).value = sheet.cell(row, 8).value, None

    path = _defect(tmp_path, "6基本支出决算明细表", shift)
    assert _errors(path) == [("6基本支出决算明细表", "H6", "CN06-02")]  # H6: 302 商品和服务支出


def test_a_changed_sangong_part_is_found_and_pointed_at(tmp_path):
    def change(sheet):  # 决算数 公务接待费 1.50 → 2.50
        assert sheet["L7"].value == 1.5
        sheet["L7"].value = 2.5

    path = _defect(tmp_path, "7三公经费支出决算表", change)
    assert _errors(path) == [("7三公经费支出决算表", "G7", "CN07-02")]  # 决算数 合计 ≠ its parts
    suggestion = check(path).report.suggestions[0]
    assert (suggestion.cell, suggestion.suggested) == ("L7", Decimal("1.50"))


def test_every_report_with_the_unverified_pack_says_so_first():
    checked = check(BASE)
    assert checked.pack.id == "cn-2024"
    assert any("尚未用真实公开件核对" in notice for notice in checked.notices)
