"""Reading a located block's body rows: keyed blocks by code, fixed blocks by code, by label or by
position, each falling back to the other key when the first does not match.

- keyed (``keyed: code``): every row with a 3/5/7-digit code is a row; the total row is known by its
  label in the label column or in the code column (合计 merged over 编码 + 名称); a row whose code cell
  is not a code but whose name starts with one (``208 社会保障和就业支出``) is keyed by that code;
- fixed rows (``rows_by: code`` or ``label``): first by the preferred key, then the rest by the other
  — rows whose code does not match are aligned by label, labels that do not align are tried for a
  code printed before the name;
- ``rows_by: position``: the block's body lines in order (``at``), for blocks without row labels.

Lines that belong to the header (``类 | 款 | 项``, ``栏次 | 1 | 2``) are skipped.
"""

from __future__ import annotations

import re

from xlplugin.core.amounts import normalize_text
from xlplugin.core.cells import a1
from xlplugin.core.findings import ERROR, INFO, WARNING
from xlplugin.workbook.align import align_rows
from xlplugin.workbook.book import Sheet
from xlplugin.workbook.layout import BlockSpec, RowSpec, label_body
from xlplugin.workbook.located import Block, Problem, Row, Table, Value, read_value
from xlplugin.workbook.rowkeys import CODE, CodeReader, cell_text, is_header_line, leading_code

__all__ = ["read_block"]

_NOTE = re.compile(r"^(备注|注|说明)[:：]")


def read_block(table: Table, spec: BlockSpec, columns: dict[str, int], code_columns, first, last, claimed) -> Block:
    """Read ``spec``'s rows from sheet rows ``first``…``last`` (skipping ``claimed``)."""
    block = Block(spec, columns, [], code_columns=tuple(code_columns))
    all_columns = sorted(set(columns.values()) | set(code_columns))
    lines = [
        r
        for r in range(first, last + 1)
        if r not in claimed
        and not _row_is_empty(table.sheet, r, all_columns)
        and not is_header_line([cell_text(table.sheet, r, c) for c in all_columns])
    ]
    if spec.keyed:
        _keyed(table, block, lines)
    elif spec.rows_by == "position":
        _by_position(table, block, first, last, claimed, lines)
    else:
        _fixed(table, block, lines)
    block.rows.sort(key=lambda row: row.sheet_row)
    return block


def _row_is_empty(sheet: Sheet, row: int, columns) -> bool:
    return all(sheet.value(row, c) in (None, "") for c in columns)


def _values(table: Table, spec: BlockSpec, columns: dict[str, int], row: int, row_spec: RowSpec | None):
    values: dict[str, Value] = {}
    for column in spec.value_columns:
        decimals = next(
            d for d in (row_spec.decimals if row_spec else None, column.decimals, table.spec.decimals) if d is not None
        )
        values[column.id] = read_value(table, row, columns[column.id], decimals, bool(row_spec and row_spec.exact))
    return values


def _label_column(block: Block) -> int | None:
    label = block.spec.label_column
    return block.columns[label.id] if label is not None else None


def _problem(table: Table, code: str, severity: str, row: int, col: int, message: str) -> None:
    table.problems.append(Problem(code, severity, table.sheet.name, a1(row, col), table.id, message))


# ---------------------------------------------------------------------------------------------
# keyed: code


def _keyed(table: Table, block: Block, lines: list[int]) -> None:
    sheet, spec = table.sheet, block.spec
    codes = CodeReader(sheet, block.code_columns)
    code_col = block.code_columns[0]
    label_col = _label_column(block)
    totals = {normalize_text(t) for t in spec.total_labels}
    seen: dict[str, int] = {}
    for r in lines:
        code = codes.read(r)
        label = cell_text(sheet, r, label_col) if label_col is not None else ""
        if CODE.fullmatch(code):
            key = code
        elif totals and (normalize_text(label) in totals or code in totals):
            key, code, label = spec.total, "", label or codes.raw(r)
        elif (split := leading_code(codes.raw(r)) or leading_code(label)) is not None:
            key = code = split[0]
            label = split[1] if not label or leading_code(label) else label
        else:
            what = f"编码“{code}”不是 3、5 或 7 位的科目编码" if code else "有内容但没有科目编码"
            _problem(table, "bad-row-key", WARNING, r, code_col, f"{table.id}第 {r + 1} 行{what}，该行未参与校验。")
            continue
        if key in seen:
            _problem(
                table,
                "duplicate-row",
                ERROR,
                r,
                code_col,
                f"{table.id}中“{key}”出现两次（第 {seen[key] + 1} 行和第 {r + 1} 行），只取第一行。",
            )
            continue
        seen[key] = r
        block.rows.append(Row(key, label, code or None, None, r, _values(table, spec, block.columns, r, None)))


# ---------------------------------------------------------------------------------------------
# fixed rows


def _fixed(table: Table, block: Block, lines: list[int]) -> None:
    sheet, spec = table.sheet, block.spec
    codes = CodeReader(sheet, block.code_columns) if block.code_columns else None
    label_col = _label_column(block)
    shown_col = label_col if label_col is not None else block.code_columns[0]
    printed = {r: cell_text(sheet, r, label_col) if label_col is not None else "" for r in lines}
    line_codes = {r: codes.read(r) if codes else "" for r in lines}
    pending_rows = list(range(len(spec.rows)))
    pending_lines = list(lines)
    matches: dict[int, int] = {}  # layout row index → sheet row

    def by_code() -> None:
        by_code = {spec.rows[i].code: i for i in pending_rows if spec.rows[i].code}
        for r in list(pending_lines):
            code = line_codes[r]
            if not CODE.fullmatch(code):
                code = (leading_code(printed[r]) or leading_code(codes.raw(r) if codes else "") or ("",))[0]
            index = by_code.pop(code, None)
            if index is not None:
                matches[index] = r
                pending_rows.remove(index)
                pending_lines.remove(r)

    def by_label() -> None:
        bodies = {label_body(t) for i in pending_rows for t in (spec.rows[i].label, *spec.rows[i].aliases)}
        candidates = [
            r
            for r in pending_lines
            if _label_of(printed[r], line_codes[r])
            # a line with a code of its own that is not in the layout aligns only on the same words
            and (not CODE.fullmatch(line_codes[r]) or label_body(_label_of(printed[r], line_codes[r])) in bodies)
        ]
        rows = tuple(spec.rows[i] for i in pending_rows)
        pairs = align_rows(rows, [_label_of(printed[r], line_codes[r]) for r in candidates])
        for row_index, line_index in pairs:
            matches[pending_rows[row_index]] = candidates[line_index]
        for row_index, line_index in sorted(pairs, reverse=True):
            pending_lines.remove(candidates[line_index])
            del pending_rows[row_index]

    for step in (by_label, by_code) if spec.rows_by == "label" else (by_code, by_label):
        step()
    for index, r in matches.items():
        row_spec = spec.rows[index]
        label = _label_of(printed[r], line_codes[r]) if label_col is not None else row_spec.label
        code = line_codes[r] if CODE.fullmatch(line_codes[r]) and line_codes[r] == row_spec.code else row_spec.code
        block.rows.append(Row(row_spec.id, label, code, row_spec, r, _values(table, spec, block.columns, r, row_spec)))
    for r in pending_lines:
        shown = printed[r] or line_codes[r]
        _problem(
            table, "unexpected-row", INFO, r, shown_col, f"{table.id}第 {r + 1} 行“{shown}”不在表样中，未参与校验。"
        )
    block.missing = [spec.rows[i] for i in sorted(pending_rows)]
    report_missing(table, block)


def _label_of(printed: str, code: str) -> str:
    """The row's label: as printed, else (合计 merged over 编码 + 名称) the text in the code cell."""
    return printed or (code if code and not CODE.fullmatch(code) else "")


# ---------------------------------------------------------------------------------------------
# rows_by: position


def _by_position(table: Table, block: Block, first: int, last: int, claimed, lines: list[int]) -> None:
    sheet, spec = table.sheet, block.spec
    label_col = _label_column(block)
    columns = sorted(set(block.columns.values()) | set(block.code_columns))
    # A row left blank (an empty template, a department with no 三公 spending) is still its row: the
    # body runs on past its last filled line as far as the rows' positions, never onto the note.
    end = max(last, first + max((r.at or 1) for r in spec.rows) - 1)
    body = []
    for r in range(first, end + 1):
        if r > last and _NOTE.match(normalize_text(cell_text(sheet, r, 0))):
            break
        if r not in claimed and not is_header_line([cell_text(sheet, r, c) for c in columns]):
            body.append(r)
    used: set[int] = set()
    for row_spec in spec.rows:
        index = (row_spec.at or 1) - 1
        if index >= len(body):
            block.missing.append(row_spec)
            continue
        r = body[index]
        used.add(r)
        label = cell_text(sheet, r, label_col) if label_col is not None else row_spec.label
        values = _values(table, spec, block.columns, r, row_spec)
        block.rows.append(Row(row_spec.id, label, row_spec.code, row_spec, r, values))
    for r in lines:
        if r not in used:
            col = min(columns)
            _problem(table, "unexpected-row", INFO, r, col, f"{table.id}第 {r + 1} 行不在表样中，未参与校验。")
    report_missing(table, block)


def report_missing(table: Table, block: Block) -> None:
    for row in block.missing:
        table.problems.append(
            Problem(
                "row-missing",
                WARNING,
                table.sheet.name,
                "",
                table.id,
                f"{table.id}中找不到表样行“{row.label}”（区块“{block.spec.id}”），相关校验不会执行。",
            )
        )
