"""Reports for people (text, grouped by table, coloured on a terminal) and for scripts (JSON).

The JSON document is ``Report.as_dict()``; its shape is documented in the README. Amounts are
strings of the exact decimals (``"9909.15"``), never floats.

The text header says how well the pack's layout fits the workbook (``表样：9 张表中找到 9 张``);
layout problems (reading findings about the fit) are marked ``[表样]`` and counted apart.

Audiences: a department reads the console report for its errors and warnings and what to do about
them (``怎么改``, the 说明 it already wrote, a closing ``下一步``). Rounding notes, echoes of another
finding and the numbers of 情况说明 no rule checked are 提示: shown only from ``level="info"`` (the
command line's ``--level info``; the annotated copy's 校验结果 sheet always lists everything), and
said in one line otherwise. The narrative coverage (how many numbers rules checked, and which not,
paragraph by paragraph) is for pack authors: ``coverage=True`` (``--coverage``) gives it a section.
Findings a bureau waived are listed apart with the waiver's reason.
"""

from __future__ import annotations

import json

import click

from xlplugin.core.amounts import fmt
from xlplugin.core.findings import ERROR, FAIL, INFO, MISFIT, PASS, TEXT_ONLY, WARNING, Finding, Report
from xlplugin.output.marks import suggestion_text

COLOURS = {ERROR: "red", WARNING: "yellow", INFO: "cyan"}
LAYOUT_COLOUR = "magenta"
LEVELS = {"error": (ERROR,), "warning": (ERROR, WARNING), "info": (ERROR, WARNING, INFO)}
#: the finding that lists a paragraph's numbers no rule checked (:mod:`xlplugin.engine.run`)
UNCOVERED = "NARR.uncovered"
INDENT = " " * 11


def render_json(report: Report) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)


def render_text(
    report: Report,
    titles: dict[str, str],
    pack_name: str,
    rule_count: int,
    level: str = "info",
    coverage: bool = False,
) -> str:
    """The human report. ``titles`` maps table ids to their titles; ``level`` hides lesser findings
    (said in one line, with what they are); ``coverage`` adds the narrative coverage for pack authors
    (and takes the uncovered numbers out of the list above it)."""
    listed = [f for f in report.findings if not (coverage and f.rule == UNCOVERED)]
    shown = [f for f in listed if f.severity in LEVELS[level]]
    lines = [
        click.style(f"校验：{report.workbook}", bold=True),
        f"规则包：{report.pack_id} {report.pack_version}（{pack_name}），"
        + (f"共 {rule_count} 条规则，执行 {report.rules_run} 条" if rule_count else "只做内置的情况说明算术核对"),
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
        lines += _finding_lines(finding, misfit)
    hidden = [f for f in listed if f.severity not in LEVELS[level]]
    if hidden:
        lines += ["", _hidden_line(hidden)]
    lines += _suggestion_lines(report)
    lines += _not_run_lines(report)
    if report.mode == "narrative" and not coverage:
        lines += ["", f"情况说明：{report.narrative_numbers} 个数字，{report.narrative_checked} 个由规则核对。"]
    if coverage:
        lines += _coverage_lines(report)
    elif report.narrative_numbers and level == "info" and report.mode != "narrative":
        lines += ["", f"情况说明：{report.narrative_numbers} 个数字，{report.narrative_checked} 个由规则核对。"]
    lines += _waived_lines(report)
    counts = f"错误 {report.count(ERROR)} · 警告 {report.count(WARNING)} · 提示 {report.count(INFO)} · 未执行 {len(report.not_run)}"
    if report.layout_problems:
        counts += f" · 表样问题 {len(report.layout_problems)}（不计入错误、警告）"
    if report.waived:
        counts += f" · 已豁免 {len(report.waived)}"
    kind = report.kind
    verdict_colour = {FAIL: "red", MISFIT: LAYOUT_COLOUR}.get(kind, "yellow" if report.count(WARNING) else "green")
    lines += ["", *_next_step(report), counts, click.style(f"结论：{report.verdict}", fg=verdict_colour, bold=True)]
    return "\n".join(lines)


def _not_run_lines(report: Report) -> list[str]:
    """The rules not run, each with its reason — except those a 情况说明 checked alone could not run
    for want of tables: one line counts them (listing a hundred table rules says nothing)."""
    if not report.not_run:
        return []
    tables = [n for n in report.not_run if TEXT_ONLY in n.reason]
    lines = ["", click.style(f"未执行的规则（{len(report.not_run)} 条，不算通过）：", bold=True)]
    lines += [f"  {n.rule} {n.name}：{n.reason}" for n in report.not_run if TEXT_ONLY not in n.reason]
    if tables:
        lines.append(f"  另有 {len(tables)} 条规则要用表格数字，只有情况说明时未执行；连同工作簿一起校验即可执行。")
    return lines


def _finding_lines(finding: Finding, misfit: bool) -> list[str]:
    where = finding.cell or "—"
    if finding.layout:
        badge = click.style("[表样]", fg=LAYOUT_COLOUR)
    else:
        badge = click.style(f"[{finding.severity}]", fg=COLOURS[finding.severity], bold=finding.severity == ERROR)
    lines = [f"  {badge} {where:<6} {finding.rule} {finding.name}", f"{INDENT}{finding.message}"]
    # how to fix a layout problem is beside the point when the pack does not fit at all
    if finding.explanation and finding.severity != INFO and not (finding.layout and misfit):
        lines.append(click.style(f"{INDENT}怎么改：{finding.explanation}", dim=True))
    if finding.remark:
        lines.append(f"{INDENT}单位说明：{finding.remark}")
    return lines


def _hidden_line(hidden: list[Finding]) -> str:
    """What the chosen level leaves out, by kind, and where to see it."""
    parts = [f"{severity} {n} 条" for severity in (WARNING, INFO) if (n := sum(f.severity == severity for f in hidden))]
    notes = [f for f in hidden if f.severity == INFO]
    kinds = [
        (sum(1 for f in notes if f.rounding), "四舍五入"),
        (sum(1 for f in notes if f.caused_by and not f.rounding), "由其他问题引起"),
        (sum(1 for f in notes if f.rule == UNCOVERED), "情况说明中未由规则核对的数字"),
    ]
    named = "、".join(f"{label} {n} 条" for n, label in kinds if n)
    detail = "、".join(parts) + (f"（{named}）" if named else "")
    return (
        f"（另有 {len(hidden)} 条较低级别的结果未显示：{detail}；用 --level info 查看全部，"
        "标注副本的“校验结果”表也列出全部结果。）"
    )


def _coverage_lines(report: Report) -> list[str]:
    """For pack authors: how many of the narrative's numbers rules checked, and which not."""
    lines = ["", click.style("情况说明覆盖（供规则包编写者）", bold=True)]
    if not report.narrative_numbers:
        return lines + ["  没有可核对的情况说明数字（没有情况说明，或规则包没有情况说明规则）。"]
    share = report.narrative_checked / report.narrative_numbers
    lines.append(
        f"  情况说明：{report.narrative_numbers} 个数字，{report.narrative_checked} 个由规则核对（{share:.0%}）。"
    )
    lines += [f"  {f.cell or '—':<6} {f.message}" for f in report.findings if f.rule == UNCOVERED]
    return lines


def _waived_lines(report: Report) -> list[str]:
    """The findings a bureau waived, each with its reason; and waivers for this unit that matched nothing."""
    lines = []
    if report.waived:
        lines += ["", click.style(f"已豁免（{len(report.waived)} 条，不计入错误、警告和结论）：", bold=True)]
        for waived in report.waived:
            finding = waived.finding
            lines.append(f"  [{finding.severity}] {finding.location or '—'} {finding.rule} {finding.name}")
            by = "，".join(x for x in (f"批准：{waived.by}" if waived.by else "", waived.date) if x)
            lines.append(f"{INDENT}理由：{waived.reason}" + (f"（{by}）" if by else ""))
    if report.waiver_notices:
        lines += [""] + [f"注意：{notice}" for notice in report.waiver_notices]
    return lines


def _next_step(report: Report) -> list[str]:
    """``下一步``: what the department does now, from the verdict and the 说明 already written."""
    warnings = [f for f in report.findings if f.severity == WARNING and not f.layout]
    if report.mode == "narrative":  # a 情况说明 alone: no 校验结果 sheet to explain warnings in
        if report.kind == FAIL or warnings:
            return [
                "下一步：按每条结果下的“怎么改”修改情况说明，重新校验（--annotate 写出标出问题句子的副本）；定稿后连同表格一起校验。"
            ]
        return ["下一步：只凭文字能核对的都没有发现问题；定稿后连同表格一起校验，需要表格的规则才能执行。"]
    unexplained = sum(1 for f in warnings if not f.remark)
    explain = (
        f"在标注副本“校验结果”表的“说明”列为其余 {unexplained} 条警告写明说明（已写 {len(warnings) - unexplained} 条）"
        if unexplained < len(warnings)
        else f"在标注副本“校验结果”表的“说明”列为 {unexplained} 条警告逐条写明说明"
    )
    if report.kind == FAIL:
        text = "按每条错误下的“怎么改”修改，重新校验"
        return [f"下一步：{text}；{explain}（--annotate 写出标注副本）。" if unexplained else f"下一步：{text}。"]
    if report.kind == PASS and unexplained:
        return [f"下一步：{explain}（--annotate 写出标注副本），再报送。"]
    if report.kind == PASS and warnings:
        return ["下一步：每条警告都已写明说明，可以报送。"]
    return []


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
