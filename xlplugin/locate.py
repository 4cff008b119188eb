"""Find the layout's tables in a :class:`~xlplugin.book.Book`: by text, never by fixed address.

For each :class:`~xlplugin.layout.TableSpec` the locator

1. picks the sheet: by name (or alias), else by the 表号 printed in the sheet's top rows (公开03表),
   else by the exact title — so a renamed or reordered sheet is still found;
2. finds every column by its header path (``[事业收入, 小计]``): the last text must be a header cell
   and each earlier text must sit above it with a span (merge, or up to the next filled cell) that
   covers it; blocks are taken left to right, so repeated headers (06's three 金额) resolve in order;
3. reads the body from below the header down to the 备注/注 line: keyed blocks row by row by
   功能分类/经济分类 code, fixed blocks by code where the sheet shows codes, else by aligning the
   sheet's labels with the layout's (an optimal alignment, so inserted rows, a typo'd ordinal such as
   04's ``二、一般公共预算财政拨款`` or a reworded label still match the right row);
4. parses every value cell into a :class:`Value` (exact ``Decimal`` with its stated precision, its A1
   cell, and how it was stored), collecting reading problems — text that is not a number, formulas
   without cached values, rows missing from the layout — as :class:`Problem` records.

Text comparison uses :func:`~xlplugin.amounts.normalize_text`, so stray spaces, full-width
characters and line breaks inside headers do not matter.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Iterator

from xlplugin.amounts import Amount, NumberFormatError, is_dash, normalize_text, parse_number
from xlplugin.book import Book, FormulaWithoutValue, Sheet, a1
from xlplugin.errors import TableNotFound, WorkbookError
from xlplugin.layout import BlockSpec, Layout, RowSpec, TableSpec, label_body
from xlplugin.findings import ERROR, INFO, WARNING

__all__ = ["Value", "Row", "Block", "Table", "Problem", "LocatedBook", "locate_book", "locate_table"]

HEADER_SEARCH_ROWS = 30
_NOTE = re.compile(r"^(备注|注|说明)[:：]")
_CODE = re.compile(r"\d{3}(?:\d{2}){0,2}")
_META = {
    "department": re.compile(r"公开部门[:：](.*)"),
    "year": re.compile(r"(\d{4})年度?"),
    "table_no": re.compile(r"公开\d{2}表"),
    "unit": re.compile(r"单位[:：](\S+)"),
}


@dataclass(frozen=True, slots=True)
class Value:
    """One value cell as read: ``amount`` is ``None`` unless ``status`` is a number status.

    ``status`` is one of ``number``, ``text-number`` (a number stored as text), ``blank``, ``dash``
    (the ``—`` not-applicable mark), ``invalid`` (text that is not a number), ``no-cached-value``
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
        return self.spec is None or normalize_text(self.label) in {normalize_text(t) for t in (self.spec.label, *self.spec.aliases)}


@dataclass
class Block:
    """A located block: sheet column of each column id, the rows found, layout rows not found."""

    spec: BlockSpec
    columns: dict[str, int]
    rows: list[Row]
    missing: list[RowSpec] = field(default_factory=list)
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
        return f"{a1(self.header_rows[0], 0)}:{a1(self.body_rows[1], self.spec.width - 1)}"

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
            record = {"区块": located.spec.id, "行键": row.key, "编码": row.code, "名称": row.label, "行号": row.sheet_row + 1}
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

    @property
    def problems(self) -> list[Problem]:
        return [p for t in self.tables.values() for p in t.problems]


def locate_book(book: Book, layout: Layout) -> LocatedBook:
    """Locate every table of ``layout`` in ``book``; tables that cannot be found are reported in
    ``not_found`` (never silently skipped). Raises :class:`WorkbookError` if no table is found at all
    (the workbook is not of this template)."""
    tables: dict[str, Table] = {}
    not_found: dict[str, TableNotFound] = {}
    taken: set[str] = set()
    for spec in layout.tables:
        try:
            table = locate_table(book, spec, exclude=taken)
        except TableNotFound as exc:
            not_found[spec.id] = exc
            continue
        tables[spec.id] = table
        taken.add(table.sheet.name)
    if not tables:
        raise WorkbookError(
            "not-this-template",
            f"“{_book_name(book)}”中找不到任何“{layout.name}”的表格（工作表：{'、'.join(book.sheet_names) or '无'}）。"
            "请确认提交的是部门决算公开表，且使用的是对应年度的表样。",
        )
    narrative_sheet = _find_narrative_sheet(book, layout, taken)
    narrative = None
    if narrative_sheet is not None:
        narrative = [(a1(r, c), str(text).strip()) for r, c, text in _paragraphs(narrative_sheet)]
    selfeval = []
    if layout.selfeval is not None:
        from xlplugin.selfeval import locate_selfeval

        selfeval = locate_selfeval(book, layout.selfeval)
    return LocatedBook(layout, book, tables, not_found, narrative, narrative_sheet.name if narrative_sheet else None, selfeval)


def _book_name(book: Book) -> str:
    return book.source.replace("\\", "/").rsplit("/", 1)[-1] or "工作簿"


def _paragraphs(sheet: Sheet) -> Iterator[tuple[int, int, object]]:
    for r, cells in enumerate(sheet.rows):
        for c, value in enumerate(cells):
            if isinstance(value, str) and value.strip():
                yield r, c, value
                break


def _find_narrative_sheet(book: Book, layout: Layout, taken: set[str]) -> Sheet | None:
    names = {normalize_text(n) for n in (layout.narrative_sheet, *layout.narrative_aliases)}
    for sheet in book.sheets:
        if sheet.name not in taken and normalize_text(sheet.name) in names:
            return sheet
    return None


# ---------------------------------------------------------------------------------------------
# One table


def locate_table(book: Book, spec: TableSpec, exclude: set[str] | frozenset = frozenset()) -> Table:
    """Locate one table; raise :class:`TableNotFound` saying what was looked for and where."""
    sheet = _find_sheet(book, spec, exclude)
    columns, header_top, header_bottom = _locate_columns(sheet, spec)
    body_first = header_bottom + 1
    body_last = _body_end(sheet, body_first)
    meta = _read_meta(sheet, header_top)
    table = Table(spec, sheet, (header_top, header_bottom), (body_first, body_last), meta, {}, {})
    claimed = _locate_cells(table, columns, body_first, body_last)
    for block_spec in spec.blocks:
        block_columns = columns[block_spec.id]
        if block_spec.keyed:
            block = _keyed_block(table, block_spec, block_columns, body_first, body_last, claimed)
        elif block_spec.code_column is not None:
            block = _fixed_block_by_code(table, block_spec, block_columns, body_first, body_last, claimed)
        else:
            block = _fixed_block_by_label(table, block_spec, block_columns, body_first, body_last, claimed)
        table.blocks[block_spec.id] = block
    _check_meta(table)
    _summarise_text_numbers(table)
    return table


def _find_sheet(book: Book, spec: TableSpec, exclude) -> Sheet:
    candidates = [s for s in book.sheets if s.name not in exclude]
    names = {normalize_text(n) for n in (spec.sheet, spec.id, *spec.sheet_aliases)}
    for sheet in candidates:
        if normalize_text(sheet.name) in names:
            return sheet
    table_no, title = normalize_text(spec.id), normalize_text(spec.title)
    for wanted in (table_no, title):
        for sheet in candidates:
            if any(wanted == normalize_text(str(v)) for row in sheet.rows[:8] for v in row if isinstance(v, str)):
                return sheet
    raise TableNotFound(
        "table-not-found",
        f"找不到{spec.id}（{spec.title}）：没有名为“{spec.sheet}”的工作表，其他工作表的表头也没有写“{spec.id}”或“{spec.title}”。"
        f"现有工作表：{'、'.join(s.name for s in book.sheets) or '无'}。",
    )


def _header_cells(sheet: Sheet) -> dict[str, list[tuple[int, int]]]:
    """Normalised text → positions, for string cells in the header search zone."""
    found: dict[str, list[tuple[int, int]]] = {}
    for r, cells in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        for c, value in enumerate(cells):
            if isinstance(value, str) and value.strip():
                found.setdefault(normalize_text(value), []).append((r, c))
    return found


def _span(sheet: Sheet, row: int, col: int) -> tuple[int, int]:
    """Columns covered by the header cell at (row, col): its merge, else up to the next filled cell."""
    merge = sheet.merge_at(row, col)
    if merge:
        return merge[1], merge[3]
    end = col
    cells = sheet.rows[row]
    while end + 1 < len(cells) and (cells[end + 1] is None or cells[end + 1] == ""):
        end += 1
    return col, end


def _locate_columns(sheet: Sheet, spec: TableSpec) -> tuple[dict[str, dict[str, int]], int, int]:
    headers = _header_cells(sheet)
    located: dict[str, dict[str, int]] = {}
    header_rows: list[int] = []
    bottoms: list[int] = []
    left_limit = -1
    for block in spec.blocks:
        located[block.id] = {}
        previous = left_limit
        for column in block.columns:
            hit = _find_column(sheet, headers, column.header, column.aliases, previous)
            if hit is not None:
                header_rows.append(hit[2])
            if hit is None:
                path = " / ".join(column.header)
                raise TableNotFound(
                    "header-not-found",
                    f"在工作表“{sheet.name}”中找到了{spec.id}（{spec.title}），但找不到表头“{path}”"
                    f"（区块“{block.id}”的列“{column.id}”）。请确认表头文字未被改动、列未被删除。",
                )
            row, col, _ = hit
            located[block.id][column.id] = col
            merge = sheet.merge_at(row, col)
            bottoms.append(merge[2] if merge else row)
            previous = col
        left_limit = previous
    return located, min(header_rows), max(bottoms)


def _find_column(sheet, headers, path, aliases, after: int) -> tuple[int, int, int] | None:
    """(row, col, top row of its header path) of the first matching column right of ``after``."""
    last_texts = [normalize_text(path[-1])] + [normalize_text(a) for a in aliases]
    candidates = sorted({pos for text in last_texts for pos in headers.get(text, [])}, key=lambda p: (p[1], p[0]))
    for row, col in candidates:
        if col <= after:
            continue
        top = _ancestors_cover(sheet, headers, path[:-1], row, col)
        if top is not None:
            return row, col, top
    return None


def _ancestors_cover(sheet, headers, ancestors, row: int, col: int) -> int | None:
    """The row of the topmost ancestor if every ancestor text spans ``col`` above ``row``, else None."""
    below = row
    for text in reversed(ancestors):
        options = [(r, c) for r, c in headers.get(normalize_text(text), []) if r < below]
        hit = next(((r, c) for r, c in sorted(options, reverse=True) if _span(sheet, r, c)[0] <= col <= _span(sheet, r, c)[1]), None)
        if hit is None:
            return None
        below = hit[0]
    return below


def _first_text(cells: list[object]) -> str:
    for value in cells:
        if isinstance(value, str) and value.strip():
            return normalize_text(value)
        if value is not None and value != "":
            return ""
    return ""


def _body_end(sheet: Sheet, first: int) -> int:
    last = first - 1
    for r in range(first, sheet.height):
        cells = sheet.rows[r]
        if _NOTE.match(_first_text(cells)):
            break
        if any(v is not None and v != "" for v in cells):
            last = r
    return last


def _read_meta(sheet: Sheet, header_top: int) -> dict[str, str]:
    meta: dict[str, str] = {}
    for cells in sheet.rows[:header_top]:
        for value in cells:
            if not isinstance(value, str):
                continue
            text = normalize_text(value)
            for key, pattern in _META.items():
                match = pattern.search(text)
                if match and key not in meta:
                    meta[key] = match.group(1) if pattern.groups else match.group(0)
    return {k: v for k, v in meta.items() if v}


def _check_meta(table: Table) -> None:
    unit = table.meta.get("unit")
    if unit and normalize_text(unit) != normalize_text(table.spec.unit):
        table.problems.append(
            Problem(
                "unit-mismatch", ERROR, table.sheet.name, "", table.id,
                f"{table.id}的单位写的是“{unit}”，表样要求“{table.spec.unit}”；金额会差若干数量级，请按表样单位填报。",
            )
        )


# ---------------------------------------------------------------------------------------------
# Rows and values


def _text(sheet: Sheet, row: int, col: int) -> str:
    value = sheet.merged_value(row, col)
    if value is None or isinstance(value, FormulaWithoutValue):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _code(sheet: Sheet, row: int, col: int) -> str:
    return normalize_text(_text(sheet, row, col))


def _read_value(table: Table, row: int, col: int, decimals: int, exact: bool = False) -> Value:
    raw = table.sheet.value(row, col)
    cell = a1(row, col)
    if isinstance(raw, FormulaWithoutValue):
        table.problems.append(
            Problem(
                "no-cached-value", ERROR, table.sheet.name, cell, table.id,
                f"{cell} 是公式（{raw.formula}），但文件中没有计算结果（文件可能由不计算公式的程序生成）。"
                "请在 Excel 或 WPS 中打开、保存后再校验；xlplugin 不会把它当作空白。",
            )
        )
        return Value(None, cell, "no-cached-value", raw, decimals)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Value(None, cell, "blank", raw, decimals)
    if is_dash(raw):
        return Value(None, cell, "dash", raw, decimals)
    try:
        amount = parse_number(raw, decimals)
    except NumberFormatError:
        table.problems.append(
            Problem("not-a-number", ERROR, table.sheet.name, cell, table.id, f"{cell} 的内容“{raw}”不是数字，无法参与校验。")
        )
        return Value(None, cell, "invalid", raw, decimals)
    if amount is None:
        return Value(None, cell, "blank", raw, decimals)
    if exact:
        amount = Amount(amount.value, amount.decimals, amount.percent, exact=True)
    return Value(amount, cell, "text-number" if isinstance(raw, str) else "number", raw, decimals)


def _read_values(table: Table, block: BlockSpec, columns: dict[str, int], row: int, spec: RowSpec | None) -> dict[str, Value]:
    values = {}
    for column in block.value_columns:
        decimals = next(d for d in (spec.decimals if spec else None, column.decimals, table.spec.decimals) if d is not None)
        values[column.id] = _read_value(table, row, columns[column.id], decimals, bool(spec and spec.exact))
    return values


def _row_is_empty(sheet: Sheet, row: int, columns: dict[str, int]) -> bool:
    return all(sheet.value(row, c) in (None, "") for c in columns.values())


def _locate_cells(table: Table, columns, first: int, last: int) -> set[int]:
    """Read the table's labelled cells; return the sheet rows they occupy (kept out of the blocks)."""
    claimed: set[int] = set()
    for cell in table.spec.cells:
        wanted = normalize_text(cell.label)
        position = next(
            ((r, c) for r in range(first, last + 1) for c, v in enumerate(table.sheet.rows[r]) if isinstance(v, str) and normalize_text(v) == wanted),
            None,
        )
        if position is None:
            table.problems.append(Problem("row-missing", WARNING, table.sheet.name, "", table.id, f"{table.id}中找不到“{cell.label}”这一行。"))
            table.cells[cell.id] = Value(None, "", "missing")
            continue
        claimed.add(position[0])
        table.cells[cell.id] = _read_value(table, position[0], columns[cell.block][cell.column], table.spec.decimals)
    return claimed


def _keyed_block(table, spec: BlockSpec, columns, first, last, claimed) -> Block:
    sheet = table.sheet
    code_col = columns[spec.code_column.id]
    label_col = columns[spec.label_column.id] if spec.label_column else None
    total = normalize_text(spec.total) if spec.total else None
    block = Block(spec, columns, [])
    seen: dict[str, int] = {}
    for r in range(first, last + 1):
        if r in claimed or _row_is_empty(sheet, r, columns):
            continue
        code = _code(sheet, r, code_col)
        label = _text(sheet, r, label_col) if label_col is not None else ""
        if not code and total and total in (normalize_text(label), normalize_text(_text(sheet, r, code_col))):
            key = spec.total
        elif _CODE.fullmatch(code):
            key = code
        else:
            what = f"编码“{code}”不是 3、5 或 7 位的功能分类科目编码" if code else "有内容但没有科目编码"
            table.problems.append(Problem("bad-row-key", WARNING, sheet.name, a1(r, code_col), table.id, f"{table.id}第 {r + 1} 行{what}，该行未参与校验。"))
            continue
        if key in seen:
            table.problems.append(
                Problem("duplicate-row", ERROR, sheet.name, a1(r, code_col), table.id, f"{table.id}中“{key}”出现两次（第 {seen[key] + 1} 行和第 {r + 1} 行），只取第一行。")
            )
            continue
        seen[key] = r
        block.rows.append(Row(key, label, code or None, None, r, _read_values(table, spec, columns, r, None)))
    return block


def _fixed_block_by_code(table, spec: BlockSpec, columns, first, last, claimed) -> Block:
    sheet = table.sheet
    code_col = columns[spec.code_column.id]
    label_col = columns[spec.label_column.id] if spec.label_column else code_col
    by_code = {r.code: r for r in spec.rows if r.code}
    block = Block(spec, columns, [])
    found: set[str] = set()
    for r in range(first, last + 1):
        if r in claimed or _row_is_empty(sheet, r, columns):
            continue
        code = _code(sheet, r, code_col)
        row_spec = by_code.get(code)
        if row_spec is None or code in found:
            label = _text(sheet, r, label_col) or code
            table.problems.append(
                Problem("unexpected-row", INFO, sheet.name, a1(r, code_col), table.id, f"{table.id}第 {r + 1} 行“{label}”不在表样中，未参与校验。")
            )
            continue
        found.add(code)
        block.rows.append(Row(row_spec.id, _text(sheet, r, label_col), code, row_spec, r, _read_values(table, spec, columns, r, row_spec)))
    block.missing = [r for r in spec.rows if r.code not in found]
    _report_missing(table, block)
    return block


def _fixed_block_by_label(table, spec: BlockSpec, columns, first, last, claimed) -> Block:
    sheet = table.sheet
    label_col = columns[spec.label_column.id]
    lines = [(r, _text(sheet, r, label_col)) for r in range(first, last + 1) if r not in claimed]
    lines = [(r, text) for r, text in lines if text]
    pairs = _align(spec.rows, [text for _, text in lines])
    block = Block(spec, columns, [])
    matched_lines = set()
    for spec_index, line_index in pairs:
        row_spec = spec.rows[spec_index]
        r, text = lines[line_index]
        matched_lines.add(line_index)
        block.rows.append(Row(row_spec.id, text, row_spec.code, row_spec, r, _read_values(table, spec, columns, r, row_spec)))
    matched_specs = {i for i, _ in pairs}
    block.missing = [row for i, row in enumerate(spec.rows) if i not in matched_specs]
    for index, (r, text) in enumerate(lines):
        if index not in matched_lines:
            table.problems.append(
                Problem("unexpected-row", INFO, sheet.name, a1(r, label_col), table.id, f"{table.id}第 {r + 1} 行“{text}”不在表样中，未参与校验。")
            )
    _report_missing(table, block)
    return block


def _report_missing(table: Table, block: Block) -> None:
    for row in block.missing:
        table.problems.append(
            Problem("row-missing", WARNING, table.sheet.name, "", table.id, f"{table.id}中找不到表样行“{row.label}”（区块“{block.spec.id}”），相关校验不会执行。")
        )


def _similarities(rows: tuple[RowSpec, ...], texts: list[str]) -> list[list[float]]:
    """How well each printed label matches each layout row: 3 exact, 2 the same words under
    another ordinal, up to 1.5 for a close rewording, 0 for no match.

    The fuzzy comparison only runs between rows and labels that found no exact or same-words partner
    at all, which keeps it off the common path."""
    exact = [{normalize_text(t) for t in (r.label, *r.aliases)} for r in rows]
    bodies = [{label_body(t) for t in (r.label, *r.aliases)} for r in rows]
    printed = [normalize_text(t) for t in texts]
    printed_bodies = [label_body(t) for t in texts]
    scores = [[3.0 if printed[j] in exact[i] else 2.0 if printed_bodies[j] in bodies[i] else 0.0 for j in range(len(texts))] for i in range(len(rows))]
    lonely_rows = [i for i in range(len(rows)) if not any(scores[i])]
    lonely_texts = [j for j in range(len(texts)) if not any(scores[i][j] for i in range(len(rows)))]
    for i in lonely_rows:
        for j in lonely_texts:
            for wanted in bodies[i]:
                matcher = difflib.SequenceMatcher(None, printed_bodies[j], wanted)
                if matcher.real_quick_ratio() >= 0.75 and matcher.quick_ratio() >= 0.75 and (ratio := matcher.ratio()) >= 0.75:
                    scores[i][j] = max(scores[i][j], 0.5 + ratio)
    return scores


def _align(rows: tuple[RowSpec, ...], texts: list[str]) -> list[tuple[int, int]]:
    """Order-preserving alignment of layout rows with printed labels maximising total similarity."""
    n, m = len(rows), len(texts)
    similarity = _similarities(rows, texts)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best = max(score[i + 1][j], score[i][j + 1])
            if similarity[i][j]:
                best = max(best, similarity[i][j] + score[i + 1][j + 1])
            score[i][j] = best
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if similarity[i][j] and score[i][j] == similarity[i][j] + score[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif score[i][j] == score[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _summarise_text_numbers(table: Table) -> None:
    cells = [v.cell for _, row in table.iter_rows() for v in row.values.values() if v.status == "text-number"]
    cells += [v.cell for v in table.cells.values() if v.status == "text-number"]
    if cells:
        shown = "、".join(cells[:5]) + (" 等" if len(cells) > 5 else "")
        table.problems.append(
            Problem(
                "number-as-text", INFO, table.sheet.name, cells[0], table.id,
                f"{table.id}有 {len(cells)} 个数字以文本形式存储（{shown}），已按数字读取；建议改为数值格式。",
            )
        )
