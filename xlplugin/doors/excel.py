"""The Excel door: the **校验** and **清除标注** buttons, run inside Excel through xlwings.

``validate()`` checks the workbook that called it with the same pack, engine and marks as the file
door (``xlplugin check --annotate``): it reads each sheet's used range in one call, builds the same
:class:`~xlplugin.workbook.book.Book`, checks it with :func:`xlplugin.api.check`, then colours the cells with
findings (one call per severity and sheet, not per cell), puts our note on each of them, writes the
**校验结果** sheet in one call, and shows the verdict in a message box. ``clear()`` takes all of it
away again and restores the original fills.

Only documented, cross-platform xlwings objects are used — ``Book.sheets``, ``Sheets.add``,
``Sheet.used_range``, ``Sheet.range``, ``Sheet.visible``, ``Sheet.delete``, ``Range.value``,
``Range.options(ndim=2)``, ``Range.color``, ``Range.note``/``Range.add_note``, ``Note.text``,
``Note.delete``, ``Range.column_width``, ``Range.font.bold``, ``App.alert`` — so the door runs
wherever xlwings runs (Windows and macOS Excel) and its tests exercise it against a stand-in of
exactly these objects.

Which pack: ``validate(pack=...)``, else ``XLPLUGIN_PACK`` from the environment, else from the
workbook's ``xlwings.conf`` sheet, else from the user's ``~/.xlwings/xlwings.conf``; without any,
the pack whose template fits the workbook (as ``xlplugin check`` does).

State between runs lives in a hidden sheet ``_xlplugin_excel`` (each marked cell and its
original fill), so re-running replaces our marks instead of piling them up, and 说明 written in
the previous 校验结果 sheet are carried over to the same finding.

The steps are written once, for two surfaces (:class:`Surface`): desktop Excel, where every read is
immediate, and xlwings Lite (:mod:`xlplugin.doors.lite`), where fills and note texts are fetched on demand
with ``await``. So the steps are coroutines; on the desktop they never wait and :func:`_finish`
runs them to the end without an event loop.
"""

from __future__ import annotations

import datetime as _dt
import os
from abc import ABC, abstractmethod
from decimal import Decimal
from pathlib import Path

from xlplugin.core.errors import XlpluginError
from xlplugin.core.findings import ERROR, INFO, WARNING, Report
from xlplugin.output.marks import (
    FILLS,
    HEADING,
    HEADINGS,
    RESULT_NAMES,
    RESULT_SHEET,
    SEPARATOR,
    WIDTHS,
    cell_marks,
    fill_for_verdict,
    looks_like_result_sheet,
    read_explanations,
    result_rows,
    result_summary,
)
from xlplugin.workbook.book import Book, Sheet, clean_row, whole_numbers_as_int

__all__ = [
    "validate",
    "clear",
    "show_pack",
    "ribbon",
    "main",
    "read_book",
    "pack_spec",
    "check_book",
    "clear_book",
    "Surface",
    "DESKTOP",
    "fill_hex",
    "STATE_SHEET",
    "CONFIG_KEY",
]

STATE_SHEET = "_xlplugin_excel"
CONFIG_KEY = "XLPLUGIN_PACK"
CONFIG_SHEET = "xlwings.conf"
_RESULT_ROW = "#result"  # the state sheet's row naming our result sheet
_MAX_ADDRESS = 250  # Excel refuses multi-area addresses longer than 255 characters


def main() -> None:
    """校验 the calling workbook: the entry for a sheet button (``RunPython "import xlplugin.doors.excel as x; x.main()"``)."""
    validate()


def ribbon(control_id: str, book=None):
    """The add-in's one VBA callback passes the pressed button's id here (``workbooks/excel/customUI.xml``)."""
    actions = {"xlplugin_validate": validate, "xlplugin_clear": clear, "xlplugin_pack": show_pack}
    book = book if book is not None else _caller()
    if control_id not in actions:
        DESKTOP.say(
            book,
            f"不认识的按钮“{control_id}”：加载项与 xlplugin 的版本可能不一致，请重新生成加载项（xlplugin addin）。",
            "无法执行",
        )
        return None
    return actions[control_id](book)


def validate(book=None, pack: str | None = None) -> Report | None:
    """Check ``book`` (default: the workbook that pressed the button) and mark what is wrong.

    Returns the report, or ``None`` when the workbook could not be checked (the reason is shown in
    a message box, never as a traceback)."""
    return _finish(check_book(book if book is not None else _caller(), pack, DESKTOP))


def clear(book=None) -> int:
    """Remove our marks, notes and sheets from ``book``; return how many cells were restored."""
    return _finish(clear_book(book if book is not None else _caller(), DESKTOP))


async def check_book(book, pack: str | None, surface: Surface) -> Report | None:
    """The 校验 button on either surface: check, mark, list, and say the verdict in a message box."""
    try:
        report = await _validate(book, pack, surface)
    except Exception as error:  # the finance officer sees one sentence, not a Python dialog
        surface.say(book, _reason(error), "无法校验")
        return None
    counts = f"错误 {report.count(ERROR)} · 警告 {report.count(WARNING)} · 提示 {report.count(INFO)}"
    tail = f"\n另有 {len(report.not_run)} 条规则未执行（不算通过）。" if report.not_run else ""
    surface.say(
        book,
        f"结论：{report.verdict}\n{counts}{tail}\n\n详见“{RESULT_SHEET}”表；有问题的单元格已着色并加批注。",
        "校验完成",
    )
    return report


async def clear_book(book, surface: Surface) -> int:
    """The 清除标注 button on either surface."""
    try:
        surface.ready(book)
        restored = await _remove_annotations(book, surface, *_ours(read_book(book, names=(STATE_SHEET, RESULT_SHEET))))
    except Exception as error:
        surface.say(book, _reason(error), "无法清除标注")
        return 0
    surface.say(book, f"已清除 {restored} 个单元格的标注和“{RESULT_SHEET}”表。", "清除标注")
    return restored


def show_pack(book=None, surface: Surface | None = None) -> str | None:
    """Say which pack 校验 will use and which are available; offer the place to choose one.

    The choice is the ``XLPLUGIN_PACK`` row of the workbook's ``xlwings.conf`` sheet (created here,
    with the current choice, when missing), so that it travels with the workbook."""
    from xlplugin.packs.places import candidates

    book = book if book is not None else _caller()
    surface = surface or DESKTOP
    try:
        spec = pack_spec(book)
        available = sorted({f"{pack_id} {version}" for pack_id, version, _ in candidates()})
        names = [s.name for s in book.sheets]
        if CONFIG_SHEET not in names:
            sheet = book.sheets.add(CONFIG_SHEET, after=book.sheets[len(book.sheets) - 1])
            sheet.range("A1").value = [[CONFIG_KEY, spec or ""]]
    except Exception as error:
        surface.say(book, _reason(error), "规则包")
        return None
    current = spec or "按表样自动选择"
    surface.say(
        book,
        f"正在使用：{current}\n可用的规则包：{'、'.join(available) or '无'}\n\n"
        f"要指定规则包，在本工作簿“{CONFIG_SHEET}”表的 B 列（{CONFIG_KEY} 一行）填写 id（如 cq-2021 或 cq-2021@1.1.0）"
        "或规则包路径；留空则按表样自动选择。",
        "规则包",
    )
    return spec


# ---------------------------------------------------------------------------------------------
# Reading


def read_book(book, names=None) -> Book:
    """The workbook as the engine sees it: every sheet's used range (or only ``names``), one call per sheet."""
    sheets = []
    for sheet in book.sheets:
        if names is not None and sheet.name not in names:
            continue
        used = sheet.used_range
        values = used.options(ndim=2).value or [[None]]
        top, left = used.row - 1, used.column - 1  # the used range need not start at A1
        rows = [[None] * (left + len(values[0]))] * top + [
            [None] * left + whole_numbers_as_int(list(r)) for r in values
        ]
        sheets.append(Sheet(sheet.name, [clean_row(r) for r in rows], [], bool(sheet.visible)))
    return Book(sheets, str(getattr(book, "fullname", "") or book.name))


def pack_spec(book) -> str | None:
    """The configured pack (id or path), or ``None`` to recognise it from the template."""
    if os.environ.get(CONFIG_KEY):
        return os.environ[CONFIG_KEY]
    names = [s.name for s in book.sheets]
    if CONFIG_SHEET in names:
        for row in book.sheets[CONFIG_SHEET].used_range.options(ndim=2).value:
            if row and str(row[0]).strip() == CONFIG_KEY and len(row) > 1 and row[1]:
                return str(row[1]).strip()
    user_conf = Path.home() / ".xlwings" / "xlwings.conf"
    if user_conf.is_file():
        for line in user_conf.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition(",")
            if key.strip().strip('"') == CONFIG_KEY and value.strip().strip('"'):
                return value.strip().strip('"')
    return None


# ---------------------------------------------------------------------------------------------
# Checking


async def _validate(book, pack_name: str | None, surface: Surface) -> Report:
    from xlplugin.api import check

    surface.ready(book)
    model = read_book(book)
    explanations = read_explanations(model)
    state, result_name = _ours(model)
    model.sheets = [s for s in model.sheets if s.name not in (STATE_SHEET, result_name)]
    checked = check(model, pack_name or pack_spec(book), name=book.name)
    report = checked.report
    await _remove_annotations(book, surface, state, result_name)
    result_name = _write_result_sheet(
        book, surface, report, checked.pack.name, checked.pack.layout.titles, explanations
    )
    await _mark(book, surface, report, result_name)
    return report


async def _mark(book, surface: Surface, report: Report, result_name: str) -> None:
    names = [s.name for s in book.sheets if s.name != result_name]
    marks = cell_marks(report, names)
    # Every read first (in xlwings Lite a read after a write costs a round trip), then the record
    # of what we change, then the changes: a run that stops half-way can still be cleared.
    state = [["sheet", "cell", "color"], [_RESULT_ROW, result_name, ""]]
    notes: dict[tuple[str, str], str | None] = {}
    for sheet_name, cells in marks.items():
        sheet = book.sheets[sheet_name]
        originals = await surface.fills(sheet, list(cells))
        state += [[sheet_name, ref, originals.get(ref, "")] for ref in cells]
        for ref in cells:
            notes[sheet_name, ref] = await surface.note_text(sheet.range(ref))
    hidden = book.sheets.add(STATE_SHEET, after=book.sheets[len(book.sheets) - 1])
    hidden.range("A1").value = state
    hidden.visible = False
    for sheet_name, cells in marks.items():
        sheet = book.sheets[sheet_name]
        surface.paint(sheet, {ref: "#" + FILLS[mark.severity][2:] for ref, mark in cells.items()})
        for ref, mark in cells.items():
            target, theirs = sheet.range(ref), notes[sheet_name, ref]
            if theirs is None:
                target.add_note(mark.text)
            else:  # someone else's note, even an empty one: ours goes below theirs
                target.note.text = f"{theirs}\n\n{SEPARATOR}\n{mark.text}"


def _ours(model: Book) -> tuple[list[list] | None, str | None]:
    """Our state rows (sheet, cell, original colour) and our result sheet's name, from what was read.

    Without the state sheet (deleted by hand), a 校验结果 in our layout is still ours; a
    department's own sheet of that name is not."""
    state_sheet = model.sheet(STATE_SHEET)
    if state_sheet is None:
        result = model.sheet(RESULT_SHEET)
        return None, RESULT_SHEET if result is not None and looks_like_result_sheet(result.rows) else None
    state = [(list(row) + [None] * 3)[:3] for row in state_sheet.rows[1:] if row and row[0]]
    result_name = next((ref for sheet, ref, _ in state if sheet == _RESULT_ROW), None)
    return [row for row in state if row[0] != _RESULT_ROW], result_name


async def _remove_annotations(book, surface: Surface, state: list[list] | None, result_name: str | None) -> int:
    names = [s.name for s in book.sheets]
    by_sheet: dict[str, dict[str, str]] = {}
    for sheet_name, ref, color in state or []:
        if sheet_name in names:
            by_sheet.setdefault(sheet_name, {})[ref] = color or ""
    notes = {
        (sheet_name, ref): await surface.note_text(book.sheets[sheet_name].range(ref))
        for sheet_name, originals in by_sheet.items()
        for ref in originals
    }  # reads before writes
    for sheet_name, originals in by_sheet.items():
        sheet = book.sheets[sheet_name]
        surface.paint(sheet, originals)
        for ref in originals:
            _strip_note(sheet.range(ref), notes[sheet_name, ref])
    for name in (STATE_SHEET, result_name):
        if name in names:
            book.sheets[name].delete()
    return sum(len(originals) for originals in by_sheet.values())


def _strip_note(cell, text: str | None) -> None:
    """Take our part out of the cell's note (its text was read before): all of it, or what follows
    the separator below a department's own note."""
    if text is None:
        return
    if text.startswith(HEADING):
        cell.note.delete()
    elif SEPARATOR in text:
        cell.note.text = text.split(f"\n\n{SEPARATOR}", 1)[0]


def _write_result_sheet(
    book, surface: Surface, report: Report, pack_name: str, titles: dict[str, str], explanations
) -> str:
    """Write 校验结果 (or, beside a department's own sheet of that name, the first free name); return its name."""
    summary = result_summary(report, pack_name, _dt.datetime.now())
    width = len(HEADINGS)
    rows = [["校验结果"] + [None] * (width - 1)]
    rows += [[label, value] + [None] * (width - 2) for label, value in summary]
    rows += [[None] * width, list(HEADINGS)]
    fills = {"B2": "#" + fill_for_verdict(report)[2:]}
    for finding, values in result_rows(report, titles, explanations):
        if finding.cell:  # a link to the cell, as the file door's 校验结果 has
            values[5] = f'=HYPERLINK("#\'{finding.sheet.replace(chr(39), chr(39) * 2)}\'!{finding.cell}","{values[5]}")'
        fills[f"B{len(rows) + 1}"] = "#" + FILLS[finding.severity][2:]
        rows.append([_cell_value(v) for v in values])
    taken = {s.name for s in book.sheets}
    name = next(n for n in RESULT_NAMES if n not in taken)
    sheet = book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
    sheet.range("A1").value = rows
    header = len(summary) + 3
    sheet.range(f"A1:A{header}").font.bold = True
    sheet.range(f"A{header}:L{header}").font.bold = True
    sheet.range(f"A{header}:L{header}").color = "#D9D9D9"
    surface.paint(sheet, fills)
    for index, width in enumerate(WIDTHS):
        sheet.range((1, index + 1)).column_width = surface.column_width(width)
    return name


# ---------------------------------------------------------------------------------------------
# Surfaces


class Surface(ABC):
    """What differs between the places the door runs: reading fills and note texts, painting fills,
    and the unit of column widths. Everything else is the same xlwings calls on both."""

    def ready(self, book) -> None:  # noqa: B027 (a surface that can mark every workbook keeps this)
        """Refuse, before anything is written, a workbook this surface cannot mark."""

    def say(self, book, text: str, title: str) -> None:
        """Tell the finance officer, in a message box."""
        book.app.alert(text, title=f"xlplugin {title}")

    @abstractmethod
    async def fills(self, sheet, refs: list[str]) -> dict[str, str]:
        """The current fill of each cell as ``#RRGGBB``, or ``''`` for none."""

    @abstractmethod
    def paint(self, sheet, colors: dict[str, str]) -> None:
        """Fill each cell with its ``#RRGGBB`` colour (``''``: no fill), in as few calls as possible."""

    @abstractmethod
    async def note_text(self, cell) -> str | None:
        """The text of the cell's note, or ``None`` when it has none."""

    @abstractmethod
    def column_width(self, characters: float) -> float:
        """A column width given in characters, in the unit ``Range.column_width`` takes here."""


class _Desktop(Surface):
    """Excel on Windows or macOS: reads are immediate, and a multi-area address colours many cells
    in one call."""

    async def fills(self, sheet, refs):
        return {ref: fill_hex(sheet.range(ref).color) for ref in refs}

    def paint(self, sheet, colors):
        by_color: dict[str, list[str]] = {}
        for ref, color in colors.items():
            by_color.setdefault(color, []).append(ref)
        for color, refs in by_color.items():
            for address in _areas(refs):
                sheet.range(address).color = color or None

    async def note_text(self, cell):
        note = cell.note
        return None if note is None else (note.text or "")

    def column_width(self, characters):
        return characters


DESKTOP = _Desktop()


# ---------------------------------------------------------------------------------------------
# Small helpers


def _caller():
    import xlwings as xw

    return xw.Book.caller()


def _finish(steps):
    """Run the door's steps on the desktop surface, whose reads never wait: no event loop needed,
    so the buttons work the same whether or not one is running (xlwings, Jupyter)."""
    try:
        steps.send(None)
    except StopIteration as done:
        return done.value
    steps.close()
    raise RuntimeError("the desktop surface waited for a read")


def _reason(error: Exception) -> str:
    if isinstance(error, XlpluginError):
        return error.message
    if isinstance(error, NotImplementedError):  # xlwings says what this Excel or engine lacks
        return f"这个 Excel 不支持校验要用到的功能（{error}）。请更新 Excel，或改用另一种校验按钮（见使用说明）。"
    return f"内部错误：{type(error).__name__}: {error}\n请把这条消息和工作簿一起发给规则包的发布单位。"


def fill_hex(color) -> str:
    """xlwings gives a fill as an (r, g, b) tuple or ``None``; we keep it as ``#RRGGBB`` or ''."""
    if not color:
        return ""
    if isinstance(color, str):
        return color.upper()
    return "#" + "".join(f"{int(c):02X}" for c in color)


def _areas(refs: list[str]) -> list[str]:
    """Comma-joined multi-area addresses, each short enough for Excel: one call colours many cells."""
    areas, current = [], ""
    for ref in refs:
        if current and len(current) + 1 + len(ref) > _MAX_ADDRESS:
            areas.append(current)
            current = ""
        current = f"{current},{ref}" if current else ref
    return areas + ([current] if current else [])


def _cell_value(value):
    # Excel holds numbers as doubles; Decimal is not among the types xlwings converts.
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
