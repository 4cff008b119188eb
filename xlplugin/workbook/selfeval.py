"""绩效自评表: the performance self-evaluation tables — described, drawn, and found by their labels.

These tables are semi-structured: a title, label/value fields (主管部门 … 自评总分), a 资金情况 row
(labels, values below), a 当年绩效目标 block of long texts, and a variable number of 绩效指标 rows.
A workbook holds at most one 部门整体 table and any number of 项目 tables, one per sheet. The
layout (``tables/绩效自评表.yaml``, listed as ``selfeval`` in ``template.yaml`` and read, checked
key by key, by :func:`xlplugin.workbook.layout_load.load_selfeval`) names the kinds, their titles
and labels as a :class:`SelfEvalSpec`; :func:`~xlplugin.output.selfeval_sheet.write_selfeval_sheet` draws a table
from it and :func:`locate_selfeval` finds every such table in a :class:`~xlplugin.workbook.book.Book` by its title and
reads it by label — values to the right of field labels, below the 资金情况 labels, indicator rows
under the 绩效指标 header — so moved columns or extra rows do not matter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xlplugin.core.amounts import Amount, NumberFormatError, normalize_text, parse_number
from xlplugin.core.cells import a1
from xlplugin.core.errors import NotRunnable
from xlplugin.workbook.book import Book, Sheet

__all__ = ["KindSpec", "SelfEvalSpec", "SelfEvalTable", "Entry", "Indicator", "locate_selfeval"]


@dataclass(frozen=True)
class KindSpec:
    """One kind of table (部门整体, 项目): its sheet name in a template, the titles that identify it, its
    label/value fields (rows of labels, as drawn) and its 绩效目标 labels."""

    name: str
    sheet: str
    titles: tuple[str, ...]
    fields: tuple[tuple[str, ...], ...]
    targets: tuple[str, ...]


@dataclass(frozen=True)
class SelfEvalSpec:
    """The whole 绩效自评表 layout: the kinds, the 资金情况 labels, the 绩效指标 columns (with other
    wordings of their headers), the column widths and the blank indicator rows of a template."""

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
        col = next(
            (c for c, v in enumerate(sheet.rows[header[0]]) if isinstance(v, str) and normalize_text(v) in wanted), None
        )
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
        table.indicators.append(
            Indicator(r, {column: _entry(sheet, r, col, column) for column, col in columns.items()})
        )
    return table
