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

The copy is made part by part (:mod:`xlplugin.output.ooxml.package`): every part the annotation does not own keeps
its original bytes, so charts, images, shapes, VBA, data validation, conditional formats, defined
names and the user's own comments all survive. Annotating an annotated workbook first removes the
previous annotation, so annotations never pile up, and 说明 already written are carried over to the
same finding (same rule, same cell) — from its 校验结果, from the 校验说明 sheet :func:`clean` leaves,
and from the annotated copy being overwritten (:mod:`xlplugin.output.explanations`). The copy opens on
校验结果 (:mod:`xlplugin.output.ooxml.views`); each note's box is sized to its text
(:mod:`xlplugin.output.ooxml.note_box`). :func:`clean` gives back the workbook as it was, except that
the department's 说明 stay in a small 校验说明 sheet unless it is told to drop them.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from xlplugin.core.display import display_width
from xlplugin.core.findings import ERROR, Finding, Report
from xlplugin.engine.model import Pack
from xlplugin.output.excel_record import excel_door_record, restore_excel_cell
from xlplugin.output.explanations import (
    carried_explanations,
    explanations_in,
    our_explanations_sheet,
    write_explanations_sheet,
)
from xlplugin.output.marks import (
    EXCEL_STATE_SHEET,
    EXPLANATIONS_SHEET,
    FILLS,
    HEADINGS,
    MANIFEST_SHEET,
    RESULT_NAMES,
    RESULT_SHEET,
    WIDTHS,
    cell_marks,
    explanation_rows,
    fill_for_verdict,
    looks_like_result_sheet,
    read_explanations,
    result_rows,
    result_summary,
)
from xlplugin.output.ooxml.comments import SheetComments
from xlplugin.output.ooxml.package import NS, Package, parse_xml
from xlplugin.output.ooxml.sheet import SheetXml, build_sheet, read_values, shared_strings, sheet_grid
from xlplugin.output.ooxml.styles import Styles, canonical, font, heading_format, solid_fill
from xlplugin.output.ooxml.views import View, open_on, restore
from xlplugin.workbook.book import Book

__all__ = ["annotate", "clean", "clean_message", "annotated_name", "write_annotated", "MANIFEST_SHEET"]

_MANIFEST_HEADINGS = ["sheet", "cell", "style", "fill", "created"]
# Manifests without a version row were written before clean could tell which content types and id
# blocks it added.
_MANIFEST_VERSION = "2"
_STYLE_REFERENCE = re.compile(rb'\s(?:s|style)="(\d+)"')


@dataclass(frozen=True)
class Annotation:
    """What an annotation (or a clean) did: where it wrote, how many cells it marked (restored),
    which sheets it touched. ``carried``: 说明 taken over from the annotated copy it replaced.
    ``explanations``: for a clean, what became of the department's 说明 — ``"written"`` (a 校验说明
    sheet with ``kept`` of them now stands in place of 校验结果), ``"kept"`` (the workbook's
    校验说明 sheet, with ``kept`` 说明, was left as it is), ``"dropped"`` (removed as asked) or ``""``."""

    path: Path
    cells: int
    sheets: tuple[str, ...]
    carried: int = 0
    explanations: str = ""
    kept: int = 0


def annotated_name(path: Path) -> Path:
    """``报表.xlsx`` → ``报表.校验.xlsx`` (the suffix, and so .xlsm macros, is kept)."""
    return path.with_name(f"{path.stem}.校验{path.suffix}")


def write_annotated(source: str | Path, target: str | Path, report: Report, pack: Pack, book: Book) -> Annotation:
    """:func:`annotate` for a workbook checked with ``pack``: the result sheet names the pack and the
    tables' titles, and keeps the 说明 the department wrote in ``book``'s earlier 校验结果 (or 校验说明)
    sheet and in the annotated copy already at ``target``, which is read before it is replaced (a
    department may have typed 说明 into that copy)."""
    explanations, carried = carried_explanations(source, target, read_explanations(book))
    done = annotate(source, report, target, pack_name=pack.name, titles=pack.layout.titles, explanations=explanations)
    return Annotation(done.path, done.cells, done.sheets, carried=carried)


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
    """Write ``target``: ``source`` with ``report``'s findings marked (``source`` is only read).

    ``explanations`` (说明 by rule and location) go into the 说明 column; without them, those in the
    workbook's own 校验结果 or 校验说明 are kept. A 校验说明 sheet of ours is replaced by 校验结果. The
    copy opens on 校验结果 (:mod:`xlplugin.output.ooxml.views`), the department's sheets in their order."""
    package = Package(source)
    if explanations is None:
        explanations = explanations_in(package)
    worksheets = _remove(package, drop_explanations=True).worksheets
    styles = Styles(package)
    sheets = {name: (part, sheet) for name, part, sheet in worksheets}
    by_sheet = cell_marks(report, sheets)
    counts = styles.counts()
    taken = {name for name, _, _ in package.sheets()}
    result_name = next(n for n in RESULT_NAMES if n not in taken)  # a sheet of theirs has the name
    manifest = [
        [(h, 0) for h in _MANIFEST_HEADINGS],
        [("styles", 0)] + [(str(counts[t]), 0) for t in ("font", "fill", "border", "xf")],
        [("version", 0), (_MANIFEST_VERSION, 0)],
    ]
    if result_name != RESULT_SHEET:
        manifest.append([("result", 0), (result_name, 0)])
    if styles.part is None:  # the workbook has no styles part: the one we make goes with clean
        manifest.append([("styles-part", 0), ("created", 0)])
    for sheet_name, cells in by_sheet.items():
        part, sheet = sheets[sheet_name]
        comments = SheetComments(package, part, sheet)
        for ref, mark in cells.items():
            existing = sheet.cell(ref)
            original = sheet.style_of(ref)
            manifest.append(
                [
                    (sheet_name, 0),
                    (ref, 0),
                    (existing.get("s", "") if existing is not None else "", 0),
                    (canonical(styles.fill_of(original)).decode(), 0),
                    ("" if existing is not None else "1", 0),
                ]
            )
            sheet.cell(ref, create=True).set("s", str(styles.with_fill(original, solid_fill(FILLS[mark.severity]))))
            comments.add(ref, mark.heading, mark.body)
        comments.save()
        if comments.idmap_before is not None:  # a drawing of theirs got an id block: clean takes it back
            manifest.append([("vml", 0), (comments.vml_part, 0), (comments.idmap_before, 0)])
        package.write(part, sheet.root)
    package.add_sheet(
        result_name,
        _result_sheet(report, styles, pack_name, titles or {}, explanations, checked_at or _dt.datetime.now()),
    )
    view = open_on(package, result_name, {part: sheet.root for _, part, sheet in worksheets})
    manifest += [[(value, 0) for value in row] for row in view.manifest_rows()]
    package.add_sheet(MANIFEST_SHEET, build_sheet(manifest, [12] * len(_MANIFEST_HEADINGS)), state="veryHidden")
    styles.save()
    return Annotation(package.save(target), sum(len(c) for c in by_sheet.values()), tuple(by_sheet))


def clean(source: str | Path, target: str | Path, *, keep_explanations: bool = True) -> Annotation:
    """Write ``target``: ``source`` without any xlplugin annotation, in its original look.

    The department's 说明 are kept (``keep_explanations``): when the 校验结果 sheet being removed
    holds any, a visible 校验说明 sheet with those findings takes its place, to be sent with the
    workbook; a 校验说明 sheet already in the workbook (the department's submission) is left as it is.
    With ``keep_explanations=False`` (``clean --drop-explanations``) our 校验说明 goes too."""
    package = Package(source)
    removed = _remove(package, drop_explanations=not keep_explanations)
    state, kept = ("dropped" if removed.dropped_explanations else ""), 0
    rows = explanation_rows(removed.result_grid or []) if keep_explanations else []
    if rows:
        write_explanations_sheet(package, rows)
        state, kept = "written", len(rows)
    elif keep_explanations and our_explanations_sheet(package) is not None:
        state, kept = "kept", len(explanations_in(package))
    return Annotation(package.save(target), removed.restored, removed.touched, explanations=state, kept=kept)


def clean_message(done: Annotation) -> str:
    """What ``clean`` tells the user: where it wrote, and what became of the department's 说明."""
    message = f"已清除标注：{done.path}（恢复 {done.cells} 个单元格的底色）"
    if done.explanations == "written":
        message += (
            f"；单位写的 {done.kept} 条说明保留在“{EXPLANATIONS_SHEET}”表中，随工作簿报送"
            "（不需要时用 --drop-explanations）"
        )
    elif done.explanations == "kept":
        message += f"；“{EXPLANATIONS_SHEET}”表（{done.kept} 条说明）是单位报送的内容，保留"
    elif done.explanations == "dropped":
        message += f"；已删除“{EXPLANATIONS_SHEET}”表"
    return message


@dataclass
class _Removed:
    """What :func:`_remove` did: cells restored, sheets touched, the remaining worksheets as parsed
    (for :func:`annotate`), the text of the 校验结果 it removed (``None`` if none), and whether it
    removed our 校验说明."""

    restored: int
    touched: tuple[str, ...]
    worksheets: list[tuple[str, str, SheetXml]]
    result_grid: list[list[str]] | None
    dropped_explanations: bool


def _remove(package: Package, drop_explanations: bool) -> _Removed:
    """Remove our comments, fills and sheets from ``package`` in memory (with ``drop_explanations``,
    our 校验说明 sheet too), and give back the tab the workbook opened on."""
    record = _read_manifest(package)
    manifest, counts, result_name = record.cells, record.counts, record.result_name
    result_name = (
        result_name
        if result_name is not None
        else (RESULT_SHEET if _is_our_result_sheet(package, RESULT_SHEET) else None)
    )
    styles = Styles(package)
    restored, touched = 0, []
    # a workbook marked by the Excel button has the button's record instead of our manifest
    excel_cells, excel_result = excel_door_record(package) if not manifest else ({}, None)
    result_name = result_name or excel_result
    explanations = our_explanations_sheet(package) if drop_explanations else None
    worksheets = [w for w in _worksheets(package) if w[0] not in (result_name, MANIFEST_SHEET, explanations)]
    for name, part, sheet in worksheets:
        comments = SheetComments(package, part, sheet)
        comments.remove_ours()
        if comments.vml_part in record.idmaps:
            comments.restore_idmap(record.idmaps[comments.vml_part])
        drawing_before = sheet.legacy_drawing_id()
        comments.save()
        changed = comments.dirty or drawing_before != sheet.legacy_drawing_id()
        for ref, style, fill_xml, created in manifest.get(name, []):
            if _restore_cell(sheet, styles, ref, style, fill_xml, created):
                restored += 1
                changed = True
        for ref, original in excel_cells.get(name, []):
            if restore_excel_cell(sheet, styles, ref, original, _is_our_fill):
                restored += 1
                changed = True
        if changed:
            package.write(part, sheet.root)
            touched.append(name)
    result_grid = sheet_grid(package, result_name) if result_name is not None else None
    if result_name is not None:
        package.remove_sheet(result_name)
    package.remove_sheet(MANIFEST_SHEET)
    if excel_cells or excel_result:
        package.remove_sheet(EXCEL_STATE_SHEET)
    if explanations is not None:
        package.remove_sheet(explanations)
    restore(package, record.view, {part: sheet.root for _, part, sheet in worksheets})
    styles.trim(counts, _used_formats(package))
    if record.styles_created and styles.counts() == counts:
        styles.drop()  # the workbook had no styles part before we made one
    else:
        styles.save()
    if record.legacy and not any(name.endswith(".vml") for name in package.names):
        package.drop_default_type("vml")  # what an annotation of an earlier version added
    return _Removed(restored, tuple(touched), worksheets, result_grid, explanations is not None)


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
    grid = sheet_grid(package, name)
    return grid is not None and looks_like_result_sheet(grid)


def _restore_cell(sheet: SheetXml, styles: Styles, ref: str, style: str, fill_xml: str, created: bool) -> bool:
    cell = sheet.cell(ref)
    if cell is None:
        return False
    current = int(cell.get("s", "0"))
    if not _is_our_fill(styles.fill_of(current)):
        return False  # the department changed this cell's fill since: theirs now
    if created and len(cell) == 0 and set(cell.attrib) <= {"r", "s"}:
        # a cell we made and nobody filled in since: it goes (its look came from its row or column)
        cell.attrib.pop("s", None)
        sheet.remove_if_empty(ref)
        return True
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
    return (
        pattern is not None
        and pattern.get("patternType") == "solid"
        and colour is not None
        and (colour.get("rgb") or "").upper() in FILLS.values()
    )


@dataclass
class _Manifest:
    """What an annotation recorded in ``_xlplugin``: the cells it marked (by sheet: ref, original
    style attribute, original fill, whether the cell was created), the style counts before it added
    any, its result sheet's name (``None`` without a manifest: then no sheet is known to be ours),
    the idmaps of drawings of theirs it added id blocks to (part → idmap before, ``""`` for none),
    whether it created the styles part, and whether it was written by a version before these."""

    cells: dict[str, list[tuple[str, str, str, bool]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    result_name: str | None = None
    idmaps: dict[str, str] = field(default_factory=dict)
    styles_created: bool = False
    legacy: bool = True
    view: View = field(default_factory=View)


def _read_manifest(package: Package) -> _Manifest:
    part = package.sheet_part(MANIFEST_SHEET)
    if part is None or part not in package:
        return _Manifest(legacy=False)
    grid = read_values(package.xml(part), shared_strings(package))
    record = _Manifest(cells=defaultdict(list), result_name=RESULT_SHEET)
    for row in grid[1:]:
        row = row + [""] * (len(_MANIFEST_HEADINGS) - len(row))
        if row[0] == "styles" and all(v.isdigit() for v in row[1:5]):
            record.counts = dict(zip(("font", "fill", "border", "xf"), (int(v) for v in row[1:5])))
        elif row[3]:  # a cell: only cell rows have a fill
            if row[0] and row[1]:
                record.cells[row[0]].append((row[1], row[2], row[3], row[4] == "1"))
        elif row[0] == "result" and row[1]:
            record.result_name = row[1]
        elif row[0] == "version":
            record.legacy = False
        elif row[0] == "styles-part" and row[1] == "created":
            record.styles_created = True
        elif row[0] == "vml" and row[1]:
            record.idmaps[row[1]] = row[2]
        else:
            record.view.read_row(row)
    return record


# ---------------------------------------------------------------------------------------------
# Texts


def _link(finding: Finding) -> str:
    return "'" + finding.sheet.replace("'", "''") + "'!" + finding.cell


def _lines(text: str, width: float) -> int:
    return max(1, -(-display_width(text) // int(width - 1)))


def _result_sheet(
    report: Report,
    styles: Styles,
    pack_name: str,
    titles: dict[str, str],
    explanations: dict[tuple[str, str], str],
    checked_at: _dt.datetime,
):
    plain = styles.cell_format(font=font(), wrap=True, vertical="center")
    bold = styles.cell_format(font=font(bold=True), vertical="center")
    title = styles.cell_format(font=font(size=14, bold=True))
    header = heading_format(styles)
    body = styles.cell_format(font=font(), border=True, wrap=True)
    link = styles.cell_format(font=font(underline=True, rgb="FF0563C1"), border=True)
    money = styles.cell_format(font=font(), border=True, number_format=4)
    count = styles.cell_format(font=font(), border=True, number_format=3)

    def amount(value):
        if isinstance(value, Decimal):
            exponent = value.as_tuple().exponent
            return value, money if isinstance(exponent, int) and exponent < 0 else count
        return value, body

    badge = {
        s: styles.cell_format(font=font(bold=s == ERROR), fill=solid_fill(rgb), border=True, horizontal="center")
        for s, rgb in FILLS.items()
    }
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
        rows.append(
            [(v, style) for v, style in zip(values, styles_by_column)]
            + [amount(v) for v in values[7:10]]
            + [(values[10], body), (values[11], body)]
        )
        heights[row_index] = 14.0 * max(_lines(finding.message, WIDTHS[6]), _lines(values[4], WIDTHS[4])) + 4
        if finding.cell and finding.sheet:
            links.append((f"F{row_index + 1}", _link(finding)))
    last = len(rows)
    if report.not_run:
        rows += [[], [(f"未执行的规则（{len(report.not_run)} 条，不算通过）", bold)]]
        rows += [[None, None, (n.rule, plain), (n.name, plain), None, None, (n.reason, plain)] for n in report.not_run]
    summary_merges = [f"B{r}:K{r}" for r in range(2, 8)]
    return build_sheet(
        rows,
        WIDTHS,
        freeze_rows=9,
        autofilter=f"A9:L{max(last, 9)}",
        hyperlinks=links,
        heights=heights,
        tab_color="FFC00000",
        merges=summary_merges,
        printable=True,
        selected=True,
    )
