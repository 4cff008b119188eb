"""Linear relations over cells, as the rules state them — passing and failing alike.

While the rules run, the kinds that judge a linear relation (``row_total``, ``column_total``,
``code_rollup`` through :func:`~xlplugin.engine.kinds.base.sum_relation`, ``same_amount``, and
``expression`` when its comparisons are linear) also hand it to the context as a :class:`Relation`:
``Σ coef·cell + constant  op  0`` with ``op`` ``==`` or ``<=``, and the tolerance the cells' printed
precision allows (the sum of ``|coef|·radius``, XBRL Calculations 1.1) or the rule's fixed tolerance.
The localizer (:mod:`xlplugin.engine.localize`) reads them; nothing here changes what a rule reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from xlplugin.core.findings import Operand
from xlplugin.core.intervals import Interval
from xlplugin.engine.expressions import BinOp, BoolOp, Call, Compare, Neg, Num, Ref

#: (sheet, cell)
CellKey = tuple[str, str]


@dataclass
class CellInfo:
    """A cell that takes part in some relation: its printed value, precision and place."""

    sheet: str
    cell: str
    value: Decimal
    radius: Decimal
    decimals: int
    blank: bool
    table: str = ""
    row: str = ""
    column: str = ""
    #: the whole of some sum (a 合计, a parent code): costlier to change than an item
    total: bool = False


@dataclass
class Relation:
    """``Σ coef·cell + constant  op  0`` within ``tolerance``; ``rules`` that state it."""

    terms: tuple[tuple[Decimal, CellKey], ...]
    constant: Decimal
    op: str
    tolerance: Decimal
    rules: list[str] = field(default_factory=list)

    def residual(self, values) -> Decimal:
        """``Σ coef·value + constant`` for ``values`` (a mapping cell → value)."""
        return sum((coef * values[key] for coef, key in self.terms), self.constant)

    def holds(self, values) -> bool:
        residual = self.residual(values)
        return abs(residual) <= self.tolerance if self.op == "==" else residual <= self.tolerance


class Relations:
    """What the rules of one run stated: the relations (deduplicated) and their cells."""

    def __init__(self):
        self.cells: dict[CellKey, CellInfo] = {}
        self._by_shape: dict[tuple, Relation] = {}

    @property
    def relations(self) -> list[Relation]:
        return list(self._by_shape.values())

    def values(self) -> dict[CellKey, Decimal]:
        return {key: info.value for key, info in self.cells.items()}

    def note_cell(self, operand: Operand, interval: Interval, table: str, row: str, column: str) -> None:
        if not operand.cell or (operand.sheet, operand.cell) in self.cells:
            return
        blank = operand.status in ("blank", "dash")
        self.cells[(operand.sheet, operand.cell)] = CellInfo(
            operand.sheet, operand.cell, interval.point, interval.radius, _decimals(interval), blank, table, row, column
        )

    def add(self, rule: str, terms, op: str, fixed_tolerance: Decimal | None, total: Operand | None = None) -> None:
        """Record ``Σ coef·operand op 0``; ``terms`` are (coef, operand, interval). An operand without
        a cell (a code the table does not have) is the constant its interval says."""
        if op in (">=", ">"):
            terms, op = [(-c, o, i) for c, o, i in terms], "<="
        elif op == "<":
            op = "<="
        if op not in ("==", "<="):
            return
        merged: dict[CellKey, Decimal] = {}
        constant, tolerance = Decimal(0), Decimal(0)
        for coef, operand, interval in terms:
            coef = Decimal(coef)
            tolerance += abs(coef) * interval.radius
            if operand.cell and (operand.sheet, operand.cell) in self.cells:
                key = (operand.sheet, operand.cell)
                merged[key] = merged.get(key, Decimal(0)) + coef
            else:
                constant += coef * interval.point
        if fixed_tolerance is not None:
            tolerance = fixed_tolerance
        cells = tuple(sorted((c, k) for k, c in merged.items() if c != 0))
        if not cells:
            return
        if total is not None and total.cell and (total.sheet, total.cell) in self.cells:
            self.cells[(total.sheet, total.cell)].total = True
        shape = (cells, constant, op)
        relation = self._by_shape.get(shape)
        if relation is None:
            relation = self._by_shape[shape] = Relation(cells, constant, op, tolerance)
        relation.tolerance = max(relation.tolerance, tolerance)
        if rule not in relation.rules:
            relation.rules.append(rule)


def _decimals(interval: Interval) -> int:
    if interval.radius == 0:
        exponent = interval.point.as_tuple().exponent
        return max(-exponent, 2) if isinstance(exponent, int) else 2
    # radius = 5·10^-(d+1)
    return max(-(interval.radius * 2).normalize().as_tuple().exponent, 0)


def linear_terms(node, resolve) -> list[tuple[Decimal, object, Interval]] | None:
    """``node`` (an arithmetic expression) as (coef, operand, interval) terms, a constant term
    carried as an operand without a cell; ``None`` when it is not linear in its references."""
    if isinstance(node, Num):
        return [(Decimal(1), Operand("", ""), Interval.exact(node.value))]
    if isinstance(node, Ref):
        resolved = resolve(node)
        return [(Decimal(1), resolved.operand, resolved.interval)]
    if isinstance(node, Neg):
        inner = linear_terms(node.operand, resolve)
        return None if inner is None else [(-c, o, i) for c, o, i in inner]
    if isinstance(node, Call) and node.function == "sum":
        terms = []
        for arg in node.args:
            inner = linear_terms(arg, resolve)
            if inner is None:
                return None
            terms += inner
        return terms
    if isinstance(node, BinOp):
        left, right = linear_terms(node.left, resolve), linear_terms(node.right, resolve)
        if left is None or right is None:
            return None
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left + [(-c, o, i) for c, o, i in right]
        if node.op == "*":
            factor, other = (left, right) if _constant(left) else (right, left) if _constant(right) else (None, None)
            if factor is None:
                return None
            scale = sum((c * i.point for c, _, i in factor), Decimal(0))
            return [(c * scale, o, i) for c, o, i in other]
        if node.op == "/" and _constant(right):
            scale = sum((c * i.point for c, _, i in right), Decimal(0))
            return None if scale == 0 else [(c / scale, o, i) for c, o, i in left]
    return None


def _constant(terms) -> bool:
    return all(not o.cell and i.radius == 0 for _, o, i in terms)


def linear_comparisons(node):
    """The comparisons an expression asserts all at once (``and`` of comparisons); ``or``/``not``
    assert none of them alone."""
    if isinstance(node, Compare):
        yield node
    elif isinstance(node, BoolOp) and node.op == "and":
        for operand in node.operands:
            yield from linear_comparisons(operand)
