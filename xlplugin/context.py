"""What a rule sees while it runs: the located tables, and references turned into intervals.

:class:`Context` is the one place where a cell's reading status becomes arithmetic: a number is its
printed value with its rounding interval; a blank value cell and the ``—`` mark are an exact zero
(nothing reported contributes nothing, as an absent fact in XBRL); a code row that a keyed table does not have is an exact zero (nothing
was spent under that code). Anything else — a missing table, template row or column, text that is not
a number, a formula without a cached value — raises :class:`~xlplugin.expressions.NotRunnable` with
the reason, so the rule is reported as not run instead of passing on a guess.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from xlplugin.expressions import NotRunnable, Ref
from xlplugin.findings import Operand
from xlplugin.intervals import ZERO, Interval
from xlplugin.locate import Block, LocatedBook, Row, Table, Value

_CODE_DIGITS = frozenset("0123456789")


@dataclass
class Resolved:
    """A reference, resolved: its interval, its operand record and where it sits."""

    interval: Interval
    operand: Operand
    table: Table
    row: Row | None
    column: str


class Context:
    """Access to the located workbook for rule kinds; ``tolerance`` is set per rule by the engine."""

    def __init__(self, located: LocatedBook):
        self.located = located
        self.tolerance: Decimal | None = None

    def table(self, table_id: str) -> Table:
        table = self.located.tables.get(table_id)
        if table is None:
            raise NotRunnable(f"工作簿中找不到{table_id}")
        return table

    def resolve(self, ref: Ref) -> Resolved:
        table = self.table(ref.table)
        if ref.column is None:
            value = table.cells.get(ref.row)
            if value is None:
                raise NotRunnable(f"{table.id}没有“{ref.row}”这一格")
            return Resolved(self.interval_of(value, str(ref)), _operand(str(ref), table, value), table, None, ref.row)
        try:
            hit = table.find_row(ref.row, ref.block)
        except KeyError as error:
            raise NotRunnable(str(error.args[0])) from None
        if hit is None:
            block = table.blocks.get(ref.block) if ref.block else next(iter(table.blocks.values()))
            if block is not None and block.spec.keyed and set(ref.row) <= _CODE_DIGITS:
                operand = Operand(str(ref), table.sheet.name, "", None, "absent")
                return Resolved(Interval.exact(ZERO), operand, table, None, ref.column)
            raise NotRunnable(f"{table.id}中找不到行“{ref.row}”")
        block, row = hit
        value = row.values.get(ref.column)
        if value is None:
            raise NotRunnable(f"{table.id}的区块“{block.spec.id}”没有列“{ref.column}”")
        return Resolved(self.interval_of(value, str(ref)), _operand(str(ref), table, value), table, row, ref.column)

    def interval(self, ref: Ref) -> Interval:
        return self.resolve(ref).interval

    def row_interval(self, table: Table, block: Block, row: Row, column: str) -> tuple[Interval, Operand]:
        value = row.values[column]
        ref = f"{table.id}[{row.key}].{column}"
        return self.interval_of(value, ref), _operand(ref, table, value)

    @staticmethod
    def interval_of(value: Value, ref: str) -> Interval:
        if value.amount is not None:
            return Interval.of(value.amount)
        if value.status in ("blank", "dash"):
            return Interval.exact(ZERO)
        reason = {
            "invalid": f"内容“{value.raw}”不是数字",
            "no-cached-value": "是没有计算结果的公式",
            "missing": "不存在",
        }.get(value.status, value.status)
        raise NotRunnable(f"{ref}（{value.cell or '—'}）{reason}")


def _operand(ref: str, table: Table, value: Value) -> Operand:
    return Operand(ref, table.sheet.name, value.cell, value.amount.value if value.amount else None, value.status)
