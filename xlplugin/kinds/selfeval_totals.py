"""绩效总分 ``selfeval_totals``: the weights and the total score of every 绩效自评表 add up, by the
region's convention (a parameter, not code).

Parameters:

- ``kinds`` (optional): ``部门整体`` and/or ``项目`` (default both);
- ``weights`` (default 100): what the indicator weights plus 执行率权重 sum to; with
  ``indicator_weights`` instead, what the indicator weights alone sum to (执行率权重 apart);
- ``execution_weight`` (optional): the required 执行率权重 (e.g. 10);
- ``total``: how 自评总分 is computed — ``sum`` (default: Σ指标得分 + 执行率得分) or ``scaled``
  (Σ指标得分 × (100 − 执行率权重) ÷ Σ指标权重 + 执行率得分, for regions whose indicator weights total
  100 beside a separate 执行率 weight).

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
from decimal import Decimal

from xlplugin.findings import Operand, Outcome
from xlplugin.intervals import Interval, Verdict, compare, total
from xlplugin.kinds.claimbase import quoted_compare
from xlplugin.kinds.selfeval_funds import quoted

NAME = "selfeval_totals"
TITLE = "绩效总分"
LOCALITY = 2
PARAMS = {"kinds": ("list", False), "weights": ("str", False), "indicator_weights": ("str", False),
          "execution_weight": ("str", False), "total": ("str", False)}
PLACEHOLDERS = ("problem",)
MESSAGE = "{table}：{problem}"


def prepare(params, layout, where):
    if "weights" in params and "indicator_weights" in params:
        raise where.error("bad-param", "weights 与 indicator_weights 只能写一个。")
    numbers = {}
    for key in ("weights", "indicator_weights", "execution_weight"):
        if key in params:
            try:
                numbers[key] = Decimal(str(params[key]))
            except ArithmeticError:
                raise where.error("bad-param", f"{key} 必须是数字。") from None
    if "weights" not in numbers and "indicator_weights" not in numbers:
        numbers["weights"] = Decimal(100)
    mode = params.get("total", "sum")
    if mode not in ("sum", "scaled"):
        raise where.error("bad-param", "total 只能是 sum 或 scaled。")
    return {"kinds": params.get("kinds"), "total": mode, **numbers}


def check(prepared, context):
    for table in context.selfeval(prepared["kinds"]):
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
            operands = [Operand(f"{table.name}.{column}", table.sheet, e.cell, e.amount.value if e.amount else None, e.text) for e in parts]
            return Outcome(verdict, table.sheet, entry.cell, table.name, "合计", column, expected=expected, actual=actual,
                           operands=operands, details={"problem": problem})

        if "weights" in prepared:
            combined = weight_sum + Interval.of(execution_weight.amount)
            if compare(combined, "==", Interval.exact(prepared["weights"])) is Verdict.FAIL:
                yield found(anchor, "权重合计", f"指标权重合计 {weight_sum.point} 加执行率权重 {execution_weight.text} 为 {combined.point}，应为 {prepared['weights']}。",
                            prepared["weights"], combined.point)
        if "indicator_weights" in prepared and compare(weight_sum, "==", Interval.exact(prepared["indicator_weights"])) is Verdict.FAIL:
            yield found(anchor, "权重合计", f"指标权重合计为 {weight_sum.point}，应为 {prepared['indicator_weights']}。", prepared["indicator_weights"], weight_sum.point)
        if "execution_weight" in prepared and execution_weight.amount.value != prepared["execution_weight"]:
            yield found(execution_weight, "执行率权重", f"执行率权重为 {execution_weight.text}，应为 {prepared['execution_weight']}。",
                        prepared["execution_weight"], execution_weight.amount.value)
        if stated_total is None or stated_total.amount is None or execution_score is None or execution_score.amount is None:
            continue
        score_sum = total(Interval.of(s.amount) for s in scores)
        if prepared["total"] == "scaled" and weight_sum.point:
            computed = score_sum * (Interval.exact(Decimal(100)) - Interval.of(execution_weight.amount)) / weight_sum + Interval.of(execution_score.amount)
            how = f"指标得分合计 {score_sum.point} × (100 − {execution_weight.text}) ÷ 指标权重合计 {weight_sum.point} + 执行率得分 {execution_score.text}"
        else:
            computed = score_sum + Interval.of(execution_score.amount)
            how = f"指标得分合计 {score_sum.point} + 执行率得分 {execution_score.text}"
        verdict = quoted_compare(quoted(stated_total), computed)
        if verdict is not Verdict.PASS:
            yield found(stated_total, "自评总分", f"自评总分写的是 {stated_total.text}，{how} = {computed.point:.2f}。",
                        computed.point.quantize(Decimal("0.01")), stated_total.amount.value, verdict)
