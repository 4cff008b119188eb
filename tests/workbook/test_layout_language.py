"""The layout keys for printed variants: each malformed use fails at load time with file and line
(never later, in the locator), and the crash of issue #14 (a block without a row-label column) is
gone: such a block is refused unless it says how its rows are found, and then it is located."""

import shutil
from pathlib import Path

import pytest

from tests.workbook.national_book import LAYOUT_DIR, add_sheet
from xlplugin.core.errors import PackError
from xlplugin.workbook.book import Book
from xlplugin.workbook.layout_load import load_layout
from xlplugin.workbook.locate import locate_book

ONE_ROW = """id: 三公
title: “三公”经费支出决算表
header:
  - [合计, 因公出国（境）费, 公务接待费]
blocks:
  - id: 决算数
{rows_by}    columns:
      - {{id: 合计, header: [合计]}}
      - {{id: 因公出国（境）费, header: [因公出国（境）费]}}
      - {{id: 公务接待费, header: [公务接待费]}}
    rows:
      - {{id: 三公经费}}
"""


def _layout(tmp_path: Path, table: str) -> Path:
    (tmp_path / "tables").mkdir()
    (tmp_path / "template.yaml").write_text("id: t\nname: t\ntables: [tables/t.yaml]\n", encoding="utf-8")
    (tmp_path / "tables" / "t.yaml").write_text(table, encoding="utf-8")
    return tmp_path


def test_block_without_a_label_column_is_refused_at_load_time_not_a_crash(tmp_path):
    with pytest.raises(PackError) as error:
        load_layout(_layout(tmp_path, ONE_ROW.format(rows_by="")))
    assert error.value.code == "bad-layout"
    assert "t.yaml" in str(error.value.path) and error.value.line == 6
    assert "rows_by: position" in error.value.message


def test_one_row_block_without_labels_is_located_by_position(tmp_path):
    layout = load_layout(_layout(tmp_path, ONE_ROW.format(rows_by="    rows_by: position\n")))
    grid = [["“三公”经费支出决算表"], [], [], ["合计", "因公出国（境）费", "公务接待费"], [3, 1, 2], ["注：无"]]
    located = locate_book(Book.from_grids({"三公": grid}), layout)
    table = located.tables["三公"]
    assert table.value("三公经费", "公务接待费").amount.value == 2
    assert located.problems == []


def test_regression_issue_14_crash_in_fixed_block_by_label():
    """`xlplugin tables` crashed with AttributeError: 'NoneType' object has no attribute 'id' on the
    national 三公 table; the national layout's 三公 table now loads and locates."""
    import openpyxl

    from xlplugin.workbook.readers import read_book

    layout = load_layout(LAYOUT_DIR)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    spec = layout.table("公开07表")
    header = [list(row) for row in spec.header]
    add_sheet(workbook, "三公", spec.title, "公开07表", header, [[1] * 12])
    path = Path(__import__("tempfile").mkdtemp()) / "三公.xlsx"
    workbook.save(path)
    located = locate_book(read_book(path), layout)
    assert "公开07表" in located.tables and located.tables["公开07表"].problems == []


@pytest.fixture
def national_copy(tmp_path) -> Path:
    target = tmp_path / "national"
    shutil.copytree(LAYOUT_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


@pytest.mark.parametrize(
    "file, old, new, words",
    [
        ("公开07表.yaml", "    rows_by: position", "    rows_by: place", "rows_by 只能是 code/label/position"),
        ("公开07表.yaml", "    rows_by: position", "    rows_by: label", "没有行名列"),
        ("公开06表.yaml", '      - {code: "30101", label: 基本工资}', "      - {label: 基本工资}", "每一行都要写 code"),
        (
            "公开06表.yaml",
            '{code: "30102", label: 津贴补贴}',
            '{code: "30101", label: 津贴补贴, id: 津贴}',
            "编码“30101”在本区块出现两次",
        ),
        ("公开01表.yaml", "rows:", "total_at: top\n    rows:", "total_at 只用于"),
        ("公开09表.yaml", "total_at: bottom", "total_at: middle", "total_at 只能是 top/bottom"),
        ("公开05表.yaml", "aliases: [[项目支出]]", "aliases: [[]]", "表头路径不能为空"),
        ("公开05表.yaml", "aliases: [[项目支出]]", "aliases: [{a: 1}]", "aliases 的每一项"),
        ("公开05表.yaml", "keyed: code", "keyed: code\n    rows_by: code", "不用 rows_by"),
        (
            "公开07表.yaml",
            "      - {id: 三公经费, at: 1}\n  - id: 决算数",
            "      - {at: 1}\n  - id: 决算数",
            "至少要写 id 或 label",
        ),
        ("公开06表.yaml", "value: 人员经费.决算数", "value: 人员经费.科目名称", "数值列"),
    ],
)
def test_new_keys_are_checked_with_file_and_line(national_copy, file, old, new, words):
    path = national_copy / "tables" / file
    line = _edit(path, old, new)
    with pytest.raises(PackError) as error:
        load_layout(national_copy)
    assert words in error.value.message
    assert error.value.path.endswith(file)
    assert error.value.line is not None and abs(error.value.line - line) <= 8, (error.value.line, line)
