"""What a check produces: flat, located findings and the report that holds them.

A :class:`Finding` is one record, location first (sheet, cell, table, row, column), then what was
expected, what was found, their difference, the operands it was computed from (each with its own
cell), the severity and the Chinese message. Rules never choose severities or words for the output:
they return :class:`Outcome` objects and the engine stamps the rule's severity, message template and
explanation onto them. :class:`Report` adds the rules that could not run, counts and a verdict, and
``flatten()`` for one-line assertions in tests.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

from xlplugin.core.intervals import Interval, Verdict

ERROR, WARNING, INFO = "错误", "警告", "提示"
SEVERITIES = (ERROR, WARNING, INFO)
SEVERITY_CODES = {ERROR: "error", WARNING: "warning", INFO: "info"}


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

    @property
    def severity_code(self) -> str:
        return SEVERITY_CODES[self.severity]

    def as_dict(self) -> dict:
        return {
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
        } | ({"span": list(self.span), "quote": self.quote} if self.span is not None else {})


@dataclass(frozen=True)
class NotRun:
    """A rule whose inputs are absent or unreadable: never counted as passed."""

    rule: str
    name: str
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    """Everything one check found."""

    workbook: str
    pack_id: str
    pack_version: str
    findings: list[Finding] = field(default_factory=list)
    not_run: list[NotRun] = field(default_factory=list)
    rules_run: int = 0
    #: narrative coverage: numbers quoted in 情况说明, and how many of them some rule checked
    narrative_numbers: int = 0
    narrative_checked: int = 0

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def valid(self) -> bool:
        """True when there is no 错误 (警告 and 提示 may stand)."""
        return self.count(ERROR) == 0

    @property
    def verdict(self) -> str:
        errors, warnings = self.count(ERROR), self.count(WARNING)
        if errors:
            return f"不通过：{errors} 个错误必须修改后再公开" + (
                f"，另有 {warnings} 个警告需写明说明" if warnings else ""
            )
        if warnings:
            return f"通过（有 {warnings} 个警告，需逐条写明说明）"
        return "通过"

    def flatten(self, *keys: str) -> list[list]:
        """Findings as lists of the given attributes (default rule, severity, sheet!cell)."""
        keys = keys or ("rule", "severity", "where")
        rows = []
        for finding in self.findings:
            values = finding.as_dict() | {"where": f"{finding.sheet}!{finding.cell}", "severity": finding.severity}
            rows.append([values[k] for k in keys])
        return rows

    def as_dict(self) -> dict:
        return {
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
            },
            "findings": [f.as_dict() for f in self.findings],
            "not_run": [n.as_dict() for n in self.not_run],
        }


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
