"""What a rule sees while it runs: the located tables, and references turned into intervals.

:class:`Context` is the one place where a cell's reading status becomes arithmetic: a number is its
printed value with its rounding interval; a blank value cell and the ``—`` mark are an exact zero
(nothing reported contributes nothing, as an absent fact in XBRL); a code row that a keyed table does not have is an exact zero (nothing
was spent under that code). Anything else — a missing table, template row or column, text that is not
a number, a formula without a cached value — raises :class:`~xlplugin.engine.expressions.NotRunnable` with
the reason, so the rule is reported as not run instead of passing on a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from xlplugin.core.amounts import normalize_text
from xlplugin.core.errors import NotRunnable
from xlplugin.core.findings import TEXT_ONLY, Operand
from xlplugin.core.intervals import ZERO, Interval
from xlplugin.engine.expressions import Ref
from xlplugin.engine.relations import Relations
from xlplugin.workbook.located import Block, LocatedBook, Row, Table, Value
from xlplugin.workbook.narrative import paragraphs_from_sheet

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
    """Access to the located workbook (and its narrative) for rule kinds; ``tolerance`` is set per
    rule by the engine. Claim rules record the quoted numbers they checked with :meth:`cover`."""

    def __init__(
        self,
        located: LocatedBook,
        paragraphs: list | None = None,
        skip_sections: tuple[str, ...] = (),
        text_only: bool = False,
    ):
        self.located = located
        #: a 情况说明 checked alone: every reference to a table is "not run", never a blank cell
        self.text_only = text_only
        self.tolerance: Decimal | None = None
        #: the rule running (set by the engine), and the linear relations the rules state
        self.rule_id = ""
        self.relations = Relations()
        self.paragraphs = paragraphs if paragraphs is not None else _sheet_paragraphs(located)
        self.skipped_cells = _skipped_cells(self.paragraphs, skip_sections)
        self.covered: dict[int, set[tuple[int, int]]] = {}
        #: per paragraph, each covered span with the rule that checked it (the JSON's ``checked_by``)
        self.checked_by: dict[int, list[tuple[tuple[int, int], str]]] = {}

    def require_narrative(self) -> list:
        if not self.paragraphs:
            raise NotRunnable("没有情况说明（工作簿中没有“情况说明”表，也没有用 --narrative 指定文件）")
        return self.paragraphs

    def cover(self, paragraph, span: tuple[int, int], rule: str = "") -> None:
        """Record that ``rule`` (default: the rule running) checked the numbers of ``span`` of
        ``paragraph`` (a span of its normalised text)."""
        self.covered.setdefault(id(paragraph), set()).add(span)
        self.checked_by.setdefault(id(paragraph), []).append((span, rule or self.rule_id))

    def table(self, table_id: str) -> Table:
        if self.text_only:
            raise NotRunnable(TEXT_ONLY)
        table = self.located.tables.get(table_id)
        if table is None:
            raise NotRunnable(f"工作簿中找不到{table_id}")
        return table

    def selfeval(self, kinds: tuple[str, ...] | list[str] | None = None) -> list:
        """The located 绩效自评表 of the given kinds; none at all → not run."""
        if self.text_only:
            raise NotRunnable(TEXT_ONLY)
        tables = [t for t in self.located.selfeval if not kinds or t.kind in kinds]
        if not tables:
            raise NotRunnable(f"工作簿中没有{'、'.join(kinds) if kinds else ''}绩效自评表")
        return tables

    def resolve(self, ref: Ref) -> Resolved:
        if self.text_only:
            raise NotRunnable(TEXT_ONLY)
        if ref.row == "资金情况" and ref.table not in self.located.tables:
            return self._selfeval_fund(ref)
        table = self.table(ref.table)
        if ref.column is None:
            value = table.cells.get(ref.row)
            if value is None:
                raise NotRunnable(f"{table.id}没有“{ref.row}”这一格")
            resolved = Resolved(
                self.interval_of(value, str(ref)), _operand(str(ref), table, value), table, None, ref.row
            )
            self.relations.note_cell(resolved.operand, resolved.interval, table.id, ref.row, "")
            return resolved
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
        resolved = Resolved(self.interval_of(value, str(ref)), _operand(str(ref), table, value), table, row, ref.column)
        self.relations.note_cell(resolved.operand, resolved.interval, table.id, row.code or row.label, ref.column)
        return resolved

    def _selfeval_fund(self, ref: Ref) -> Resolved:
        """``部门整体绩效自评表[资金情况].全年执行数``: a 资金情况 figure of the (first) table so titled."""
        table = next((t for t in self.located.selfeval if t.title == ref.table or t.sheet == ref.table), None)
        if table is None:
            raise NotRunnable(f"工作簿中没有{ref.table}")
        entry = table.funds.get(ref.column)
        if entry is None or entry.amount is None:
            raise NotRunnable(f"{ref.table}的{ref.column}{'为空' if entry is not None and entry.blank else '不是数字'}")
        operand = Operand(str(ref), table.sheet, entry.cell, entry.amount.value, "number")
        return Resolved(Interval.of(entry.amount), operand, None, None, ref.column)

    def interval(self, ref: Ref) -> Interval:
        return self.resolve(ref).interval

    def row_interval(self, table: Table, block: Block, row: Row, column: str) -> tuple[Interval, Operand]:
        """One cell of a block row, with its operand named as the expression language writes it
        (``公开01表[收入/本年收入合计].决算数`` where the table has several blocks)."""
        value = row.values[column]
        path = f"{block.spec.id}/{row.key}" if len(table.blocks) > 1 else row.key
        ref = f"{table.id}[{path}].{column}"
        interval, operand = self.interval_of(value, ref), _operand(ref, table, value)
        self.relations.note_cell(operand, interval, table.id, row.code or row.label or row.key, column)
        return interval, operand

    def relate(self, terms, op: str, total: Operand | None = None) -> None:
        """Record the linear relation ``Σ coef·operand op 0`` the running rule judged, held or not;
        ``terms`` are (coef, operand, interval), ``total`` the whole of a sum."""
        self.relations.add(self.rule_id, terms, op, self.tolerance, total)

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


def _sheet_paragraphs(located: LocatedBook) -> list:
    if located.narrative is None:
        return []
    return paragraphs_from_sheet(located.narrative_sheet, located.narrative)


_TOP_HEADING = re.compile(r"^[一二三四五六七八九十]+、")


def _skipped_cells(paragraphs: list, skip_sections: tuple[str, ...]) -> set[str]:
    """Cells of the paragraphs inside skipped sections (a section runs to the next 一、二、… heading)."""
    skipped, skipping = set(), False
    wanted = {normalize_text(s) for s in skip_sections}
    for paragraph in paragraphs:
        if _TOP_HEADING.match(paragraph.text.strip()):
            skipping = any(paragraph.norm.startswith(w) for w in wanted)
        if skipping:
            skipped.add(paragraph.cell)
    return skipped


def _operand(ref: str, table: Table, value: Value) -> Operand:
    return Operand(ref, table.sheet.name, value.cell, value.amount.value if value.amount else None, value.status)
