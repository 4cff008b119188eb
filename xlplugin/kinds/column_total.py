"""列合计 ``column_total``: in a block with fixed rows, a total row equals the sum of part rows,
in every value column (or the listed ones).

Parameters: ``table``, ``block``, ``total`` (row id, code or label), ``parts`` (rows; a leading ``-``
subtracts), ``columns`` (optional; default every value column of the block). Example (公开01表)::

    - id: CQ01-01
      name: 本年收入合计等于各项收入之和
      kind: column_total
      table: 公开01表
      block: 收入
      total: 本年收入合计
      parts: [一、一般公共预算财政拨款收入, 二、政府性基金预算财政拨款收入, …, 八、其他收入]

Placeholders: the common ones plus ``{parts}`` (the part rows).
"""
from xlplugin.intervals import Verdict
from xlplugin.kinds.base import block_spec, fixed_row, outcome, signed, sum_relation, table_spec, value_columns

NAME = "column_total"
TITLE = "列合计"
LOCALITY = 2
PARAMS = {"table": ("str", True), "block": ("str", False), "total": ("str", True), "parts": ("list", True), "columns": ("list", False)}
PLACEHOLDERS = ("parts",)
MESSAGE = "{table}“{row}”的{column}应等于 {parts} 之和 {expected}，实际为 {actual}，差 {difference}。"


def prepare(params, layout, where):
    spec = table_spec(layout, params["table"], where)
    block = block_spec(spec, params.get("block"), where)
    if block.keyed:
        raise where.error("bad-param", f"{spec.id}的区块“{block.id}”按编码取行，请用 code_rollup。")
    total = fixed_row(spec, block, params["total"], where)
    parts = [(sign, fixed_row(spec, block, name, where)) for sign, name in signed(params["parts"])]
    columns = value_columns(spec, block, params.get("columns"), where)
    labels = [("减 " if sign < 0 else "") + block.row(row_id).label for sign, row_id in parts]
    label = "、".join(labels) if len(labels) <= 6 else f"{labels[0]}至{labels[-1]}共 {len(labels)} 行"
    return {"table": spec.id, "block": block.id, "total": total, "parts": parts, "columns": columns, "label": label}


def check(prepared, context):
    table = context.table(prepared["table"])
    block = table.blocks[prepared["block"]]
    total_row = block.row(prepared["total"])
    part_rows = [(sign, block.row(row_id), row_id) for sign, row_id in prepared["parts"]]
    missing = [row_id for _, row, row_id in part_rows if row is None] + ([prepared["total"]] if total_row is None else [])
    if missing:
        from xlplugin.expressions import NotRunnable

        raise NotRunnable(f"{table.id}中找不到行：{'、'.join(missing)}")
    for column in prepared["columns"]:
        parts = [(sign, row, column) for sign, row, _ in part_rows]
        verdict, left, right, operands = sum_relation(context, table, block, (total_row, column), parts)
        if verdict is not Verdict.PASS:
            where = (table.sheet.name, total_row.values[column].cell, table.id)
            yield outcome(verdict, where, total_row.label, column, left, right, operands, parts=prepared["label"])
