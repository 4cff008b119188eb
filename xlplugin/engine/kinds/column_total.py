"""列合计 ``column_total``: in a block with fixed rows, a total row equals the sum of part rows,
in every value column (or the listed ones).

Parameters:

- ``table`` (text; required) and ``block`` (text; optional): as for ``row_total``;
- ``total`` (text; required): the total row (id, code or label);
- ``parts`` (list; required): the part rows; a leading ``-`` subtracts;
- ``columns`` (list; optional): only these value columns; without it every value column of the block.

Only for blocks with fixed rows (a block whose rows are read by code is ``code_rollup``'s). Example
(公开01表)::

    - id: CQ01-01
      name: 本年收入合计等于各项收入之和
      kind: column_total
      table: 公开01表
      block: 收入
      total: 本年收入合计
      parts: [一、一般公共预算财政拨款收入, 二、政府性基金预算财政拨款收入, …, 八、其他收入]

Placeholders: the common ones plus ``{parts}`` (the part rows).
"""

from dataclasses import dataclass

from xlplugin.core.errors import NotRunnable
from xlplugin.core.intervals import Verdict
from xlplugin.engine.kinds.base import (
    BLOCK,
    TABLE,
    block_spec,
    fixed_row,
    outcome,
    signed,
    sum_relation,
    table_spec,
    value_columns,
)
from xlplugin.engine.kinds.params import Param

NAME = "column_total"
TITLE = "列合计"
TOPIC = "table"
LOCALITY = 2
PARAMS = {
    "table": TABLE,
    "block": BLOCK,
    "total": Param("str", required=True, doc="合计行（行 id、编码或行名）"),
    "parts": Param("list", required=True, doc="分行（行 id、编码或行名）；前面加 `-` 表示减去"),
    "columns": Param("list", doc="只核对这些列；不写则核对区块的全部数值列"),
}
PLACEHOLDERS = ("parts",)
MESSAGE = "{table}“{row}”的{column}应等于 {parts} 之和 {expected}，实际为 {actual}，差 {difference}。"


@dataclass(frozen=True)
class ColumnTotalPrepared:
    table: str
    block: str
    #: layout ids of the total row and of each part row, with its sign
    total: str
    parts: tuple[tuple[int, str], ...]
    columns: tuple[str, ...]
    #: the part rows as the message shows them
    label: str


def prepare(params, layout, where) -> ColumnTotalPrepared:
    spec = table_spec(layout, params["table"], where)
    block = block_spec(spec, params.get("block"), where)
    if block.keyed:
        raise where.error("bad-param", f"{spec.id}的区块“{block.id}”按编码取行，请用 code_rollup。")
    total = fixed_row(spec, block, params["total"], where)
    parts = [(sign, fixed_row(spec, block, name, where)) for sign, name in signed(params["parts"])]
    columns = value_columns(spec, block, params.get("columns"), where)
    labels = [("减 " if sign < 0 else "") + block.row(row_id).label for sign, row_id in parts]
    label = "、".join(labels) if len(labels) <= 6 else f"{labels[0]}至{labels[-1]}共 {len(labels)} 行"
    return ColumnTotalPrepared(spec.id, block.id, total, tuple(parts), tuple(columns), label)


def check(prepared: ColumnTotalPrepared, context):
    table = context.table(prepared.table)
    block = table.blocks[prepared.block]
    total_row = block.row(prepared.total)
    part_rows = [(sign, block.row(row_id), row_id) for sign, row_id in prepared.parts]
    missing = [row_id for _, row, row_id in part_rows if row is None] + ([prepared.total] if total_row is None else [])
    if missing:
        raise NotRunnable(f"{table.id}中找不到行：{'、'.join(missing)}")
    for column in prepared.columns:
        parts = [(sign, row, column) for sign, row, _ in part_rows]
        verdict, left, right, operands = sum_relation(context, table, block, (total_row, column), parts)
        if verdict is not Verdict.PASS:
            where = (table.sheet.name, total_row.values[column].cell, table.id)
            yield outcome(verdict, where, total_row.label, column, left, right, operands, parts=prepared.label)
