"""Drawing a 绩效自评表 on a new sheet, blank (the template) or filled (a transcription), from its
layout (:class:`~xlplugin.workbook.selfeval.SelfEvalSpec`)."""

from __future__ import annotations

import re
from decimal import Decimal

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from xlplugin.output.print_setup import page_setup
from xlplugin.workbook.selfeval import SelfEvalSpec

__all__ = ["write_selfeval_sheet"]


def write_selfeval_sheet(
    workbook, spec: SelfEvalSpec, kind_name: str, sheet_name: str, data: dict | None = None
) -> None:
    """Draw one table on a new sheet: blank (the template) or filled with ``data`` (the transcription
    format: ``title``, ``header``, ``funds``, ``targets``, ``indicators``)."""
    kind = spec.kind(kind_name)
    data = data or {}
    sheet = workbook.create_sheet(sheet_name)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold, plain = Font(name="宋体", size=10, bold=True), Font(name="宋体", size=10)
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")
    left = Alignment(wrap_text=True, vertical="top", horizontal="left")
    fill = PatternFill("solid", fgColor="F2F2F2")
    width = len(spec.indicators)
    for index, column_width in enumerate(spec.widths, start=1):
        sheet.column_dimensions[chr(64 + index)].width = column_width

    def put(row, col, value, label=False, merge_to=None, align=None, numeric=False):
        cell = sheet.cell(row, col, _value(value) if numeric else (value or None))
        cell.font, cell.border, cell.alignment = (bold if label else plain), border, align or wrap
        if label:
            cell.fill = fill
        if merge_to and merge_to > col:
            sheet.merge_cells(start_row=row, start_column=col, end_row=row, end_column=merge_to)
            for c in range(col + 1, merge_to + 1):
                sheet.cell(row, c).border = border

    sheet.cell(1, 1, data.get("title", kind.titles[0])).font = Font(name="宋体", size=16, bold=True)
    sheet.cell(1, 1).alignment = wrap
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.row_dimensions[1].height = 28
    row = 2
    header = data.get("header", {})
    for labels in kind.fields:
        span = width // len(labels)
        for index, label in enumerate(labels):
            col = 1 + index * span
            put(row, col, label, label=True)
            put(row, col + 1, header.get(label, ""), merge_to=(width if index == len(labels) - 1 else col + span - 1))
        row += 1
    put(row, 1, spec.funds_label, label=True)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row + 1, end_column=1)
    funds = data.get("funds", {})
    for index, label in enumerate(spec.funds, start=2):
        put(row, index, label, label=True)
        put(row + 1, index, funds.get(label, ""), numeric=True)
    row += 2
    put(row, 1, "当年绩效目标", label=True)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row + 1, end_column=1)
    targets = data.get("targets", {})
    spans = _spans(width - 1, len(kind.targets))
    col = 2
    for label, span in zip(kind.targets, spans):
        put(row, col, label, label=True, merge_to=col + span - 1)
        put(row + 1, col, targets.get(label, ""), merge_to=col + span - 1, align=left)
        col += span
    longest = max((len(str(targets.get(label, ""))) for label in kind.targets), default=0)
    sheet.row_dimensions[row + 1].height = min(409, max(30, 15 * (longest // 30 + 1)))
    row += 2
    for index, label in enumerate([spec.indicators_label, *spec.indicators[1:]], start=1):
        put(row, index, label, label=True)
    rows = data.get("indicators") or [[""] * width for _ in range(spec.template_rows)]
    numeric = {"序号", "指标值", "指标权重", "全年完成值", "指标得分"}
    for values in rows:
        row += 1
        for index, value in enumerate(values, start=1):
            column = spec.indicators[index - 1]
            put(
                row,
                index,
                value,
                align=left if column in ("指标名称", "全年完成值") else wrap,
                numeric=column in numeric,
            )
    page_setup(sheet, "landscape", fit_height=0)


def _spans(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _value(text: object):
    """A plain decimal as a number (so that Excel can sum it, digits as written); anything else —
    ``100%``, ``5.5左右``, ``规定要求`` — as the text it is."""
    if isinstance(text, str) and _PLAIN_NUMBER.fullmatch(text):
        return Decimal(text)
    return text or None


_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
