"""Declarative table layouts: one description for the template, the reader and the rule packs.

A *template* (``template.yaml``) names the official workbook (id, name, year, region) and lists its
tables; each table is described in its own YAML file. The same description is used three ways:
:mod:`xlplugin.template` draws the official .xlsx from it, :mod:`xlplugin.locate` finds the table in a
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
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from xlplugin.amounts import normalize_text
from xlplugin.errors import PackError
from xlplugin.yamlfile import YDict, check_keys, line_of, load_yaml

__all__ = ["ColumnSpec", "RowSpec", "BlockSpec", "CellSpec", "TableSpec", "Layout", "load_layout", "label_body"]

ROLES = ("code", "label", "value")
MONEY_UNITS = ("万元", "元", "亿元")
MERGE_LEFT, MERGE_UP = "<", "^"
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.、]|\(\d+\))")


def label_body(label: str) -> str:
    """A label without its ordinal prefix, normalised: ``二、外交支出`` → ``外交支出``."""
    return _ORDINAL.sub("", normalize_text(label), count=1)


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a block. ``role`` is ``code``, ``label`` or ``value`` (an amount)."""

    id: str
    header: tuple[str, ...]
    role: str = "value"
    aliases: tuple[str, ...] = ()
    decimals: int | None = None


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
    """Columns that belong together, with fixed rows or rows keyed by code."""

    id: str
    columns: tuple[ColumnSpec, ...]
    rows: tuple[RowSpec, ...] = ()
    keyed: bool = False
    total: str | None = None
    template_rows: int = 0

    @property
    def code_column(self) -> ColumnSpec | None:
        return next((c for c in self.columns if c.role == "code"), None)

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


# ---------------------------------------------------------------------------------------------
# Loading and validation


def load_layout(path: str | Path) -> Layout:
    """Load ``template.yaml`` (or a folder holding one) and every table file it lists."""
    path = Path(path)
    if path.is_dir():
        path = path / "template.yaml"
    data = _mapping(load_yaml(path), str(path), None, "模板定义")
    check_keys(data, {"id", "name", "year", "region", "version", "narrative", "tables", "selfeval"}, {"id", "name", "tables"}, "模板定义")
    narrative = data.get("narrative", {"sheet": "情况说明"})
    narrative = _mapping(narrative, str(path), line_of(data, "narrative"), "narrative")
    check_keys(narrative, {"sheet", "aliases", "labels", "skip_sections"}, {"sheet"}, "narrative")
    labels = narrative.get("labels") or {}
    if not isinstance(labels, dict):
        raise PackError("bad-layout", "narrative.labels 必须是“表中名称: [情况说明中的写法…]”。", str(path), line_of(narrative, "labels"))
    tables_list = data["tables"]
    if not isinstance(tables_list, list) or not tables_list:
        raise PackError("bad-layout", "tables 必须是表格定义文件的列表。", str(path), line_of(data, "tables"))
    tables = []
    for index, name in enumerate(tables_list):
        table_path = path.parent / str(name)
        if not table_path.resolve().is_relative_to(path.parent.resolve()):
            raise PackError("path-escape", f"表格文件“{name}”不在模板目录内。", str(path), line_of(tables_list, index))
        if not table_path.is_file():
            raise PackError("missing-file", f"找不到表格定义文件“{name}”。", str(path), line_of(tables_list, index))
        tables.append(_table(load_yaml(table_path), str(table_path)))
    ids = [t.id for t in tables]
    for table, table_id in zip(tables, ids):
        if ids.count(table_id) > 1:
            raise PackError("duplicate-id", f"表格 id“{table_id}”重复。", table.source)
    selfeval = None
    if data.get("selfeval"):
        from xlplugin.selfeval import load_selfeval

        selfeval_path = path.parent / str(data["selfeval"])
        if not selfeval_path.resolve().is_relative_to(path.parent.resolve()) or not selfeval_path.is_file():
            raise PackError("missing-file", f"找不到绩效自评表定义“{data['selfeval']}”。", str(path), line_of(data, "selfeval"))
        selfeval = load_selfeval(selfeval_path)
    return Layout(
        selfeval=selfeval,
        id=str(data["id"]),
        name=str(data["name"]),
        year=int(data.get("year", 0)),
        region=str(data.get("region", "")),
        version=str(data.get("version", "")),
        narrative_sheet=str(narrative["sheet"]),
        narrative_aliases=tuple(str(a) for a in narrative.get("aliases", ())),
        narrative_labels={str(k): _strings(v, labels, k) for k, v in labels.items()},
        narrative_skip=_strings(narrative.get("skip_sections"), narrative, "skip_sections"),
        tables=tuple(tables),
        source=str(path),
    )


def _mapping(value: object, path: str, line: int | None, what: str) -> YDict:
    if not isinstance(value, dict):
        raise PackError("bad-layout", f"{what}必须是“键: 值”的映射。", path, line)
    return value  # type: ignore[return-value]


def _strings(value: object, data: YDict, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, int)):
        return (str(value),)
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return tuple(str(v) for v in value)
    raise PackError("bad-layout", f"“{key}”必须是文字或文字列表。", data.path, line_of(data, key))


def _int(data: YDict, key: str, default: int | None = None) -> int | None:
    value = data.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PackError("bad-layout", f"“{key}”必须是非负整数。", data.path, line_of(data, key))
    return value


def _table(data: object, path: str) -> TableSpec:
    data = _mapping(data, path, None, "表格定义")
    allowed = {"id", "title", "sheet", "sheet_aliases", "unit", "unit_text", "decimals", "note", "header", "widths", "blocks", "cells"}
    check_keys(data, allowed, {"id", "title", "header", "blocks"}, "表格定义")
    table_id = str(data["id"])
    header = data["header"]
    if not isinstance(header, list) or not header or not all(isinstance(r, list) for r in header):
        raise PackError("bad-layout", "header 必须是若干行、每行若干格的列表。", path, line_of(data, "header"))
    header_rows = tuple(tuple("" if c is None else str(c) for c in row) for row in header)
    blocks_data = data["blocks"]
    if not isinstance(blocks_data, list) or not blocks_data:
        raise PackError("bad-layout", "blocks 必须是至少一个区块的列表。", path, line_of(data, "blocks"))
    blocks = tuple(_block(_mapping(b, path, line_of(blocks_data, i), "区块"), table_id) for i, b in enumerate(blocks_data))
    width = sum(len(b.columns) for b in blocks)
    for index, row in enumerate(header_rows):
        if len(row) != width:
            raise PackError(
                "bad-layout", f"header 第 {index + 1} 行有 {len(row)} 格，但各区块共有 {width} 列。", path, line_of(header, index)
            )
    _check_merges(header_rows, path, line_of(data, "header"))
    widths = data.get("widths", [14] * width)
    if not isinstance(widths, list) or len(widths) != width or not all(isinstance(w, (int, float)) for w in widths):
        raise PackError("bad-layout", f"widths 必须是 {width} 个数字。", path, line_of(data, "widths"))
    block_ids = [b.id for b in blocks]
    if len(set(block_ids)) != len(block_ids):
        raise PackError("duplicate-id", "区块 id 重复。", path, line_of(data, "blocks"))
    cells = tuple(_cell(_mapping(c, path, line_of(data.get("cells"), i), "cells"), blocks) for i, c in enumerate(data.get("cells") or []))
    unit = str(data.get("unit", "万元"))
    return TableSpec(
        id=table_id,
        title=str(data["title"]),
        sheet=str(data.get("sheet", table_id)),
        sheet_aliases=_strings(data.get("sheet_aliases"), data, "sheet_aliases"),
        unit=unit,
        unit_text=str(data.get("unit_text", f"单位：{unit}")),
        decimals=_int(data, "decimals", 2),
        note=str(data.get("note", "")),
        header=header_rows,
        widths=tuple(float(w) for w in widths),
        blocks=blocks,
        cells=cells,
        source=path,
    )


def _check_merges(header: tuple[tuple[str, ...], ...], path: str, line: int | None) -> None:
    for r, row in enumerate(header):
        for c, text in enumerate(row):
            if text == MERGE_LEFT and c == 0:
                raise PackError("bad-layout", f"header 第 {r + 1} 行第 1 格不能是“<”。", path, line)
            if text == MERGE_UP and r == 0:
                raise PackError("bad-layout", f"header 第 1 行第 {c + 1} 格不能是“^”。", path, line)


def _block(data: YDict, table_id: str) -> BlockSpec:
    check_keys(data, {"id", "columns", "rows", "keyed", "total", "template_rows"}, {"id", "columns"}, "区块")
    columns_data = data["columns"]
    if not isinstance(columns_data, list) or not columns_data:
        raise PackError("bad-layout", "columns 必须是列定义的列表。", data.path, line_of(data, "columns"))
    columns = tuple(_column(_mapping(c, data.path, line_of(columns_data, i), "列定义")) for i, c in enumerate(columns_data))
    ids = [c.id for c in columns]
    if len(set(ids)) != len(ids):
        raise PackError("duplicate-id", f"区块“{data['id']}”的列 id 重复。", data.path, line_of(data, "columns"))
    keyed = data.get("keyed")
    if keyed not in (None, "code"):
        raise PackError("bad-layout", "keyed 只能是 code（按科目编码取行）。", data.path, line_of(data, "keyed"))
    rows_data = data.get("rows") or []
    if keyed and rows_data:
        raise PackError("bad-layout", "按编码取行的区块（keyed: code）不能再列出固定行。", data.path, line_of(data, "rows"))
    if not keyed and not rows_data:
        raise PackError("bad-layout", "区块必须列出固定行（rows），或声明 keyed: code。", data.path, data.line)
    if keyed and not any(c.role == "code" for c in columns):
        raise PackError("bad-layout", "keyed: code 的区块需要一列 role: code。", data.path, line_of(data, "columns"))
    rows = _rows(rows_data, data, columns)
    return BlockSpec(
        id=str(data["id"]),
        columns=columns,
        rows=rows,
        keyed=bool(keyed),
        total=str(data["total"]) if data.get("total") is not None else None,
        template_rows=_int(data, "template_rows", 15 if keyed else 0),
    )


def _column(data: YDict) -> ColumnSpec:
    check_keys(data, {"id", "header", "role", "aliases", "decimals"}, {"id", "header"}, "列定义")
    role = data.get("role", "value")
    if role not in ROLES:
        raise PackError("bad-layout", f"role 只能是 {'/'.join(ROLES)}，不是“{role}”。", data.path, line_of(data, "role"))
    header = _strings(data["header"], data, "header")
    if not header:
        raise PackError("bad-layout", "header 不能为空。", data.path, line_of(data, "header"))
    return ColumnSpec(
        id=str(data["id"]),
        header=header,
        role=role,
        aliases=_strings(data.get("aliases"), data, "aliases"),
        decimals=_int(data, "decimals"),
    )


def _rows(rows_data: object, block: YDict, columns: tuple[ColumnSpec, ...]) -> tuple[RowSpec, ...]:
    if not isinstance(rows_data, list):
        raise PackError("bad-layout", "rows 必须是列表。", block.path, line_of(block, "rows"))
    value_ids = {c.id for c in columns if c.role == "value"}
    rows: list[RowSpec] = []
    next_at = 1
    for index, item in enumerate(rows_data):
        line = line_of(rows_data, index)
        if isinstance(item, str):
            item = YDict(label=item)
            item.path, item.line = block.path, line
        item = _mapping(item, block.path, line, "行定义")
        check_keys(item, {"id", "label", "code", "at", "decimals", "unit", "na", "aliases"}, {"label"}, "行定义")
        at = _int(item, "at") or next_at
        if at < next_at:
            raise PackError("bad-layout", f"行“{item['label']}”的 at={at} 不能小于前一行之后的 {next_at}。", block.path, line)
        na = _strings(item.get("na"), item, "na")
        for column_id in na:
            if column_id not in value_ids:
                raise PackError("unknown-column", f"na 中的列“{column_id}”不是本区块的数值列。", block.path, line)
        label = str(item["label"])
        code = item.get("code")
        rows.append(
            RowSpec(
                id=str(item.get("id") or (str(code) if code is not None else label_body(label))),
                label=label,
                code=str(code) if code is not None else None,
                at=at,
                decimals=_int(item, "decimals"),
                unit=str(item["unit"]) if item.get("unit") is not None else None,
                na=na,
                aliases=_strings(item.get("aliases"), item, "aliases"),
            )
        )
        next_at = at + 1
    ids = [r.id for r in rows]
    for index, row_id in enumerate(ids):
        if row_id in ids[:index]:
            raise PackError("duplicate-id", f"行 id“{row_id}”重复；请为其中一行写明 id。", block.path, line_of(rows_data, index))
    return tuple(rows)


def _cell(data: YDict, blocks: tuple[BlockSpec, ...]) -> CellSpec:
    check_keys(data, {"id", "label", "value", "at", "label_in"}, {"label", "value"}, "cells")
    target = str(data["value"])
    block_id, _, column_id = target.partition(".")
    block = next((b for b in blocks if b.id == block_id), None)
    if block is None or block.column(column_id) is None:
        raise PackError("unknown-column", f"value“{target}”必须写成“区块.列”，且该列存在。", data.path, line_of(data, "value"))
    label_block = data.get("label_in")
    if label_block is not None and not any(b.id == label_block for b in blocks):
        raise PackError("unknown-block", f"label_in“{label_block}”不是本表的区块。", data.path, line_of(data, "label_in"))
    label = str(data["label"])
    return CellSpec(
        id=str(data.get("id", label_body(label))),
        label=label,
        block=block_id,
        column=column_id,
        at=_int(data, "at"),
        label_block=str(label_block) if label_block is not None else None,
    )
