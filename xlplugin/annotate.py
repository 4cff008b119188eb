"""Annotated workbooks: every finding marked on its cell, one sheet that lists them all, nothing lost.

:func:`annotate` writes a copy of a workbook in which

- each cell with findings gets a fill by its most severe finding (a narrative finding marks its
  paragraph in 情况说明 and the table cells the sentence was compared with) (错误 red, 警告 yellow, 提示 blue)
  and one comment (author ``xlplugin``) listing every finding on it: severity, rule, message,
  expected, actual and difference;
- a sheet **校验结果** summarises the check (verdict, counts by severity and by table, pack, time)
  and lists every finding with a link to its cell and a **说明** column for the department's
  explanation, frozen header and filters;
- a very hidden sheet ``_xlplugin`` records each cell's original fill, so that :func:`clean` can
  restore the original look even after Excel has renumbered the styles.

The copy is made part by part (:mod:`xlplugin.ooxml`): every part the annotation does not own keeps
its original bytes, so charts, images, shapes, VBA, data validation, conditional formats, defined
names and the user's own comments all survive. Annotating an annotated workbook first removes the
previous annotation, so annotations never pile up, and 说明 already written are carried over to the
same finding (same rule, same cell).
"""
from __future__ import annotations

import datetime as _dt
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from lxml import etree

from xlplugin.book import Book
from xlplugin.findings import ERROR, INFO, SEVERITIES, WARNING, Finding, Report
from xlplugin.kinds.base import fmt
from xlplugin.ooxml import NS, Package, parse_xml
from xlplugin.xlcomments import HEADING, SheetComments
from xlplugin.xlsheet import SheetXml, build_sheet, plain_text, read_values
from xlplugin.xlstyles import Styles, canonical, font, solid_fill

__all__ = ["annotate", "clean", "read_explanations", "annotated_name", "cell_marks", "result_summary", "result_rows",
           "Mark", "fill_for_verdict", "looks_like_result_sheet", "RESULT_SHEET", "RESULT_NAMES", "MANIFEST_SHEET", "FILLS", "HEADINGS"]

RESULT_SHEET = "校验结果"
MANIFEST_SHEET = "_xlplugin"
FILLS = {ERROR: "FFFFC7CE", WARNING: "FFFFEB9C", INFO: "FFDDEBF7"}
_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}
HEADINGS = ["序号", "级别", "规则", "规则名称", "表", "位置", "问题", "应为", "实际", "差额", "说明"]
WIDTHS = [6, 6, 9, 28, 10, 15, 72, 12, 12, 10, 40]
_MANIFEST_HEADINGS = ["sheet", "cell", "style", "fill", "created"]
# Our result sheet's name when the department has a sheet of its own called 校验结果 (the manifest
# records which one was used).
_OTHER_RESULT_NAMES = tuple(f"{RESULT_SHEET}（xlplugin{'' if n == 1 else n}）" for n in range(1, 100))
RESULT_NAMES = (RESULT_SHEET, *_OTHER_RESULT_NAMES)  # ours, or the first free one when a sheet of theirs has the name
_STYLE_REFERENCE = re.compile(rb'\s(?:s|style)="(\d+)"')


@dataclass(frozen=True)
class Mark:
    """What one cell gets: the fill of its most severe finding and our comment (heading + body)."""

    severity: str
    heading: str
    body: str

    @property
    def text(self) -> str:
        return f"{self.heading}\n{self.body}"


def cell_marks(report: Report, sheet_names) -> dict[str, dict[str, Mark]]:
    """Sheet → cell → :class:`Mark`, for every finding on a sheet in ``sheet_names``.

    Both doors mark from this: the file door (:func:`annotate`) and the Excel door
    (:mod:`xlplugin.excel`), so a cell looks the same whichever door checked it."""
    grouped: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in report.findings:
        places = [(finding.sheet, finding.cell)] + finding.also_mark  # a narrative claim: its table cells too
        for sheet, cell in dict.fromkeys(places):
            if cell and sheet in sheet_names:
                grouped[sheet][cell].append(finding)
    return {
        sheet: {
            ref: Mark(min((f.severity for f in findings), key=_RANK.__getitem__), _comment_heading(findings),
                      "\n\n".join(_comment_entry(f) for f in findings))
            for ref, findings in cells.items()
        }
        for sheet, cells in grouped.items()
    }


@dataclass(frozen=True)
class Annotation:
    """What an annotation did: where it wrote, how many cells it marked, which sheets it touched."""

    path: Path
    cells: int
    sheets: tuple[str, ...]


def annotated_name(path: Path) -> Path:
    """``报表.xlsx`` → ``报表.校验.xlsx`` (the suffix, and so .xlsm macros, is kept)."""
    return path.with_name(f"{path.stem}.校验{path.suffix}")


def read_explanations(book: Book) -> dict[tuple[str, str], str]:
    """说明 the department wrote in a previous 校验结果 sheet, by (rule, location)."""
    # ours under another name first: it is only used when the department has a 校验结果 of its own
    sheet = next((s for s in map(book.sheet, (*_OTHER_RESULT_NAMES, RESULT_SHEET)) if s is not None), None)
    if sheet is None:
        return {}
    rows = [["" if v is None else str(v) for v in row] for row in sheet.rows]
    header = next((i for i, row in enumerate(rows) if {"规则", "位置", "说明"} <= set(row)), None)
    if header is None:
        return {}
    columns = {name: rows[header].index(name) for name in ("规则", "位置", "说明")}
    notes = {}
    for row in rows[header + 1:]:
        padded = row + [""] * (len(HEADINGS) - len(row))
        note = padded[columns["说明"]].strip()
        if note:
            notes[(padded[columns["规则"]], padded[columns["位置"]])] = note
    return notes


def annotate(
    source: str | Path,
    report: Report,
    target: str | Path,
    *,
    pack_name: str = "",
    titles: dict[str, str] | None = None,
    explanations: dict[tuple[str, str], str] | None = None,
    checked_at: _dt.datetime | None = None,
) -> Annotation:
    """Write ``target``: ``source`` with ``report``'s findings marked (``source`` is only read)."""
    package = Package(source)
    _remove(package)
    styles = Styles(package)
    parts = {name: part for name, part, _ in _worksheets(package)}
    by_sheet = cell_marks(report, parts)
    counts = styles.counts()
    taken = {name for name, _, _ in package.sheets()}
    result_name = next(n for n in RESULT_NAMES if n not in taken)  # a sheet of theirs has the name
    manifest = [[(h, 0) for h in _MANIFEST_HEADINGS], [("styles", 0)] + [(str(counts[t]), 0) for t in ("font", "fill", "border", "xf")]]
    if result_name != RESULT_SHEET:
        manifest.append([("result", 0), (result_name, 0)])
    for sheet_name, cells in by_sheet.items():
        part = parts[sheet_name]
        sheet = SheetXml(package.xml(part))
        comments = SheetComments(package, part, sheet)
        for ref, mark in cells.items():
            existing = sheet.cell(ref)
            original = sheet.style_of(ref)
            manifest.append([(sheet_name, 0), (ref, 0), (existing.get("s", "") if existing is not None else "", 0),
                             (canonical(styles.fill_of(original)).decode(), 0),
                             ("" if existing is not None else "1", 0)])
            sheet.cell(ref, create=True).set("s", str(styles.with_fill(original, solid_fill(FILLS[mark.severity]))))
            comments.add(ref, mark.heading, mark.body)
        comments.save()
        package.write(part, sheet.root)
    package.add_sheet(result_name, _result_sheet(report, styles, pack_name, titles or {}, explanations or {}, checked_at or _dt.datetime.now()))
    package.add_sheet(MANIFEST_SHEET, build_sheet(manifest, [12] * len(_MANIFEST_HEADINGS)), state="veryHidden")
    styles.save()
    return Annotation(package.save(target), sum(len(c) for c in by_sheet.values()), tuple(by_sheet))


def clean(source: str | Path, target: str | Path) -> Annotation:
    """Write ``target``: ``source`` without any xlplugin annotation, in its original look."""
    package = Package(source)
    restored, sheets = _remove(package)
    return Annotation(package.save(target), restored, sheets)


def _remove(package: Package) -> tuple[int, tuple[str, ...]]:
    """Remove our comments, fills and sheets from ``package`` in memory."""
    manifest, counts, result_name = _read_manifest(package)
    result_name = result_name if result_name is not None else (RESULT_SHEET if _is_our_result_sheet(package, RESULT_SHEET) else None)
    styles = Styles(package)
    restored, touched = 0, []
    for name, part, sheet in _worksheets(package):
        if name in (result_name, MANIFEST_SHEET):
            continue
        comments = SheetComments(package, part, sheet)
        comments.remove_ours()
        drawing_before = sheet.legacy_drawing_id()
        comments.save()
        changed = comments.dirty or drawing_before != sheet.legacy_drawing_id()
        for ref, style, fill_xml, created in manifest.get(name, []):
            if _restore_cell(sheet, styles, ref, style, fill_xml, created):
                restored += 1
                changed = True
        if changed:
            package.write(part, sheet.root)
            touched.append(name)
    if result_name is not None:
        package.remove_sheet(result_name)
    package.remove_sheet(MANIFEST_SHEET)
    styles.trim(counts, _used_formats(package))
    styles.save()
    if not any(name.endswith(".vml") for name in package.names):
        package.drop_default_type("vml")
    return restored, tuple(touched)


def _used_formats(package: Package) -> set[int]:
    """Every cell format index the worksheets refer to (cells, rows, columns)."""
    used: set[int] = set()
    for _, part, _ in package.sheets():
        if part in package:
            used.update(int(n) for n in _STYLE_REFERENCE.findall(package.read(part)))
    return used


def _worksheets(package: Package) -> list[tuple[str, str, SheetXml]]:
    """(name, part, parsed sheet) of every worksheet: chart sheets, dialog and macro sheets have no
    cells to mark and are left alone."""
    found = []
    for name, part, _ in package.sheets():
        if part in package:
            root = package.xml(part)
            if root.tag == f"{{{NS['m']}}}worksheet" and root.find("m:sheetData", NS) is not None:
                found.append((name, part, SheetXml(root)))
    return found


def _is_our_result_sheet(package: Package, name: str) -> bool:
    """A sheet laid out as the 校验结果 either door writes: title in A1, :data:`HEADINGS` in row 9.

    Used when our manifest is missing (the Excel door writes none; a program may drop a very
    hidden sheet), so that a sheet of the department's own that happens to be called 校验结果 is
    never removed."""
    part = package.sheet_part(name)
    if part is None or part not in package:
        return False
    root = package.xml(part)
    if root.tag != f"{{{NS['m']}}}worksheet" or root.find("m:sheetData", NS) is None:
        return False
    return looks_like_result_sheet(read_values(root, _shared_strings(package)))


def fill_for_verdict(report: Report) -> str:
    """The 结论 cell's fill: red with errors, yellow with warnings only, green when it passes."""
    return FILLS[ERROR] if not report.valid else FILLS[WARNING] if report.count(WARNING) else "FFC6EFCE"


def looks_like_result_sheet(rows) -> bool:
    """Rows (from A1) laid out as our 校验结果: the title in A1 and :data:`HEADINGS` in row 9."""
    rows = [list(row) for row in rows]
    return len(rows) >= 9 and rows[0][:1] == [RESULT_SHEET] and rows[8][:len(HEADINGS)] == HEADINGS


def _restore_cell(sheet: SheetXml, styles: Styles, ref: str, style: str, fill_xml: str, created: bool) -> bool:
    cell = sheet.cell(ref)
    if cell is None:
        return False
    current = int(cell.get("s", "0"))
    if not _is_our_fill(styles.fill_of(current)):
        return False  # the department changed this cell's fill since: theirs now
    original = int(style or "0")
    if styles.is_variant(original, current):
        # the numbering is still ours: put the attribute back exactly as it was
        if style:
            cell.set("s", style)
        else:
            cell.attrib.pop("s", None)
    else:  # Excel renumbered the styles since: rebuild the original look from the recorded fill
        cell.set("s", str(styles.with_fill(current, parse_xml(fill_xml.encode("utf-8")))))
    if created:
        sheet.remove_if_empty(ref)
    return True


def _is_our_fill(fill) -> bool:
    """A solid fill in one of our colours (tolerant of how another program rewrote it)."""
    pattern = fill.find("m:patternFill", NS)
    colour = pattern.find("m:fgColor", NS) if pattern is not None else None
    return pattern is not None and pattern.get("patternType") == "solid" and colour is not None and (colour.get("rgb") or "").upper() in FILLS.values()


def _read_manifest(package: Package) -> tuple[dict[str, list[tuple[str, str, str, bool]]], dict[str, int], str | None]:
    """Our record of the cells we marked (by sheet), the style counts before we added any, and the
    name of our result sheet (``None`` without a manifest: then no sheet is known to be ours)."""
    part = package.sheet_part(MANIFEST_SHEET)
    if part is None or part not in package:
        return {}, {}, None
    grid = read_values(package.xml(part), _shared_strings(package))
    entries: dict[str, list] = defaultdict(list)
    counts: dict[str, int] = {}
    result_name = RESULT_SHEET
    for row in grid[1:]:
        row = row + [""] * (len(_MANIFEST_HEADINGS) - len(row))
        if row[0] == "styles" and all(v.isdigit() for v in row[1:5]):
            counts = dict(zip(("font", "fill", "border", "xf"), (int(v) for v in row[1:5])))
        elif row[0] == "result" and row[1] and not row[3]:
            result_name = row[1]
        elif row[0] and row[1] and row[3]:
            entries[row[0]].append((row[1], row[2], row[3], row[4] == "1"))
    return entries, counts, result_name


def _shared_strings(package: Package) -> list[str]:
    related = package.related(package.workbook_part, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings")
    if not related or related[0] not in package:
        return []
    root = package.xml(related[0])
    return [plain_text("".join(t.text or "" for t in item.iter(f"{{{NS['m']}}}t"))) for item in root.findall("m:si", NS)]


# ---------------------------------------------------------------------------------------------
# Texts


def _comment_heading(findings: list[Finding]) -> str:
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    return HEADING + "，".join(f"{s} {n}" for s, n in counts.items() if n)


def _comment_entry(finding: Finding) -> str:
    lines = [f"[{finding.severity}] {finding.rule} {finding.name}", finding.message]
    if finding.expected is not None or finding.actual is not None:
        figures = [f"应为 {_text(finding.expected)}", f"实际 {_text(finding.actual)}"]
        if finding.difference is not None:
            figures.append(f"差 {_text(finding.difference)}")
        lines.append("；".join(figures))
    return "\n".join(lines)


def _text(value) -> str:
    return fmt(value) if value is None or not isinstance(value, str) else value


def _location(finding: Finding) -> str:
    return f"{finding.sheet}!{finding.cell}" if finding.cell else (finding.table or "")


def _link(finding: Finding) -> str:
    return "'" + finding.sheet.replace("'", "''") + "'!" + finding.cell


def _lines(text: str, width: float) -> int:
    from xlplugin.display import display_width

    return max(1, -(-display_width(text) // int(width - 1)))


def result_summary(report: Report, pack_name: str, checked_at: _dt.datetime) -> list[tuple[str, str]]:
    """The 校验结果 sheet's heading block: (label, value) for 结论, 工作簿, 规则包, 校验时间, 结果数, 按表."""
    per_table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for finding in report.findings:
        per_table[finding.table or "工作簿"][finding.severity] += 1
    by_table = "；".join(
        f"{table}：" + "、".join(f"{s} {counts[s]}" for s in SEVERITIES if counts.get(s)) for table, counts in per_table.items()
    )
    return [
        ("结论", report.verdict),
        ("工作簿", report.workbook),
        ("规则包", f"{report.pack_id} {report.pack_version}  {pack_name}".rstrip()),
        ("校验时间", checked_at.strftime("%Y-%m-%d %H:%M")),
        ("结果数", f"错误 {report.count(ERROR)} · 警告 {report.count(WARNING)} · 提示 {report.count(INFO)} · 未执行规则 {len(report.not_run)}"),
        ("按表", by_table or "无"),
    ]


def result_rows(report: Report, titles: dict[str, str], explanations: dict[tuple[str, str], str]) -> list[tuple[Finding, list]]:
    """The 校验结果 list, 错误 first, then 警告, 提示: each finding with its row's values under :data:`HEADINGS`."""
    rows = []
    ordered = sorted(report.findings, key=lambda f: _RANK[f.severity])
    for number, finding in enumerate(ordered, start=1):
        location = _location(finding)
        table = finding.table + (f" {titles[finding.table]}" if finding.table in titles else "")
        rows.append((finding, [number, finding.severity, finding.rule, finding.name, table, location, finding.message,
                               finding.expected, finding.actual, finding.difference, explanations.get((finding.rule, location), "")]))
    return rows


def _result_sheet(report: Report, styles: Styles, pack_name: str, titles: dict[str, str],
                  explanations: dict[tuple[str, str], str], checked_at: _dt.datetime):
    plain = styles.cell_format(font=font(), wrap=True, vertical="center")
    bold = styles.cell_format(font=font(bold=True), vertical="center")
    title = styles.cell_format(font=font(size=14, bold=True))
    header = styles.cell_format(font=font(bold=True), fill=solid_fill("FFD9D9D9"), border=True, wrap=True, horizontal="center", vertical="center")
    body = styles.cell_format(font=font(), border=True, wrap=True)
    link = styles.cell_format(font=font(underline=True, rgb="FF0563C1"), border=True)
    money = styles.cell_format(font=font(), border=True, number_format=4)
    count = styles.cell_format(font=font(), border=True, number_format=3)

    def amount(value):
        if isinstance(value, Decimal):
            exponent = value.as_tuple().exponent
            return value, money if isinstance(exponent, int) and exponent < 0 else count
        return value, body

    badge = {s: styles.cell_format(font=font(bold=s == ERROR), fill=solid_fill(rgb), border=True, horizontal="center") for s, rgb in FILLS.items()}
    verdict_fill = fill_for_verdict(report)
    verdict = styles.cell_format(font=font(size=12, bold=True), fill=solid_fill(verdict_fill), vertical="center")

    summary = result_summary(report, pack_name, checked_at)
    rows = [[("校验结果", title)]]
    rows += [[(label, bold), (value, verdict if label == "结论" else plain)] for label, value in summary]
    rows += [[], [(h, header) for h in HEADINGS]]
    heights = {1: 20.0, 6: 15.0 * _lines(summary[-1][1], sum(WIDTHS[1:]))}
    links = []
    for finding, values in result_rows(report, titles, explanations):
        row_index = len(rows)
        styles_by_column = [body, badge[finding.severity], body, body, body, link if finding.cell else body, body]
        rows.append([(v, style) for v, style in zip(values, styles_by_column)] + [amount(v) for v in values[7:10]] + [(values[10], body)])
        heights[row_index] = 14.0 * max(_lines(finding.message, WIDTHS[6]), _lines(values[4], WIDTHS[4])) + 4
        if finding.cell and finding.sheet:
            links.append((f"F{row_index + 1}", _link(finding)))
    last = len(rows)
    if report.not_run:
        rows += [[], [(f"未执行的规则（{len(report.not_run)} 条，不算通过）", bold)]]
        rows += [[None, None, (n.rule, plain), (n.name, plain), None, None, (n.reason, plain)] for n in report.not_run]
    summary_merges = [f"B{r}:K{r}" for r in range(2, 8)]
    return build_sheet(rows, WIDTHS, freeze_rows=9, autofilter=f"A9:K{max(last, 9)}", hyperlinks=links, heights=heights,
                       tab_color="FFC00000", merges=summary_merges, printable=True)

