"""必填 ``required``: the listed cells must hold a number (not blank, not ``—``).

Parameter: ``cells`` — references ``表[行].列`` (or labelled cells ``表[名称]``). Example::

    - id: CQ01-06
      name: 收支总计必须填列
      kind: required
      cells: [公开01表[收入/总计].决算数, 公开01表[支出/总计].决算数]

Placeholders: the common ones plus ``{ref}``.
"""
from xlplugin.expressions import ExpressionError, Ref, parse
from xlplugin.findings import Outcome
from xlplugin.intervals import Verdict
from xlplugin.kinds.base import check_refs

NAME = "required"
TITLE = "必填"
LOCALITY = 1
PARAMS = {"cells": ("list", True)}
PLACEHOLDERS = ("ref",)
MESSAGE = "{table}“{row}”的{column}（{cell}）不能为空。"


def parse_refs(texts, layout, where):
    refs = []
    for text in texts:
        try:
            tree = parse(str(text))
        except ExpressionError as error:
            raise where.error("bad-expression", f"“{text}”不是单元格引用：{error}") from None
        if not isinstance(tree, Ref):
            raise where.error("bad-expression", f"“{text}”不是单元格引用（应写成 表[行].列）。")
        refs.append(tree)
    check_refs(refs, layout, where)
    return refs


def prepare(params, layout, where):
    return {"refs": parse_refs(params["cells"], layout, where)}


def cell_outcome(resolved, ref, expected: str) -> Outcome:
    """The failure of one required (or must-be-empty) cell, from its resolved reference."""
    row = (resolved.row.code or resolved.row.label) if resolved.row else ref.row
    return Outcome(
        Verdict.FAIL, resolved.table.sheet.name, resolved.operand.cell, resolved.table.id, row, resolved.column,
        expected=expected, actual=resolved.operand.value if resolved.operand.value is not None else "（空）",
        operands=[resolved.operand], details={"ref": str(ref)},
    )


def check(prepared, context):
    for ref in prepared["refs"]:
        resolved = context.resolve(ref)
        if resolved.operand.value is None:
            yield cell_outcome(resolved, ref, "应填数字")
