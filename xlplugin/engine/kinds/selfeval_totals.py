"""绩效总分 ``selfeval_totals``: the weights and the total score of every 绩效自评表 add up, by the
region's convention (a parameter, not code).

Parameters:

- ``kinds`` (list; optional): only these kinds of 绩效自评表, as for ``selfeval_funds``;
- ``weights`` (number; default ``100``): what the indicator weights plus 执行率权重 sum to (not
  checked when the rule writes ``indicator_weights``);
- ``indicator_weights`` (number; optional): instead of ``weights``, what the indicator weights alone
  sum to (执行率权重 apart); a rule writes at most one of the two;
- ``execution_weight`` (number; optional): the required 执行率权重 (e.g. 10);
- ``total`` (one of ``sum`` ``scaled``; default ``sum``): how 自评总分 is computed — Σ指标得分 +
  执行率得分, or Σ指标得分 × (100 − 执行率权重) ÷ Σ指标权重 + 执行率得分 (for regions whose indicator
  weights total 100 beside a separate 执行率 weight).

Example (the convention the seed's two project tables follow exactly)::

    - id: CQP-20
      name: 权重合计与自评总分
      kind: selfeval_totals
      severity: 错误
      indicator_weights: 100
      execution_weight: 10
      total: scaled

Placeholders: the common ones plus ``{problem}``.
"""

from dataclasses import dataclass
from decimal import Decimal

from xlplugin.core.findings import Operand, Outcome
from xlplugin.core.intervals import Interval, Verdict, compare, total
from xlplugin.engine.kinds.base import SELFEVAL_KINDS, selfeval_kinds
from xlplugin.engine.kinds.claimbase import quoted_compare
from xlplugin.engine.kinds.params import Param, filled
from xlplugin.engine.kinds.selfeval_funds import quoted

NAME = "selfeval_totals"
TITLE = "绩效总分"
TOPIC = "selfeval"
LOCALITY = 2
PARAMS = {
    "kinds": SELFEVAL_KINDS,
    "weights": Param(
        "decimal", default=Decimal(100), doc="指标权重加执行率权重应等于的数；写了 `indicator_weights` 时不查"
    ),
    "indicator_weights": Param(
        "decimal", doc="改为只要求指标权重合计等于此数（执行率权重另计）；与 `weights` 只能写一个"
    ),
    "execution_weight": Param("decimal", doc="执行率权重必须是此数（如 10）"),
    "total": Param(
        "str",
        default="sum",
        choices=("sum", "scaled"),
        doc="自评总分的算法：`sum` = 指标得分合计 + 执行率得分；"
        "`scaled` = 指标得分合计 × (100 − 执行率权重) ÷ 指标权重合计 + 执行率得分",
    ),
}
PLACEHOLDERS = ("problem",)
MESSAGE = "{table}：{problem}"


@dataclass(frozen=True)
class SelfevalTotalsPrepared:
    #: the kinds of 绩效自评表 checked; empty: all
    kinds: tuple[str, ...]
    #: what the weights must sum to: with 执行率权重 (``weights``) or without (``indicator_weights``);
    #: exactly one of the two is set
    weights: Decimal | None
    indicator_weights: Decimal | None
    #: the required 执行率权重, or None
    execution_weight: Decimal | None
    #: ``sum`` or ``scaled``
    total: str


def check_params(params, where) -> None:
    """The weights sum to one figure: with 执行率权重 or without it, not both."""
    if "weights" in params and "indicator_weights" in params:
        raise where.error("bad-param", "weights 与 indicator_weights 只能写一个。")


@filled(PARAMS)
def prepare(params, layout, where) -> SelfevalTotalsPrepared:
    indicator_weights = params.get("indicator_weights")
    return SelfevalTotalsPrepared(
        selfeval_kinds(params.get("kinds"), layout, where),
        None if indicator_weights is not None else params["weights"],  # the default of weights gives way
        indicator_weights,
        params.get("execution_weight"),
        params["total"],
    )


def check(prepared: SelfevalTotalsPrepared, context):
    for table in context.selfeval(prepared.kinds):
        table.require("指标权重", "指标得分")
        weights = [i["指标权重"] for i in table.indicators if i["指标权重"].amount is not None]
        scores = [i["指标得分"] for i in table.indicators if i["指标得分"].amount is not None]
        execution_weight = table.funds.get("执行率权重")
        execution_score = table.funds.get("执行率得分")
        stated_total = table.fields.get("自评总分")
        if not weights or execution_weight is None or execution_weight.amount is None:
            continue
        weight_sum = total(Interval.of(w.amount) for w in weights)
        anchor = execution_weight

        def found(entry, column, problem, expected, actual, verdict=Verdict.FAIL):
            # the 执行率 figures are operands too: a wrong 执行率得分 and the total it spoils share a cause
            parts = [entry] + [e for e in (execution_weight, execution_score) if e is not None and e is not entry]
            operands = [
                Operand(f"{table.name}.{column}", table.sheet, e.cell, e.amount.value if e.amount else None, e.text)
                for e in parts
            ]
            return Outcome(
                verdict,
                table.sheet,
                entry.cell,
                table.name,
                "合计",
                column,
                expected=expected,
                actual=actual,
                operands=operands,
                details={"problem": problem},
            )

        if prepared.weights is not None:
            combined = weight_sum + Interval.of(execution_weight.amount)
            if compare(combined, "==", Interval.exact(prepared.weights)) is Verdict.FAIL:
                yield found(
                    anchor,
                    "权重合计",
                    f"指标权重合计 {weight_sum.point} 加执行率权重 {execution_weight.text} 为 {combined.point}，应为 {prepared.weights}。",
                    prepared.weights,
                    combined.point,
                )
        if (
            prepared.indicator_weights is not None
            and compare(weight_sum, "==", Interval.exact(prepared.indicator_weights)) is Verdict.FAIL
        ):
            yield found(
                anchor,
                "权重合计",
                f"指标权重合计为 {weight_sum.point}，应为 {prepared.indicator_weights}。",
                prepared.indicator_weights,
                weight_sum.point,
            )
        if prepared.execution_weight is not None and execution_weight.amount.value != prepared.execution_weight:
            yield found(
                execution_weight,
                "执行率权重",
                f"执行率权重为 {execution_weight.text}，应为 {prepared.execution_weight}。",
                prepared.execution_weight,
                execution_weight.amount.value,
            )
        if (
            stated_total is None
            or stated_total.amount is None
            or execution_score is None
            or execution_score.amount is None
        ):
            continue
        score_sum = total(Interval.of(s.amount) for s in scores)
        if prepared.total == "scaled" and weight_sum.point:
            computed = score_sum * (
                Interval.exact(Decimal(100)) - Interval.of(execution_weight.amount)
            ) / weight_sum + Interval.of(execution_score.amount)
            how = f"指标得分合计 {score_sum.point} × (100 − {execution_weight.text}) ÷ 指标权重合计 {weight_sum.point} + 执行率得分 {execution_score.text}"
        else:
            computed = score_sum + Interval.of(execution_score.amount)
            how = f"指标得分合计 {score_sum.point} + 执行率得分 {execution_score.text}"
        verdict = quoted_compare(quoted(stated_total), computed)
        if verdict is not Verdict.PASS:
            yield found(
                stated_total,
                "自评总分",
                f"自评总分写的是 {stated_total.text}，{how} = {computed.point:.2f}。",
                computed.point.quantize(Decimal("0.01")),
                stated_total.amount.value,
                verdict,
            )
