"""同一科目金额一致 ``same_amount``: the same code carries the same amount (or no more than the
other) in two tables.

Parameters:

- ``left`` (mapping; required) and ``right`` (mapping; required): ``{table, block (if several), column}``;
- ``codes`` (one of ``类`` ``款`` ``项`` ``全部``; default ``全部``): the level compared: 3, 5 or 7
  digits, or all three;
- ``relation`` (one of ``==`` ``<=``; default ``==``): ``==`` compares the codes of either side (a
  code absent on one side counts as 0), ``<=`` the left side's codes (left ≤ right, e.g. one fund's
  spending within all spending).

Example (公开04表 ↔ 公开05表, per 功能分类 类)::

    - id: CQX-10
      name: 财政拨款总表的一般公共预算支出与公开05表一致
      kind: same_amount
      left: {table: 公开04表, block: 支出, column: 一般公共预算财政拨款}
      right: {table: 公开05表, column: 合计}
      codes: 类

Placeholders: the common ones plus ``{code}``, ``{other}`` (the other table and column) and ``{relation}``.
"""

from dataclasses import dataclass
from decimal import Decimal

from xlplugin.core.findings import Operand
from xlplugin.core.intervals import Interval, Verdict, compare
from xlplugin.engine.kinds.base import block_spec, outcome, table_spec, value_columns
from xlplugin.engine.kinds.params import Param, filled

NAME = "same_amount"
TITLE = "同一科目金额一致"
TOPIC = "table"
LOCALITY = 3
#: the digits of each level's codes
LEVELS = {"类": (3,), "款": (5,), "项": (7,), "全部": (3, 5, 7)}
RELATIONS = {"==": "等于", "<=": "不大于"}
PARAMS = {
    "left": Param("dict", required=True, doc="`{table: 表, block: 区块, column: 列}`；表只有一个区块时不写 `block`"),
    "right": Param("dict", required=True, doc="同上"),
    "codes": Param(
        "str",
        default="全部",
        choices=tuple(LEVELS),
        doc="核对哪一级：`类`（3 位）、`款`（5 位）、`项`（7 位）编码，`全部` 三级都核对",
    ),
    "relation": Param(
        "str",
        default="==",
        choices=tuple(RELATIONS),
        doc='`==` 相等，`<=` 左边不大于右边；写在引号中：`relation: "<="`',
    ),
}
PLACEHOLDERS = ("code", "other", "relation")
MESSAGE = "{table}科目 {row} 的{column}为 {actual}，应{relation} {other} 的 {expected}，差 {difference}。"


@dataclass(frozen=True)
class Side:
    table: str
    block: str
    column: str


@dataclass(frozen=True)
class SameAmountPrepared:
    left: Side
    right: Side
    #: the lengths of the codes compared
    levels: tuple[int, ...]
    relation: str


def _side(side, layout, where, key) -> Side:
    # the keys of one side are a shape, not a declared parameter: checked here, with the layout
    if set(side) - {"table", "block", "column"} or "table" not in side or "column" not in side:
        raise where.error("bad-param", f"{key} 应写成 {{table: 表, block: 区块, column: 列}}。")
    spec = table_spec(layout, side["table"], where)
    block = block_spec(spec, side.get("block"), where)
    value_columns(spec, block, [side["column"]], where)
    if block.code_column is None and not any(r.code for r in block.rows):
        raise where.error("bad-param", f"{spec.id}的区块“{block.id}”没有科目编码。")
    return Side(spec.id, block.id, side["column"])


@filled(PARAMS)
def prepare(params, layout, where) -> SameAmountPrepared:
    return SameAmountPrepared(
        _side(params["left"], layout, where, "left"),
        _side(params["right"], layout, where, "right"),
        LEVELS[params["codes"]],
        params["relation"],
    )


def _coded_rows(context, side: Side, levels):
    table = context.table(side.table)
    block = table.blocks[side.block]
    rows = {r.code: r for r in block.rows if r.code and r.code.isdigit() and len(r.code) in levels}
    return table, block, rows


def check(prepared: SameAmountPrepared, context):
    left_side, right_side = prepared.left, prepared.right
    left_table, left_block, left_rows = _coded_rows(context, left_side, prepared.levels)
    right_table, right_block, right_rows = _coded_rows(context, right_side, prepared.levels)
    codes = list(left_rows) + ([c for c in right_rows if c not in left_rows] if prepared.relation == "==" else [])
    for code in codes:
        left, left_operand = _value(context, left_table, left_block, left_rows.get(code), left_side.column, code)
        right, right_operand = _value(context, right_table, right_block, right_rows.get(code), right_side.column, code)
        verdict = compare(left, prepared.relation, right, context.tolerance)
        context.relate([(1, left_operand, left), (-1, right_operand, right)], prepared.relation)
        if verdict is Verdict.PASS:
            continue
        if code in left_rows:
            where = (left_table.sheet.name, left_rows[code].values[left_side.column].cell, left_table.id)
            column, other = left_side.column, f"{right_table.id}.{right_side.column}"
        else:  # the code exists only on the right: point at it there, against the left
            where = (right_table.sheet.name, right_rows[code].values[right_side.column].cell, right_table.id)
            column, left, right = right_side.column, right, left
            other = f"{left_table.id}.{left_side.column}"
        yield outcome(
            verdict,
            where,
            code,
            column,
            left,
            right,
            [left_operand, right_operand],
            code=code,
            other=other,
            relation=RELATIONS[prepared.relation],
        )


def _value(context, table, block, row, column, code):
    if row is None:
        return Interval.exact(Decimal(0)), Operand(f"{table.id}[{code}].{column}", table.sheet.name, "", None, "absent")
    return context.row_interval(table, block, row, column)
