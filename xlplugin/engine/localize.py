"""Which cells to change, and to what, so that every relation holds (Fellegi–Holt error localization).

When some relation fails, the rules' relations (:mod:`xlplugin.engine.relations`, passing ones too:
the solver must keep what holds) become a mixed-integer program, solved with HiGHS (``highspy``):

- each cell is its printed value plus a change ``d``; a binary ``z`` says "changed", ``|d| ≤ M·z``;
- every relation holds within its rounding tolerance;
- minimise ``Σ weight·z``: a 合计 (the whole of a sum) costs more than an item, a blank cell less
  (a figure typed in the wrong column leaves one blank where it belongs).

Only the cells connected (through relations) to a failing relation are variables, so a workbook
whose problems are local gives a small program. The chosen cells' values come from a second, linear
program that makes the relations hold exactly where they can (not just within rounding); each value
is then checked for being *determined*: its range over all solutions with the same cells changed.
Solutions of the same cost found by excluding the first one are reported as alternatives. A time
limit bounds the whole: past it the result says 未能在 N 秒内定位. ``highspy`` is imported only when
something fails; where it is not installed (xlwings Lite, Pyodide) there are no suggestions.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal

from xlplugin.engine.relations import CellKey, Relation, Relations

__all__ = ["DEFAULT_WEIGHTS", "Weights", "Suggestion", "Localization", "localize", "failing"]


@dataclass(frozen=True)
class Weights:
    """The cost of changing a cell: an item, a total (合计, a parent code), a blank cell."""

    item: float = 1.0
    total: float = 1.5
    blank: float = 0.6


DEFAULT_WEIGHTS = Weights()
#: False switches the localizer off (no 建议修改), e.g. to compare with a host that has no solver.
#: Pyodide (xlwings Lite) needs no switch: the solver's import fails there and the report says so.
ENABLED = True


@dataclass
class Suggestion:
    sheet: str
    cell: str
    table: str
    row: str
    column: str
    current: Decimal
    suggested: Decimal
    #: the rules of the failing relations this cell takes part in (they hold after the change)
    rules: list[str] = field(default_factory=list)
    relations: int = 0
    #: the range of values that would do when the value is not determined, else None
    range: tuple[Decimal, Decimal] | None = None
    alternatives: list[tuple[str, str, Decimal]] = field(default_factory=list)
    #: the cell is blank now (its value counts as 0)
    blank: bool = False

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "cell": self.cell,
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "current": format(self.current, "f"),
            "blank": self.blank,
            "suggested": format(self.suggested, "f"),
            "rules": list(self.rules),
            "relations": self.relations,
            "determined": self.range is None,
            "range": None if self.range is None else [format(v, "f") for v in self.range],
            "alternatives": [{"sheet": s, "cell": c, "suggested": format(v, "f")} for s, c, v in self.alternatives],
        }


@dataclass
class Localization:
    """The localizer's answer: ``status`` is ``ok``, ``none`` (nothing fails), ``timeout``,
    ``unavailable`` (no solver) or ``infeasible``; ``note`` says it in Chinese."""

    status: str
    suggestions: list[Suggestion] = field(default_factory=list)
    cost: float = 0.0
    unique: bool = True
    note: str = ""
    seconds: float = 0.0
    #: what was localized over (for tests and benchmarks; not in the JSON)
    relations: Relations | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "cells": len(self.suggestions),
            "cost": round(self.cost, 4),
            "unique": self.unique,
            "note": self.note,
        }


def failing(relations: Relations) -> list[Relation]:
    values = relations.values()
    return [r for r in relations.relations if not r.holds(values)]


def localize(
    relations: Relations, weights: Weights = DEFAULT_WEIGHTS, time_limit: float = 5.0, alternatives: int = 3
) -> Localization:
    """The minimum-weight set of cells whose change makes every relation hold (see the module)."""
    result = _localize(relations, weights, time_limit, alternatives)
    result.relations = relations
    return result


def _localize(relations: Relations, weights: Weights, time_limit: float, alternatives: int) -> Localization:
    started = time.perf_counter()
    values = relations.values()
    broken = [r for r in relations.relations if not r.holds(values)]
    if not broken:
        return Localization("none")
    if not ENABLED:
        return Localization("unavailable", note="此环境（xlwings Lite）不提供建议修改。")
    try:
        import highspy
    except ImportError:
        return Localization("unavailable", note="未安装求解器 highspy（如 xlwings Lite），不提供建议修改。")
    deadline = started + time_limit
    try:
        problem, result = _search(highspy, relations, broken, weights, deadline)
    finally:
        # HiGHS keeps a pool of worker threads; a process forked later (the batch's workers) would
        # copy their locks without the threads and could hang, so the pool goes once we are done
        highspy.Highs.resetGlobalScheduler(True)
    if result is None:
        return _give_up(problem, started, time_limit)
    chosen, cost = result
    if not chosen:
        return Localization("infeasible", note="未找到使全部关系成立的修改。", seconds=time.perf_counter() - started)
    suggested = problem.values_for(chosen)
    if suggested is None:
        return Localization("infeasible", note="未找到使全部关系成立的修改。", seconds=time.perf_counter() - started)
    found = [chosen]
    others = []
    while len(others) < alternatives and time.perf_counter() < deadline:
        problem.exclude(found[-1])
        again = problem.solve_mip(deadline)
        if again is None or not again[0] or again[1] > cost + 1e-6:
            break
        found.append(again[0])
        values_again = problem.values_for(again[0])
        if values_again is not None:
            others.append(values_again)
    suggestions = _suggestions(relations, broken, chosen, suggested, others, problem, deadline)
    unique = not others and all(s.range is None for s in suggestions)
    return Localization(
        "ok", suggestions, cost, unique, _note(suggestions, others, broken), time.perf_counter() - started
    )


def _give_up(problem, started: float, time_limit: float) -> Localization:
    seconds = time.perf_counter() - started
    return Localization(
        "timeout",
        note=f"未能在 {time_limit:g} 秒内定位需修改的单元格（{len(problem.cells)} 个单元格），请按各条错误逐一核对。",
        seconds=seconds,
    )


def _search(highspy, relations: Relations, broken: list[Relation], weights: Weights, deadline: float):
    """Solve with only the cells of failing relations free; when that cannot make every relation
    hold, free their neighbours too (one relation further), up to the whole connected component."""
    component = None
    free = {key for r in broken for _, key in r.terms}
    while True:
        scope = [r for r in relations.relations if any(key in free for _, key in r.terms)]
        problem = _Problem(highspy, relations, sorted(free), scope, weights)
        result = problem.solve_mip(deadline)
        if result is None or result[0]:
            return problem, result
        component = component or _component(relations.relations, broken)[0]
        if len(free) >= len(component):
            return problem, result
        wider = free | {key for r in scope for _, key in r.terms}
        if wider == free:
            return problem, result
        free = wider


def _component(all_relations: list[Relation], broken: list[Relation]) -> tuple[list[CellKey], list[Relation]]:
    """The cells connected to a failing relation, and the relations over them."""
    parent: dict[CellKey, CellKey] = {}

    def find(key):
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for relation in all_relations:
        first = find(relation.terms[0][1])
        for _, key in relation.terms[1:]:
            root = find(key)
            if root != first:
                parent[root] = first
    wanted = {find(r.terms[0][1]) for r in broken}
    scope = [r for r in all_relations if find(r.terms[0][1]) in wanted]
    cells = sorted({key for r in scope for _, key in r.terms})
    return cells, scope


class _Problem:
    """The MIP over ``cells``: columns ``d`` (changes) then ``z`` (changed); one row per relation."""

    def __init__(self, highspy, relations: Relations, cells: list[CellKey], scope: list[Relation], weights: Weights):
        self.highspy, self.cells, self.scope = highspy, cells, scope
        # the plain solver: highspy.Highs prints a banner on stdout (a JSON report goes there)
        self.solver = getattr(getattr(highspy, "_core", None), "_Highs", highspy.Highs)
        self.info = [relations.cells[key] for key in cells]
        self.index = {key: i for i, key in enumerate(cells)}
        self.values = [float(info.value) for info in self.info]
        #: every relation as (indices of free cells, coefficients, value of the rest)
        self.rows = [self._row(relation, relations) for relation in scope]
        self.costs = [
            weights.blank if info.blank else weights.total if info.total else weights.item for info in self.info
        ]
        magnitude = sum(abs(v) for v in self.values)
        self.big_m = 2 * magnitude + 1000.0
        self.cuts: list[list[int]] = []

    def _highs(self, deadline: float):
        highs = self.solver()
        highs.setOptionValue("output_flag", False)
        # one thread: a batch forks workers from a process that may have solved before, and a
        # fork copies no threads (a worker would wait on a pool that is not there)
        highs.setOptionValue("threads", 1)
        highs.setOptionValue("time_limit", max(deadline - time.perf_counter(), 0.01))
        highs.setOptionValue("mip_feasibility_tolerance", 1e-9)
        highs.setOptionValue("primal_feasibility_tolerance", 1e-9)
        return highs

    def _row(self, relation: Relation, relations: Relations):
        free, base = [], float(relation.constant)
        for coef, key in relation.terms:
            base += float(coef) * float(relations.cells[key].value)
            if key in self.index:
                free.append((self.index[key], float(coef)))
        return free, base

    def _relation_rows(self, highs, columns) -> None:
        """Each relation as a row over the change columns ``columns`` (cell index → column)."""
        inf = highs.getInfinity()
        for relation, (free, base) in zip(self.scope, self.rows):
            indices = [columns[i] for i, _ in free if i in columns]
            coefs = [c for i, c in free if i in columns]
            tol = float(relation.tolerance) + 1e-7
            lower = -tol - base if relation.op == "==" else -inf
            if indices:
                highs.addRow(lower, tol - base, len(indices), indices, coefs)

    def solve_mip(self, deadline: float):
        """(changed cell indices, cost), or None past the deadline."""
        if time.perf_counter() >= deadline:
            return None
        highs = self._highs(deadline)
        n, inf = len(self.cells), highs.getInfinity()
        for _ in range(n):
            highs.addCol(0.0, -inf, inf, 0, [], [])
        for cost in self.costs:
            highs.addCol(cost, 0.0, 1.0, 0, [], [])
        highs.changeColsIntegrality(n, list(range(n, 2 * n)), [self.highspy.HighsVarType.kInteger] * n)
        self._relation_rows(highs, {i: i for i in range(n)})
        for i in range(n):  # -M·z ≤ d ≤ M·z
            highs.addRow(-inf, 0.0, 2, [i, n + i], [1.0, -self.big_m])
            highs.addRow(0.0, inf, 2, [i, n + i], [1.0, self.big_m])
        for cut in self.cuts:
            highs.addRow(-inf, len(cut) - 1, len(cut), [n + i for i in cut], [1.0] * len(cut))
        highs.run()
        status = highs.getModelStatus()
        if status == self.highspy.HighsModelStatus.kTimeLimit:
            return None
        if status != self.highspy.HighsModelStatus.kOptimal:
            return [], 0.0
        solution = highs.getSolution().col_value
        chosen = [i for i in range(n) if solution[n + i] > 0.5]
        return chosen, sum(self.costs[i] for i in chosen)

    def exclude(self, chosen: list[int]) -> None:
        self.cuts.append(list(chosen))

    def _lp(self, chosen: list[int], deadline: float):
        highs = self._highs(deadline)
        inf = highs.getInfinity()
        for _ in chosen:
            highs.addCol(0.0, -inf, inf, 0, [], [])
        self._relation_rows(highs, {i: k for k, i in enumerate(chosen)})
        return highs

    def values_for(self, chosen: list[int], deadline: float | None = None) -> dict[int, Decimal] | None:
        """The new values of the ``chosen`` cells that make the relations hold exactly where they
        can (least total residual), each to its printed precision; None when none will do."""
        highs = self._highs(deadline or time.perf_counter() + 5)
        inf, k = highs.getInfinity(), len(chosen)
        columns = {i: j for j, i in enumerate(chosen)}
        for _ in chosen:
            highs.addCol(0.0, -inf, inf, 0, [], [])
        self._relation_rows(highs, columns)
        for relation, (free, base) in zip(self.scope, self.rows):  # slack s ≥ |residual|, minimised
            indices = [columns[i] for i, _ in free if i in columns]
            coefs = [c for i, c in free if i in columns]
            if not indices:
                continue
            slack = highs.getNumCol()
            highs.addCol(1.0, 0.0, inf, 0, [], [])
            highs.addRow(-inf, -base, len(indices) + 1, indices + [slack], coefs + [-1.0])
            if relation.op == "==":
                highs.addRow(-base, inf, len(indices) + 1, indices + [slack], coefs + [1.0])
        highs.run()
        if highs.getModelStatus() != self.highspy.HighsModelStatus.kOptimal:
            return None
        solution = highs.getSolution().col_value
        return {i: self._printed(i, self.values[i] + solution[columns[i]]) for i in chosen[:k]}

    def _printed(self, i: int, value: float) -> Decimal:
        return Decimal(repr(value)).quantize(Decimal(1).scaleb(-self.info[i].decimals))

    def value_range(self, chosen: list[int], i: int, deadline: float) -> tuple[float, float] | None:
        """The lowest and highest value cell ``i`` may take with only ``chosen`` changed."""
        bounds = []
        for sense in (1.0, -1.0):
            highs = self._lp(chosen, deadline)
            highs.changeColCost(chosen.index(i), sense)
            highs.run()
            if highs.getModelStatus() != self.highspy.HighsModelStatus.kOptimal:
                return None  # unbounded: no limit on that side
            bounds.append(self.values[i] + highs.getSolution().col_value[chosen.index(i)])
        return bounds[0], bounds[1]


def _suggestions(relations, broken, chosen, suggested, others, problem: _Problem, deadline) -> list[Suggestion]:
    suggestions = []
    for i in chosen:
        info = problem.info[i]
        key = problem.cells[i]
        touching = [r for r in broken if any(k == key for _, k in r.terms)]
        rules = list(dict.fromkeys(rule for r in touching for rule in r.rules))
        spread = None
        if len(chosen) <= 20 and time.perf_counter() < deadline:
            bounds = problem.value_range(chosen, i, deadline)
            width = Decimal(1).scaleb(-info.decimals)
            if bounds is None:
                spread = (Decimal("-Infinity"), Decimal("Infinity"))
            elif bounds[1] - bounds[0] > 2 * float(width) + 2 * float(info.radius) + 1e-6:
                spread = (problem._printed(i, bounds[0]), problem._printed(i, bounds[1]))
        alternatives = []
        for other in others:
            for j, value in other.items():
                if j not in suggested and (problem.cells[j][0], problem.cells[j][1], value) not in alternatives:
                    alternatives.append((problem.cells[j][0], problem.cells[j][1], value))
        suggestions.append(
            Suggestion(
                info.sheet,
                info.cell,
                info.table,
                info.row,
                info.column,
                info.value,
                suggested[i],
                rules,
                len(touching),
                spread,
                alternatives,
                info.blank,
            )
        )
    return suggestions


def _note(suggestions: list[Suggestion], others: list, broken: list[Relation]) -> str:
    text = f"改这 {len(suggestions)} 个格，全部 {len(broken)} 条不成立的关系即成立"
    loose = [s for s in suggestions if s.range is not None]
    if loose:
        text += (
            "；其中 "
            + "、".join(f"{s.sheet}!{s.cell}" for s in loose)
            + " 的数值不能由这些关系唯一确定（只确定了应改哪个格），请按原始凭证填写"
        )
    if others:
        text += f"；另有 {len(others)} 种同样少的改法（见各条建议的“或改”），需按原始资料判断改哪一处"
    return text + "。"
