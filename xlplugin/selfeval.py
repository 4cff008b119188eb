"""绩效自评表: the performance self-evaluation tables — described, drawn, and found by their labels.

These tables are semi-structured: a title, label/value fields (主管部门 … 自评总分), a 资金情况 row
(labels, values below), a 当年绩效目标 block of long texts, and a variable number of 绩效指标 rows.
A workbook holds at most one 部门整体 table and any number of 项目 tables, one per sheet. The
layout (``tables/绩效自评表.yaml``, listed as ``selfeval`` in ``template.yaml``) names the kinds,
their titles and labels; :func:`write_selfeval_sheet` draws a table from it and
:func:`locate_selfeval` finds every such table in a :class:`~xlplugin.book.Book` by its title and
reads it by label — values to the right of field labels, below the 资金情况 labels, indicator rows
under the 绩效指标 header — so moved columns or extra rows do not matter.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from xlplugin.amounts import Amount, NumberFormatError, normalize_text, parse_number
from xlplugin.book import Book, Sheet, a1
from xlplugin.errors import PackError
from xlplugin.yamlfile import check_keys, line_of, load_yaml

__all__ = ["SelfEvalSpec", "SelfEvalTable", "Entry", "Indicator", "load_selfeval", "locate_selfeval", "write_selfeval_sheet"]


@dataclass(frozen=True)
class KindSpec:
    name: str
    sheet: str
    titles: tuple[str, ...]
    fields: tuple[tuple[str, ...], ...]
    targets: tuple[str, ...]


@dataclass(frozen=True)
class SelfEvalSpec:
    kinds: tuple[KindSpec, ...]
    funds_label: str
    funds: tuple[str, ...]
    indicators_label: str
    indicators: tuple[str, ...]
    aliases: dict[str, tuple[str, ...]]
    widths: tuple[float, ...]
    template_rows: int = 20

    def kind(self, name: str) -> KindSpec | None:
        return next((k for k in self.kinds if k.name == name), None)


def load_selfeval(path: Path) -> SelfEvalSpec:
    data = load_yaml(path)
    shown = str(path)
    if not isinstance(data, dict):
        raise PackError("bad-layout", "绩效自评表定义必须是映射。", shown)
    check_keys(data, {"kinds", "funds", "indicators", "widths"}, {"kinds", "funds", "indicators"}, "绩效自评表定义")
    kinds = []
    for name, item in data["kinds"].items():
        check_keys(item, {"sheet", "titles", "fields", "targets"}, {"titles", "fields"}, f"绩效自评表“{name}”")
        kinds.append(KindSpec(
            name=str(name), sheet=str(item.get("sheet", name)), titles=tuple(map(str, item["titles"])),
            fields=tuple(tuple(map(str, row)) for row in item["fields"]), targets=tuple(map(str, item.get("targets", ()))),
        ))
    indicators = data["indicators"]
    check_keys(indicators, {"label", "columns", "aliases", "template_rows"}, {"columns"}, "绩效指标")
    columns = tuple(map(str, indicators["columns"]))
    for required in ("序号", "指标名称", "指标值", "指标性质", "指标权重", "全年完成值", "指标得分"):
        if required not in columns:
            raise PackError("bad-layout", f"绩效指标的列必须包括“{required}”。", shown, line_of(indicators, "columns"))
    funds = data["funds"]
    check_keys(funds, {"label", "columns"}, {"columns"}, "资金情况")
    return SelfEvalSpec(
        kinds=tuple(kinds),
        funds_label=str(funds.get("label", "资金情况(万元)")),
        funds=tuple(map(str, funds["columns"])),
        indicators_label=str(indicators.get("label", "绩效指标")),
        indicators=columns,
        aliases={str(k): tuple(map(str, v)) for k, v in (indicators.get("aliases") or {}).items()},
        widths=tuple(float(w) for w in data.get("widths", [12] * len(columns))),
        template_rows=int(indicators.get("template_rows", 20)),
    )


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class Entry:
    """One labelled value: where it is, what it says, and its number if it is one."""

    cell: str
    text: str
    amount: Amount | None

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass
class Indicator:
    row: int
    values: dict[str, Entry]

    def __getitem__(self, column: str) -> Entry:
        return self.values[column]


@dataclass
class SelfEvalTable:
    """One located self-evaluation table."""

    kind: str
    sheet: str
    title: str
    fields: dict[str, Entry] = field(default_factory=dict)
    funds: dict[str, Entry] = field(default_factory=dict)
    targets: dict[str, Entry] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)
    #: indicator columns the layout names but the sheet's 绩效指标 header lacks
    missing_columns: tuple[str, ...] = ()

    def require(self, *columns: str) -> None:
        """Rules that need these indicator columns are not run on a table without them."""
        from xlplugin.expressions import NotRunnable

        absent = [c for c in columns if c in self.missing_columns]
        if absent:
            raise NotRunnable(f"{self.name}的绩效指标表头缺少“{'、'.join(absent)}”")

    @property
    def name(self) -> str:
        """How findings name the table: its title, and the project for project tables."""
        project = self.fields.get("项目名称")
        return f"{self.title}（{project.text}）" if project and project.text else self.title


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


#: Weights and scores are typed, not measured: exact numbers, no rounding interval.
EXACT = {"指标权重", "指标得分", "执行率权重", "执行率得分"}


def _entry(sheet: Sheet, row: int, col: int, label: str = "") -> Entry:
    raw = sheet.value(row, col)
    text = _text(raw)
    try:
        amount = parse_number(raw if not isinstance(raw, str) else text) if text else None
    except NumberFormatError:
        amount = None
    if amount is not None and label in EXACT:
        amount = Amount(amount.value, amount.decimals, amount.percent, exact=True)
    return Entry(a1(row, col), text, amount)


def _find(sheet: Sheet, label: str, aliases=(), start_row: int = 0) -> tuple[int, int] | None:
    wanted = {normalize_text(t) for t in (label, *aliases)}
    for r in range(start_row, sheet.height):
        for c, value in enumerate(sheet.rows[r]):
            if isinstance(value, str) and normalize_text(value) in wanted:
                return r, c
    return None


def _right_of(sheet: Sheet, row: int, col: int, labels: set[str]) -> Entry:
    """The value of a field: the next filled cell to the right that is not another label."""
    cells = sheet.rows[row]
    for c in range(col + 1, len(cells)):
        if cells[c] not in (None, ""):
            if isinstance(cells[c], str) and normalize_text(cells[c]) in labels:
                break
            return _entry(sheet, row, c)
    return Entry(a1(row, col + 1), "", None)


def locate_selfeval(book: Book, spec: SelfEvalSpec) -> list[SelfEvalTable]:
    """Every self-evaluation table in the book (sheets whose title names one), in sheet order."""
    titles = {normalize_text(t): kind for kind in spec.kinds for t in kind.titles}
    found = []
    for sheet in book.sheets:
        for r in range(min(3, sheet.height)):
            title = next((v for v in sheet.rows[r] if isinstance(v, str) and v.strip()), None)
            if title and normalize_text(title) in titles:
                found.append(_read(sheet, r, titles[normalize_text(title)], spec, title.strip()))
                break
    return found


def _read(sheet: Sheet, title_row: int, kind: KindSpec, spec: SelfEvalSpec, title: str) -> SelfEvalTable:
    table = SelfEvalTable(kind.name, sheet.name, title)
    labels = {normalize_text(label) for row in kind.fields for label in row}
    for row in kind.fields:
        for label in row:
            position = _find(sheet, label, start_row=title_row)
            if position:
                table.fields[label] = _right_of(sheet, position[0], position[1], labels)
    for label in spec.funds:
        position = _find(sheet, label, start_row=title_row)
        if position:
            table.funds[label] = _entry(sheet, position[0] + 1, position[1], label)
    for label in kind.targets:
        position = _find(sheet, label, start_row=title_row)
        if position:
            table.targets[label] = _entry(sheet, position[0] + 1, position[1])
    header = _find(sheet, "指标名称", spec.aliases.get("指标名称", ()), start_row=title_row)
    if header is None:
        return table
    columns = {}
    for name in spec.indicators:
        wanted = {normalize_text(t) for t in (name, *spec.aliases.get(name, ()))}
        col = next((c for c, v in enumerate(sheet.rows[header[0]]) if isinstance(v, str) and normalize_text(v) in wanted), None)
        if col is not None:
            columns[name] = col
    table.missing_columns = tuple(name for name in spec.indicators if name not in columns)
    for r in range(header[0] + 1, sheet.height):
        number = _text(sheet.value(r, columns.get("序号", 0)))
        name = _text(sheet.value(r, columns.get("指标名称", 2)))
        if not number.isdigit() and not name:
            if any(_text(v) for v in sheet.rows[r]):
                break  # the next block (or a note) begins
            continue
        table.indicators.append(Indicator(r, {column: _entry(sheet, r, col, column) for column, col in columns.items()}))
    return table


# ---------------------------------------------------------------------------------------------
# Drawing


def write_selfeval_sheet(workbook, spec: SelfEvalSpec, kind_name: str, sheet_name: str, data: dict | None = None) -> None:
    """Draw one table on a new sheet: blank (the template) or filled with ``data`` (the transcription
    format: ``title``, ``header``, ``funds``, ``targets``, ``indicators``)."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

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
            put(row, index, value, align=left if column in ("指标名称", "全年完成值") else wrap, numeric=column in numeric)
    from xlplugin.template import page_setup

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
