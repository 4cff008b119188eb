"""汇总.html: the bureau's overview of a batch at a glance, for a browser without network.

Worst first, like 汇总.xlsx (:func:`xlplugin.output.overview_data.units`): the files that could not be
checked at the top of the page, cards with the counts (including 已说明 / 未说明 / 已豁免), bar charts
(inline SVG) of the units failing each rule and of the errors and warnings of the worst units, the
unit table (sortable by clicking a heading, or by ``#sort=列名`` in the address), then each unit's
errors and warnings with the department's 说明 (``#u<序号>`` opens a unit's), and the findings the
bureau waived, with the reason. Codes the engine reports itself are shown by their Chinese titles.
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import quote

from xlplugin.core import codes
from xlplugin.output.overview_data import SEVERITY_NAMES, Unit, location, rule_text, tally, units, waiver

__all__ = ["write_overview_html"]

_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:24px;color:#222}
h1{font-size:22px;margin:0 0 12px} h2{font-size:17px;margin:28px 0 8px}
.cards{display:flex;gap:12px;flex-wrap:wrap} .card{border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:110px}
.card b{display:block;font-size:24px} .ok{color:#217346} .bad{color:#c00000} .warn{color:#9c6500}
table{border-collapse:collapse;width:100%;font-size:13px} th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f2f2f2;white-space:nowrap} table.sortable th{cursor:pointer;user-select:none} table.sortable th:after{content:" ⇅";color:#999}
td.n{text-align:right} tr.fail td:nth-child(5){background:#ffc7ce} tr.pass td:nth-child(5){background:#c6efce}
td.error{background:#ffc7ce} td.warning{background:#ffeb9c} td.open{color:#9c6500} td.done{color:#217346}
.charts{display:flex;gap:24px;flex-wrap:wrap} svg text{font-size:11px}
.broken{border:2px solid #c00000;border-radius:6px;padding:4px 16px;margin:12px 0;background:#fff5f5}
.broken h2{color:#c00000;margin-top:8px} details{margin:6px 0} summary{cursor:pointer}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}
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
function openTarget(){
  const target = document.getElementById(location.hash.slice(1));
  if (target && target.tagName === "DETAILS") { target.open = true; }
}
window.addEventListener("hashchange", openTarget);
openTarget();
"""


def _e(value) -> str:
    return html.escape(str(value if value is not None else ""))


def _bars(title: str, items: list[tuple[str, list[int]]], colours: list[str], legend: list[str] = ()) -> str:
    """A horizontal bar chart: one bar per item, its values stacked in ``colours``."""
    if not items:
        return f"<div><h2>{_e(title)}</h2><p>无</p></div>"
    width, bar_height, label_width = 560, 18, 240
    top = max(sum(values) for _, values in items) or 1
    rows = []
    for index, (label, values) in enumerate(items):
        y = index * (bar_height + 6)
        x = float(label_width)
        rows.append(f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end">{_e(label[:22])}</text>')
        for value, colour in zip(values, colours):
            length = (width - label_width - 40) * value / top
            rows.append(f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="{colour}"/>')
            x += length
        rows.append(f'<text x="{x + 4:.1f}" y="{y + 13}">{"+".join(map(str, values))}</text>')
    height = len(items) * (bar_height + 6)
    key = "".join(f"<span style='background:{c}'></span>{_e(n)}" for n, c in zip(legend, colours))
    return (
        f"<div><h2>{_e(title)}</h2>{f'<p class=legend>{key}</p>' if key else ''}<svg width='{width}' height='{height}' "
        f"role='img' aria-label='{_e(title)}'>{''.join(rows)}</svg></div>"
    )


def _href(file_name: str) -> str:
    """A link to an output file beside the page: percent-encoded, so that "%" or a space in a unit's
    name still leads to its file."""
    return html.escape(quote(file_name))


def _unit_row(unit: Unit, number: int, names: dict[str, str], severities: dict[str, str]) -> str:
    summary = unit.summary
    link = f"<a href='{_href(summary['annotated'])}'>标注副本</a>" if summary.get("annotated") else ""
    state = "pass" if summary["valid"] else "fail"
    anchor = f"<a href='#u{number}'>{_e(summary['unit'])}</a>" if unit.findings or unit.waived else _e(summary["unit"])
    return (
        f"<tr class='{state}'><td>{anchor}</td><td>{_e(summary['file'])}</td>"
        f"<td class='n'>{summary['errors']}</td><td class='n'>{summary['warnings']}</td><td>{_e(summary['verdict'])}</td>"
        f"<td class='n'>{summary['infos']}</td><td class='n'>{unit.remarked}</td><td class='n'>{unit.unremarked}</td>"
        f"<td>{_e(unit.main_problems(names, severities))}</td>"
        f"<td>{link} <a href='{_href(summary['report'])}'>JSON</a></td></tr>"
    )


def _finding_cells(finding: dict, names: dict[str, str]) -> str:
    severity = finding.get("severity", "")
    return (
        f"<td class='{_e(severity)}'>{_e(SEVERITY_NAMES.get(severity, ''))}</td>"
        f"<td>{_e(rule_text(finding.get('rule', ''), names) or finding.get('name', ''))}</td>"
        f"<td>{_e(location(finding))}</td><td>{_e(finding.get('message', ''))}</td>"
    )


def _details(unit: Unit, number: int, names: dict[str, str]) -> str:
    rows = "".join(
        f"<tr>{_finding_cells(f, names)}"
        + (f"<td class='done'>{_e(f['remark'])}</td>" if f.get("remark") else "<td class='open'>未说明</td>")
        + "</tr>"
        for f in unit.findings
    )
    summary = unit.summary
    waived = f" · 已豁免 {unit.waived_count}" if unit.waived_count else ""
    return (
        f"<details id='u{number}'><summary><b>{_e(unit.name)}</b> 错误 {summary.get('errors', 0)} · "
        f"警告 {summary.get('warnings', 0)} · 已说明 {unit.remarked} · 未说明 {unit.unremarked}{waived}</summary>"
        + (
            f"<table><thead><tr><th>级别</th><th>规则</th><th>位置</th><th>问题</th><th>说明</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            if rows
            else "<p>没有错误和警告。</p>"
        )
        + "</details>"
    )


def _waived_rows(unit: Unit, names: dict[str, str]) -> str:
    rows = []
    for finding in unit.waived:
        granted = waiver(finding)
        rows.append(
            f"<tr><td>{_e(unit.name)}</td>{_finding_cells(finding, names)}<td>{_e(granted['reason'])}</td>"
            f"<td>{_e(granted['by'])}</td><td>{_e(granted['date'])}</td></tr>"
        )
    return "".join(rows)


def _broken_item(summary: dict) -> str:
    code = summary.get("code", "")
    kind = codes.title(code) if code else ""
    return f"<li><b>{_e(summary.get('path', ''))}</b>：{_e(kind + '：' if kind and kind != code else '')}{_e(summary.get('error', ''))}</li>"


def write_overview_html(summary_path: Path, target: Path, pack, counted=None) -> Path:
    names = {r.id: r.name for r in pack.rules}
    severities = {r.id: r.severity for r in pack.rules}
    counted = counted or tally(summary_path)
    rows, broken, details, waived, worst = [], [], [], [], []
    number = remarked = unremarked = waived_count = 0
    for unit in units(summary_path):
        number += 1
        if unit.broken:
            broken.append(_broken_item(unit.summary))
            continue
        remarked, unremarked = remarked + unit.remarked, unremarked + unit.unremarked
        waived_count += unit.waived_count
        rows.append(_unit_row(unit, number, names, severities))
        if (unit.count("errors") or unit.count("warnings")) and len(worst) < 20:
            worst.append((unit.name, [unit.count("errors"), unit.count("warnings")]))
        if unit.findings or unit.waived:
            details.append(_details(unit, number, names))
        waived.append(_waived_rows(unit, names))
    by_rule = [(rule_text(rule, names), [count]) for rule, count in counted.units.most_common(15)]
    total = counted.passed + counted.failed + counted.unreadable
    broken_section = (
        f"<section class='broken'><h2>无法校验的文件（{counted.unreadable}）</h2><ul>{''.join(broken)}</ul></section>"
        if broken
        else ""
    )
    waived_body = "".join(waived) or "<tr><td colspan='8'>无</td></tr>"
    document = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>部门决算校验汇总</title><style>{_STYLE}</style></head>
<body>
<h1>部门决算校验汇总</h1>
<p>规则包 {_e(pack.id)} {_e(pack.version)}（{_e(pack.name)}）</p>
{broken_section}
<div class="cards">
<div class="card">工作簿<b>{total}</b></div><div class="card ok">通过<b>{counted.passed}</b></div>
<div class="card bad">不通过<b>{counted.failed}</b></div><div class="card bad">无法校验<b>{counted.unreadable}</b></div>
<div class="card ok">已说明<b>{remarked}</b></div><div class="card warn">未说明<b>{unremarked}</b></div>
<div class="card">已豁免<b>{waived_count}</b></div>
</div>
<div class="charts">{_bars("各规则有问题的单位数", by_rule, ["#c0504d"])}{
        _bars("错误、警告最多的单位", worst, ["#c00000", "#ffc000"], ["错误", "警告"])
    }</div>
<h2>各单位（问题最多的在前）</h2>
<table class="sortable" id="units"><thead><tr><th>单位</th><th>文件</th><th data-type="n">错误</th><th data-type="n">警告</th>
<th>结论</th><th data-type="n">提示</th><th data-type="n">已说明</th><th data-type="n">未说明</th><th>主要问题</th><th>文件</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<h2>各单位的问题与说明</h2>
{"".join(details) or "<p>没有单位有错误或警告。</p>"}
<h2>已豁免的问题（{waived_count}，不计入错误、警告）</h2>
<table><thead><tr><th>单位</th><th>级别</th><th>规则</th><th>位置</th><th>问题</th><th>豁免理由</th><th>批准人</th><th>日期</th></tr></thead>
<tbody>{waived_body}</tbody></table>
<script>{_SCRIPT}</script>
</body></html>
"""
    target.write_text(document, encoding="utf-8")
    return target
