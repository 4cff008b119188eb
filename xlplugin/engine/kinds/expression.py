"""表间/表内关系 ``expression``: a relation written in the pack's expression language.

Parameter:

- ``expr`` (expression; required): a comparison (``==`` ``!=`` ``<=`` ``>=`` ``<`` ``>``), or several
  joined by ``and``/``or``/``not``, over references ``表[行].列`` (see :mod:`xlplugin.engine.expressions`).

The finding is placed on the first cell of the left-hand side of the comparison that decided the
verdict; expected is the right-hand side, actual the left. Example (公开05表 ↔ 公开06表)::

    - id: CQX-14
      name: 基本支出等于人员经费与公用经费之和
      kind: expression
      expr: 公开05表[合计].基本支出 == 公开06表[人员经费合计] + 公开06表[公用经费合计]

Placeholders: the common ones plus ``{expr}`` (the expression as written) and ``{relation}``
(the operator of the deciding comparison).
"""

from dataclasses import dataclass

from xlplugin.core.findings import Outcome
from xlplugin.core.intervals import Verdict
from xlplugin.engine.expressions import ExpressionError, evaluate, is_condition, parse, refs_of
from xlplugin.engine.kinds.base import check_refs
from xlplugin.engine.kinds.params import Param
from xlplugin.engine.relations import linear_comparisons, linear_terms

NAME = "expression"
TITLE = "表间/表内关系"
TOPIC = "table"
LOCALITY = 3
PARAMS = {"expr": Param("expr", required=True, doc="比较，或用 `and`/`or`/`not` 组合的几个比较")}
PLACEHOLDERS = ("expr", "relation")
MESSAGE = "{expr} 不成立：左边 {actual}，右边 {expected}，差 {difference}。"


def compile_condition(text, layout, where, key="expr"):
    """Parse and check an expression against the layout (shared with ``conditional``)."""
    try:
        tree = parse(str(text))
    except ExpressionError as error:
        raise where.error("bad-expression", f"{key} 写法有误：{error}") from None
    if not is_condition(tree):
        raise where.error("bad-expression", f"{key} 必须是比较（如 A == B、A <= B），不能只是一个数。")
    check_refs(refs_of(tree), layout, where)
    return tree


@dataclass(frozen=True)
class ExpressionPrepared:
    tree: object
    #: the expression as written
    text: str


def prepare(params, layout, where) -> ExpressionPrepared:
    return ExpressionPrepared(compile_condition(params["expr"], layout, where), params["expr"])


def check(prepared: ExpressionPrepared, context):
    result = evaluate(prepared.tree, context.interval, context.tolerance)
    relate_linear(prepared.tree, context)
    if result.verdict is Verdict.PASS:
        return
    yield relation_outcome(result, context, prepared.text)


def relation_outcome(result, context, text) -> Outcome:
    """Place a failed comparison on its left side's first cell, with every operand listed."""
    tree = result.decisive
    operands = [context.resolve(ref).operand for ref in refs_of(tree)] if tree is not None else []
    anchor = context.resolve(result.left_refs[0]) if result.left_refs else None
    sheet = anchor.table.sheet.name if anchor else ""
    cell = anchor.operand.cell if anchor else ""
    table = anchor.table.id if anchor else ""
    row = (
        (anchor.row.code or anchor.row.label)
        if anchor and anchor.row
        else (result.left_refs[0].row if result.left_refs else "")
    )
    column = anchor.column if anchor else ""
    return Outcome(
        result.verdict,
        sheet,
        cell,
        table,
        row,
        column,
        expected=result.right.point if result.right else None,
        actual=result.left.point if result.left else None,
        operands=operands,
        details={"expr": text, "relation": result.op},
        expected_interval=result.right,
        actual_interval=result.left,
    )


def relate_linear(tree, context) -> None:
    """Hand each linear comparison the expression asserts to the context (for the localizer)."""
    for comparison in linear_comparisons(tree):
        left = linear_terms(comparison.left, context.resolve)
        right = linear_terms(comparison.right, context.resolve)
        if left is not None and right is not None and comparison.op != "!=":
            context.relate(left + [(-c, o, i) for c, o, i in right], comparison.op)
