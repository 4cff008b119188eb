"""What the bureau's overviews (:mod:`xlplugin.output.overview`, :mod:`xlplugin.output.overview_html`)
show of a batch, read from ``汇总.jsonl`` and each unit's JSON report.

- **Units worst first** (:func:`units`): files that could not be checked, then the units with the
  most errors, then the most warnings, then those that did not pass (表样不符), then by name. Only the sort keys and line offsets are kept
  while sorting; each unit is read again when its turn comes, its report with it.
- **Each unit's findings** (:class:`Unit`): its errors before its warnings, each with the 说明 the
  department wrote (``"remark"``), the counts 已说明 / 未说明, and the findings the bureau waived
  (``"waived"``, each with its ``"waiver"``: reason, by, date), listed apart and counted in nothing.
- **Names people read** (:func:`rule_label`): a pack rule by its id and name, a code the engine
  reports itself (``READ.not-a-number``, ``NARR.arithmetic``) by its Chinese title only.

Every key beyond the first summaries' is read tolerantly: a summary or report without ``remarked``,
``remark`` or ``waived`` (from an older batch) counts 0 and shows none.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from xlplugin.core import codes

__all__ = ["Unit", "units", "rule_label", "rule_text", "read_summaries", "tally", "Tally", "SERIOUS", "SEVERITY_NAMES"]

#: the severities the overviews list one by one (提示 are only counted)
SERIOUS = ("error", "warning")
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示", "错误": "错误", "警告": "警告", "提示": "提示"}
_RANK = {"error": 0, "错误": 0, "warning": 1, "警告": 1}


def read_summaries(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def rule_label(rule: str, names: dict[str, str]) -> tuple[str, str]:
    """(what the 规则 column shows, the rule's name): a pack rule's id and name; for a code the engine
    reports itself, its kind of code and its Chinese title — never the raw code."""
    if rule in names:
        return rule, names[rule]
    bare = rule.removeprefix("READ.")
    if bare in codes.CODES or rule in codes.CODES:
        return ("读取问题" if rule.startswith("READ.") else "引擎核对"), codes.title(rule)
    return rule, ""


def rule_text(rule: str, names: dict[str, str]) -> str:
    """One text for a rule: ``CQ03-01 本年支出合计等于各类支出之和`` or ``单元格内容不是数字``."""
    shown, name = rule_label(rule, names)
    return name if shown in ("读取问题", "引擎核对") else f"{shown} {name}".strip()


@dataclass
class Unit:
    """One line of ``汇总.jsonl`` with what its report adds: the errors and warnings (errors first)
    with their 说明, and the waived findings."""

    summary: dict
    findings: list[dict] = field(default_factory=list)
    waived: list[dict] = field(default_factory=list)
    #: whether the report was read (without it, counts come from the summary alone)
    detailed: bool = False

    @property
    def broken(self) -> bool:
        return "error" in self.summary

    @property
    def name(self) -> str:
        return self.summary.get("unit") or Path(self.summary.get("path") or self.summary.get("file", "")).name

    def count(self, key: str) -> int:
        value = self.summary.get(key, 0)
        return value if isinstance(value, int) else 0

    @property
    def remarked(self) -> int:
        if "remarked" in self.summary or not self.detailed:
            return self.count("remarked")
        return sum(1 for f in self.findings if f.get("remark"))

    @property
    def unremarked(self) -> int:
        if "unremarked" in self.summary or not self.detailed:
            return self.count("unremarked")
        return sum(1 for f in self.findings if not f.get("remark"))

    @property
    def waived_count(self) -> int:
        return self.count("waived") if "waived" in self.summary else len(self.waived)

    def main_problems(self, names: dict[str, str], severities: dict[str, str], top: int = 3) -> str:
        """The unit's most frequent problems, errors before warnings: ``规则 名称（错误 2）；…``."""
        counts: Counter = Counter()
        if self.detailed:
            for finding in self.findings:
                counts[(_RANK.get(finding.get("severity"), 2), finding.get("rule", ""))] += 1
        else:  # an older summary: severities from the pack
            for rule, count in self.summary.get("failed_rules", {}).items():
                counts[(_RANK.get(severities.get(rule, ""), 2), rule)] += count
        ordered = sorted(counts.items(), key=lambda item: (item[0][0], -item[1], item[0][1]))[:top]
        return "；".join(
            f"{rule_text(rule, names)}（{('错误', '警告', '问题')[rank]} {count}）" for (rank, rule), count in ordered
        )


@dataclass
class Tally:
    """The batch in numbers: per rule the units with findings and the findings, and the units that
    passed, failed or could not be checked, the errors and warnings explained (已说明) or not, the
    findings waived. Counted once, for both overviews and the CLI's verdict."""

    units: Counter = field(default_factory=Counter)
    findings: Counter = field(default_factory=Counter)
    passed: int = 0
    failed: int = 0
    unreadable: int = 0
    remarked: int = 0
    unremarked: int = 0
    waived: int = 0


def tally(path: Path) -> Tally:
    counted = Tally()
    for summary in read_summaries(path):
        if "error" in summary:
            counted.unreadable += 1
            continue
        counted.passed += bool(summary["valid"])
        counted.failed += not summary["valid"]
        unit = Unit(summary)
        counted.remarked += unit.remarked
        counted.unremarked += unit.unremarked
        counted.waived += unit.waived_count
        for rule, count in summary.get("failed_rules", {}).items():
            counted.units[rule] += 1
            counted.findings[rule] += count
    return counted


def sort_key(summary: dict) -> tuple:
    """Worst first: unreadable files, then most errors, most warnings; of units equal in both, one
    that did not pass (表样不符: its tables could not all be checked) before one that did; then by name."""
    if "error" in summary:
        return (0, 0, 0, 0, str(summary.get("path") or summary.get("file", "")))
    errors, warnings = summary.get("errors", 0), summary.get("warnings", 0)
    return (1, -int(errors or 0), -int(warnings or 0), int(bool(summary.get("valid"))), str(summary.get("unit", "")))


def units(summary_path: Path, details: bool = True) -> Iterator[Unit]:
    """Every unit of the batch, worst first (:func:`sort_key`), with its report's findings when
    ``details``. Only (key, offset) pairs are held while sorting."""
    keys = []
    with open(summary_path, "rb") as handle:
        offset = 0
        for line in handle:
            if line.strip():
                keys.append((sort_key(json.loads(line)), offset))
            offset += len(line)
        keys.sort()
        for _, offset in keys:
            handle.seek(offset)
            unit = Unit(json.loads(handle.readline()))
            if details and not unit.broken:
                _read_report(unit, summary_path.parent)
            yield unit


def _read_report(unit: Unit, folder: Path) -> None:
    """Fill ``unit`` from its JSON report, if it can be read (a report deleted or damaged since the
    batch leaves the unit with its summary's counts)."""
    name = unit.summary.get("report")
    if not name:
        return
    try:
        report = json.loads((folder / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    found = [
        f
        for f in report.get("findings", [])
        if isinstance(f, dict) and f.get("severity") in SERIOUS and not f.get("layout")
    ]
    unit.findings = sorted(found, key=lambda f: _RANK[f["severity"]])  # stable: the report's order within
    unit.waived = sorted(
        (w for w in report.get("waived", []) or [] if isinstance(w, dict)),
        key=lambda f: _RANK.get(f.get("severity"), 2),
    )
    unit.detailed = True


def location(finding: dict) -> str:
    """A finding's 位置 as the 校验结果 shows it: ``公开03表!C22``, or its table."""
    return f"{finding.get('sheet', '')}!{finding['cell']}" if finding.get("cell") else finding.get("table") or ""


def waiver(finding: dict) -> dict:
    """A waived finding's ``waiver`` (reason, by, date), each ``""`` when missing."""
    given = finding.get("waiver") if isinstance(finding.get("waiver"), dict) else {}
    return {key: str(given.get(key) or "") for key in ("reason", "by", "date")}
