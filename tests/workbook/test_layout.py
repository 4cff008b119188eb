"""Layout files: the bundled Chongqing layout loads; malformed ones fail with file and line."""

import shutil
from pathlib import Path

import pytest

from tools.build_workbooks import LAYOUT
from xlplugin.core.errors import PackError
from xlplugin.output.template import header_merges
from xlplugin.workbook.layout import label_body
from xlplugin.workbook.layout_load import load_layout


def test_bundled_layout(layout):
    assert [t.id for t in layout.tables] == [f"公开0{i}表" for i in range(1, 10)]
    assert layout.narrative_sheet == "情况说明"
    t01 = layout.table("公开01表")
    assert [r.code for r in t01.block("支出").rows][:26][-1] == "234"
    assert len([r for r in t01.block("支出").rows if r.code]) == 26  # 类 一 … 二十六
    t06 = layout.table("公开06表")
    assert {r.code for b in t06.blocks for r in b.rows} >= {"301", "30101", "302", "30231", "310", "399"}
    t09 = layout.table("公开09表")
    assert t09.block("三公经费等").row("公务用车保有量").decimals == 0
    assert t09.block("三公经费等").row("三公经费").na == ("预算数", "决算数")


def test_label_body_strips_only_the_ordinal():
    assert label_body("二十六、抗疫特别国债安排的支出") == "抗疫特别国债安排的支出"
    assert label_body("(一) 支出合计") == "支出合计"
    assert label_body("（1）公务用车购置费") == "公务用车购置费"
    assert label_body("其中：外事接待费") == "其中:外事接待费"


def test_header_merges():
    assert header_merges([["项目", "<", "收入"], ["编码", "名称", "^"]]) == [(0, 0, 0, 1), (0, 2, 1, 2)]


@pytest.fixture
def layout_copy(tmp_path) -> Path:
    target = tmp_path / "layout"
    shutil.copytree(LAYOUT, target)
    return target


def _edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` once; return the line it started on."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


@pytest.mark.parametrize(
    "file, old, new, code, line, words",
    [
        ("tables/公开05表.yaml", "unit: 万元", "unit: 万元\ncolour: red", "unknown-key", 4, "colour"),
        (
            "tables/公开05表.yaml",
            "{id: 基本支出, header: [本年支出, 基本支出]}",
            "{id: 基本支出, role: amount, header: [本年支出, 基本支出]}",
            "bad-layout",
            18,
            "role",
        ),
        (
            "tables/公开05表.yaml",
            "[功能分类科目编码, 项目（按“项”级功能分类科目）, 合计, 基本支出, 项目支出]",
            "[功能分类科目编码, 合计, 基本支出, 项目支出]",
            "bad-layout",
            8,
            "4 格",
        ),
        (
            "tables/公开09表.yaml",
            "{label: 二、会议费, id: 会议费, na: [预算数]}",
            "{label: 二、会议费, id: 会议费, na: [预算]}",
            "unknown-column",
            39,
            "预算",
        ),
        (
            "tables/公开09表.yaml",
            "{label: 三、培训费, id: 培训费, na: [预算数]}",
            "{label: 三、培训费, id: 会议费, na: [预算数]}",
            "duplicate-id",
            40,
            "会议费",
        ),
        (
            "tables/公开01表.yaml",
            "- {label: 本年收入合计, at: 27}",
            "- {label: 本年收入合计, at: 2}",
            "bad-layout",
            24,
            "at=2",
        ),
        ("template.yaml", "  - tables/公开09表.yaml", "  - tables/公开10表.yaml", "missing-file", None, "公开10表"),
        ("template.yaml", "  - tables/公开09表.yaml", "  - ../../etc/passwd", "path-escape", None, "不在模板目录内"),
    ],
)
def test_malformed_layouts_name_file_and_line(layout_copy, file, old, new, code, line, words):
    edited_line = _edit(layout_copy / file, old, new)
    with pytest.raises(PackError) as caught:
        load_layout(layout_copy)
    error = caught.value
    assert error.code == code
    assert error.path.endswith(Path(file).name)
    assert error.line == (line or edited_line)
    assert words in error.message
