"""The bureau's overviews of a batch: 汇总.xlsx and a self-contained 汇总.html.

Both are built by streaming ``汇总.jsonl`` (one summary per workbook): rows go straight to the output
and only per-rule counters are kept, so they stay cheap for any number of units.

- **汇总.xlsx** — 单位 (one row per workbook: unit, verdict, counts by severity, main problems, links
  to its annotated copy and report), 规则 (per rule: how many units fail it, how many findings),
  无法校验 (files that could not be checked, and why).
- **汇总.html** — the same at a glance, for a browser without network: counts, a bar chart of units
  failing each rule and of problems per unit (inline SVG), a table sortable by clicking a heading
  (or by ``#sort=列名`` in the address), and the list of files that could not be checked.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from xlplugin.core import codes

__all__ = ["write_overview_xlsx", "write_overview_html", "read_summaries", "tally", "Tally"]

UNIT_HEADINGS = [
    "序号",
    "单位",
    "年度",
    "文件",
    "结论",
    "错误",
    "警告",
    "提示",
    "未执行规则",
    "主要问题",
    "标注副本",
    "报告",
    "耗时（秒）",
]


def read_summaries(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


@dataclass
class Tally:
    """The batch in numbers: per rule the units with findings and the findings, and the units that
    passed, failed or could not be checked. Counted once, for both overviews and the CLI's verdict."""

    units: Counter = field(default_factory=Counter)
    findings: Counter = field(default_factory=Counter)
    passed: int = 0
    failed: int = 0
    unreadable: int = 0


def tally(path: Path) -> Tally:
    counted = Tally()
    for summary in read_summaries(path):
        if "error" in summary:
            counted.unreadable += 1
            continue
        counted.passed += bool(summary["valid"])
        counted.failed += not summary["valid"]
        for rule, count in summary.get("failed_rules", {}).items():
            counted.units[rule] += 1
            counted.findings[rule] += count
    return counted


def _name(rule: str, names: dict[str, str]) -> str:
    """A rule's name, or the Chinese title of a code the engine reports itself (``READ.not-a-number``)."""
    if rule in names:
        return names[rule]
    return codes.title(rule) if rule.removeprefix("READ.") in codes.CODES else ""


def _main_problems(summary: dict, names: dict[str, str]) -> str:
    top = list(summary.get("failed_rules", {}).items())[:3]
    return "；".join(f"{rule} {_name(rule, names)}（{count}）" for rule, count in top)


def _texts(sheet, values: list) -> list:
    """Cells for one row: every string is stored as text, never as a formula. Unit and file names
    and error messages come from the departments' workbooks, so ``=HYPERLINK(…)`` must stay words;
    characters a worksheet cannot hold are dropped. Cells already made are kept as they are."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cells = []
    for value in values:
        if isinstance(value, str):
            value = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
            value.data_type = "s"
        cells.append(value)
    return cells


def _link(sheet, target: str, label: str):
    """Our own HYPERLINK formula to an output file (its name made safe by :func:`batch.safe_name`)."""
    from openpyxl.cell import WriteOnlyCell

    return WriteOnlyCell(sheet, f'=HYPERLINK("{target.replace(chr(34), "")}","{label}")')


def write_overview_xlsx(summary_path: Path, target: Path, pack, counted: Tally | None = None) -> Path:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    names = {r.id: r.name for r in pack.rules}
    severities = {r.id: r.severity for r in pack.rules}
    counted = counted or tally(summary_path)
    units, findings = counted.units, counted.findings
    workbook = Workbook(write_only=True)
    bold = Font(name="宋体", bold=True)
    header_fill = PatternFill("solid", fgColor="FFD9D9D9")
    fills = {True: PatternFill("solid", fgColor="FFC6EFCE"), False: PatternFill("solid", fgColor="FFFFC7CE")}

    def heading(sheet, titles):
        cells = []
        for title in titles:
            cell = WriteOnlyCell(sheet, title)
            cell.font, cell.fill, cell.alignment = (
                bold,
                header_fill,
                Alignment(horizontal="center", vertical="center", wrap_text=True),
            )
            cells.append(cell)
        sheet.append(cells)

    sheet = workbook.create_sheet("单位")
    for letter, width in zip("ABCDEFGHIJKLM", (6, 34, 7, 30, 30, 7, 7, 7, 10, 60, 12, 10, 9)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "C2"
    heading(sheet, UNIT_HEADINGS)
    number = 0
    for summary in read_summaries(summary_path):
        if "error" in summary:
            continue
        number += 1
        verdict = _texts(sheet, [summary["verdict"]])[0]
        verdict.fill = fills[bool(summary["valid"])]
        annotated = summary.get("annotated")
        sheet.append(
            _texts(
                sheet,
                [
                    number,
                    summary["unit"],
                    summary.get("year", ""),
                    summary["file"],
                    verdict,
                    summary["errors"],
                    summary["warnings"],
                    summary["infos"],
                    summary["not_run"],
                    _main_problems(summary, names),
                    _link(sheet, annotated, "打开") if annotated else "",
                    _link(sheet, summary["report"], "JSON"),
                    summary.get("seconds", ""),
                ],
            )
        )
    sheet.auto_filter.ref = f"A1:M{number + 1}"

    rules = workbook.create_sheet("规则")
    for letter, width in zip("ABCDE", (10, 50, 7, 16, 12)):
        rules.column_dimensions[letter].width = width
    rules.freeze_panes = "A2"
    heading(rules, ["规则", "名称", "级别", "有问题的单位数", "结果条数"])
    for rule in sorted(names, key=lambda r: (-units[r], r)):
        rules.append(_texts(rules, [rule, names[rule], severities[rule], units[rule], findings[rule]]))
    for rule in sorted(set(units) - set(names)):  # reading problems (READ.*) and coverage
        rules.append(_texts(rules, [rule, _name(rule, names), "", units[rule], findings[rule]]))

    broken = workbook.create_sheet("无法校验")
    for letter, width in zip("ABC", (40, 90, 22)):
        broken.column_dimensions[letter].width = width
    heading(broken, ["文件", "原因", "代码"])
    for summary in read_summaries(summary_path):
        if "error" in summary:
            broken.append(_texts(broken, [summary["path"], summary["error"], summary.get("code", "")]))

    overview = workbook.create_sheet("概况", 0)
    overview.column_dimensions["A"].width = 16
    overview.column_dimensions["B"].width = 60
    for label, value in (
        ("规则包", f"{pack.id} {pack.version} {pack.name}"),
        ("工作簿", counted.passed + counted.failed + counted.unreadable),
        ("通过", counted.passed),
        ("不通过", counted.failed),
        ("无法校验", counted.unreadable),
    ):
        label_cell = WriteOnlyCell(overview, label)
        label_cell.font = bold
        overview.append(_texts(overview, [label_cell, value]))
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target


# ---------------------------------------------------------------------------------------------
# HTML

_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:24px;color:#222}
h1{font-size:22px;margin:0 0 12px} h2{font-size:17px;margin:28px 0 8px}
.cards{display:flex;gap:12px;flex-wrap:wrap} .card{border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:110px}
.card b{display:block;font-size:24px} .ok{color:#217346} .bad{color:#c00000} .warn{color:#9c6500}
table{border-collapse:collapse;width:100%;font-size:13px} th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f2f2f2;cursor:pointer;user-select:none;white-space:nowrap} th:after{content:" ⇅";color:#999}
td.n{text-align:right} tr.fail td:nth-child(5){background:#ffc7ce} tr.pass td:nth-child(5){background:#c6efce}
.charts{display:flex;gap:24px;flex-wrap:wrap} svg text{font-size:11px}
"""

_SCRIPT = """
function sortBy(table, index, numeric, descending){
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  rows.sort((a, b) => {
    const x = a.cells[index].dataset.v ?? a.cells[index].textContent, y = b.cells[index].dataset.v ?? b.cells[index].textContent;
    const c = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y, "zh");
    return descending ? -c : c;
  });
  rows.forEach(r => body.appendChild(r));
}
document.querySelectorAll("table.sortable").forEach(table => {
  table.querySelectorAll("th").forEach((th, index) => {
    th.addEventListener("click", () => {
      const descending = th.dataset.order !== "desc";
      th.dataset.order = descending ? "desc" : "asc";
      sortBy(table, index, th.dataset.type === "n", descending);
    });
  });
  let wanted = "";
  try { wanted = decodeURIComponent(location.hash.replace(/^#sort=/, "")); } catch (error) { /* a malformed #sort= */ }
  table.querySelectorAll("th").forEach((th, index) => {
    if (wanted && th.textContent === wanted) { th.dataset.order = "desc"; sortBy(table, index, th.dataset.type === "n", true); }
  });
});
"""


def _bars(title: str, items: list[tuple[str, int]], colour: str) -> str:
    if not items:
        return f"<div><h2>{html.escape(title)}</h2><p>无</p></div>"
    width, bar_height, label_width = 560, 18, 240
    top = max(count for _, count in items) or 1
    rows = []
    for index, (label, count) in enumerate(items):
        y = index * (bar_height + 6)
        length = (width - label_width - 40) * count / top
        rows.append(
            f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end">{html.escape(label[:22])}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="{colour}"/>'
            f'<text x="{label_width + length + 4:.1f}" y="{y + 13}">{count}</text>'
        )
    height = len(items) * (bar_height + 6)
    return (
        f"<div><h2>{html.escape(title)}</h2><svg width='{width}' height='{height}' role='img' "
        f"aria-label='{html.escape(title)}'>{''.join(rows)}</svg></div>"
    )


def _href(file_name: str) -> str:
    """A link to an output file beside the page: percent-encoded, so that "%" or a space in a unit's
    name still leads to its file."""
    return html.escape(quote(file_name))


def write_overview_html(summary_path: Path, target: Path, pack, counted: Tally | None = None) -> Path:
    names = {r.id: r.name for r in pack.rules}
    counted = counted or tally(summary_path)
    units, passed, failed, unreadable = counted.units, counted.passed, counted.failed, counted.unreadable
    problems_per_unit: Counter = Counter()
    rows, broken = [], []
    for summary in read_summaries(summary_path):
        if "error" in summary:
            broken.append(f"<tr><td>{html.escape(summary['path'])}</td><td>{html.escape(summary['error'])}</td></tr>")
            continue
        problems_per_unit[summary["unit"]] = summary["errors"] + summary["warnings"]
        link = f"<a href='{_href(summary['annotated'])}'>标注副本</a>" if summary.get("annotated") else ""
        state = "pass" if summary["valid"] else "fail"
        rows.append(
            f"<tr class='{state}'><td>{html.escape(summary['unit'])}</td><td>{html.escape(summary['file'])}</td>"
            f"<td class='n'>{summary['errors']}</td><td class='n'>{summary['warnings']}</td><td>{html.escape(summary['verdict'])}</td>"
            f"<td class='n'>{summary['infos']}</td><td>{html.escape(_main_problems(summary, names))}</td>"
            f"<td>{link} <a href='{_href(summary['report'])}'>JSON</a></td></tr>"
        )
    by_rule = [(f"{rule} {names.get(rule, '')}", count) for rule, count in units.most_common(15)]
    by_unit = [(unit, count) for unit, count in problems_per_unit.most_common(20) if count]
    total = passed + failed + unreadable
    document = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>部门决算校验汇总</title><style>{_STYLE}</style></head>
<body>
<h1>部门决算校验汇总</h1>
<p>规则包 {html.escape(pack.id)} {html.escape(pack.version)}（{html.escape(pack.name)}）</p>
<div class="cards">
<div class="card">工作簿<b>{total}</b></div><div class="card ok">通过<b>{passed}</b></div>
<div class="card bad">不通过<b>{failed}</b></div><div class="card warn">无法校验<b>{unreadable}</b></div>
</div>
<div class="charts">{_bars("各规则有问题的单位数", by_rule, "#c0504d")}{_bars("各单位的错误与警告数", by_unit, "#4f81bd")}</div>
<h2>各单位</h2>
<table class="sortable" id="units"><thead><tr><th>单位</th><th>文件</th><th data-type="n">错误</th><th data-type="n">警告</th>
<th>结论</th><th data-type="n">提示</th><th>主要问题</th><th>文件</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<h2>无法校验的文件（{unreadable}）</h2>
<table><thead><tr><th>文件</th><th>原因</th></tr></thead><tbody>{"".join(broken) or "<tr><td colspan='2'>无</td></tr>"}</tbody></table>
<script>{_SCRIPT}</script>
</body></html>
"""
    target.write_text(document, encoding="utf-8")
    return target
