"""What a check produces: flat, located findings and the report that holds them.

A :class:`Finding` is one record, location first (sheet, cell, table, row, column), then what was
expected, what was found, their difference, the operands it was computed from (each with its own
cell), the severity and the Chinese message. Rules never choose severities or words for the output:
they return :class:`Outcome` objects and the engine stamps the rule's severity, message template and
explanation onto them. :class:`Report` adds the rules that could not run, counts and a verdict, and
``flatten()`` for one-line assertions in tests.

Layout fit: reading findings whose code is ``structural`` in :mod:`xlplugin.core.codes` (a table,
header or row of the pack's layout not found, a row that cannot be placed) say that the layout does
not describe the workbook there, not that the document is wrong. They keep their severity but are
counted apart (:attr:`Report.layout_problems`), never among 错误/警告. :class:`Fit` measures how
well the layout describes the workbook (tables found, rows placed); the verdict is one of three
kinds (:data:`PASS`, :data:`FAIL`, :data:`MISFIT`):

- **表样不符** when the fit is poor (fewer than half the tables found, or fewer than half the rows
  of the tables found placed), whatever else was found — the closest packs are named; or when a table
  or header is missing and nothing else is wrong (the rules on it could not run);
- **不通过** when there is a 错误 about the content (with a fit that is not poor);
- **通过** otherwise (警告 and 提示 may stand).

:attr:`Report.exit_code` is 0, 1 and 2 for these (2: the workbook cannot be checked properly with
this pack, like a file that cannot be read).

The department and the bureau: a finding's ``remark`` is the 说明 the department wrote for it (JSON
``"remark"``); a finding the bureau accepted for the unit (a waiver, :mod:`xlplugin.engine.waivers`)
moves from ``Report.findings`` to ``Report.waived`` with the waiver's reason, so it counts toward no
number and no verdict (JSON ``"waived"``, ``summary.waived``, and ``"waivers"``: the file and its
SHA-256).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

from xlplugin.core.codes import is_structural
from xlplugin.core.intervals import Interval, Verdict

ERROR, WARNING, INFO = "错误", "警告", "提示"
SEVERITIES = (ERROR, WARNING, INFO)
SEVERITY_CODES = {ERROR: "error", WARNING: "warning", INFO: "info"}

#: the JSON report's shape (``Report.as_dict``); "2" added suggestions, localization and the versions
SCHEMA_VERSION = "2"
#: the three kinds of verdict, and the exit code of each
PASS, FAIL, MISFIT = "通过", "不通过", "表样不符"
EXIT_CODES = {PASS: 0, FAIL: 1, MISFIT: 2}
#: below these shares the layout does not describe the workbook (verdict 表样不符; recognition refuses)
MIN_TABLE_SHARE = 0.5
MIN_ROW_SHARE = 0.5


@dataclass(frozen=True)
class Operand:
    """One input of a relation: a readable reference, where it sits, and its printed value."""

    ref: str
    sheet: str = ""
    cell: str = ""
    value: Decimal | None = None
    status: str = "number"

    def as_dict(self) -> dict:
        return {
            "ref": self.ref,
            "sheet": self.sheet,
            "cell": self.cell,
            "value": _text(self.value),
            "status": self.status,
        }


@dataclass
class Outcome:
    """A failed (or rounding-only) relation as a rule kind reports it, before the engine stamps it."""

    verdict: Verdict
    sheet: str
    cell: str
    table: str
    row: str
    column: str
    expected: Decimal | str | None = None
    actual: Decimal | str | None = None
    operands: list[Operand] = field(default_factory=list)
    details: dict[str, str] = field(default_factory=dict)
    expected_interval: Interval | None = None
    actual_interval: Interval | None = None
    #: narrative findings: the character span in the paragraph, the sentence, and the table cells
    #: the claim was compared with (annotation marks those too)
    span: tuple[int, int] | None = None
    quote: str | None = None
    also_mark: list[tuple[str, str]] = field(default_factory=list)

    @property
    def difference(self) -> Decimal | None:
        if isinstance(self.expected, Decimal) and isinstance(self.actual, Decimal):
            return self.actual - self.expected
        return None


@dataclass
class Finding:
    """One problem, located to a cell, ready for every sink (console, JSON, annotations)."""

    rule: str
    name: str
    severity: str
    sheet: str
    cell: str
    table: str
    row: str
    column: str
    expected: Decimal | str | None
    actual: Decimal | str | None
    difference: Decimal | None
    operands: list[Operand]
    message: str
    explanation: str = ""
    caused_by: str | None = None
    rounding: bool = False
    #: The rounding radius of both sides: how far apart two findings' differences may be and still
    #: share one cause.
    allowance: Decimal = field(default=Decimal(0), repr=False, compare=False)
    #: How local the rule kind is (1 = one row, 2 = one table's totals, 3 = across tables): of two
    #: findings with one cause, the more local one is kept as the root.
    locality: int = field(default=3, repr=False, compare=False)
    span: tuple[int, int] | None = None
    quote: str | None = None
    also_mark: list[tuple[str, str]] = field(default_factory=list)
    #: The 说明 the department wrote for this finding in its 校验结果 (or 校验说明) sheet, attached by
    #: :func:`xlplugin.api.check`. Not part of what was found, so two findings that differ only in it
    #: are equal (the doors compare findings across checks of one workbook before and after 说明).
    remark: str = field(default="", compare=False)

    @property
    def severity_code(self) -> str:
        return SEVERITY_CODES[self.severity]

    @property
    def location(self) -> str:
        """``公开05表!D19``, or the table for a finding without a cell: the 位置 of the 校验结果 row, by
        which 说明 and waivers find their finding."""
        return f"{self.sheet}!{self.cell}" if self.cell else (self.table or "")

    @property
    def layout(self) -> bool:
        """True for a reading finding about the layout's fit (counted apart from 错误/警告)."""
        return self.rule.startswith("READ.") and is_structural(self.rule)

    def as_dict(self) -> dict:
        return (
            {
                "rule": self.rule,
                "name": self.name,
                "severity": self.severity_code,
                "sheet": self.sheet,
                "cell": self.cell,
                "table": self.table,
                "row": self.row,
                "column": self.column,
                "expected": _text(self.expected),
                "actual": _text(self.actual),
                "difference": _text(self.difference),
                "operands": [o.as_dict() for o in self.operands],
                "message": self.message,
                "explanation": self.explanation,
                "caused_by": self.caused_by,
                "remark": self.remark,
            }
            | ({"layout": True} if self.layout else {})
            | ({"span": list(self.span), "quote": self.quote} if self.span is not None else {})
        )


@dataclass(frozen=True)
class Waived:
    """A finding the bureau accepted for this unit (a waiver): out of the counts and the verdict,
    kept in the report with the reason, who approved it and when."""

    finding: Finding
    reason: str
    by: str = ""
    date: str = ""

    def as_dict(self) -> dict:
        return self.finding.as_dict() | {"waiver": {"reason": self.reason, "by": self.by, "date": self.date}}


#: why a rule that needs the tables did not run on a 情况说明 checked alone
TEXT_ONLY = "只校验情况说明（没有表格）：这条规则要用表格数字，未执行"


@dataclass(frozen=True)
class NarrativeNumber:
    """A number quoted in the 情况说明 and the rules that checked it (none: nobody did). ``span`` is
    its character span in the paragraph as written; ``value`` is in ``unit`` (万元 for money)."""

    sheet: str
    paragraph: str
    span: tuple[int, int]
    text: str
    value: Decimal
    unit: str
    checked_by: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "paragraph": self.paragraph,
            "span": list(self.span),
            "text": self.text,
            "value": _text(self.value),
            "unit": self.unit,
            "checked_by": list(self.checked_by),
        }


@dataclass(frozen=True)
class NotRun:
    """A rule whose inputs are absent or unreadable: never counted as passed."""

    rule: str
    name: str
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Fit:
    """How well a pack's layout describes a workbook: its tables found, and of the rows in the tables
    found, how many were placed (layout rows matched, keyed rows read) out of all rows considered
    (those plus layout rows not found and rows that could not be placed)."""

    pack_id: str
    pack_name: str
    tables: int
    found: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    rows: int = 0
    rows_matched: int = 0

    @property
    def table_share(self) -> float:
        return len(self.found) / self.tables if self.tables else 0.0

    @property
    def row_share(self) -> float:
        return self.rows_matched / self.rows if self.rows else 1.0

    @property
    def score(self) -> float:
        """0 … 1: the share of tables found times the share of their rows placed."""
        return self.table_share * self.row_share

    @property
    def fits(self) -> bool:
        """False below the thresholds: the layout does not describe this workbook."""
        return bool(self.found) and self.table_share >= MIN_TABLE_SHARE and self.row_share >= MIN_ROW_SHARE

    def describe(self) -> str:
        """``9 张表中找到 3 张``, and the rows when fewer than all of them were placed."""
        text = f"{self.tables} 张表中找到 {len(self.found)} 张"
        if self.found and self.rows_matched < self.rows:
            text += f"，其中的行 {self.rows} 行有 {self.rows_matched} 行与表样相符"
        return text

    def as_dict(self) -> dict:
        return {
            "pack": self.pack_id,
            "name": self.pack_name,
            "tables": self.tables,
            "tables_found": len(self.found),
            "missing_tables": list(self.missing),
            "rows": self.rows,
            "rows_matched": self.rows_matched,
            "score": round(self.score, 4),
            "fits": self.fits,
        }


@dataclass
class Report:
    """Everything one check found."""

    workbook: str
    pack_id: str
    pack_version: str
    findings: list[Finding] = field(default_factory=list)
    not_run: list[NotRun] = field(default_factory=list)
    rules_run: int = 0
    #: narrative coverage: every number quoted in 情况说明 with the rules that checked it
    numbers: list[NarrativeNumber] = field(default_factory=list)
    #: what was checked: ``workbook`` (tables and their 情况说明) or ``narrative`` (a 情况说明 alone)
    mode: str = "workbook"
    #: how well the pack's layout describes the workbook (set by the engine)
    fit: Fit | None = None
    #: when the verdict is 表样不符: the other installed or bundled packs that fit better, best first
    closest: list[Fit] = field(default_factory=list)
    #: 建议修改: the fewest cells whose change makes every failing relation hold (set by the engine's
    #: localizer; each has ``as_dict``), and the localizer's status and note
    suggestions: list = field(default_factory=list)
    localization: object | None = None
    #: findings a waiver accepted (moved out of ``findings``: they count toward nothing), the waivers
    #: file they came from (``{"file", "sha256"}``, ``None`` when none was given) and what the reader
    #: must know about it (a waiver for this unit that matched no finding)
    waived: list[Waived] = field(default_factory=list)
    waivers: dict | None = None
    waiver_notices: list[str] = field(default_factory=list)

    @property
    def narrative_numbers(self) -> int:
        """How many numbers the 情况说明 quotes (skipped sections excluded)."""
        return len(self.numbers)

    @property
    def narrative_checked(self) -> int:
        """How many of them some rule checked."""
        return sum(1 for n in self.numbers if n.checked_by)

    def count(self, severity: str) -> int:
        """Findings of ``severity`` about the document; layout problems are counted apart."""
        return sum(1 for f in self.findings if f.severity == severity and not f.layout)

    @property
    def layout_problems(self) -> list[Finding]:
        """Reading findings about the layout's fit (structural codes), whatever their severity."""
        return [f for f in self.findings if f.layout]

    @property
    def kind(self) -> str:
        """:data:`PASS`, :data:`FAIL` or :data:`MISFIT` (see the module's docstring)."""
        if self.fit is not None and not self.fit.fits:
            return MISFIT
        if self.count(ERROR):
            return FAIL
        if any(f.severity == ERROR for f in self.layout_problems):
            return MISFIT
        return PASS

    @property
    def valid(self) -> bool:
        """True when the verdict is 通过: no 错误 about the document, and the layout fits."""
        return self.kind == PASS

    @property
    def exit_code(self) -> int:
        """0 通过, 1 不通过, 2 表样不符 (the workbook cannot be checked properly with this pack)."""
        return EXIT_CODES[self.kind]

    @property
    def verdict(self) -> str:
        verdict = self._verdict()
        if self.mode == "narrative":
            tables = sum(1 for n in self.not_run if TEXT_ONLY in n.reason)
            aside = "只校验了情况说明" + (f"，{tables} 条需要表格的规则未执行" if tables else "")
            # one parenthesis: 通过（有 1 个警告，请逐条核对；只校验了情况说明）
            verdict = f"{verdict[:-1]}；{aside}）" if verdict.endswith("）") else f"{verdict}（{aside}）"
        return verdict

    @property
    def _to_do(self) -> str:
        """What warnings ask for: 说明 in the workbook's 校验结果 sheet — a 情况说明 checked alone has no
        such sheet, so its warnings are only to be looked at."""
        return "请逐条核对" if self.mode == "narrative" else "需写明说明"

    def _verdict(self) -> str:
        kind, errors, warnings = self.kind, self.count(ERROR), self.count(WARNING)
        layout = len(self.layout_problems)
        if kind == MISFIT:
            return self._misfit(warnings)
        aside = f"；另有 {layout} 处与表样不符（见读取问题，不计入错误、警告）" if layout else ""
        if errors:
            return (
                f"不通过：{errors} 个错误必须修改后再公开"
                + (f"，另有 {warnings} 个警告{self._to_do}" if warnings else "")
                + aside
            )
        if warnings:
            return (
                f"通过（有 {warnings} 个警告，{'请逐条核对' if self.mode == 'narrative' else '需逐条写明说明'}）"
                + aside
            )
        return "通过" + aside

    def _misfit(self, warnings: int) -> str:
        fit = self.fit
        name = f"{self.pack_id}（{fit.pack_name}）" if fit and fit.pack_name else self.pack_id
        missing = sorted({f.table for f in self.layout_problems if f.severity == ERROR and f.table})
        if fit is None:
            return f"表样不符：本工作簿缺少规则包 {name} 表样中的{'、'.join(missing)}，相关规则未执行"
        text = f"表样不符：本工作簿与规则包 {name}的表样不符：{fit.describe()}"
        if fit.fits:  # a table or header of a layout that otherwise fits
            text += f"（缺少或无法识别：{'、'.join(fit.missing or missing)}），相关规则未执行，请按表样补齐后再校验"
            return text + (f"；另有 {warnings} 个警告{self._to_do}" if warnings else "")
        text += "，无法按此规则包校验"
        if self.closest:
            shown = "；".join(f"{c.pack_id}（{c.pack_name}，{c.describe()}）" for c in self.closest[:3])
            return text + f"。最接近的规则包：{shown}；请改用相符的规则包（命令行用 --pack 指定）"
        return text + "。没有更相符的已安装或随附规则包；请安装本地区、本年度的规则包后再校验"

    def flatten(self, *keys: str) -> list[list]:
        """Findings as lists of the given attributes (default rule, severity, sheet!cell)."""
        keys = keys or ("rule", "severity", "where")
        rows = []
        for finding in self.findings:
            values = finding.as_dict() | {"where": f"{finding.sheet}!{finding.cell}", "severity": finding.severity}
            rows.append([values[k] for k in keys])
        return rows

    def as_dict(self) -> dict:
        from xlplugin import __version__

        return {
            "schema_version": SCHEMA_VERSION,
            "xlplugin_version": __version__,
            "workbook": self.workbook,
            "pack": {"id": self.pack_id, "version": self.pack_version},
            "summary": {
                "errors": self.count(ERROR),
                "warnings": self.count(WARNING),
                "infos": self.count(INFO),
                "not_run": len(self.not_run),
                "rules_run": self.rules_run,
                "narrative_numbers": self.narrative_numbers,
                "narrative_checked": self.narrative_checked,
                "verdict": self.verdict,
                "layout_problems": len(self.layout_problems),
                "waived": len(self.waived),
                "verdict_kind": self.kind,
                "valid": self.valid,
                "exit_code": self.exit_code,
            },
            "fit": None if self.fit is None else self.fit.as_dict() | {"closest": [c.as_dict() for c in self.closest]},
            "findings": [f.as_dict() for f in self.findings],
            "not_run": [n.as_dict() for n in self.not_run],
            "suggestions": [s.as_dict() for s in self.suggestions],
            "localization": None if self.localization is None else self.localization.as_dict(),
            "waived": [w.as_dict() for w in self.waived],
            "mode": self.mode,
            "narrative": {"numbers": [n.as_dict() for n in self.numbers]},
        } | ({"waivers": self.waivers, "waiver_notices": self.waiver_notices} if self.waivers is not None else {})


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
