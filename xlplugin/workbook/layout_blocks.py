"""Reading a table's blocks, columns, rows and labelled cells from its YAML file.

Everything the locator relies on is checked here, at load time, with the file and line of the key:
a block's rows must be findable (``rows_by``: a label column to read labels from, codes to match,
or positions), every header path and alias must be text, a split code's parts must all be code
columns. A layout that loads is one the locator can apply without failing."""

from __future__ import annotations

from xlplugin.core.errors import PackError
from xlplugin.core.yamlfile import YDict, check_keys, line_of
from xlplugin.workbook.layout import ROLES, ROWS_BY, TOTAL_AT, BlockSpec, CellSpec, ColumnSpec, RowSpec, label_body
from xlplugin.workbook.layout_values import choice, mapping, non_negative_int, strings

__all__ = ["read_block", "read_cell"]

_BLOCK_KEYS = {"id", "columns", "rows", "keyed", "total", "total_at", "total_aliases", "template_rows", "rows_by"}
_ROW_KEYS = {"id", "label", "code", "at", "decimals", "unit", "na", "aliases"}


def read_block(data: YDict, table_id: str) -> BlockSpec:
    check_keys(data, _BLOCK_KEYS, {"id", "columns"}, "区块")
    block_id = str(data["id"])
    columns_data = data["columns"]
    if not isinstance(columns_data, list) or not columns_data:
        raise PackError("bad-layout", "columns 必须是列定义的列表。", data.path, line_of(data, "columns"))
    columns = tuple(
        _column(mapping(c, data.path, line_of(columns_data, i), "列定义")) for i, c in enumerate(columns_data)
    )
    ids = [c.id for c in columns]
    if len(set(ids)) != len(ids):
        raise PackError("duplicate-id", f"区块“{block_id}”的列 id 重复。", data.path, line_of(data, "columns"))
    if not any(c.role == "value" for c in columns):
        raise PackError(
            "bad-layout", f"区块“{block_id}”没有数值列（role: value）。", data.path, line_of(data, "columns")
        )
    keyed = data.get("keyed")
    if keyed not in (None, "code"):
        raise PackError("bad-layout", "keyed 只能是 code（按科目编码取行）。", data.path, line_of(data, "keyed"))
    rows_data = data.get("rows") or []
    has_code = any(c.role == "code" for c in columns)
    has_label = any(c.role == "label" for c in columns)
    if keyed and rows_data:
        raise PackError(
            "bad-layout", "按编码取行的区块（keyed: code）不能再列出固定行。", data.path, line_of(data, "rows")
        )
    if keyed and data.get("rows_by") is not None:
        raise PackError(
            "bad-layout", "按编码取行的区块（keyed: code）不用 rows_by。", data.path, line_of(data, "rows_by")
        )
    if not keyed and not rows_data:
        raise PackError("bad-layout", "区块必须列出固定行（rows），或声明 keyed: code。", data.path, data.line)
    if keyed and not has_code:
        raise PackError("bad-layout", "keyed: code 的区块需要一列 role: code。", data.path, line_of(data, "columns"))
    rows_by = choice(data, "rows_by", ROWS_BY, "code" if has_code else "label")
    if not keyed and rows_by == "label" and not has_label:
        raise PackError(
            "bad-layout",
            f"区块“{block_id}”没有行名列（role: label），无法按行名找行：请加一列 role: label，"
            "或写 rows_by: position（按位置取行，如只有一行数据的“三公”经费表）或 rows_by: code（按编码）。",
            data.path,
            line_of(data, "rows_by") if "rows_by" in data else data.line,
        )
    if not keyed and rows_by == "code" and not has_code:
        raise PackError(
            "bad-layout",
            f"区块“{block_id}”写了 rows_by: code，但没有 role: code 的列。",
            data.path,
            line_of(data, "rows_by"),
        )
    rows = _rows(rows_data, data, columns, rows_by) if not keyed else ()
    total = data.get("total")
    if total is not None and (isinstance(total, bool) or not isinstance(total, (str, int))):
        raise PackError("bad-layout", "total 必须是合计行的行名，如“合计”。", data.path, line_of(data, "total"))
    for key in ("total_at", "total_aliases"):
        if key in data and (total is None or not keyed):
            raise PackError(
                "bad-layout", f"{key} 只用于写了 total 的按编码取行区块（keyed: code）。", data.path, line_of(data, key)
            )
    return BlockSpec(
        id=block_id,
        columns=columns,
        rows=rows,
        keyed=bool(keyed),
        total=str(total) if total is not None else None,
        template_rows=non_negative_int(data, "template_rows", 15 if keyed else 0),
        rows_by="code" if keyed else rows_by,
        total_at=choice(data, "total_at", TOTAL_AT, "top"),
        total_aliases=strings(data.get("total_aliases"), data, "total_aliases"),
    )


def _column(data: YDict) -> ColumnSpec:
    check_keys(data, {"id", "header", "role", "aliases", "decimals"}, {"id", "header"}, "列定义")
    role = data.get("role", "value")
    if role not in ROLES:
        raise PackError(
            "bad-layout", f"role 只能是 {'/'.join(ROLES)}，不是“{role}”。", data.path, line_of(data, "role")
        )
    header = strings(data["header"], data, "header")
    if not header or not all(t.strip() for t in header):
        raise PackError("bad-layout", "header 不能为空，也不能含空的表头文字。", data.path, line_of(data, "header"))
    aliases, paths = _aliases(data)
    return ColumnSpec(
        id=str(data["id"]),
        header=header,
        role=role,
        aliases=aliases,
        decimals=non_negative_int(data, "decimals"),
        alias_paths=paths,
    )


def _aliases(data: YDict) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """``aliases``: texts (other wordings of the last header text) and lists (whole header paths)."""
    value = data.get("aliases")
    if value is None:
        return (), ()
    items = value if isinstance(value, list) else [value]
    words: list[str] = []
    paths: list[tuple[str, ...]] = []
    for item in items:
        if isinstance(item, list):
            path = strings(item, data, "aliases", "aliases 中的表头路径")
            if not path or not all(t.strip() for t in path):
                raise PackError("bad-layout", "aliases 中的表头路径不能为空。", data.path, line_of(data, "aliases"))
            paths.append(path)
        elif isinstance(item, (str, int)) and not isinstance(item, bool) and str(item).strip():
            words.append(str(item))
        else:
            raise PackError(
                "bad-layout",
                "aliases 的每一项必须是表头文字（如 科目名称）或表头路径（如 [收入决算数, 金额]）。",
                data.path,
                line_of(data, "aliases"),
            )
    return tuple(words), tuple(paths)


def _rows(rows_data: object, block: YDict, columns: tuple[ColumnSpec, ...], rows_by: str) -> tuple[RowSpec, ...]:
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
        item = mapping(item, block.path, line, "行定义")
        required = {"label"} if rows_by == "label" else set()
        check_keys(item, _ROW_KEYS, required, "行定义")
        code = item.get("code")
        if code is not None and (isinstance(code, bool) or not isinstance(code, (str, int))):
            raise PackError("bad-layout", "code 必须是科目编码（文字）。", block.path, line_of(item, "code"))
        if rows_by == "code" and code is None:
            raise PackError("bad-layout", "本区块按编码取行（rows_by: code），每一行都要写 code。", block.path, line)
        if rows_by == "position" and not any(item.get(k) is not None for k in ("id", "label", "code")):
            raise PackError("bad-layout", "按位置取行的行至少要写 id 或 label。", block.path, line)
        label = item.get("label")
        label = str(label) if label is not None else str(item.get("id") or code)
        at = non_negative_int(item, "at") or next_at
        if at < next_at:
            raise PackError("bad-layout", f"行“{label}”的 at={at} 不能小于前一行之后的 {next_at}。", block.path, line)
        na = strings(item.get("na"), item, "na")
        for column_id in na:
            if column_id not in value_ids:
                raise PackError("unknown-column", f"na 中的列“{column_id}”不是本区块的数值列。", block.path, line)
        rows.append(
            RowSpec(
                id=str(item.get("id") or (str(code) if code is not None else label_body(label))),
                label=label,
                code=str(code) if code is not None else None,
                at=at,
                decimals=non_negative_int(item, "decimals"),
                unit=str(item["unit"]) if item.get("unit") is not None else None,
                na=na,
                aliases=strings(item.get("aliases"), item, "aliases"),
            )
        )
        next_at = at + 1
    ids = [r.id for r in rows]
    for index, row_id in enumerate(ids):
        if row_id in ids[:index]:
            raise PackError(
                "duplicate-id", f"行 id“{row_id}”重复；请为其中一行写明 id。", block.path, line_of(rows_data, index)
            )
    codes = [r.code for r in rows if r.code]
    for index, row in enumerate(rows):
        if row.code and row.code in codes[: codes.index(row.code)] + codes[codes.index(row.code) + 1 :]:
            raise PackError(
                "duplicate-id", f"编码“{row.code}”在本区块出现两次。", block.path, line_of(rows_data, index)
            )
    return tuple(rows)


def read_cell(data: YDict, blocks: tuple[BlockSpec, ...]) -> CellSpec:
    check_keys(data, {"id", "label", "value", "at", "label_in"}, {"label", "value"}, "cells")
    target = str(data["value"])
    block_id, _, column_id = target.partition(".")
    block = next((b for b in blocks if b.id == block_id), None)
    if block is None or block.column(column_id) is None or block.column(column_id).role != "value":
        raise PackError(
            "unknown-column",
            f"value“{target}”必须写成“区块.列”，且该列是存在的数值列。",
            data.path,
            line_of(data, "value"),
        )
    label_block = data.get("label_in")
    if label_block is not None and not any(b.id == label_block for b in blocks):
        raise PackError(
            "unknown-block", f"label_in“{label_block}”不是本表的区块。", data.path, line_of(data, "label_in")
        )
    label = str(data["label"])
    return CellSpec(
        id=str(data.get("id", label_body(label))),
        label=label,
        block=block_id,
        column=column_id,
        at=non_negative_int(data, "at"),
        label_block=str(label_block) if label_block is not None else None,
    )
