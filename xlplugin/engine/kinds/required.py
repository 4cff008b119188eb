"""必填 ``required``: the listed cells must hold a number (not blank, not ``—``).

Parameter:

- ``cells`` (list; required): references ``表[行].列`` (or labelled cells ``表[名称]``).

Example::

    - id: CQ01-06
      name: 收支总计必须填列
      kind: required
      cells: [公开01表[收入/总计].决算数, 公开01表[支出/总计].决算数]

Placeholders: the common ones plus ``{ref}``.
"""

from dataclasses import dataclass

from xlplugin.core.findings import Outcome
from xlplugin.core.intervals import Verdict
from xlplugin.engine.expressions import ExpressionError, Ref, parse
from xlplugin.engine.kinds.base import check_refs
from xlplugin.engine.kinds.params import Param

NAME = "required"
TITLE = "必填"
TOPIC = "table"
LOCALITY = 1
PARAMS = {"cells": Param("list", required=True, doc="单元格引用（`表[行].列` 或 `表[名称]`）")}
PLACEHOLDERS = ("ref",)
MESSAGE = "{table}“{row}”的{column}（{cell}）不能为空。"


def parse_refs(texts, layout, where) -> list[Ref]:
    refs = []
    for text in texts:
        try:
            tree = parse(text)
        except ExpressionError as error:
            raise where.error("bad-expression", f"“{text}”不是单元格引用：{error}") from None
        if not isinstance(tree, Ref):
            raise where.error("bad-expression", f"“{text}”不是单元格引用（应写成 表[行].列）。")
        refs.append(tree)
    check_refs(refs, layout, where)
    return refs


@dataclass(frozen=True)
class CellsPrepared:
    """The checked references of ``required`` and ``must_be_empty``."""

    refs: tuple[Ref, ...]


def prepare(params, layout, where) -> CellsPrepared:
    return CellsPrepared(tuple(parse_refs(params["cells"], layout, where)))


def cell_outcome(resolved, ref, expected: str) -> Outcome:
    """The failure of one required (or must-be-empty) cell, from its resolved reference."""
    row = (resolved.row.code or resolved.row.label) if resolved.row else ref.row
    return Outcome(
        Verdict.FAIL,
        resolved.table.sheet.name,
        resolved.operand.cell,
        resolved.table.id,
        row,
        resolved.column,
        expected=expected,
        actual=resolved.operand.value if resolved.operand.value is not None else "（空）",
        operands=[resolved.operand],
        details={"ref": str(ref)},
    )


def check(prepared: CellsPrepared, context):
    for ref in prepared.refs:
        resolved = context.resolve(ref)
        if resolved.operand.value is None:
            yield cell_outcome(resolved, ref, "应填数字")
