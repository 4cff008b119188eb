"""A located workbook: the tables found, block by block and row by row, every value cell parsed into
a :class:`Value` with its A1 cell, and the reading problems met on the way.

:mod:`xlplugin.workbook.locate` builds it; the engine and the doors read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from xlplugin.core.amounts import (
    MAX_INTEGER_DIGITS,
    Amount,
    AmountOutOfRange,
    NumberFormatError,
    is_dash,
    normalize_text,
    parse_number,
)
from xlplugin.core.cells import a1
from xlplugin.core.errors import TableNotFound
from xlplugin.core.findings import ERROR
from xlplugin.workbook.book import Book, CellError, FormulaWithoutValue, Sheet
from xlplugin.workbook.layout import BlockSpec, Layout, RowSpec, TableSpec

__all__ = ["Block", "LocatedBook", "Problem", "Row", "Table", "Value", "read_value"]


@dataclass(frozen=True, slots=True)
class Value:
    """One value cell as read: ``amount`` is ``None`` unless ``status`` is a number status.

    ``status`` is one of ``number``, ``text-number`` (a number stored as text), ``blank``, ``dash``
    (the ``—`` not-applicable mark), ``invalid`` (text that is not a number, an error value such as ``#REF!``, an amount out of range), ``no-cached-value``
    (a formula the file never computed) or ``missing`` (the row or column is not in the sheet).
    """

    amount: Amount | None
    cell: str
    status: str
    raw: object = None
    decimals: int = 2

    @property
    def is_number(self) -> bool:
        return self.amount is not None

    @property
    def readable(self) -> bool:
        """False when the cell's content cannot be trusted as a value (never silently blank)."""
        return self.status not in ("invalid", "no-cached-value", "missing")


@dataclass
class Row:
    """A body row: its key (code, or the layout row id), its label as printed, its values."""

    key: str
    label: str
    code: str | None
    spec: RowSpec | None
    sheet_row: int
    values: dict[str, Value] = field(default_factory=dict)

    @property
    def label_matches_layout(self) -> bool:
        return self.spec is None or normalize_text(self.label) in {
            normalize_text(t) for t in (self.spec.label, *self.spec.aliases)
        }


@dataclass
class Block:
    """A located block: sheet column of each column id, the rows found, layout rows not found."""

    spec: BlockSpec
    columns: dict[str, int]
    rows: list[Row]
    missing: list[RowSpec] = field(default_factory=list)
    #: sheet columns the code is read from, left to right (several for a split code: 类 | 款 | 项)
    code_columns: tuple[int, ...] = ()
    _lookup: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def row(self, key: str) -> Row | None:
        """Row by key (code or layout id), else by label as printed or as in the layout."""
        exact, normalised = self._index()
        found = exact.get(key)
        return found if found is not None else normalised.get(normalize_text(key))

    def _index(self) -> tuple[dict[str, Row], dict[str, Row]]:
        # Built on first look-up (rules look rows up thousands of times); the first row wins.
        if self._lookup is None or self._lookup[2] != len(self.rows):
            exact: dict[str, Row] = {}
            normalised: dict[str, Row] = {}
            for row in self.rows:
                exact.setdefault(row.key, row)
            for row in self.rows:
                for text in (row.key, row.label, row.spec.label if row.spec else None):
                    if text:
                        normalised.setdefault(normalize_text(text), row)
            self._lookup = (exact, normalised, len(self.rows))
        return self._lookup[0], self._lookup[1]


@dataclass(frozen=True)
class Problem:
    """Something the reader could not take at face value, located to the cell."""

    code: str
    severity: str
    sheet: str
    cell: str
    table: str
    message: str


@dataclass
class Table:
    """A located table: where it is, its blocks and rows, its values, its reading problems."""

    spec: TableSpec
    sheet: Sheet
    header_rows: tuple[int, int]
    body_rows: tuple[int, int]
    meta: dict[str, str]
    blocks: dict[str, Block]
    cells: dict[str, Value]
    problems: list[Problem] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def row_count(self) -> int:
        return sum(len(b.rows) for b in self.blocks.values())

    @property
    def range(self) -> str:
        """The table's extent as an A1 range (header to last body row)."""
        used = [c for b in self.blocks.values() for c in (*b.columns.values(), *b.code_columns)]
        last = max(used, default=self.spec.width - 1)
        return f"{a1(self.header_rows[0], 0)}:{a1(self.body_rows[1], max(last, self.spec.width - 1))}"

    def iter_rows(self) -> Iterator[tuple[Block, Row]]:
        for block in self.blocks.values():
            for row in block.rows:
                yield block, row

    def find_row(self, key: str, block: str | None = None) -> tuple[Block, Row] | None:
        """The row with this key/label, in ``block`` or in the only block that has it."""
        blocks = [self.blocks[block]] if block else list(self.blocks.values())
        hits = [(b, r) for b in blocks if (r := b.row(key)) is not None]
        if len(hits) > 1:
            raise KeyError(f"{self.id} 中有多个区块含有行“{key}”，请写明区块：{'、'.join(b.spec.id for b, _ in hits)}")
        return hits[0] if hits else None

    def value(self, row: str, column: str, block: str | None = None) -> Value:
        """The value at (row key or label, column id); a ``missing`` Value if either is absent."""
        if row in self.cells and column in ("", "值"):
            return self.cells[row]
        hit = self.find_row(row, block)
        if hit is None:
            return Value(None, "", "missing")
        return hit[1].values.get(column, Value(None, "", "missing"))

    def to_frame(self, block: str | None = None):
        """The table as a pandas DataFrame (object columns of ``Decimal``; pandas imported lazily).

        One row per body row: 区块, 行键, 编码, 名称, 行号, then one column per value column.
        """
        import pandas as pd

        records = []
        for located, row in self.iter_rows():
            if block and located.spec.id != block:
                continue
            record = {
                "区块": located.spec.id,
                "行键": row.key,
                "编码": row.code,
                "名称": row.label,
                "行号": row.sheet_row + 1,
            }
            for column_id, value in row.values.items():
                record[column_id] = value.amount.value if value.amount is not None else None
            records.append(record)
        return pd.DataFrame.from_records(records)


@dataclass
class LocatedBook:
    """Every table found in a book, the tables not found (with the reason), and the narrative."""

    layout: Layout
    book: Book
    tables: dict[str, Table]
    not_found: dict[str, TableNotFound]
    narrative: list[tuple[str, str]] | None
    narrative_sheet: str | None = None
    #: the performance self-evaluation tables found (绩效自评表), in sheet order
    selfeval: list = field(default_factory=list)
    #: reading problems of sheets that hold no table found (a far cell not read, on any other sheet)
    sheet_problems: list[Problem] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [p for t in self.tables.values() for p in t.problems] + self.sheet_problems


def read_value(table: Table, row: int, col: int, decimals: int, exact: bool = False) -> Value:
    """Parse one value cell; what cannot be taken at face value is recorded in ``table.problems``."""
    raw = table.sheet.value(row, col)
    cell = a1(row, col)
    if isinstance(raw, FormulaWithoutValue):
        table.problems.append(
            Problem(
                "no-cached-value",
                ERROR,
                table.sheet.name,
                cell,
                table.id,
                f"{cell} 是公式（{raw.formula}），但文件中没有计算结果（文件可能由不计算公式的程序生成）。"
                "请在 Excel 或 WPS 中打开、保存后再校验；xlplugin 不会把它当作空白。",
            )
        )
        return Value(None, cell, "no-cached-value", raw, decimals)
    if isinstance(raw, CellError):
        table.problems.append(
            Problem(
                "error-value",
                ERROR,
                table.sheet.name,
                cell,
                table.id,
                f"{cell} 是错误值 {raw.text}（公式出错或引用失效），无法参与校验；xlplugin 不会把它当作空白或 0。"
                "请改正公式或填入数值后再校验。",
            )
        )
        return Value(None, cell, "invalid", raw, decimals)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Value(None, cell, "blank", raw, decimals)
    if is_dash(raw):
        return Value(None, cell, "dash", raw, decimals)
    try:
        amount = parse_number(raw, decimals)
    except AmountOutOfRange as exc:
        table.problems.append(
            Problem(
                "amount-out-of-range",
                ERROR,
                table.sheet.name,
                cell,
                table.id,
                f"{cell} 的数值“{exc.text}”超出金额的合理范围（整数部分超过 {MAX_INTEGER_DIGITS} 位，或不是有限数），"
                "无法参与校验；请核对是否误填。",
            )
        )
        return Value(None, cell, "invalid", raw, decimals)
    except NumberFormatError:
        table.problems.append(
            Problem(
                "not-a-number", ERROR, table.sheet.name, cell, table.id, f"{cell} 的内容“{raw}”不是数字，无法参与校验。"
            )
        )
        return Value(None, cell, "invalid", raw, decimals)
    if amount is None:
        return Value(None, cell, "blank", raw, decimals)
    if exact:
        amount = Amount(amount.value, amount.decimals, amount.percent, exact=True)
    return Value(amount, cell, "text-number" if isinstance(raw, str) else "number", raw, decimals)
