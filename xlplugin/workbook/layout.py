"""Declarative table layouts: one description for the template, the reader and the rule packs.

A *template* (``template.yaml``) names the official workbook (id, name, year, region) and lists its
tables; each table is described in its own YAML file. The same description is used three ways:
:mod:`xlplugin.output.template` draws the official .xlsx from it, :mod:`xlplugin.workbook.locate` finds the table in a
filled workbook by its header texts and row labels/codes, and rule packs refer to its table, block, row
and column ids. Example (公开05表, abridged)::

    id: 公开05表
    title: 一般公共预算财政拨款支出决算表
    unit: 万元
    decimals: 2                         # stated precision of every amount (rows may override)
    note: 备注：本表反映部门本年度一般公共预算财政拨款支出情况。
    header:                             # the template's header rows, left to right;
      - [项目, <, 本年支出, <, <]        #   "<" merges with the cell to the left,
      - [功能分类科目编码, 项目（按“项”级功能分类科目）, 合计, 基本支出, 项目支出]
    widths: [14, 40, 14, 14, 14]        #   "^" with the cell above
    blocks:
      - id: 支出
        keyed: code                     # free rows keyed by 功能分类科目编码; first row 合计
        total: 合计
        columns:
          - {id: 编码, role: code, header: [功能分类科目编码]}
          - {id: 科目名称, role: label, header: [项目（按“项”级功能分类科目）], aliases: [科目名称]}
          - {id: 合计, header: [本年支出, 合计]}
          - {id: 基本支出, header: [基本支出]}
          - {id: 项目支出, header: [项目支出]}

``header`` under a column is the path of header texts that identifies it, top to bottom; the reader
needs only enough of it to be unambiguous (``[本年支出, 合计]`` tells 05's 合计 column from the 合计
row). Blocks stand side by side, left to right, in the order listed; a block either has fixed
``rows`` (labels, optionally codes, ``at`` = its line in the template body) or is ``keyed: code``.
``cells`` names single labelled cells that sit outside the blocks (06's 人员经费合计).

Printed variants (all keys are documented, with examples, in ``docs/表样定义指南.md``):

- ``aliases`` under a column: other wordings of its last header text (``[科目名称]``), or whole other
  header paths (``[[收入决算数]]``, ``[[本年支出, 小计]]``);
- several ``role: code`` columns (类 | 款 | 项, or ``301 | 01``) are read as one code, joined left to
  right; a code column whose header cell is merged over several sheet columns is read the same way;
- ``rows_by`` on a fixed block: ``code``, ``label`` or ``position`` (rows are the block's body lines
  in order, ``at`` counted from its first body line: a one-row 三公 table with no label column);
- ``total_at`` (``top``/``bottom``) and ``total_aliases`` on a keyed block; its total row is
  recognised by its label in the label column *or* in the code column (合计 merged over 编码+名称).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from xlplugin.core.amounts import normalize_text

__all__ = ["ColumnSpec", "RowSpec", "BlockSpec", "CellSpec", "TableSpec", "Layout", "label_body"]

ROLES = ("code", "label", "value", "other")
ROWS_BY = ("code", "label", "position")
TOTAL_AT = ("top", "bottom")
MONEY_UNITS = ("万元", "元", "亿元")
MERGE_LEFT, MERGE_UP = "<", "^"
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.、]|\(\d+\))")


def label_body(label: str) -> str:
    """A label without its ordinal prefix, normalised: ``二、外交支出`` → ``外交支出``."""
    return _ORDINAL.sub("", normalize_text(label), count=1)


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a block. ``role`` is ``code``, ``label``, ``value`` (an amount) or ``other`` (printed
    but never read, such as 行次; a sheet may leave it out).

    ``aliases`` are other wordings of the header's last text (same ancestors); ``alias_paths`` are
    whole other header paths."""

    id: str
    header: tuple[str, ...]
    role: str = "value"
    aliases: tuple[str, ...] = ()
    decimals: int | None = None
    alias_paths: tuple[tuple[str, ...], ...] = ()

    @property
    def header_paths(self) -> tuple[tuple[str, ...], ...]:
        """Every header path that identifies this column: its own, each alias, each alias path."""
        own = (self.header,) + tuple((*self.header[:-1], alias) for alias in self.aliases)
        return own + self.alias_paths


@dataclass(frozen=True)
class RowSpec:
    """One fixed row: its label as the template prints it, an id for rules, optionally a code.

    ``na`` lists the value columns that the template marks ``—`` (not applicable) on this row;
    ``decimals``/``unit`` override the table's for count rows (辆, 个, 人). A row whose unit is not
    money holds exact counts (:attr:`exact`): no rounding interval.
    """

    id: str
    label: str
    code: str | None = None
    at: int | None = None
    decimals: int | None = None
    unit: str | None = None
    na: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        return self.unit is not None and self.unit not in MONEY_UNITS


@dataclass(frozen=True)
class BlockSpec:
    """Columns that belong together, with fixed rows or rows keyed by code.

    ``rows_by`` says how fixed rows are found: by ``code`` (falling back to the label), by ``label``
    (falling back to a code printed in the label) or by ``position`` (body line ``at``)."""

    id: str
    columns: tuple[ColumnSpec, ...]
    rows: tuple[RowSpec, ...] = ()
    keyed: bool = False
    total: str | None = None
    template_rows: int = 0
    rows_by: str = "label"
    total_at: str = "top"
    total_aliases: tuple[str, ...] = ()

    @property
    def code_column(self) -> ColumnSpec | None:
        return next((c for c in self.columns if c.role == "code"), None)

    @property
    def code_columns(self) -> tuple[ColumnSpec, ...]:
        """The code columns, left to right: one, or the parts of a split code (类 | 款 | 项)."""
        return tuple(c for c in self.columns if c.role == "code")

    @property
    def total_labels(self) -> tuple[str, ...]:
        return (self.total, *self.total_aliases) if self.total else ()

    @property
    def label_column(self) -> ColumnSpec | None:
        return next((c for c in self.columns if c.role == "label"), None)

    @property
    def value_columns(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if c.role == "value")

    def column(self, column_id: str) -> ColumnSpec | None:
        return next((c for c in self.columns if c.id == column_id), None)

    def row(self, row_id: str) -> RowSpec | None:
        return next((r for r in self.rows if r.id == row_id), None)


@dataclass(frozen=True)
class CellSpec:
    """A single labelled value outside the blocks: found by ``label``, read from ``block.column``.

    In the template the label is written in the first column of ``label_block`` (default ``block``)
    on body line ``at`` and merged up to the value cell.
    """

    id: str
    label: str
    block: str
    column: str
    at: int | None = None
    label_block: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """One official table (one sheet)."""

    id: str
    title: str
    sheet: str
    unit: str
    decimals: int
    note: str
    header: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    blocks: tuple[BlockSpec, ...]
    cells: tuple[CellSpec, ...] = ()
    sheet_aliases: tuple[str, ...] = ()
    unit_text: str = ""
    source: str = ""

    @property
    def width(self) -> int:
        return sum(len(b.columns) for b in self.blocks)

    def block(self, block_id: str) -> BlockSpec | None:
        return next((b for b in self.blocks if b.id == block_id), None)

    def column_offset(self, block_id: str) -> int:
        """0-based template column of the block's first column."""
        offset = 0
        for block in self.blocks:
            if block.id == block_id:
                return offset
            offset += len(block.columns)
        raise KeyError(block_id)

    @property
    def body_lines(self) -> int:
        """Number of body lines the template prints (fixed rows placed by ``at``)."""
        lines = 0
        for block in self.blocks:
            if block.keyed:
                lines = max(lines, 1 + block.template_rows)
            else:
                lines = max(lines, max((r.at for r in block.rows), default=0))
        return max([lines] + [c.at or 0 for c in self.cells])


@dataclass(frozen=True)
class Layout:
    """An official workbook: its tables in sheet order and the narrative sheet."""

    id: str
    name: str
    year: int
    region: str
    version: str
    narrative_sheet: str
    tables: tuple[TableSpec, ...]
    source: str = ""
    narrative_aliases: tuple[str, ...] = field(default=())
    #: how the narrative names table rows differently: label → other wordings
    narrative_labels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: narrative sections (by heading) whose numbers no rule is expected to check
    narrative_skip: tuple[str, ...] = field(default=())
    #: the performance self-evaluation tables (绩效自评表), if the template has them
    selfeval: object = None

    def table(self, table_id: str) -> TableSpec | None:
        return next((t for t in self.tables if t.id == table_id), None)

    @property
    def titles(self) -> dict[str, str]:
        """Table id → its printed title, for headings in reports and result sheets."""
        return {t.id: t.title for t in self.tables}

    def subjects(self) -> dict[str, str]:
        """功能分类 类 names (as the narrative may write them) → code, from the coded fixed rows."""
        result: dict[str, str] = {}
        for table in self.tables:
            for block in table.blocks:
                for row in block.rows:
                    if row.code and len(row.code) == 3 and row.code.startswith("2"):  # 功能分类 类
                        name = label_body(row.label)
                        result.setdefault(name, row.code)
                        for alias in self.narrative_labels.get(name, ()):
                            result.setdefault(label_body(alias), row.code)
        return result
