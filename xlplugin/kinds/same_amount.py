"""同一科目金额一致 ``same_amount``: the same code carries the same amount (or no more than the
other) in two tables.

Parameters:

- ``left`` and ``right``: ``{table, block (if several), column}``;
- ``codes``: ``类`` (3 digits), ``款`` (5), ``项`` (7) or ``全部`` (default);
- ``relation``: ``==`` (default; codes of either side are compared, a code absent on one side
  counts as 0) or ``<=`` (left ≤ right, e.g. one fund's spending within all spending).

Example (公开04表 ↔ 公开05表, per 功能分类 类)::

    - id: CQX-10
      name: 财政拨款总表的一般公共预算支出与公开05表一致
      kind: same_amount
      left: {table: 公开04表, block: 支出, column: 一般公共预算财政拨款}
      right: {table: 公开05表, column: 合计}
      codes: 类

Placeholders: the common ones plus ``{code}``, ``{other}`` (the other table and column) and ``{relation}``.
"""
from decimal import Decimal

from xlplugin.intervals import Interval, Verdict, compare
from xlplugin.kinds.base import block_spec, outcome, table_spec, value_columns

NAME = "same_amount"
TITLE = "同一科目金额一致"
LOCALITY = 3
PARAMS = {"left": ("dict", True), "right": ("dict", True), "codes": ("str", False), "relation": ("str", False)}
PLACEHOLDERS = ("code", "other", "relation")
MESSAGE = "{table}科目 {row} 的{column}为 {actual}，应{relation} {other} 的 {expected}，差 {difference}。"
LEVELS = {"类": (3,), "款": (5,), "项": (7,), "全部": (3, 5, 7)}
RELATIONS = {"==": "等于", "<=": "不大于"}


def _side(side, layout, where, key):
    if set(side) - {"table", "block", "column"} or "table" not in side or "column" not in side:
        raise where.error("bad-param", f"{key} 应写成 {{table: 表, block: 区块, column: 列}}。")
    spec = table_spec(layout, side["table"], where)
    block = block_spec(spec, side.get("block"), where)
    value_columns(spec, block, [side["column"]], where)
    if block.code_column is None and not any(r.code for r in block.rows):
        raise where.error("bad-param", f"{spec.id}的区块“{block.id}”没有科目编码。")
    return {"table": spec.id, "block": block.id, "column": side["column"]}


def prepare(params, layout, where):
    codes = params.get("codes", "全部")
    if codes not in LEVELS:
        raise where.error("bad-param", f"codes 只能是 {'、'.join(LEVELS)}。")
    relation = params.get("relation", "==")
    if relation not in RELATIONS:
        raise where.error("bad-param", f"relation 只能是 {' 或 '.join(RELATIONS)}。")
    return {
        "left": _side(params["left"], layout, where, "left"),
        "right": _side(params["right"], layout, where, "right"),
        "levels": LEVELS[codes],
        "relation": relation,
    }


def _coded_rows(context, side, levels):
    table = context.table(side["table"])
    block = table.blocks[side["block"]]
    rows = {r.code: r for r in block.rows if r.code and r.code.isdigit() and len(r.code) in levels}
    return table, block, rows


def check(prepared, context):
    left_table, left_block, left_rows = _coded_rows(context, prepared["left"], prepared["levels"])
    right_table, right_block, right_rows = _coded_rows(context, prepared["right"], prepared["levels"])
    codes = list(left_rows) + ([c for c in right_rows if c not in left_rows] if prepared["relation"] == "==" else [])
    other = f"{right_table.id}.{prepared['right']['column']}"
    for code in codes:
        left, left_operand = _value(context, left_table, left_block, left_rows.get(code), prepared["left"]["column"], code)
        right, right_operand = _value(context, right_table, right_block, right_rows.get(code), prepared["right"]["column"], code)
        verdict = compare(left, prepared["relation"], right, context.tolerance)
        if verdict is Verdict.PASS:
            continue
        if code in left_rows:
            where = (left_table.sheet.name, left_rows[code].values[prepared["left"]["column"]].cell, left_table.id)
            column = prepared["left"]["column"]
        else:  # the code exists only on the right: point at it there
            where = (right_table.sheet.name, right_rows[code].values[prepared["right"]["column"]].cell, right_table.id)
            column, left, right = prepared["right"]["column"], right, left
        yield outcome(verdict, where, code, column, left, right, [left_operand, right_operand],
                      code=code, other=other, relation=RELATIONS[prepared["relation"]])


def _value(context, table, block, row, column, code):
    from xlplugin.findings import Operand

    if row is None:
        return Interval.exact(Decimal(0)), Operand(f"{table.id}[{code}].{column}", table.sheet.name, "", None, "absent")
    return context.row_interval(table, block, row, column)
