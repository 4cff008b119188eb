"""Build the national pack's test base: ``python -m tools.build_national_base``.

Writes ``rules/national-2024/tests/基准-合成.xlsx``: the nine national tables filled with **synthetic**
numbers (a made-up unit, not a real disclosure), laid out as such tables are printed — a 栏次 line and
行次 columns in the two 总表, 合计 written in the code cell and merged over 编码 + 名称, codes split over
类 | 款 | 项 (公开02表 under one merged 科目编码 cell, 公开05表 as three code columns printing only their own
part), economic codes as ``301 | 01``, the one-line “三公” table without a label column, 公开09表's 合计
at the bottom, sheets named as printed (``1收入支出决算总表`` …) — plus a short 情况说明 whose figures
are the tables'. Every figure is derived from the leaf lines below, so every rule of the pack holds;
``--check`` prints the check of the result.

The leaf lines are the only data: a 项 of the 支出功能分类 with its spending by kind and fund, an
economic code with its 基本支出, the “三公” budget and outturn, the carry-overs. Change them here and
rebuild; the pack's cases (``tests/cases.yaml``) refer to cells of this workbook.
"""

from __future__ import annotations

import datetime
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font

from xlplugin.output.template import header_merges
from xlplugin.workbook.layout import MERGE_LEFT, MERGE_UP
from xlplugin.workbook.layout_load import load_layout

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "rules" / "national-2024"
BASE = PACK / "tests" / "基准-合成.xlsx"
UNIT = "示例单位（合成数据）"
YEAR = 2024
FIXED_TIME = datetime.datetime(2025, 6, 1, 9, 0, 0)

D = Decimal
ZERO = D("0.00")

# ---- the data ---------------------------------------------------------------------------------------
#: 功能分类 names of the codes used (class, section, item)
NAMES = {
    "201": "一般公共服务支出",
    "20103": "政府办公厅（室）及相关机构事务",
    "2010301": "行政运行",
    "2010302": "一般行政管理事务",
    "2010350": "事业运行",
    "208": "社会保障和就业支出",
    "20805": "行政事业单位养老支出",
    "2080505": "机关事业单位基本养老保险缴费支出",
    "2080506": "机关事业单位职业年金缴费支出",
    "210": "卫生健康支出",
    "21011": "行政事业单位医疗",
    "2101101": "行政单位医疗",
    "221": "住房保障支出",
    "22102": "住房改革支出",
    "2210201": "住房公积金",
    "223": "国有资本经营预算支出",
    "22301": "解决历史遗留问题及改革成本支出",
    "2230199": "其他解决历史遗留问题及改革成本支出",
    "229": "其他支出",
    "22960": "彩票公益金安排的支出",
    "2296002": "用于社会福利的彩票公益金支出",
}

#: each 项: (fund, 基本支出, 项目支出, 经营支出) by fund — 一般 (一般公共预算财政拨款), 基金 (政府性基金),
#: 国资 (国有资本经营), 事业 (事业收入), 经营 (经营收入), 其他 (其他收入)
SPENDING = {
    "2010301": [("一般", "820.36", "0", "0")],
    "2010302": [("一般", "0", "200.00", "0"), ("其他", "0", "15.40", "0")],
    "2010350": [("一般", "250.25", "0", "0"), ("事业", "60.00", "0", "0"), ("经营", "0", "0", "8.00")],
    "2080505": [("一般", "96.48", "0", "0")],
    "2080506": [("一般", "38.59", "0", "0")],
    "2101101": [("一般", "52.17", "0", "0")],
    "2210201": [("一般", "71.30", "0", "0")],
    "2296002": [("基金", "0", "45.00", "0")],
    "2230199": [("国资", "0", "12.00", "0")],
}
#: the carry-overs of 财政拨款 at the start and the end of the year (spent = received here)
CARRIED = {"一般": D("20.00"), "基金": D("5.00"), "国资": ZERO}

#: 公开06表: 基本支出 of the 一般公共预算财政拨款 by economic code; 30299 takes the rest of 公用经费
PERSONNEL = {
    "30101": "300.12",
    "30102": "250.30",
    "30103": "20.00",
    "30107": "150.00",
    "30108": "96.48",
    "30109": "38.59",
    "30110": "52.17",
    "30113": "71.30",
    "30199": "12.00",
    "30302": "45.00",
    "30305": "3.20",
}
PUBLIC = {
    "30201": "40.00",
    "30202": "5.00",
    "30205": "3.00",
    "30206": "12.00",
    "30207": "6.00",
    "30209": "45.00",
    "30211": "20.00",
    "30213": "10.00",
    "30215": "3.00",
    "30216": "6.00",
    "30217": "1.50",
    "30228": "15.00",
    "30229": "8.00",
    "30231": "6.00",
    "30239": "60.00",
    "31002": "9.49",
}
#: 公开07表: 合计, 因公出国（境）费, 公务用车购置及运行费, 购置费, 运行费, 公务接待费 (totals derived)
SANGONG = {"预算数": ("5.00", "0", "8.00", "3.00"), "决算数": ("0", "0", "6.00", "1.50")}

# ---- derived figures ----------------------------------------------------------------------------------
KINDS = ("基本", "项目", "经营")
FISCAL = ("一般", "基金", "国资")


def _spend(code: str, fund: str | None = None, kind: str | None = None) -> Decimal:
    """Spending under a code (a 类, 款 or 项), of one fund and kind or all."""
    total = ZERO
    for item, lines in SPENDING.items():
        if not item.startswith(code):
            continue
        for line_fund, *amounts in lines:
            if fund is not None and (line_fund != fund if isinstance(fund, str) else line_fund not in fund):
                continue
            for k, amount in zip(KINDS, amounts):
                if kind is None or k == kind:
                    total += D(amount)
    return total


def _codes(predicate=lambda code: True) -> list[str]:
    """The 类, 款, 项 codes with spending satisfying ``predicate``, class by class in code order."""
    items = sorted(c for c in SPENDING if predicate(c))
    found = sorted({c[:3] for c in items} | {c[:5] for c in items} | set(items))
    return found


def economic() -> dict[str, Decimal]:
    """公开06表 by economic code (the 类 as sums), 30299 balancing 公用经费 to 基本支出 − 人员经费."""
    amounts = {code: D(v) for code, v in {**PERSONNEL, **PUBLIC}.items()}
    basic = _spend("", "一般", "基本")
    personnel = sum(v for c, v in amounts.items() if c[:3] in ("301", "303"))
    public = sum(v for c, v in amounts.items() if c[:3] not in ("301", "303"))
    amounts["30299"] = basic - personnel - public
    for cls in ("301", "302", "303", "307", "310", "312", "399"):
        amounts[cls] = sum((v for c, v in amounts.items() if len(c) == 5 and c.startswith(cls)), ZERO)
    return amounts


def income_by_code(code: str) -> dict[str, Decimal]:
    """公开02表 line: income under a code = what was spent from it less the 财政拨款 carried over."""
    fiscal = _spend(code, FISCAL)
    return {
        "财政拨款收入": fiscal,
        "上级补助收入": ZERO,
        "事业收入": _spend(code, "事业"),
        "经营收入": _spend(code, "经营"),
        "附属单位上缴收入": ZERO,
        "其他收入": _spend(code, "其他"),
    }


def sangong(kind: str) -> list[Decimal]:
    abroad, buy, run, hosting = (D(v).quantize(D("0.01")) for v in SANGONG[kind])
    return [abroad + buy + run + hosting, abroad, buy + run, buy, run, hosting]


# ---- the printed sheets -------------------------------------------------------------------------------
def _money(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def write_printed(sheet, header, body, top: int = 4) -> int:
    """Write a printed table's header (``<``/``^`` merges) from sheet row ``top`` and its body lines
    after it (``<`` merges a cell with the one to its left); return the first body row."""
    for row in header:
        sheet.append([None if v in (MERGE_LEFT, MERGE_UP) else v for v in row])
    for r0, c0, r1, c1 in header_merges(header):
        sheet.merge_cells(start_row=top + r0, start_column=c0 + 1, end_row=top + r1, end_column=c1 + 1)
    first = top + len(header)
    for line in body:
        sheet.append([None if v == MERGE_LEFT else v for v in line])
    for r, line in enumerate(body):
        c = 0
        while c < len(line):
            c1 = c
            while c1 + 1 < len(line) and line[c1 + 1] == MERGE_LEFT:
                c1 += 1
            if c1 > c:
                sheet.merge_cells(start_row=first + r, start_column=c + 1, end_row=first + r, end_column=c1 + 1)
            c = c1 + 1
    return first


def add_sheet(workbook, name, title, table_no, header, body, note):
    """One printed table: title, 表号, 公开部门 line, header (``<``/``^`` merges), body lines (``<`` merges
    with the cell to the left; Decimals written as numbers shown with two decimals), the note."""
    sheet = workbook.create_sheet(name)
    width = len(header[0])
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    sheet.append([None] * (width - 1) + [table_no])
    middle = width // 2
    sheet.append(
        [f"公开部门：{UNIT}"]
        + [None] * (middle - 1)
        + [f"{YEAR}年度"]
        + [None] * (width - middle - 2)
        + ["金额单位：万元"]
    )
    first = write_printed(sheet, header, [[_money(v) for v in line] for line in body])
    for r, line in enumerate(body):
        for c, value in enumerate(line):
            if isinstance(value, Decimal):
                sheet.cell(first + r, c + 1).number_format = "#,##0.00"
    sheet.append([note])
    for c in range(width):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(c + 1)].width = 16 if c else 30
    return sheet


def _rows(layout, table_id, block_id):
    return layout.table(table_id).block(block_id).rows


def _pad(lines, count, width):
    return lines + [[None] * width for _ in range(count - len(lines))]


def _placed(rows, lines, width):
    """``lines`` (one per fixed row) at the rows' printed positions (``at``, else after the previous)."""
    placed, position = [], 0
    for row, line in zip(rows, lines):
        position = row.at or position + 1
        placed += [[None] * width for _ in range(position - 1 - len(placed))] + [line]
    return placed


def table01(layout):
    received = {f: _spend("", f) for f in FISCAL}
    income = income_by_code("")
    year_income = sum(received.values()) + sum(v for k, v in income.items() if k != "财政拨款收入")
    carried = sum(CARRIED.values())
    values_in = {
        "一般公共预算财政拨款收入": received["一般"],
        "政府性基金预算财政拨款收入": received["基金"],
        "国有资本经营预算财政拨款收入": received["国资"],
        "上级补助收入": income["上级补助收入"],
        "事业收入": income["事业收入"],
        "经营收入": income["经营收入"],
        "附属单位上缴收入": income["附属单位上缴收入"],
        "其他收入": income["其他收入"],
        "本年收入合计": year_income,
        "使用非财政拨款结余": ZERO,
        "年初结转和结余": carried,
        "总计": year_income + carried,
    }
    spent = _spend("")
    values_out = {"本年支出合计": spent, "结余分配": ZERO, "年末结转和结余": carried, "总计": spent + carried}
    in_rows, out_rows = _rows(layout, "公开01表", "收入"), _rows(layout, "公开01表", "支出")
    income_lines = _placed(in_rows, [[r.label, i + 1, values_in[r.id]] for i, r in enumerate(in_rows)], 3)
    spend_lines = [
        [r.label, len(in_rows) + i + 1, _spend(r.code) if r.code else values_out[r.id]] for i, r in enumerate(out_rows)
    ]
    income_lines = _pad(income_lines, len(spend_lines), 3)
    header = [["收入", "<", "<", "支出", "<", "<"], ["项目", "行次", "金额", "项目", "行次", "金额"]]
    body = [["栏次", None, "1", "栏次", None, "2"]] + [a + b for a, b in zip(income_lines, spend_lines)]
    return header, body


COLUMNS02 = ["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]


def table02():
    def line(code):
        values = income_by_code(code)
        return [sum(values.values())] + [values[c] for c in COLUMNS02[1:]]

    header = [
        ["项目", "<", "<", "<", *COLUMNS02],
        ["科目编码", "<", "<", "科目名称", *["^"] * 7],
        ["类", "款", "项", "^", *["^"] * 7],
    ]
    body = [["栏次", None, None, None, *range(1, 8)], ["合计", "<", "<", "<", *line("")]]
    for code in _codes():
        parts = [code[:3], code[3:5] or None, code[5:7] or None]
        body.append([*parts, NAMES[code], *line(code)])
    return header, body


def table03():
    def line(code):
        basic, project, business = (_spend(code, kind=k) for k in KINDS)
        return [basic + project + business, basic, project, ZERO, business, ZERO]

    header = [
        ["项目", "<", "本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"],
        ["科目编码", "科目名称", "^", "^", "^", "^", "^", "^"],
    ]
    body = [["合计", "<", *line("")]] + [[code, NAMES[code], *line(code)] for code in _codes()]
    return header, body


def table04(layout):
    received = {f: _spend("", f) for f in FISCAL}
    values_in = {
        "一般公共预算财政拨款": received["一般"],
        "政府性基金预算财政拨款": received["基金"],
        "国有资本经营预算财政拨款": received["国资"],
        "本年收入合计": sum(received.values()),
        "年初财政拨款结转和结余": sum(CARRIED.values()),
        "年初结转.一般公共预算财政拨款": CARRIED["一般"],
        "年初结转.政府性基金预算财政拨款": CARRIED["基金"],
        "年初结转.国有资本经营预算财政拨款": CARRIED["国资"],
        "总计": sum(received.values()) + sum(CARRIED.values()),
    }

    def by_fund(values):
        return [sum(values), *values]

    ends = [CARRIED[f] for f in FISCAL]
    values_out = {
        "本年支出合计": by_fund([received[f] for f in FISCAL]),
        "年末财政拨款结转和结余": by_fund(ends),
        "年末结转.一般公共预算财政拨款": by_fund([ends[0], ZERO, ZERO]),
        "年末结转.政府性基金预算财政拨款": by_fund([ZERO, ends[1], ZERO]),
        "年末结转.国有资本经营预算财政拨款": by_fund([ZERO, ZERO, ends[2]]),
        "总计": by_fund([received[f] + CARRIED[f] for f in FISCAL]),
    }
    in_rows = _rows(layout, "公开04表", "收入")
    income = _placed(in_rows, [[r.label, i + 1, values_in[r.id]] for i, r in enumerate(in_rows)], 3)
    spend = [
        [r.label, 20 + i, *(by_fund([_spend(r.code, f) for f in FISCAL]) if r.code else values_out[r.id])]
        for i, r in enumerate(_rows(layout, "公开04表", "支出"))
    ]
    header = [
        ["收入", "<", "<", "支出", "<", "<", "<", "<", "<"],
        ["项目", "行次", "金额", "项目", "行次", "金额", "<", "<", "<"],
        ["^", "^", "^", "^", "^", "小计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"],
    ]
    body = [["栏次", None, "1", "栏次", None, "2", "3", "4", "5"]]
    body += [a + b for a, b in zip(_pad(income, len(spend), 3), spend)]
    return header, body


def table05():
    def line(code):
        basic, project = _spend(code, "一般", "基本"), _spend(code, "一般", "项目")
        return [basic + project, basic, project]

    header = [
        ["项目", "<", "<", "<", "本年支出", "<", "<"],
        ["科目编码", "<", "<", "科目名称", "小计", "基本支出", "项目支出"],
        ["类", "款", "项", "^", "^", "^", "^"],
    ]
    body = [["合计", "<", "<", "<", *line("")]]
    for code in _codes(lambda c: _spend(c, "一般") != 0):
        parts = [None, None, None]
        parts[{3: 0, 5: 1, 7: 2}[len(code)]] = code[-3:] if len(code) == 3 else code[-2:]
        body.append([*parts, NAMES[code], *line(code)])
    return header, body


def table06(layout):
    amounts = economic()
    blocks = [("人员经费", 0), ("公用经费1", 4), ("公用经费2", 8)]
    lines = [[None] * 12 for _ in range(max(len(_rows(layout, "公开06表", b)) for b, _ in blocks))]
    for block, offset in blocks:
        for i, row in enumerate(_rows(layout, "公开06表", block)):
            code = row.code
            parts = [code, None] if len(code) == 3 else [code[:3], code[3:]]
            lines[i][offset : offset + 4] = [*parts, row.label, amounts.get(code)]
    personnel = amounts["301"] + amounts["303"]
    public = sum(amounts[c] for c in ("302", "307", "310", "312", "399"))
    lines.append(["人员经费合计", "<", "<", personnel, "公用经费合计", "<", "<", "<", "<", "<", "<", public])
    header = [
        ["人员经费", "<", "<", "<", "公用经费", "<", "<", "<", "<", "<", "<", "<"],
        ["科目编码", "<", "科目名称", "决算数"] * 3,
    ]
    return header, lines


def table07():
    header = [
        ["预算数", "<", "<", "<", "<", "<", "决算数", "<", "<", "<", "<", "<"],
        ["合计", "因公出国（境）费", "公务用车购置及运行费", "<", "<", "公务接待费"] * 2,
        ["^", "^", "小计", "公务用车购置费", "公务用车运行费", "^"] * 2,
    ]
    return header, [sangong("预算数") + sangong("决算数")]


def table08():
    def line(code):
        start = CARRIED["基金"] if code == "" or "2296002".startswith(code) else ZERO
        received = _spend(code, "基金")
        basic, project = _spend(code, "基金", "基本"), _spend(code, "基金", "项目")
        return [start, received, basic + project, basic, project, start + received - basic - project]

    header = [
        ["项目", "<", "年初结转和结余", "本年收入", "本年支出", "<", "<", "年末结转和结余"],
        ["科目编码", "科目名称", "^", "^", "小计", "基本支出", "项目支出", "^"],
    ]
    body = [["合计", "<", *line("")]]
    body += [[code, NAMES[code], *line(code)] for code in _codes(lambda c: _spend(c, "基金") != 0)]
    return header, body


def table09():
    def line(code):
        basic, project = _spend(code, "国资", "基本"), _spend(code, "国资", "项目")
        return [basic + project, basic, project]

    header = [["项目", "<", "本年支出", "<", "<"], ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]]
    body = [[code, NAMES[code], *line(code)] for code in _codes(lambda c: _spend(c, "国资") != 0)]
    return header, body + [["合计", "<", *line("")]]


def _pct(part: Decimal, whole: Decimal) -> str:
    return f"{(part / whole * 100).quantize(D('0.01'))}%"


def narrative() -> list[str]:
    """A short 情况说明 in the common national wording, every figure taken from the tables."""
    spent = _spend("")
    income = income_by_code("")
    year_income = sum(income.values())
    total = year_income + sum(CARRIED.values())
    fiscal = income["财政拨款收入"]
    fiscal_total = fiscal + sum(CARRIED.values())
    basic, project, business = (_spend("", kind=k) for k in KINDS)
    outturn = sangong("决算数")
    return [
        f"{UNIT}{YEAR}年度部门决算情况说明",
        "一、部门基本情况",
        "本单位是为测试规则包编写的合成单位，内设机构5个，本说明与各表的数字均为虚构。",
        "二、收入支出决算总体情况说明",
        f"{YEAR}年度收入、支出决算总计{total}万元。",
        "三、收入决算情况说明",
        f"{YEAR}年度本年收入合计{year_income}万元，其中：财政拨款收入{fiscal}万元，占{_pct(fiscal, year_income)}；"
        f"事业收入{income['事业收入']}万元，占{_pct(income['事业收入'], year_income)}；"
        f"经营收入{income['经营收入']}万元，占{_pct(income['经营收入'], year_income)}；"
        f"其他收入{income['其他收入']}万元，占{_pct(income['其他收入'], year_income)}。",
        "四、支出决算情况说明",
        f"{YEAR}年度本年支出合计{spent}万元，其中：基本支出{basic}万元，占{_pct(basic, spent)}；"
        f"项目支出{project}万元，占{_pct(project, spent)}；经营支出{business}万元，占{_pct(business, spent)}。",
        "五、财政拨款收入支出决算总体情况说明",
        f"{YEAR}年度财政拨款收入、支出决算总计{fiscal_total}万元。",
        "六、一般公共预算财政拨款“三公”经费支出决算情况说明",
        f"{YEAR}年度“三公”经费财政拨款支出决算为{outturn[0]}万元，其中：因公出国（境）费{outturn[1]}万元，"
        f"公务用车购置及运行费{outturn[2]}万元，公务接待费{outturn[5]}万元。",
    ]


def build(path: Path = BASE) -> Path:
    layout = load_layout(PACK)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    notes = {t.id: t.note for t in layout.tables}
    sheets = [
        ("1收入支出决算总表", "收入支出决算总表", "公开01表", table01(layout)),
        ("2收入决算表", "收入决算表", "公开02表", table02()),
        ("3支出决算表", "支出决算表", "公开03表", table03()),
        ("4财政拨款收入支出决算总表", "财政拨款收入支出决算总表", "公开04表", table04(layout)),
        ("5一般公共预算财政拨款支出决算表", "一般公共预算财政拨款支出决算表", "公开05表", table05()),
        ("6基本支出决算明细表", "一般公共预算财政拨款基本支出决算明细表", "公开06表", table06(layout)),
        ("7三公经费支出决算表", "一般公共预算财政拨款“三公”经费支出决算表", "公开07表", table07()),
        ("8政府性基金", "政府性基金预算财政拨款收入支出决算表", "公开08表", table08()),
        ("9国有资本经营", "国有资本经营预算财政拨款支出决算表", "公开09表", table09()),
    ]
    for name, title, table_no, (header, body) in sheets:
        add_sheet(workbook, name, title, table_no, header, body, notes[table_no])
    story = workbook.create_sheet("情况说明")
    for paragraph in narrative():
        story.append([paragraph])
    story.column_dimensions["A"].width = 120
    workbook.properties.creator = "xlplugin tools/build_national_base.py"
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def main(argv: list[str]) -> int:
    path = build()
    print(f"写出 {path.relative_to(ROOT)}")
    if "--check" in argv:
        from xlplugin.api import check

        report = check(path).report
        print(report.verdict)
        for finding in report.findings:
            print(finding.severity, finding.sheet, finding.cell, finding.rule, finding.message)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
