"""Helpers shared by the rule kinds: layout look-ups at load time, outcomes at run time."""

from __future__ import annotations

from decimal import Decimal

from xlplugin.core.amounts import normalize_text
from xlplugin.core.findings import Operand, Outcome
from xlplugin.core.intervals import Interval, Verdict, compare, total
from xlplugin.engine.kinds.params import Param, Where
from xlplugin.workbook.layout import BlockSpec, Layout, TableSpec

#: Placeholders every message template may use.
COMMON_PLACEHOLDERS = ("table", "row", "column", "cell", "expected", "actual", "difference")

# Parameters several kinds declare alike.
TABLE = Param("str", required=True, doc="表 id")
BLOCK = Param("str", doc="区块 id；表有多个区块时必填")
SELFEVAL_KINDS = Param("list", doc="只查这些种类的绩效自评表（表样中的种类，如 `部门整体`、`项目`）；不写则全查")


def table_spec(layout: Layout, table_id: str, where: Where) -> TableSpec:
    spec = layout.table(table_id)
    if spec is None:
        raise where.error(
            "unknown-table", f"表样中没有“{table_id}”（可用：{'、'.join(t.id for t in layout.tables)}）。"
        )
    return spec


def block_spec(spec: TableSpec, block_id: str | None, where: Where) -> BlockSpec:
    if block_id is None:
        if len(spec.blocks) > 1:
            raise where.error(
                "ambiguous-block", f"{spec.id}有多个区块（{'、'.join(b.id for b in spec.blocks)}），请用 block 写明。"
            )
        return spec.blocks[0]
    block = spec.block(block_id)
    if block is None:
        raise where.error(
            "unknown-block", f"{spec.id}没有区块“{block_id}”（可用：{'、'.join(b.id for b in spec.blocks)}）。"
        )
    return block


def value_columns(spec: TableSpec, block: BlockSpec, columns: list[str] | None, where: Where) -> list[str]:
    """The named value columns (checked), or all of the block's value columns."""
    available = [c.id for c in block.value_columns]
    if columns is None:
        return available
    for column in columns:
        if column not in available:
            raise where.error(
                "unknown-column", f"{spec.id}的区块“{block.id}”没有数值列“{column}”（可用：{'、'.join(available)}）。"
            )
    return list(columns)


def some_checks(params, choices: tuple[str, ...] | None, where: Where, unless: str | None = None) -> None:
    """A ``checks: []`` that leaves a rule checking nothing is refused (``bad-param``), unless the
    rule writes ``unless`` (another parameter that checks something). For ``check_params`` hooks."""
    if "checks" in params and not params["checks"] and not (unless and params.get(unless)):
        available = f"（可用：{'、'.join(choices)}）" if choices else ""
        also = f"，或写 {unless}" if unless else ""
        raise where.error("bad-param", f"checks 至少写一项{available}{also}：规则不能什么都不查。")


def signed(names: list[str]) -> list[tuple[int, str]]:
    """``["a", "-b"]`` → ``[(1, "a"), (-1, "b")]``: parts that add or subtract."""
    return [(-1, n[1:].strip()) if n.startswith("-") else (1, n) for n in names]


def fixed_row(spec: TableSpec, block: BlockSpec, key: str, where: Where) -> str:
    """The layout id of a fixed row given by id, code or label (checked)."""
    wanted = normalize_text(key)
    for row in block.rows:
        if wanted in {normalize_text(row.id), normalize_text(row.code or ""), normalize_text(row.label)}:
            return row.id
    raise where.error("unknown-row", f"{spec.id}的区块“{block.id}”中没有行“{key}”。")


def selfeval_kinds(names: list[str] | None, layout: Layout, where: Where) -> tuple[str, ...]:
    """The 绩效自评表 kinds a rule names (checked against the layout's), or ``()`` for all of them."""
    if not names:
        return ()
    if layout.selfeval is not None:
        available = [kind.name for kind in layout.selfeval.kinds]
        unknown = [name for name in names if name not in available]
        if unknown:
            raise where.error(
                "bad-param", f"表样中没有“{'、'.join(unknown)}”绩效自评表（可用：{'、'.join(available)}）。"
            )
    return tuple(names)


def sum_outcome(
    left: Interval,
    parts: list[tuple[int, Interval]],
    tolerance: Decimal | None,
) -> tuple[Verdict, Interval]:
    """Judge ``left == Σ sign·part``; return the verdict and the interval of the sum."""
    right = total(part if sign > 0 else -part for sign, part in parts)
    return compare(left, "==", right, tolerance), right


def sum_relation(
    context, table, block, whole: tuple, parts: list[tuple]
) -> tuple[Verdict, Interval, Interval, list[Operand]]:
    """Judge ``whole == Σ sign·part`` over cells of one block: ``whole`` is (row, column), each part
    (sign, row, column). Returns the verdict, the whole's interval, the sum's interval and the
    operands (the whole first)."""
    left, left_operand = context.row_interval(table, block, *whole)
    operands, signed_parts = [left_operand], []
    for sign, row, column in parts:
        interval, operand = context.row_interval(table, block, row, column)
        operands.append(operand)
        signed_parts.append((sign, interval))
    verdict, right = sum_outcome(left, signed_parts, context.tolerance)
    terms = [(1, left_operand, left)] + [(-sign, o, i) for (sign, i), o in zip(signed_parts, operands[1:])]
    context.relate(terms, "==", total=left_operand)
    return verdict, left, right, operands


def outcome(
    verdict: Verdict,
    where: tuple[str, str, str],
    row: str,
    column: str,
    actual: Interval,
    expected: Interval,
    operands: list[Operand],
    **details: str,
) -> Outcome:
    """An Outcome for ``actual`` (the checked cell) against ``expected`` (what the rule computed)."""
    sheet, cell, table = where
    return Outcome(
        verdict,
        sheet,
        cell,
        table,
        row,
        column,
        expected=expected.point,
        actual=actual.point,
        operands=operands,
        details=details,
        expected_interval=expected,
        actual_interval=actual,
    )


def check_refs(refs, layout: Layout, where: Where) -> None:
    """Check references against the layout: table, block, row and column must exist."""
    for ref in refs:
        if ref.row == "资金情况" and layout.selfeval is not None and layout.table(ref.table) is None:
            titles = {t for kind in layout.selfeval.kinds for t in (*kind.titles, kind.sheet)}
            if ref.table not in titles or ref.column not in layout.selfeval.funds:
                raise where.error(
                    "unknown-column",
                    f"引用 {ref}：绩效自评表的资金情况写成 表名[资金情况].列（表名：{'、'.join(sorted(titles))}；列：{'、'.join(layout.selfeval.funds)}）。",
                )
            continue
        spec = table_spec(layout, ref.table, where)
        if ref.column is None:
            if not any(c.id == ref.row for c in spec.cells):
                raise where.error("unknown-cell", f"{spec.id}没有名为“{ref.row}”的单格（有列名时写成 表[行].列）。")
            continue
        blocks = [block_spec(spec, ref.block, where)] if ref.block else list(spec.blocks)
        candidates = [b for b in blocks if _row_exists(b, ref.row)]
        if not candidates:
            raise where.error("unknown-row", f"引用 {ref}：{spec.id}中没有行“{ref.row}”。")
        if len(candidates) > 1:
            raise where.error(
                "ambiguous-block",
                f"引用 {ref}：行“{ref.row}”在多个区块中（{'、'.join(b.id for b in candidates)}），请写成 {ref.table}[区块/{ref.row}]。",
            )
        block = candidates[0]
        if block.column(ref.column) is None or block.column(ref.column).role != "value":
            raise where.error(
                "unknown-column",
                f"引用 {ref}：{spec.id}的区块“{block.id}”没有数值列“{ref.column}”（可用：{'、'.join(c.id for c in block.value_columns)}）。",
            )


def _row_exists(block: BlockSpec, key: str) -> bool:
    if block.keyed:
        return (
            key.isdigit()
            and len(key) in (3, 5, 7)
            or (block.total is not None and normalize_text(key) == normalize_text(block.total))
        )
    wanted = normalize_text(key)
    return any(
        wanted in {normalize_text(r.id), normalize_text(r.code or ""), normalize_text(r.label)} for r in block.rows
    )
