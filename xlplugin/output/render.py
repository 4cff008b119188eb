"""Reports for people (text, grouped by table, coloured on a terminal) and for scripts (JSON).

The JSON document is ``Report.as_dict()``; its shape is documented in the README. Amounts are
strings of the exact decimals (``"9909.15"``), never floats.

The text header says how well the pack's layout fits the workbook (``表样：9 张表中找到 9 张``);
layout problems (reading findings about the fit) are marked ``[表样]`` and counted apart.
"""

from __future__ import annotations

import json

import click

from xlplugin.core.amounts import fmt
from xlplugin.core.findings import ERROR, FAIL, INFO, MISFIT, WARNING, Report
from xlplugin.output.marks import suggestion_text

COLOURS = {ERROR: "red", WARNING: "yellow", INFO: "cyan"}
LAYOUT_COLOUR = "magenta"
LEVELS = {"error": (ERROR,), "warning": (ERROR, WARNING), "info": (ERROR, WARNING, INFO)}


def render_json(report: Report) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)


def render_text(report: Report, titles: dict[str, str], pack_name: str, rule_count: int, level: str = "info") -> str:
    """The human report. ``titles`` maps table ids to their titles; ``level`` hides lesser findings."""
    shown = [f for f in report.findings if f.severity in LEVELS[level]]
    lines = [
        click.style(f"校验：{report.workbook}", bold=True),
        f"规则包：{report.pack_id} {report.pack_version}（{pack_name}），共 {rule_count} 条规则，执行 {report.rules_run} 条",
    ]
    if report.fit is not None:
        fit = report.fit
        state = "" if fit.fits else click.style("（不相符）", fg=LAYOUT_COLOUR, bold=True)
        lines.append(f"表样：{fit.describe()}{state}")
    misfit = report.fit is not None and not report.fit.fits
    current = None
    for finding in shown:
        if finding.table != current:
            current = finding.table
            lines += ["", click.style(f"{current or '工作簿'} {titles.get(current, '')}".rstrip(), bold=True)]
        where = finding.cell or "—"
        if finding.layout:
            badge = click.style("[表样]", fg=LAYOUT_COLOUR)
        else:
            badge = click.style(f"[{finding.severity}]", fg=COLOURS[finding.severity], bold=finding.severity == ERROR)
        lines.append(f"  {badge} {where:<6} {finding.rule} {finding.name}")
        lines.append(f"           {finding.message}")
        # how to fix a layout problem is beside the point when the pack does not fit at all
        if finding.explanation and finding.severity != INFO and not (finding.layout and misfit):
            lines.append(click.style(f"           怎么改：{finding.explanation}", dim=True))
    hidden = len(report.findings) - len(shown)
    if hidden:
        lines += ["", f"（另有 {hidden} 条较低级别的结果未显示；用 --level info 查看全部。）"]
    lines += _suggestion_lines(report)
    if report.not_run:
        lines += ["", click.style(f"未执行的规则（{len(report.not_run)} 条，不算通过）：", bold=True)]
        lines += [f"  {n.rule} {n.name}：{n.reason}" for n in report.not_run]
    if report.narrative_numbers:
        lines += ["", f"情况说明：{report.narrative_numbers} 个数字，{report.narrative_checked} 个由规则核对。"]
    counts = f"错误 {report.count(ERROR)} · 警告 {report.count(WARNING)} · 提示 {report.count(INFO)} · 未执行 {len(report.not_run)}"
    if report.layout_problems:
        counts += f" · 表样问题 {len(report.layout_problems)}（不计入错误、警告）"
    kind = report.kind
    verdict_colour = {FAIL: "red", MISFIT: LAYOUT_COLOUR}.get(kind, "yellow" if report.count(WARNING) else "green")
    lines += ["", counts, click.style(f"结论：{report.verdict}", fg=verdict_colour, bold=True)]
    return "\n".join(lines)


def _suggestion_lines(report: Report) -> list[str]:
    """建议修改: the fewest cells to change so that every relation holds, and to what."""
    localization = report.localization
    note = getattr(localization, "note", "")
    if not report.suggestions and not note:
        return []
    lines = ["", click.style("建议修改", bold=True)]
    for s in report.suggestions:
        place = f"{s.table} {s.row} {s.column}".strip()
        lines.append(f"  {s.sheet}!{s.cell:<6} {place}：{'空' if s.blank else fmt(s.current)} → {suggestion_text(s)}")
        if s.rules:
            lines.append(click.style(f"           涉及规则：{'、'.join(s.rules)}", dim=True))
    if note:
        lines.append(f"  {note}")
    return lines
