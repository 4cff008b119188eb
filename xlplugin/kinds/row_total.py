"""行合计 ``row_total``: in every row of a block, a total column equals the sum of part columns.

Parameters:

- ``table`` (required), ``block`` (when the table has several);
- ``total``: the total column id;
- ``parts``: the part column ids; a leading ``-`` subtracts (``-本年支出合计``);
- ``rows`` (optional): only these rows (codes, ids or labels); default every row of the block.

Rows whose total and parts are all blank are skipped (nothing to check). Example (公开03表)::

    - id: CQ03-01
      name: 本年支出合计等于各类支出之和
      kind: row_total
      table: 公开03表
      total: 本年支出合计
      parts: [基本支出, 项目支出, 上缴上级支出, 经营支出, 对附属单位补助支出]

fails on the published sample's row 229 (其他支出): 本年支出合计 35.00 but 基本支出 and 项目支出 blank.
Placeholders: the common ones plus ``{parts}`` (the part columns, joined with + and -).
"""
from xlplugin.kinds.base import block_spec, fixed_row, outcome, signed, sum_relation, table_spec, value_columns
from xlplugin.intervals import Verdict

NAME = "row_total"
TITLE = "行合计"
LOCALITY = 1
PARAMS = {"table": ("str", True), "block": ("str", False), "total": ("str", True), "parts": ("list", True), "rows": ("list", False)}
PLACEHOLDERS = ("parts",)
MESSAGE = "{table}“{row}”行：{column} 应等于 {parts} = {expected}，实际为 {actual}，差 {difference}。"


def prepare(params, layout, where):
    spec = table_spec(layout, params["table"], where)
    block = block_spec(spec, params.get("block"), where)
    parts = signed(params["parts"])
    value_columns(spec, block, [params["total"]] + [name for _, name in parts], where)
    rows = params.get("rows")
    if rows and not block.keyed:
        rows = [fixed_row(spec, block, r, where) for r in rows]
    label = " ".join(("+ " if sign > 0 else "- ") + name for sign, name in parts).lstrip("+ ")
    return {"table": spec.id, "block": block.id, "total": params["total"], "parts": parts, "rows": rows, "label": label}


def check(prepared, context):
    table = context.table(prepared["table"])
    block = table.blocks[prepared["block"]]
    rows = block.rows
    if prepared["rows"]:
        wanted = prepared["rows"]
        rows = [r for r in rows if r.key in wanted or r.code in wanted]
    for row in rows:
        total_value = row.values[prepared["total"]]
        if total_value.status == "blank" and all(row.values[name].status in ("blank", "dash") for _, name in prepared["parts"]):
            continue
        parts = [(sign, row, name) for sign, name in prepared["parts"]]
        verdict, left, right, operands = sum_relation(context, table, block, (row, prepared["total"]), parts)
        if verdict is not Verdict.PASS:
            where = (table.sheet.name, total_value.cell, table.id)
            yield outcome(verdict, where, row.code or row.label or row.key, prepared["total"], left, right, operands, parts=prepared["label"])
