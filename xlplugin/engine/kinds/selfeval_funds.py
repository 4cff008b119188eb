"""绩效资金 ``selfeval_funds``: the 资金情况 row of every 绩效自评表 holds together.

Parameters:

- ``kinds`` (list; optional): only these kinds of 绩效自评表 (the layout's, e.g. ``部门整体``,
  ``项目``); without it all of them;
- ``checks`` (list of ``rate`` ``rate_score``; default all): ``rate`` — the stated 执行率 is
  全年执行数 ÷ 全年(调整)预算数; ``rate_score`` — 执行率得分 is 执行率权重 × min(执行率, 100%);
  ``[]`` only together with ``agree`` (a rule must check something);
- ``agree`` (mapping; optional): 资金情况 label (one of the layout's 资金情况 columns; any other is
  refused) → an expression it must equal (e.g. 部门整体's 全年执行数 and 公开01表's 本年支出合计).

Figures are judged as printed (``100`` for 99.996% is right). Example::

    - id: CQP-01
      name: 执行率与执行率得分计算正确
      kind: selfeval_funds
      severity: 错误

finds the sample's 部门整体 table (9909.15 ÷ 1065.92 = 929.6%, printed 100) and 一级项目 table
(执行率得分 100 with weight 10). Placeholders: the common ones plus ``{problem}``.
"""

from dataclasses import dataclass
from decimal import Decimal

from xlplugin.core.findings import Operand, Outcome
from xlplugin.core.intervals import Interval, Verdict
from xlplugin.engine.expressions import ExpressionError, parse, refs_of, value_of
from xlplugin.engine.kinds.base import SELFEVAL_KINDS, check_refs, selfeval_kinds, some_checks
from xlplugin.engine.kinds.claimbase import quoted_compare
from xlplugin.engine.kinds.params import Param, checks_param, filled
from xlplugin.workbook.narrative import Quantity

NAME = "selfeval_funds"
TITLE = "绩效资金"
TOPIC = "selfeval"
LOCALITY = 1
CHECKS = ("rate", "rate_score")
PARAMS = {
    "kinds": SELFEVAL_KINDS,
    "checks": checks_param(
        CHECKS,
        "`rate`：执行率 = 全年执行数 ÷ 全年(调整)预算数；`rate_score`：执行率得分 = 执行率权重 × min(执行率, 100%)。"
        "写 `[]` 都不做（此时须写 `agree`）",
    ),
    "agree": Param(
        "dict", doc="资金情况的标签（表样中资金情况的列）→ 它应等于的表达式，如全年执行数应等于公开01表本年支出合计"
    ),
}
PLACEHOLDERS = ("problem",)
MESSAGE = "{table}：{problem}"
CENT = Decimal("0.01")
RATE, SCORE, WEIGHT, SPENT, BUDGET = "执行率(%)", "执行率得分", "执行率权重", "全年执行数", "全年(调整)预算数"


@dataclass(frozen=True)
class SelfevalFundsPrepared:
    #: the kinds of 绩效自评表 checked; empty: all
    kinds: tuple[str, ...]
    checks: frozenset[str]
    #: (资金情况 label, the expression as written, its tree) of each agreement
    agree: tuple[tuple[str, str, object], ...]


def check_params(params, where) -> None:
    """Something to check: ``checks: []`` only beside ``agree``."""
    some_checks(params, CHECKS, where, unless="agree")


@filled(PARAMS)
def prepare(params, layout, where) -> SelfevalFundsPrepared:
    agree = []
    labels = layout.selfeval.funds if layout.selfeval is not None else None
    for label, text in (params.get("agree") or {}).items():
        if labels is not None and str(label) not in labels:
            raise where.error("bad-param", f"agree 中的“{label}”不是资金情况的列（可用：{'、'.join(labels)}）。")
        try:
            tree = parse(str(text))
        except ExpressionError as error:
            raise where.error("bad-expression", f"agree.{label}“{text}”写法有误：{error}") from None
        check_refs(refs_of(tree), layout, where)
        agree.append((str(label), str(text), tree))
    kinds = selfeval_kinds(params.get("kinds"), layout, where)
    return SelfevalFundsPrepared(kinds, frozenset(params["checks"]), tuple(agree))


def quoted(entry) -> Quantity:
    """A 绩效 figure as printed: ``100`` and ``100%`` are both 100 (percent)."""
    amount = entry.amount
    return Quantity(amount.value, amount.decimals, "%" if amount.percent else "", "number", entry.text)


def outcome(verdict, table, entry, column, expected, actual, problem, operands=()):
    return Outcome(
        verdict,
        table.sheet,
        entry.cell,
        table.name,
        "资金情况",
        column,
        expected=expected,
        actual=actual,
        operands=list(operands),
        details={"problem": problem},
    )


def check(prepared: SelfevalFundsPrepared, context):
    for table in context.selfeval(prepared.kinds):
        funds = table.funds
        numbers = {label: entry for label, entry in funds.items() if entry.amount is not None}
        operands = [
            Operand(f"{table.name}[资金情况].{label}", table.sheet, e.cell, e.amount.value, "number")
            for label, e in numbers.items()
        ]
        rate = None
        if SPENT in numbers and BUDGET in numbers and numbers[BUDGET].amount.value != 0:
            rate = Interval.of(numbers[SPENT].amount) / Interval.of(numbers[BUDGET].amount) * Interval.exact(100)
        if "rate" in prepared.checks and RATE in funds:
            entry = funds[RATE]
            if rate is None:
                yield outcome(
                    Verdict.FAIL,
                    table,
                    entry,
                    RATE,
                    None,
                    entry.text or "（空）",
                    f"{BUDGET}为空或为 0，无法计算执行率。",
                    operands,
                )
            elif entry.amount is None:
                yield outcome(
                    Verdict.FAIL,
                    table,
                    entry,
                    RATE,
                    f"{rate.point:.2f}",
                    entry.text or "（空）",
                    "执行率不是数字。",
                    operands,
                )
            else:
                verdict = quoted_compare(quoted(entry), rate)
                if verdict is not Verdict.PASS:
                    yield outcome(
                        verdict,
                        table,
                        entry,
                        RATE,
                        rate.point.quantize(CENT),
                        entry.amount.value,
                        f"执行率写的是 {entry.text}，{SPENT} {numbers[SPENT].text} ÷ {BUDGET} {numbers[BUDGET].text} = {rate.point:.2f}%。",
                        operands,
                    )
        if "rate_score" in prepared.checks and SCORE in numbers and WEIGHT in numbers and rate is not None:
            weight = Interval.of(numbers[WEIGHT].amount)
            capped = Interval(min(rate.point, 100), min(rate.low, 100), min(rate.high, 100))  # min(执行率, 100%)
            expected = weight * capped / Interval.exact(Decimal(100))
            verdict = quoted_compare(quoted(numbers[SCORE]), expected)
            if verdict is not Verdict.PASS:
                yield outcome(
                    verdict,
                    table,
                    numbers[SCORE],
                    SCORE,
                    expected.point,
                    numbers[SCORE].amount.value,
                    f"执行率得分写的是 {numbers[SCORE].text}，应为 权重 {numbers[WEIGHT].text} × min(执行率, 100%) = {expected.point:.2f}。",
                    operands,
                )
        for label, text, tree in prepared.agree:
            entry = numbers.get(label)
            if entry is None:
                continue
            expected = value_of(tree, context.interval)
            verdict = quoted_compare(quoted(entry), expected)
            if verdict is not Verdict.PASS:
                yield outcome(
                    verdict,
                    table,
                    entry,
                    label,
                    expected.point,
                    entry.amount.value,
                    f"{label}写的是 {entry.text}，应与 {text} 的 {expected.point} 一致。",
                    operands,
                )
