"""Small workbooks in the national 9-table layout, laid out as such tables are printed: 合计 in the
code cell merged over 编码 + 名称, codes split over 类 | 款 | 项 or ``301 | 01``, a 栏次 line, 行次
columns, a one-row “三公” table without row labels, header words that vary, a left block whose first
data line is the right block's last header line. Built cell by cell with openpyxl, merges included."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tools.build_national_base import write_printed
from xlplugin.workbook.layout_load import load_layout

LAYOUT_DIR = Path(__file__).resolve().parent / "national_layout"


def national_layout():
    return load_layout(LAYOUT_DIR)


def add_sheet(workbook, name, title, table_no, header, body, body_merges=(), note="注：本表反映部门本年度情况。"):
    """One printed table: title, 表号, 部门/单位 line, header (``<``/``^`` merges), body lines (each a
    list of cell values; ``<`` merges with the cell to the left), the note. Returns the sheet."""
    sheet = workbook.create_sheet(name)
    sheet.append([title])
    sheet.append([table_no] if table_no else [])
    sheet.append(["公开部门：测试单位", "2025年度", None, "金额单位：万元"])
    first = write_printed(sheet, header, body)
    for r0, c0, r1, c1 in body_merges:
        sheet.merge_cells(start_row=first + r0, start_column=c0 + 1, end_row=first + r1, end_column=c1 + 1)
    sheet.append([note])
    return sheet


def _rows(layout, table_id, block_id):
    return layout.table(table_id).block(block_id).rows


def _pad(lines, count, width):
    return lines + [[None] * width for _ in range(count - len(lines))]


def build(path: Path, variant: dict | None = None) -> Path:
    """The nine national tables as printed; ``variant`` switches a table to another printed form."""
    variant = variant or {}
    layout = national_layout()
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)

    # 01: 行次 columns, 栏次 line; header "收入决算数" (one header line) or 收入 / 金额 (two lines)
    income = [[r.label, i + 1, 100 + i] for i, r in enumerate(_rows(layout, "公开01表", "收入"))]
    spend = [[r.label, 30 + i, 10 + i] for i, r in enumerate(_rows(layout, "公开01表", "支出"))]
    income = _pad(income, len(spend), 3)
    if variant.get("01") == "one-line-header":
        header01 = [["项目", "行次", "收入决算数", "项目", "行次", "支出决算数"]]
    else:
        header01 = [["收入", "<", "<", "支出", "<", "<"], ["项目", "行次", "金额", "项目", "行次", "金额"]]
    body01 = [["栏次", None, "1", "栏次", None, "2"]] + [a + b for a, b in zip(income, spend)]
    add_sheet(workbook, "1收入支出决算总表", "收入支出决算总表", "公开01表", header01, body01)

    # 02: 科目编码 over 类|款|项 (one header cell merged over three columns), 合计 merged over 编码+名称
    header02 = [
        [
            "项目",
            "<",
            "<",
            "<",
            "本年收入合计",
            "财政拨款收入",
            "上级补助收入",
            "事业收入",
            "经营收入",
            "附属单位上缴收入",
            "其他收入",
        ],
        ["科目编码", "<", "<", "科目名称", "^", "^", "^", "^", "^", "^", "^"],
        ["类", "款", "项", "^", "^", "^", "^", "^", "^", "^", "^"],
    ]
    body02 = [
        ["栏次", None, None, None, 1, 2, 3, 4, 5, 6, 7],
        ["合计", "<", "<", "<", 300, 300, 0, 0, 0, 0, 0],
        ["201", None, None, "一般公共服务支出", 200, 200, 0, 0, 0, 0, 0],
        ["201", "03", None, "政府办公厅（室）及相关机构事务", 200, 200, 0, 0, 0, 0, 0],
        ["201", "03", "01", "行政运行", 200, 200, 0, 0, 0, 0, 0],
        ["208", None, None, "社会保障和就业支出", 100, 100, 0, 0, 0, 0, 0],
        ["208", "05", None, "行政事业单位养老支出", 100, 100, 0, 0, 0, 0, 0],
        ["208", "05", "05", "机关事业单位基本养老保险缴费支出", 100, 100, 0, 0, 0, 0, 0],
    ]
    add_sheet(workbook, "2收入决算表", "收入决算表", "公开02表", header02, body02)

    # 03: one code column, 合计 merged over 编码+名称 at the top
    header03 = [
        ["项目", "<", "本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"],
        ["科目编码", "科目名称", "^", "^", "^", "^", "^", "^"],
    ]
    body03 = [
        ["合计", "<", 300, 250, 50, 0, 0, 0],
        ["201", "一般公共服务支出", 200, 150, 50, 0, 0, 0],
        ["20103", "政府办公厅（室）及相关机构事务", 200, 150, 50, 0, 0, 0],
        ["2010301", "行政运行", 200, 150, 50, 0, 0, 0],
        ["208", "社会保障和就业支出", 100, 100, 0, 0, 0, 0],
    ]
    add_sheet(workbook, "3支出决算表", "支出决算表", "公开03表", header03, body03)

    # 04: the 收入 header is two lines, the 支出 header three: 收入's first row is on 支出's third line
    income4 = [[r.label, i + 1, 50 + i] for i, r in enumerate(_rows(layout, "公开04表", "收入"))]
    spend4 = [[r.label, 40 + i, 5 + i, 5 + i, 0, 0] for i, r in enumerate(_rows(layout, "公开04表", "支出"))]
    header04 = [
        ["收入", "<", "<", "支出", "<", "<", "<", "<", "<"],
        ["项目", "行次", "金额", "项目", "行次", "金额", "<", "<", "<"],
    ]
    third = income4[0] + [
        None,
        None,
        "小计",
        "一般公共预算财政拨款",
        "政府性基金预算财政拨款",
        "国有资本经营预算财政拨款",
    ]
    rest = _pad(income4[1:], len(spend4), 3)
    body04 = [third] + [a + b for a, b in zip(rest, spend4)]
    add_sheet(workbook, "4财政拨款收入支出决算总表", "财政拨款收入支出决算总表", "公开04表", header04, body04)

    # 05: 类 | 款 | 项 as three code columns; a 款/项 line prints only its own part; 合计 over 类…名称
    header05 = [
        ["项目", "<", "<", "<", "本年支出", "<", "<"],
        ["科目编码", "<", "<", "科目名称", "小计", "基本支出", "项目支出"],
        ["类", "款", "项", "^", "^", "^", "^"],
    ]
    body05 = [
        ["合计", "<", "<", "<", 300, 250, 50],
        ["201", None, None, "一般公共服务支出", 200, 150, 50],
        [None, "03", None, "政府办公厅（室）及相关机构事务", 200, 150, 50],
        [None, None, "01", "行政运行", 200, 150, 50],
        ["208", None, None, "社会保障和就业支出", 100, 100, 0],
        [None, 5, None, "行政事业单位养老支出", 100, 100, 0],
        [None, None, 5, "机关事业单位基本养老保险缴费支出", 100, 100, 0],
    ]
    if variant.get("05") == "total-at-bottom":
        body05 = body05[1:] + body05[:1]
    add_sheet(
        workbook, "5一般公共预算财政拨款支出决算表", "一般公共预算财政拨款支出决算表", "公开05表", header05, body05
    )

    # 06: 经济分类 codes as "301 | 01" (科目编码 over two columns); totals merged over 编码+名称
    blocks = [("人员经费", 0), ("公用经费1", 4), ("公用经费2", 8)]
    lines06 = [[None] * 12 for _ in range(max(len(_rows(layout, "公开06表", b)) for b, _ in blocks))]
    for block, offset in blocks:
        for i, row in enumerate(_rows(layout, "公开06表", block)):
            code = row.code
            parts = [code, None] if len(code) == 3 else [code[:3], code[3:]]
            if variant.get("06") == "one-cell-codes":
                parts = [code, "<"]
            lines06[i][offset : offset + 4] = [*parts, row.label, 1]
    lines06.append(["人员经费合计", "<", "<", 27, "公用经费合计", "<", "<", "<", "<", "<", "<", 61])
    header06 = [
        ["人员经费", "<", "<", "<", "公用经费", "<", "<", "<", "<", "<", "<", "<"],
        [
            "科目编码",
            "<",
            "科目名称",
            "决算数",
            "科目编码",
            "<",
            "科目名称",
            "决算数",
            "科目编码",
            "<",
            "科目名称",
            "决算数",
        ],
    ]
    add_sheet(
        workbook,
        "6基本支出决算明细表",
        "一般公共预算财政拨款基本支出决算明细表",
        "公开06表",
        header06,
        lines06,
    )

    # 07: one data line, no row label; 预算数 and 决算数 groups
    header07 = [
        ["预算数", "<", "<", "<", "<", "<", "决算数", "<", "<", "<", "<", "<"],
        ["合计", "因公出国（境）费", "公务用车购置及运行费", "<", "<", "公务接待费"] * 2,
        ["^", "^", "小计", "公务用车购置费", "公务用车运行费", "^"] * 2,
    ]
    if variant.get("07") == "运行维护费":
        header07[1][2] = header07[1][8] = "公务用车购置及运行维护费"
        header07[2][4] = header07[2][10] = "公务用车运行维护费"
    body07 = [[12, 2, 8, 5, 3, 2, 10.5, 1.5, 7, 4, 3, 2]]
    add_sheet(workbook, "7三公经费支出决算表", "一般公共预算财政拨款“三公”经费支出决算表", "公开07表", header07, body07)

    # 08: 本年支出 合计 instead of 小计; 合计 merged over 编码+名称
    header08 = [
        ["项目", "<", "年初结转和结余", "本年收入", "本年支出", "<", "<", "年末结转和结余"],
        ["科目编码", "科目名称", "^", "^", "合计", "基本支出", "项目支出", "^"],
    ]
    body08 = [
        ["合计", "<", 0, 20, 20, 0, 20, 0],
        ["229", "其他支出", 0, 20, 20, 0, 20, 0],
        ["22960", "彩票公益金安排的支出", 0, 20, 20, 0, 20, 0],
        ["2296002", "用于社会福利的彩票公益金支出", 0, 20, 20, 0, 20, 0],
    ]
    add_sheet(workbook, "8政府性基金", "政府性基金预算财政拨款收入支出决算表", "公开08表", header08, body08)

    # 09: 合计 at the bottom
    header09 = [["项目", "<", "本年支出", "<", "<"], ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]]
    body09 = [
        ["223", "国有资本经营预算支出", 5, 0, 5],
        ["22301", "解决历史遗留问题及改革成本支出", 5, 0, 5],
        ["合计", "<", 5, 0, 5],
    ]
    add_sheet(workbook, "9国有资本经营", "国有资本经营预算财政拨款支出决算表", "公开09表", header09, body09)

    path = Path(path)
    workbook.save(path)
    return path
