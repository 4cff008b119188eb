"""The engine: run every rule of a pack on a located workbook and return one :class:`Report`.

- Every enabled rule runs; a failure never stops the others. A rule whose inputs are absent or
  unreadable is listed in ``Report.not_run`` with the reason — never counted as passed.
- Reading problems (text in number cells, formulas without values, missing tables or rows, unit
  slips) become findings too, so that nothing the reader doubted is silently ignored. Those about the
  layout's fit are counted apart from 错误/警告, and the fit itself (tables found, rows placed;
  :mod:`xlplugin.engine.fit`) is in ``Report.fit``: a poor fit makes the verdict 表样不符.
- Outcomes are stamped with the rule's severity, message and explanation. A relation that only fails
  by rounding (XBRL Calculations 1.1 intervals) is a 提示 that shows both intervals, whatever the
  rule's severity.
- One root cause is not reported dozens of times. When the localizer found the cells to change
  (建议修改), the failures those changes repair are grouped by the changed cells they involve: in each
  group one stays — preferably one on a changed cell, else the most local — and the others, on cells
  outside the minimal set, are marked ``caused_by`` it, downgraded to 提示 and told which changes make
  them hold. Failures the localizer did not cover fall back to a heuristic: one that shares an input
  cell with a more local failure and is off by the same amount (within rounding) is its echo.
"""

from __future__ import annotations

import heapq
from decimal import Decimal

from xlplugin.core import codes
from xlplugin.core.amounts import fmt
from xlplugin.core.cells import parse_a1
from xlplugin.core.errors import NotRunnable
from xlplugin.core.findings import (
    ERROR,
    INFO,
    TEXT_ONLY,
    WARNING,
    Finding,
    NarrativeNumber,
    NotRun,
    Outcome,
    Report,
)
from xlplugin.core.intervals import Verdict
from xlplugin.engine.builtin_narrative import ARITHMETIC, arithmetic_findings
from xlplugin.engine.context import Context
from xlplugin.engine.fit import measure_fit
from xlplugin.engine.localize import DEFAULT_WEIGHTS, Weights, localize
from xlplugin.engine.model import Pack, Rule
from xlplugin.workbook.located import LocatedBook

__all__ = ["run_pack"]

#: how long the localizer may search for the cells to change
LOCALIZE_SECONDS = 5.0
#: the finding that lists a paragraph's numbers no rule checked
UNCOVERED = "NARR.uncovered"


def run_pack(
    pack: Pack,
    located: LocatedBook,
    workbook: str = "",
    paragraphs: list | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    time_limit: float = LOCALIZE_SECONDS,
    text_only: bool = False,
) -> Report:
    """Check ``located`` with every enabled rule of ``pack``; ``paragraphs`` replace the workbook's
    own 情况说明 (a narrative given as a separate file). ``weights`` and ``time_limit`` steer the
    localizer (建议修改, :mod:`xlplugin.engine.localize`).

    ``text_only``: ``paragraphs`` are a 情况说明 checked alone (``located`` has no tables). Rules about
    the tables, and narrative rules whose sentences need table figures, are listed as not run — never
    compared with blank cells — and the narrative's unchecked numbers are listed whatever the pack."""
    report = Report(workbook or located.book.source, pack.id, pack.version)
    report.mode = "narrative" if text_only else "workbook"
    report.fit = None if text_only else measure_fit(located, pack.id, pack.name)
    report.findings.extend(_reading_findings(located))
    context = Context(located, paragraphs, pack.layout.narrative_skip, text_only)
    for rule in pack.rules:
        if not rule.enabled:
            continue
        if text_only and rule.module.TOPIC != "narrative":
            report.not_run.append(NotRun(rule.id, rule.name, TEXT_ONLY))
            continue
        context.tolerance = rule.tolerance
        context.rule_id = rule.id
        try:
            outcomes = list(rule.module.check(rule.prepared, context))
        except NotRunnable as reason:
            report.not_run.append(NotRun(rule.id, rule.name, str(reason)))
            continue
        except Exception as error:  # one broken rule must not take the other rules down with it
            report.not_run.append(
                NotRun(
                    rule.id,
                    rule.name,
                    f"规则执行出错（内部错误：{type(error).__name__}: {error}），请报告规则包的发布单位",
                )
            )
            continue
        report.rules_run += 1
        report.findings.extend(_stamp(rule, outcome) for outcome in outcomes)
    # every pack gets the narrative's own arithmetic checked, after its rules (their figures are theirs)
    if pack.arithmetic:  # "": the pack turned the built-in arithmetic off
        context.rule_id = ARITHMETIC
        report.findings.extend(arithmetic_findings(context, pack.arithmetic))
    narrative_rules = any(r.module.TOPIC == "narrative" for r in pack.rules if r.enabled)
    report.findings.extend(_coverage(context, report, list_unchecked=narrative_rules or text_only))
    report.localization = localize(context.relations, weights, time_limit)
    report.suggestions = report.localization.suggestions
    _mark_consequences(report.findings, report.suggestions)
    order = {t.id: i for i, t in enumerate(pack.layout.tables)}
    order[context.paragraphs[0].sheet if context.paragraphs else ""] = len(order)
    sheets = {name: index for index, name in enumerate(located.book.sheet_names)}
    report.findings.sort(
        key=lambda f: (order.get(f.table, len(order)), sheets.get(f.sheet, -1), _cell_order(f.cell), f.rule)
    )
    return report


def _coverage(context: Context, report: Report, list_unchecked: bool) -> list[Finding]:
    """Record every number of the narrative with the rules that checked it (``report.numbers``) and,
    when ``list_unchecked``, list per paragraph the ones no rule checked (提示)."""
    findings = []
    for paragraph in context.paragraphs:
        if paragraph.cell in context.skipped_cells:
            continue
        numbers = _checked_numbers(paragraph, context.checked_by.get(id(paragraph), []))
        report.numbers += numbers
        missed = [n.text for n in numbers if not n.checked_by]
        if missed and list_unchecked:
            findings.append(
                Finding(
                    rule=UNCOVERED,
                    name=codes.title(UNCOVERED),
                    severity=INFO,
                    sheet=paragraph.sheet,
                    cell=paragraph.cell,
                    table=paragraph.sheet,
                    row=paragraph.cell,
                    column="",
                    expected=None,
                    actual=None,
                    difference=None,
                    operands=[],
                    message=f"本段有 {len(missed)} 个数字没有规则核对：{'、'.join(missed)}。",
                    explanation=codes.fix(UNCOVERED),
                )
            )
    return findings


def _checked_numbers(paragraph, checked: list[tuple[tuple[int, int], str]]) -> list[NarrativeNumber]:
    """The paragraph's numbers, each with the rules whose checked spans overlap it.

    One sweep over both lists sorted by start: a span joins the active ones when a number ends after
    it starts and leaves once a number starts after it ends — a long paragraph with many checks costs
    (numbers + spans) · log, not numbers × spans."""
    pending = sorted(checked)
    active: list[tuple[int, int, str]] = []  # heap of (end, start, rule)
    position, numbers = 0, []
    for start, end, quantity in paragraph.quantities:
        while position < len(pending) and pending[position][0][0] < end:
            (span_start, span_end), rule = pending[position]
            heapq.heappush(active, (span_end, span_start, rule))
            position += 1
        while active and active[0][0] <= start:
            heapq.heappop(active)
        rules = tuple(dict.fromkeys(sorted(rule for _, _, rule in active)))
        numbers.append(
            NarrativeNumber(
                paragraph.sheet,
                paragraph.cell,
                paragraph.span(start, end),
                quantity.text,
                quantity.value,
                quantity.unit,
                rules,
            )
        )
    return numbers


def _cell_order(cell: str) -> tuple[int, int]:
    """Sheet order of a cell; a narrative file's ``第 N 段`` sorts by N."""
    try:
        return parse_a1(cell)
    except ValueError:
        digits = "".join(ch for ch in cell if ch.isdigit())
        return (int(digits) if digits else -1, 0)


def _reading_findings(located: LocatedBook) -> list[Finding]:
    findings = []
    for table_id, error in located.not_found.items():
        findings.append(_reading_finding(error.code, ERROR, "", "", table_id, error.message))
    for problem in located.problems:
        findings.append(
            _reading_finding(
                problem.code, problem.severity, problem.sheet, problem.cell, problem.table, problem.message
            )
        )
    return findings


def _reading_finding(code: str, severity: str, sheet: str, cell: str, table: str, message: str) -> Finding:
    return Finding(
        rule=f"READ.{code}",
        name=codes.title(code),
        severity=severity,
        sheet=sheet,
        cell=cell,
        table=table,
        row="",
        column="",
        expected=None,
        actual=None,
        difference=None,
        operands=[],
        message=message,
        explanation=codes.fix(code),
    )


def _placeholders(outcome: Outcome) -> dict[str, str]:
    def text(value):
        return fmt(value) if isinstance(value, Decimal) or value is None else str(value)

    values = {
        "table": outcome.table,
        "row": outcome.row,
        "column": outcome.column,
        "cell": outcome.cell,
        "expected": text(outcome.expected),
        "actual": text(outcome.actual),
        "difference": text(outcome.difference),
    }
    values.update(outcome.details)
    return values


def _stamp(rule: Rule, outcome: Outcome) -> Finding:
    message = rule.message.format(**_placeholders(outcome))
    rounding = outcome.verdict is Verdict.ROUNDING
    severity = INFO if rounding else rule.severity
    if rounding and "printing" in outcome.details:  # a figure truncated or rounded twice (claimbase)
        message += f"{outcome.details['printing']}，仅作提示。"
    elif rounding and (outcome.actual_interval is None or outcome.expected_interval is None):
        message += "差额在所写精度的四舍五入范围内，仅作提示。"
    elif rounding:
        left, right = outcome.actual_interval, outcome.expected_interval
        message += (
            f"差额可由四舍五入解释：实际值区间 [{_bound(left.low)}, {_bound(left.high)}] 与应有值区间 "
            f"[{_bound(right.low)}, {_bound(right.high)}] 有交集，仅作提示。"
        )
    finding = Finding(
        rule=rule.id,
        name=rule.name,
        severity=severity,
        sheet=outcome.sheet,
        cell=outcome.cell,
        table=outcome.table,
        row=outcome.row,
        column=outcome.column,
        expected=outcome.expected,
        actual=outcome.actual,
        difference=outcome.difference,
        operands=outcome.operands,
        message=message,
        explanation=rule.explanation,
        rounding=rounding,
        allowance=_allowance(outcome),
        locality=getattr(rule.module, "LOCALITY", 3),
        span=outcome.span,
        quote=outcome.quote,
        also_mark=list(outcome.also_mark),
    )
    return finding


def _bound(value: Decimal) -> str:
    """An interval bound, exact when short, else to 8 decimals (quotients do not terminate)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -8:
        value = value.quantize(Decimal("1e-8")).normalize()
    return format(value, "f")


def _allowance(outcome: Outcome) -> Decimal:
    radii = [i.radius for i in (outcome.actual_interval, outcome.expected_interval) if i is not None]
    return sum(radii, Decimal(0))


def _cells(finding: Finding) -> set[tuple[str, str]]:
    cells = {(o.sheet, o.cell) for o in finding.operands if o.cell}
    if finding.cell:
        cells.add((finding.sheet, finding.cell))
    return cells


def _mark_consequences(findings: list[Finding], suggestions: list | None = None) -> None:
    """Downgrade the failures that are echoes of another: by the localizer's changes where they
    cover a failure (:func:`_fold_by_suggestions`), else by the same-cell, same-amount heuristic.

    Heuristic roots are chosen most local first: a row that does not add up explains the roll-up
    above it and the cross-table comparison that uses it, not the other way round."""
    # narrative findings are statements, each its own cause; only table relations echo each other
    failing = [
        f
        for f in findings
        if f.severity in (ERROR, WARNING) and isinstance(f.difference, Decimal) and f.operands and f.quote is None
    ]
    failing.sort(key=lambda f: (f.locality, len(f.operands)))
    folded = _fold_by_suggestions(failing, suggestions or [])
    roots: list[Finding] = []
    for finding in failing:
        if id(finding) in folded:
            continue
        cause = next((root for root in roots if _same_cause(root, finding)), None)
        if cause is None:
            roots.append(finding)
            continue
        _fold(
            finding,
            cause,
            f"很可能由 {cause.sheet}!{cause.cell}（{cause.rule} {cause.name}）引起，修正该处后应一并消除",
        )


def _fold_by_suggestions(failing: list[Finding], suggestions: list) -> set[int]:
    """Group the failures by the suggested cells they involve (two failures sharing a suggested cell
    are one group); in each group keep a root and fold the rest into it. Returns the ids of every
    failure in a group."""
    suggested = {(s.sheet, s.cell): s for s in suggestions}
    groups: list[tuple[set, list[Finding]]] = []
    for finding in failing:  # most local first, so each group's list is in that order
        touched = _cells(finding) & suggested.keys()
        if not touched:
            continue
        joined = [g for g in groups if g[0] & touched]
        cells = touched.union(*(g[0] for g in joined))
        members = [f for g in joined for f in g[1]] + [finding]
        groups = [g for g in groups if g not in joined] + [(cells, members)]
    handled: set[int] = set()
    for cells, members in groups:
        members.sort(key=lambda f: (f.locality, len(f.operands)))
        root = next((f for f in members if (f.sheet, f.cell) in cells), members[0])
        changes = "、".join(
            f"{s.sheet}!{s.cell} 改为 {fmt(s.suggested)}" for s in (suggested[c] for c in sorted(cells))
        )
        for finding in members:
            handled.add(id(finding))
            if finding is not root:
                _fold(finding, root, f"{changes} 后即成立，见“建议修改”")
    return handled


def _fold(finding: Finding, cause: Finding, why: str) -> None:
    finding.caused_by = f"{cause.rule}@{cause.sheet}!{cause.cell}"
    finding.severity = INFO
    finding.message += f"（{why}。）"


def _same_cause(root: Finding, other: Finding) -> bool:
    if not _cells(root) & _cells(other):
        return False
    allowance = root.allowance + other.allowance
    return abs(abs(root.difference) - abs(other.difference)) <= allowance
