"""科目汇总 ``code_rollup``: every parent code equals the sum of its child codes (类 = Σ款,
款 = Σ项; 经济分类 301 = Σ301xx), in every value column; optionally the total row equals the sum of
the top-level codes.

Parameters:

- ``table`` (text; required) and ``block`` (text; optional): as for ``row_total``;
- ``columns`` (list; optional): only these value columns; without it all of them;
- ``total`` (text; optional): the total row's label (e.g. ``合计``); with it the total is checked too.
  It must name the block's total row (a block read by code) or one of its fixed rows (id, code or
  label); anything else is refused when the pack loads.

A child is a code two digits longer with the parent as prefix; a parent without children in the
table is not checked. The block must have codes. Example (公开02表)::

    - id: CQ02-02
      name: 类、款金额等于下级科目之和
      kind: code_rollup
      table: 公开02表
      total: 合计

finds nothing on the corrected sample except rounding (提示: 合计 9,909.15 vs Σ类 9,909.14).
Placeholders: the common ones plus ``{children}`` (the child codes summed).
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
    sum_relation,
    table_spec,
    value_columns,
)
from xlplugin.engine.kinds.params import Param

NAME = "code_rollup"
TITLE = "科目汇总"
TOPIC = "table"
LOCALITY = 2
PARAMS = {
    "table": TABLE,
    "block": BLOCK,
    "columns": Param("list", doc="只核对这些列；不写则核对全部数值列"),
    "total": Param("str", doc="合计行的行名（如 `合计`）；写了则同时核对合计 = 最高一级科目之和"),
}
PLACEHOLDERS = ("children",)
MESSAGE = "{table} {row} 的{column}应等于下级科目（{children}）之和 {expected}，实际为 {actual}，差 {difference}。"


@dataclass(frozen=True)
class CodeRollupPrepared:
    table: str
    block: str
    columns: tuple[str, ...]
    #: the total row's key (the block's total label, or a fixed row's layout id), or None when the
    #: total is not checked
    total: str | None


def prepare(params, layout, where) -> CodeRollupPrepared:
    spec = table_spec(layout, params["table"], where)
    block = block_spec(spec, params.get("block"), where)
    if block.code_column is None and not any(r.code for r in block.rows):
        raise where.error("bad-param", f"{spec.id}的区块“{block.id}”没有科目编码，无法逐级汇总。")
    columns = value_columns(spec, block, params.get("columns"), where)
    total = params.get("total")
    if total is not None:
        total = _total_row(spec, block, total, where)
    return CodeRollupPrepared(spec.id, block.id, tuple(columns), total)


def _total_row(spec, block, total: str, where) -> str:
    """The key of the total row the rule names (checked): a label that names no row would leave the
    total silently unchecked."""
    if not block.keyed:
        return fixed_row(spec, block, total, where)
    if block.total is not None and normalize_text(total) == normalize_text(block.total):
        return block.total
    have = f"合计行为“{block.total}”" if block.total else "表样未定义合计行"
    raise where.error("unknown-row", f"{spec.id}的区块“{block.id}”中没有合计行“{total}”（{have}）。")


def check(prepared: CodeRollupPrepared, context):
    table = context.table(prepared.table)
    block = table.blocks[prepared.block]
    coded = [row for row in block.rows if row.code and row.code.isdigit()]
    children_of: dict[str, list] = {}
    for row in coded:
        children_of.setdefault(row.code[:-2], []).append(row)
    groups = []
    for parent in coded:
        children = children_of.get(parent.code, [])
        if children:
            groups.append((parent, children, parent.code))
    if prepared.total:
        total_row = block.row(prepared.total)
        shortest = min((len(r.code) for r in coded), default=0)
        top = [r for r in coded if len(r.code) == shortest]
        if total_row is not None:  # no code rows at all: the total must be zero
            groups.append((total_row, top, total_row.label))
    for parent, children, label in groups:
        names = "、".join(c.code for c in children) or "无"
        for column in prepared.columns:
            parts = [(1, child, column) for child in children]
            verdict, left, right, operands = sum_relation(context, table, block, (parent, column), parts)
            if verdict is not Verdict.PASS:
                where = (table.sheet.name, parent.values[column].cell, table.id)
                yield outcome(verdict, where, label, column, left, right, operands, children=names)
