"""What a check leaves in a workbook, whichever door writes it: the fill and note of each cell with
findings, and the rows of the **校验结果** sheet.

The file door (:mod:`xlplugin.output.annotate`, OOXML part by part) and the Excel doors
(:mod:`xlplugin.doors.excel`, :mod:`xlplugin.doors.lite`, through xlwings) both take their marks from here, so a
cell looks the same whichever door checked it. Pure Python, no XML library: the xlwings Lite door
imports it in Pyodide.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
from collections import defaultdict
from dataclasses import dataclass

from xlplugin.core.amounts import fmt
from xlplugin.core.findings import ERROR, INFO, SEVERITIES, WARNING, Finding, Report
from xlplugin.workbook.book import Book

__all__ = [
    "Mark",
    "cell_marks",
    "suggestion_text",
    "read_explanations",
    "explanations_from_rows",
    "explanation_rows",
    "looks_like_explanations_sheet",
    "fill_for_verdict",
    "looks_like_result_sheet",
    "result_summary",
    "result_rows",
    "location",
    "RESULT_SHEET",
    "EXPLANATIONS_SHEET",
    "EXPLANATION_SOURCES",
    "EXPLANATION_NAMES",
    "EXPLANATION_HEADINGS",
    "EXPLANATION_WIDTHS",
    "EXPLANATIONS_NOTE",
    "RESULT_NAMES",
    "FILLS",
    "HEADINGS",
    "WIDTHS",
    "HEADING",
    "SEPARATOR",
    "note_block",
    "end_marker",
    "note_spans",
    "strip_note",
    "merge_note",
]

RESULT_SHEET = "校验结果"
#: The sheet ``clean`` leaves in place of 校验结果 when the department wrote 说明: the findings that
#: have one, so that the 说明 travel with the workbook to the bureau (and back into 校验结果 when it is
#: checked again).
EXPLANATIONS_SHEET = "校验说明"
#: set (to anything but 0) to colour the cells of rounding 提示 and uncovered narrative numbers too
MARK_INFO_VARIABLE = "XLPLUGIN_MARK_INFO"
_UNCOVERED = "NARR.uncovered"
#: the very hidden sheet in which the file door records what it marked (cells, original styles and
#: fills); the Excel buttons read it to clear a copy the command line annotated
MANIFEST_SHEET = "_xlplugin"
#: the hidden sheet in which the Excel button records what it marked (each cell's original fill), so
#: that it and ``xlplugin clean`` can take the marks away again
EXCEL_STATE_SHEET = "_xlplugin_excel"
EXPLANATION_HEADINGS = ["规则", "位置", "表", "问题", "说明"]
EXPLANATION_WIDTHS = [10, 16, 24, 64, 48]
EXPLANATIONS_NOTE = (
    "单位对校验结果写的说明（清除标注时保留）。随工作簿报送，财政局汇总时读取；再次校验时带回“校验结果”表。"
)
FILLS = {ERROR: "FFFFC7CE", WARNING: "FFFFEB9C", INFO: "FFDDEBF7"}
_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}
HEADINGS = ["序号", "级别", "规则", "规则名称", "表", "位置", "问题", "应为", "实际", "差额", "说明", "建议值"]
WIDTHS = [6, 6, 9, 28, 10, 15, 72, 12, 12, 10, 40, 24]
#: the headings every 校验结果 we ever wrote starts with (建议值 came later)
_FIRST_HEADINGS = HEADINGS[:11]
# Our result sheet's name when the department has a sheet of its own called 校验结果 (the manifest
# records which one was used).
_OTHER_RESULT_NAMES = tuple(f"{RESULT_SHEET}（xlplugin{'' if n == 1 else n}）" for n in range(1, 100))
RESULT_NAMES = (RESULT_SHEET, *_OTHER_RESULT_NAMES)  # ours, or the first free one when a sheet of theirs has the name
_OTHER_EXPLANATION_NAMES = tuple(f"{EXPLANATIONS_SHEET}（xlplugin{'' if n == 1 else n}）" for n in range(1, 100))
#: our 校验说明, or the first free name when a sheet of the department's own has the name
EXPLANATION_NAMES = (EXPLANATIONS_SHEET, *_OTHER_EXPLANATION_NAMES)
#: where :func:`read_explanations` looks for 说明, in order: the first sheet with our headings decides
EXPLANATION_SOURCES = (*_OTHER_RESULT_NAMES, RESULT_SHEET, *_OTHER_EXPLANATION_NAMES, EXPLANATIONS_SHEET)
#: Our block in a note starts with this line and ends with :func:`end_marker`; below a department's own
#: note it is introduced by :data:`SEPARATOR`.
HEADING = "xlplugin 校验："
SEPARATOR = "—— xlplugin 校验 ——"
_END_MARK = "—— xlplugin 校验结束 {} ——"
_END = re.compile(r"\r?\n—— xlplugin 校验结束 ([0-9a-f]{8}) ——")
_START = re.compile("(?<![^\n])" + re.escape(HEADING))  # the heading at the start of a line
# the two line breaks we write before the separator (or both as CRLF, if a program rewrote them): a
# lone CR of the department's just before them stays theirs
_SEPARATED = re.compile(r"(?:\A|\r\n\r\n|\n\n)" + re.escape(SEPARATOR) + r"\r?\n\Z")


@dataclass(frozen=True)
class Mark:
    """What one cell gets: the fill of its most severe finding and our comment (heading + body)."""

    severity: str
    heading: str
    body: str

    @property
    def text(self) -> str:
        """The block both doors write into the cell's note (see :func:`note_block`)."""
        return note_block(self.heading, self.body)


# ---------------------------------------------------------------------------------------------
# Our block in a note
#
# A department may type into a note we wrote (a reply below our block, a line above it), or write
# below our block in a note of its own. Only our block is ever removed or replaced, and only when it
# is exactly as we wrote it: it runs from a line starting with HEADING to the end marker, whose digest
# is that of the text in between. A block someone edited no longer matches its digest and is kept
# whole, as their text. Pure string functions: the Excel doors (no XML library) call them too.


def _digest(text: str) -> str:
    normal = text.replace("\r\n", "\n").replace("\r", "\n")  # however a program stored the line ends
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:8]


def end_marker(block: str) -> str:
    """The line that closes our ``block`` (heading and body): ``—— xlplugin 校验结束 1a2b3c4d ——``,
    with the digest of ``block`` so that an edited block is not mistaken for ours."""
    return _END_MARK.format(_digest(block))


def note_block(heading: str, body: str) -> str:
    """Our block as it stands in a note: the heading line, the body, the end marker."""
    block = f"{heading}\n{body}"
    return f"{block}\n{end_marker(block)}"


def note_spans(text: str) -> tuple[list[tuple[int, int]], bool]:
    """Where our unedited blocks are in a note's ``text``: ``(start, end)`` spans to cut (each with
    its separator, or one newline that joins it to the text around it), and whether nothing but our
    blocks is in the note (then the note itself is ours to delete).

    A block below a separator was added to someone else's note: cutting it leaves their note, even
    an empty one. Text before, between or after our blocks is never in a span."""
    spans: list[tuple[int, int]] = []
    shared = False
    floor = 0
    for end in _END.finditer(text):
        start = next(
            (
                head.start()
                for head in _START.finditer(text, floor, end.start())
                if _digest(text[head.start() : end.start()]) == end.group(1)
            ),
            None,
        )
        if start is None:  # edited (or not ours): all of it stays
            continue
        stop = end.end()
        separated = _SEPARATED.search(text, floor, start)
        if separated is not None:
            start, shared = separated.start(), True
        elif start > floor and text[start - 1] == "\n":  # the line break before it goes with it
            start -= 2 if start - 1 > floor and text[start - 2] == "\r" else 1
        elif text.startswith("\n", stop) or text.startswith("\r\n", stop):  # or the one after it
            stop += 1 if text[stop] == "\n" else 2
        spans.append((start, stop))
        floor = stop
    if not spans:
        return [], False
    rest = "".join(text[a:b] for a, b in zip([0] + [e for _, e in spans], [s for s, _ in spans] + [len(text)]))
    return spans, not shared and not rest.strip()


def strip_note(text: str) -> str | None:
    """A note's text without our unedited blocks; ``None`` when nothing else is in it, i.e. the note
    is ours and should be deleted. A note without a block of ours comes back unchanged.

    The Excel door calls it when clearing: ``None`` → delete the note; a different text → write it."""
    spans, only_ours = note_spans(text)
    if only_ours:
        return None
    kept, last = [], 0
    for start, stop in spans:
        kept.append(text[last:start])
        last = stop
    kept.append(text[last:])
    return "".join(kept)


def merge_note(existing: str | None, block: str) -> str:
    """The note to write on a cell: our ``block`` (:attr:`Mark.text`) alone on a cell without a
    note (or with only ours), else below the cell's note after :data:`SEPARATOR`, our old block
    taken out first. Everything else in ``existing`` is kept."""
    theirs = None if existing is None else strip_note(existing)
    return block if theirs is None else f"{theirs}\n\n{SEPARATOR}\n{block}"


def cell_marks(report: Report, sheet_names, everything: bool | None = None) -> dict[str, dict[str, Mark]]:
    """Sheet → cell → :class:`Mark`, for every finding on a sheet in ``sheet_names`` that a department
    should look at: not the 提示 that only say a difference is within rounding, nor the list of
    narrative numbers no rule checked (for pack authors) — those are in 校验结果 and the reports, but
    colour no cell. ``everything`` (default: the environment variable ``XLPLUGIN_MARK_INFO`` set to
    anything but 0) marks them too.

    Both doors mark from this: the file door (:func:`annotate`) and the Excel door
    (:mod:`xlplugin.doors.excel`)."""
    if everything is None:
        everything = os.environ.get(MARK_INFO_VARIABLE, "").strip() not in ("", "0")
    grouped: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in report.findings:
        if not everything and (finding.rounding or finding.rule == _UNCOVERED):
            continue
        places = [(finding.sheet, finding.cell)] + finding.also_mark  # a narrative claim: its table cells too
        for sheet, cell in dict.fromkeys(places):
            if cell and sheet in sheet_names:
                grouped[sheet][cell].append(finding)
    # a cell to change that no finding is placed on (a blank 基本支出) is named in the notes of the
    # findings computed from it; the set of marked cells stays that of the findings
    suggested = {(s.sheet, s.cell): s for s in report.suggestions}
    marks: dict[str, dict[str, Mark]] = {}
    for sheet, cells in grouped.items():
        for ref, findings in cells.items():
            suggestion = suggested.get((sheet, ref))
            entries = ([suggestion_text(suggestion)] if suggestion else []) + [_comment_entry(f) for f in findings]
            elsewhere = [
                f"{s.sheet}!{s.cell} {suggestion_text(s)}"
                for key, s in suggested.items()
                if key != (sheet, ref) and any(key in _cells_of(f) for f in findings)
            ]
            if elsewhere:
                entries.append("建议修改：" + "；".join(elsewhere))
            marks.setdefault(sheet, {})[ref] = Mark(
                min((f.severity for f in findings), key=_RANK.__getitem__),
                _comment_heading(findings),
                "\n\n".join(entries),
            )
    return marks


def suggestion_text(suggestion) -> str:
    """``建议改为 65.19（使 3 条关系成立）``, with the range when the value is not determined and the
    other cells that would do as well."""
    text = f"建议改为 {fmt(suggestion.suggested)}（使 {suggestion.relations} 条关系成立）"
    if suggestion.range is not None:
        low, high = suggestion.range
        text += (
            f"；数值未能唯一确定，{fmt(low)} 至 {fmt(high)} 之间均可"
            if low.is_finite() and high.is_finite()
            else "；数值未能唯一确定，请按原始凭证填写"
        )
    if suggestion.alternatives:
        text += "；或改 " + "、".join(f"{s}!{c} 为 {fmt(v)}" for s, c, v in suggestion.alternatives)
    return text


def _cells_of(finding: Finding) -> set[tuple[str, str]]:
    return {(finding.sheet, finding.cell)} | {(o.sheet, o.cell) for o in finding.operands if o.cell}


def _suggestions_for(report: Report, finding: Finding) -> str:
    """The 建议值 of a 校验结果 row: the suggested changes to the cells the finding is computed from."""
    cells = _cells_of(finding)
    return "；".join(
        f"{s.sheet}!{s.cell} 改为 {fmt(s.suggested)}" for s in report.suggestions if (s.sheet, s.cell) in cells
    )


def read_explanations(book: Book) -> dict[tuple[str, str], str]:
    """说明 the department wrote, by (rule, location): from a previous 校验结果 sheet, or else from the
    校验说明 sheet that ``clean`` leaves in its place (:data:`EXPLANATIONS_SHEET`).

    The first of these sheets laid out with our headings decides, so a 校验结果 wins over a 校验说明
    when both are there (a 说明 the department struck out in 校验结果 does not come back)."""
    # ours under another name first: it is only used when the department has a 校验结果 of its own
    for name in EXPLANATION_SOURCES:
        sheet = book.sheet(name)
        found = None if sheet is None else explanations_from_rows(sheet.rows)
        if found is not None:
            return found
    return {}


def _header(rows: list[list[str]]) -> int | None:
    """The index of the row with our 规则, 位置 and 说明 headings."""
    return next((i for i, row in enumerate(rows) if {"规则", "位置", "说明"} <= set(row)), None)


def _texts(rows) -> list[list[str]]:
    return [["" if v is None else str(v).strip() for v in row] for row in rows]


def explanations_from_rows(rows) -> dict[tuple[str, str], str] | None:
    """说明 by (rule, location) in a grid laid out as 校验结果 or 校验说明 (headings 规则, 位置, 说明 in
    one row, findings below); ``None`` when the grid has no such heading row."""
    rows = _texts(rows)
    header = _header(rows)
    if header is None:
        return None
    columns = {name: rows[header].index(name) for name in ("规则", "位置", "说明")}
    width = max(columns.values()) + 1
    notes = {}
    for row in rows[header + 1 :]:
        padded = row + [""] * (width - len(row))
        note = padded[columns["说明"]]
        if note and padded[columns["规则"]]:
            notes[(padded[columns["规则"]], padded[columns["位置"]])] = note
    return notes


def explanation_rows(rows) -> list[list[str]]:
    """The rows of a 校验说明 sheet (under :data:`EXPLANATION_HEADINGS`) made from a 校验结果 grid:
    the findings that have a 说明, in their order there."""
    rows = _texts(rows)
    header = _header(rows)
    if header is None:
        return []
    names = rows[header]
    columns = [names.index(h) if h in names else None for h in EXPLANATION_HEADINGS]
    width = len(names)
    kept = []
    for row in rows[header + 1 :]:
        padded = row + [""] * (width - len(row))
        values = ["" if c is None else padded[c] for c in columns]
        if values[0] and values[-1]:  # a rule and its 说明
            kept.append(values)
    return kept


def looks_like_explanations_sheet(rows) -> bool:
    """Rows (from A1) laid out as the 校验说明 sheet ``clean`` writes: the title in A1 and
    :data:`EXPLANATION_HEADINGS` in one of the first rows (a sheet of the department's own with the
    same name is never taken for ours)."""
    rows = _texts(rows)
    return (
        bool(rows)
        and rows[0][:1] == [EXPLANATIONS_SHEET]
        and any(row[: len(EXPLANATION_HEADINGS)] == EXPLANATION_HEADINGS for row in rows[1:6])
    )


def fill_for_verdict(report: Report) -> str:
    """The 结论 cell's fill: red with errors, yellow with warnings only, green when it passes."""
    return FILLS[ERROR] if not report.valid else FILLS[WARNING] if report.count(WARNING) else "FFC6EFCE"


def looks_like_result_sheet(rows) -> bool:
    """Rows (from A1) laid out as our 校验结果: the title in A1 and :data:`HEADINGS` in row 9."""
    rows = [list(row) for row in rows]
    return len(rows) >= 9 and rows[0][:1] == [RESULT_SHEET] and rows[8][: len(_FIRST_HEADINGS)] == _FIRST_HEADINGS


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


def location(finding: Finding) -> str:
    return f"{finding.sheet}!{finding.cell}" if finding.cell else (finding.table or "")


def result_summary(report: Report, pack_name: str, checked_at: _dt.datetime) -> list[tuple[str, str]]:
    """The 校验结果 sheet's heading block: (label, value) for 结论, 工作簿, 规则包, 校验时间, 结果数, 按表."""
    per_table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for finding in report.findings:
        per_table[finding.table or "工作簿"][finding.severity] += 1
    by_table = "；".join(
        f"{table}：" + "、".join(f"{s} {counts[s]}" for s in SEVERITIES if counts.get(s))
        for table, counts in per_table.items()
    )
    return [
        ("结论", report.verdict),
        ("工作簿", report.workbook),
        ("规则包", f"{report.pack_id} {report.pack_version}  {pack_name}".rstrip()),
        ("校验时间", checked_at.strftime("%Y-%m-%d %H:%M")),
        (
            "结果数",
            f"错误 {report.count(ERROR)} · 警告 {report.count(WARNING)} · 提示 {report.count(INFO)} · 未执行规则 {len(report.not_run)}",
        ),
        ("按表", by_table or "无"),
    ]


def result_rows(
    report: Report, titles: dict[str, str], explanations: dict[tuple[str, str], str]
) -> list[tuple[Finding, list]]:
    """The 校验结果 list, 错误 first, then 警告, 提示: each finding with its row's values under :data:`HEADINGS`."""
    rows = []
    ordered = sorted(report.findings, key=lambda f: _RANK[f.severity])
    for number, finding in enumerate(ordered, start=1):
        where = location(finding)
        table = finding.table + (f" {titles[finding.table]}" if finding.table in titles else "")
        rows.append(
            (
                finding,
                [
                    number,
                    finding.severity,
                    finding.rule,
                    finding.name,
                    table,
                    where,
                    finding.message,
                    finding.expected,
                    finding.actual,
                    finding.difference,
                    explanations.get((finding.rule, where), ""),
                    _suggestions_for(report, finding),
                ],
            )
        )
    return rows
