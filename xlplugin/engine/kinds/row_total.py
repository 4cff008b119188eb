"""行合计 ``row_total``: in every row of a block, a total column equals the sum of part columns.

Parameters:

- ``table`` (text; required): the table id;
- ``block`` (text; optional): the block id, needed when the table has several;
- ``total`` (text; required): the total column id;
- ``parts`` (list; required): the part column ids; a leading ``-`` subtracts (``-本年支出合计``);
- ``rows`` (list; optional): only these rows (codes, ids or labels); without it every row of the block.
  Fixed rows are resolved when the pack loads (an unknown row is refused); in a block whose rows
  are read by code, an entry matches a row by its code or by its label as printed.

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

from dataclasses import dataclass

from xlplugin.core.amounts import normalize_text
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

NAME = "row_total"
TITLE = "行合计"
TOPIC = "table"
LOCALITY = 1
PARAMS = {
    "table": TABLE,
    "block": BLOCK,
    "total": Param("str", required=True, doc="合计列的列 id"),
    "parts": Param("list", required=True, doc="分列的列 id；前面加 `-` 表示减去，如 `-本年支出合计`"),
    "rows": Param("list", doc="只查这些行（编码、行 id 或行名）；不写则查区块中的每一行"),
}
PLACEHOLDERS = ("parts",)
MESSAGE = "{table}“{row}”行：{column} 应等于 {parts} = {expected}，实际为 {actual}，差 {difference}。"


@dataclass(frozen=True)
class RowTotalPrepared:
    table: str
    block: str
    total: str
    #: (sign, column id) of each part
    parts: tuple[tuple[int, str], ...]
    #: the rows to check: layout ids (fixed rows), or codes and labels as written, normalised (rows
    #: by code); empty: all
    rows: tuple[str, ...]
    #: the parts as the message shows them: ``基本支出 + 项目支出 - …``
    label: str


def prepare(params, layout, where) -> RowTotalPrepared:
    spec = table_spec(layout, params["table"], where)
    block = block_spec(spec, params.get("block"), where)
    parts = signed(params["parts"])
    value_columns(spec, block, [params["total"]] + [name for _, name in parts], where)
    rows = params.get("rows") or []
    if block.keyed:
        rows = [normalize_text(str(r)) for r in rows]
    else:
        rows = [fixed_row(spec, block, r, where) for r in rows]
    label = " ".join(("+ " if sign > 0 else "- ") + name for sign, name in parts).lstrip("+ ")
    return RowTotalPrepared(spec.id, block.id, params["total"], tuple(parts), tuple(rows), label)


def check(prepared: RowTotalPrepared, context):
    table = context.table(prepared.table)
    block = table.blocks[prepared.block]
    rows = block.rows
    if prepared.rows:
        if block.spec.keyed:  # by code (the key) or by the label as printed
            rows = [r for r in rows if {normalize_text(r.key), normalize_text(r.label)} & set(prepared.rows)]
        else:
            rows = [r for r in rows if r.key in prepared.rows]
    for row in rows:
        total_value = row.values[prepared.total]
        if total_value.status == "blank" and all(
            row.values[name].status in ("blank", "dash") for _, name in prepared.parts
        ):
            continue
        parts = [(sign, row, name) for sign, name in prepared.parts]
        verdict, left, right, operands = sum_relation(context, table, block, (row, prepared.total), parts)
        if verdict is not Verdict.PASS:
            where = (table.sheet.name, total_value.cell, table.id)
            yield outcome(
                verdict,
                where,
                row.code or row.label or row.key,
                prepared.total,
                left,
                right,
                operands,
                parts=prepared.label,
            )
