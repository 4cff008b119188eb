"""The bureau's overviews of a batch: 汇总.xlsx and a self-contained 汇总.html
(:mod:`xlplugin.output.overview_html`).

Both are built by streaming ``汇总.jsonl`` (one summary per workbook) in the order of
:func:`xlplugin.output.overview_data.units` — worst first: files that could not be checked, then most
errors, most warnings — reading each unit's JSON report when its turn comes for its findings and
their 说明; only sort keys and per-rule counters are kept.

**汇总.xlsx** — 概况 (the batch in numbers), 单位 (one row per workbook: verdict, counts by severity,
已说明 / 未说明 / 已豁免, main problems errors first, links to its annotated copy and report), 问题与说明
(every error and warning of every unit with the department's 说明), 已豁免 (findings the bureau
accepted, with the reason; counted nowhere), 图表 (errors and warnings of the worst units, a bar
chart), 规则 (per rule: units failing it, findings), 无法校验 (files that could not be checked, and
why). Every sheet prints landscape on A4, one page wide, its heading row on every page. Every code
the engine reports itself is shown by its Chinese title (:func:`~xlplugin.output.overview_data.rule_label`).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from xlplugin.core import codes
from xlplugin.output.overview_data import (
    SEVERITY_NAMES,
    Tally,
    Unit,
    location,
    read_summaries,
    rule_label,
    tally,
    units,
    waiver,
)
from xlplugin.output.overview_html import write_overview_html
from xlplugin.output.print_setup import page_setup

__all__ = ["write_overview_xlsx", "write_overview_html", "read_summaries", "tally", "Tally", "CHART_UNITS"]

UNIT_HEADINGS = [
    "序号",
    "单位",
    "年度",
    "文件",
    "结论",
    "错误",
    "警告",
    "提示",
    "未执行规则",
    "已说明",
    "未说明",
    "已豁免",
    "主要问题",
    "标注副本",
    "报告",
    "耗时（秒）",
]
_UNIT_WIDTHS = (6, 34, 7, 30, 30, 7, 7, 7, 10, 8, 8, 8, 60, 10, 8, 9)
#: 序号 is the unit's in the 单位 sheet (two workbooks of one unit have one name)
FINDING_HEADINGS = ["序号", "单位", "级别", "规则", "规则名称", "位置", "问题", "说明", "状态"]
_FINDING_WIDTHS = (6, 30, 6, 10, 30, 16, 70, 50, 8)
WAIVED_HEADINGS = ["序号", "单位", "级别", "规则", "规则名称", "位置", "问题", "豁免理由", "批准人", "日期", "说明"]
_WAIVED_WIDTHS = (6, 30, 6, 10, 30, 16, 60, 40, 10, 11, 30)
BROKEN_HEADINGS = ["文件", "原因", "类别", "代码"]
#: the chart shows the errors and warnings of this many of the worst units
CHART_UNITS = 30


def _texts(sheet, values: list) -> list:
    """Cells for one row: every string is stored as text, never as a formula. Unit and file names
    and error messages come from the departments' workbooks, so ``=HYPERLINK(…)`` must stay words;
    characters a worksheet cannot hold are dropped. Cells already made are kept as they are."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cells = []
    for value in values:
        if isinstance(value, str):
            value = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
            value.data_type = "s"
        cells.append(value)
    return cells


def _link(sheet, target: str, label: str):
    """Our own HYPERLINK formula to an output file (its name made safe by :func:`batch.safe_name`)."""
    from openpyxl.cell import WriteOnlyCell

    return WriteOnlyCell(sheet, f'=HYPERLINK("{target.replace(chr(34), "")}","{label}")')


class _Book:
    """The write-only workbook of 汇总.xlsx with its shared styles."""

    def __init__(self):
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill

        self.workbook = Workbook(write_only=True)
        self.bold = Font(name="宋体", bold=True)
        self.header_fill = PatternFill("solid", fgColor="FFD9D9D9")
        self.centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.wrap = Alignment(vertical="top", wrap_text=True)
        self.fills = {
            "pass": PatternFill("solid", fgColor="FFC6EFCE"),
            "fail": PatternFill("solid", fgColor="FFFFC7CE"),
            "warn": PatternFill("solid", fgColor="FFFFEB9C"),
        }

    def sheet(self, title: str, headings: list[str], widths, *, index: int | None = None, freeze: str = "A2"):
        """A new sheet with its columns, a bold heading row repeated on every printed page, landscape."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.utils import get_column_letter

        sheet = self.workbook.create_sheet(title, index)
        for number, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(number)].width = width
        page_setup(sheet, "landscape", 0)
        if headings:
            sheet.freeze_panes = freeze
            sheet.print_title_rows = "1:1"
            cells = []
            for title_text in headings:
                cell = WriteOnlyCell(sheet, title_text)
                cell.font, cell.fill, cell.alignment = self.bold, self.header_fill, self.centre
                cells.append(cell)
            sheet.append(cells)
        return sheet

    def wrapped(self, sheet, values: list) -> list:
        cells = _texts(sheet, values)
        for cell in cells:
            if hasattr(cell, "alignment"):
                cell.alignment = self.wrap
        return cells


def write_overview_xlsx(summary_path: Path, target: Path, pack, counted: Tally | None = None) -> Path:
    from openpyxl.utils import get_column_letter

    names = {r.id: r.name for r in pack.rules}
    severities = {r.id: r.severity for r in pack.rules}
    counted = counted or tally(summary_path)
    book = _Book()
    sheet = book.sheet("单位", UNIT_HEADINGS, _UNIT_WIDTHS, freeze="C2")
    details = book.sheet("问题与说明", FINDING_HEADINGS, _FINDING_WIDTHS, freeze="C2")
    waived_sheet = book.sheet("已豁免", WAIVED_HEADINGS, _WAIVED_WIDTHS, freeze="C2")
    worst: list[tuple[str, int, int]] = []
    number = detail_rows = waived_rows = 0
    explained = Counter()  # as the unit rows show them (a report without the summary's keys counts too)
    for unit in units(summary_path):
        number += 1
        sheet.append(_unit_row(book, sheet, unit, number, names, severities))
        if unit.broken:
            continue
        explained.update(已说明=unit.remarked, 未说明=unit.unremarked, 已豁免=unit.waived_count)
        if (unit.count("errors") or unit.count("warnings")) and len(worst) < CHART_UNITS:
            worst.append((unit.name, unit.count("errors"), unit.count("warnings")))
        for finding in unit.findings:
            detail_rows += 1
            details.append(_finding_row(book, details, number, unit, finding, names))
        for finding in unit.waived:
            waived_rows += 1
            granted = waiver(finding)
            values = _finding_values(number, unit, finding, names)
            values += [granted["reason"], granted["by"], granted["date"], finding.get("remark", "")]
            waived_sheet.append(book.wrapped(waived_sheet, values))
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(UNIT_HEADINGS))}{number + 1}"
    details.auto_filter.ref = f"A1:{get_column_letter(len(FINDING_HEADINGS))}{detail_rows + 1}"
    if not waived_rows:
        waived_sheet.append(_texts(waived_sheet, ["无（财政局未豁免任何问题）"]))
    _chart_sheet(book, worst)
    _rules_sheet(book, names, severities, counted)

    broken = book.sheet("无法校验", BROKEN_HEADINGS, (40, 90, 24, 22))
    for unit in units(summary_path, details=False):
        if unit.broken:
            summary = unit.summary
            code = summary.get("code", "")
            row = [summary["path"], summary["error"], codes.title(code) if code else "", code]
            broken.append(book.wrapped(broken, row))

    overview = book.sheet("概况", [], (16, 60), index=0)
    for label, value in (
        ("规则包", f"{pack.id} {pack.version} {pack.name}"),
        ("工作簿", counted.passed + counted.failed + counted.unreadable),
        ("通过", counted.passed),
        ("不通过", counted.failed),
        ("无法校验", counted.unreadable),
        ("已说明", explained["已说明"]),
        ("未说明", explained["未说明"]),
        ("已豁免", explained["已豁免"]),
    ):
        label_cell = _texts(overview, [label])[0]
        label_cell.font = book.bold
        overview.append(_texts(overview, [label_cell, value]))
    target.parent.mkdir(parents=True, exist_ok=True)
    book.workbook.save(target)
    return target


def _unit_row(book: _Book, sheet, unit: Unit, number: int, names, severities) -> list:
    summary = unit.summary
    if unit.broken:
        verdict = _texts(sheet, [f"无法校验：{summary.get('error', '')}"])[0]
        verdict.fill = book.fills["fail"]
        file_name = summary.get("file") or Path(summary.get("path", "")).name
        return _texts(sheet, [number, Path(file_name).stem, "", file_name, verdict] + [""] * 11)
    verdict = _texts(sheet, [summary["verdict"]])[0]
    verdict.fill = book.fills["pass" if summary["valid"] else "fail"]
    annotated = summary.get("annotated")
    return _texts(
        sheet,
        [
            number,
            summary["unit"],
            summary.get("year", ""),
            summary["file"],
            verdict,
            summary["errors"],
            summary["warnings"],
            summary["infos"],
            summary["not_run"],
            unit.remarked,
            unit.unremarked,
            unit.waived_count,
            unit.main_problems(names, severities),
            _link(sheet, annotated, "打开") if annotated else "",
            _link(sheet, summary["report"], "JSON"),
            summary.get("seconds", ""),
        ],
    )


def _finding_values(number: int, unit: Unit, finding: dict, names) -> list:
    """The columns a finding has on 问题与说明 and 已豁免 alike: unit, level, rule, where, what."""
    shown, name = rule_label(finding.get("rule", ""), names)
    return [
        number,
        unit.name,
        SEVERITY_NAMES.get(finding.get("severity"), ""),
        shown,
        name or finding.get("name", ""),
        location(finding),
        finding.get("message", ""),
    ]


def _finding_row(book: _Book, sheet, number: int, unit: Unit, finding: dict, names) -> list:
    remark = str(finding.get("remark") or "")
    values = _finding_values(number, unit, finding, names) + [remark, "已说明" if remark else "未说明"]
    cells = book.wrapped(sheet, values)
    cells[2].fill = book.fills["fail" if finding.get("severity") == "error" else "warn"]
    if not remark:
        cells[-1].fill = book.fills["warn"]
    return cells


def _chart_sheet(book: _Book, worst: list[tuple[str, int, int]]) -> None:
    """图表: the errors and warnings of the worst units (the first :data:`CHART_UNITS`), worst on top."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.shapes import GraphicalProperties

    sheet = book.sheet("图表", ["单位", "错误", "警告"], (30, 7, 7))
    for name, errors, warnings in worst:
        sheet.append(_texts(sheet, [name, errors, warnings]))
    if not worst:
        sheet.append(_texts(sheet, ["无（没有单位有错误或警告）"]))
        return
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
    chart.title = f"错误、警告最多的单位（前 {len(worst)} 个）"
    chart.add_data(Reference(sheet, min_col=2, max_col=3, min_row=1, max_row=len(worst) + 1), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(worst) + 1))
    for series, colour in zip(chart.series, ("C00000", "FFC000")):
        series.graphicalProperties = GraphicalProperties(solidFill=colour)
    chart.x_axis.scaling.orientation = "maxMin"  # the worst unit at the top
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.y_axis.title = "条数"
    chart.legend.position = "t"
    chart.width, chart.height = 24, max(8, 0.6 * len(worst) + 3)
    sheet.add_chart(chart, "E2")


def _rules_sheet(book: _Book, names, severities, counted: Tally) -> None:
    rules = book.sheet("规则", ["规则", "名称", "级别", "有问题的单位数", "结果条数"], (10, 50, 7, 16, 12))
    units_by_rule, findings = counted.units, counted.findings
    for rule in sorted(names, key=lambda r: (-units_by_rule[r], r)):
        rules.append(_texts(rules, [rule, names[rule], severities[rule], units_by_rule[rule], findings[rule]]))
    for rule in sorted(set(units_by_rule) - set(names)):  # reading problems (READ.*) and the engine's own
        shown, name = rule_label(rule, names)
        rules.append(_texts(rules, [shown, name, "", units_by_rule[rule], findings[rule]]))
