"""The Excel door: the **校验** and **清除标注** buttons, run inside Excel through xlwings.

``validate()`` checks the workbook that called it with the same pack, engine and marks as the file
door (``xlplugin check --annotate``). It first reads everything — each sheet's used range in one
call, the previous run's state, the fills and notes of every cell it will touch — and checks; then
it writes everything, with screen updating and recalculation off: the **校验结果** sheet in one call,
fills in blocks, our note on each marked cell (:mod:`xlplugin.doors.excel_apply`). A failure while
writing undoes what was written, so a workbook is never left half-annotated. ``clear()`` takes all
of it away again and restores the original fills; a department's own text in a note is kept
(:func:`xlplugin.output.marks.strip_note`).

Only documented, cross-platform xlwings objects are used — ``Book.sheets``, ``Sheets.add``,
``Sheet.used_range``, ``Sheet.range``, ``Sheet.name``, ``Sheet.visible``, ``Sheet.delete``,
``Range.value``, ``Range.options(ndim=2, err_to_str=True)``, ``Range.number_format``, ``Range.color``,
``Range.note``/``Range.add_note``, ``Note.text``, ``Note.delete``, ``Range.column_width``,
``Range.font.bold``, ``App.screen_updating``, ``App.calculation``, ``App.alert`` — and xlwings
:data:`MIN_XLWINGS` or newer (``Range.add_note`` came in 0.37), checked before anything is written.
The tests run the door against a stand-in of exactly these objects that also models what real Excel
does differently on Windows and macOS (``tests/xlwings_standin.py``).

Which pack: ``validate(pack=...)``, else ``XLPLUGIN_PACK`` from the environment, else from the
workbook's ``xlplugin.conf`` sheet, else from the ``xlplugin.conf`` files the button's VBA reads
(:mod:`xlplugin.doors.excel_conf`); without any, the pack whose template fits the workbook (as
``xlplugin check`` does).

State between runs lives in a hidden sheet ``_xlplugin_excel`` (each marked cell, its original fill and
ours): re-running replaces our marks, and 说明 in the previous 校验结果 are carried to the same finding.

The steps are written once, for two surfaces (:class:`Surface`): desktop Excel, where every read is
immediate, and xlwings Lite (:mod:`xlplugin.doors.lite`), where fills and note texts are fetched with
``await``. So the steps are coroutines; :func:`_finish` runs them on the desktop without an event loop.
"""

from __future__ import annotations

import contextlib
import os
import sys
from abc import ABC, abstractmethod
from pathlib import Path

from xlplugin.core.errors import XlpluginError
from xlplugin.core.findings import ERROR, INFO, WARNING, Report
from xlplugin.doors import excel_conf
from xlplugin.doors.excel_apply import (
    CellChange,
    Journal,
    areas,
    blocks,
    file_door_state,
    plan_cells,
    result_sheet,
    text_value,
    write_result_sheet,
)
from xlplugin.doors.excel_read import read_book
from xlplugin.output.marks import (
    EXCEL_STATE_SHEET,
    EXPLANATION_HEADINGS,
    EXPLANATION_NAMES,
    EXPLANATION_WIDTHS,
    EXPLANATIONS_NOTE,
    EXPLANATIONS_SHEET,
    MANIFEST_SHEET,
    RESULT_NAMES,
    RESULT_SHEET,
    cell_marks,
    explanation_rows,
    looks_like_explanations_sheet,
    looks_like_result_sheet,
    read_explanations,
)
from xlplugin.workbook.book import Book

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
    "Desktop",
    "DESKTOP",
    "fill_hex",
    "STATE_SHEET",
    "CONFIG_KEY",
    "CONFIG_SHEET",
    "MIN_XLWINGS",
]

STATE_SHEET = EXCEL_STATE_SHEET
CONFIG_KEY = excel_conf.PACK_KEY
CONFIG_SHEET = excel_conf.CONFIG_SHEET
MIN_XLWINGS = excel_conf.MIN_XLWINGS
_RESULT_ROW = "#result"  # the state sheet's row naming our result sheet
# new sheets are written under these names and renamed last, once nothing can fail any more
_TEMPORARY_RESULT, _TEMPORARY_STATE = "_xlplugin_结果_新", "_xlplugin_状态_新"


def main() -> None:
    """校验 the calling workbook: the entry for a sheet button (``RunPython "import xlplugin.excel as x; x.main()"``)."""
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


def validate(book=None, pack: str | None = None, surface: Surface | None = None) -> Report | None:
    """Check ``book`` (default: the workbook that pressed the button) and mark what is wrong.

    Returns the report, or ``None`` when the workbook could not be checked (the reason is shown in
    a message box, never as a traceback)."""
    return _finish(check_book(book if book is not None else _caller(), pack, surface or DESKTOP))


def clear(book=None, surface: Surface | None = None) -> int:
    """Remove our marks, notes and sheets from ``book``; return how many cells were restored."""
    return _finish(clear_book(book if book is not None else _caller(), surface or DESKTOP))


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
        restored, kept = await _clear(book, surface)
    except Exception as error:
        surface.say(book, _reason(error), "无法清除标注")
        return 0
    tail = f"单位写的 {kept} 条说明保留在“{EXPLANATIONS_SHEET}”表中，随工作簿报送。" if kept else ""
    surface.say(book, f"已清除 {restored} 个单元格的标注和“{RESULT_SHEET}”表。{tail}", "清除标注")
    return restored


def show_pack(book=None, surface: Surface | None = None) -> str | None:
    """Say which pack 校验 will use and which are available; offer the place to choose one.

    The choice is the ``XLPLUGIN_PACK`` row of the workbook's ``xlplugin.conf`` sheet (created here,
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
            sheet.range("A1:B1").number_format = "@"
            sheet.range("A1").value = [[CONFIG_KEY, spec or ""]]
    except Exception as error:
        surface.say(book, _reason(error), "规则包")
        return None
    current = spec or "按表样自动选择"
    surface.say(
        book,
        f"正在使用：{current}\n可用的规则包：{'、'.join(available) or '无'}\n\n"
        f"要指定规则包，在本工作簿“{CONFIG_SHEET}”表的 B 列（{CONFIG_KEY} 一行）填写 id（如 cq-2021 或 cq-2021@1.2.0）"
        "或规则包路径；留空则按表样自动选择。",
        "规则包",
    )
    return spec


# ---------------------------------------------------------------------------------------------
# Reading


def pack_spec(book) -> str | None:
    """The configured pack (id or path), or ``None`` to recognise it from the template: the
    environment, the workbook's ``xlplugin.conf`` (or older ``xlwings.conf``) sheet, the
    ``xlplugin.conf`` beside the workbook, the user's ``xlplugin.conf``, xlwings' own user file."""
    if os.environ.get(CONFIG_KEY):
        return os.environ[CONFIG_KEY]
    names = [s.name for s in book.sheets]
    for sheet_name in (CONFIG_SHEET, excel_conf.LEGACY_SHEET):
        if sheet_name in names:
            for row in book.sheets[sheet_name].used_range.options(ndim=2).value:
                if row and str(row[0]).strip() == CONFIG_KEY and len(row) > 1 and row[1]:
                    return text_value(row[1]).strip()
    files = [excel_conf.user_conf_path(), excel_conf.legacy_conf_path()]
    if getattr(book, "fullname", None) and os.path.isabs(str(book.fullname)):
        files.insert(0, excel_conf.folder_conf_path(book.fullname))
    for path in files:
        value = excel_conf.read_conf(Path(path)).get(CONFIG_KEY) if path is not None else None
        if value:
            return value
    return None


# ---------------------------------------------------------------------------------------------
# Checking


async def _validate(book, pack_name: str | None, surface: Surface) -> Report:
    """Read everything, check, plan every cell's change, then write it all (or nothing, on failure)."""
    from xlplugin.api import check

    surface.ready(book)
    model = read_book(book)
    explanations = read_explanations(model)
    state, old_result = _ours(model)
    # a 校验说明 left by clearing: its 说明 were just read and go back into 校验结果, so it goes
    old_explained = next(
        (s.name for s in model.sheets if s.name in EXPLANATION_NAMES and looks_like_explanations_sheet(s.rows)), None
    )
    ours = (STATE_SHEET, MANIFEST_SHEET, old_result, old_explained)
    model.sheets = [s for s in model.sheets if s.name not in ours]
    checked = check(model, pack_name or pack_spec(book), name=book.name)
    report = checked.report
    names = [s.name for s in book.sheets if s.name not in ours]
    marks = cell_marks(report, names)
    changes = await _plan(book, surface, state, marks)
    listing = result_sheet(report, checked.pack.name, checked.pack.layout.titles, explanations)
    taken = {s.name for s in book.sheets} - {old_result}
    result_name = next(n for n in RESULT_NAMES if n not in taken)
    # each marked cell: its fill before any run of ours, and the fill we gave it
    state_rows = [["sheet", "cell", "color", "painted"], [_RESULT_ROW, result_name, "", ""]]
    marked = {(sheet, ref) for sheet, cells in marks.items() for ref in cells}
    state_rows += [[c.sheet, c.ref, c.original, c.fill_to] for c in changes if (c.sheet, c.ref) in marked]

    def write(journal: Journal) -> None:
        result = journal.add_sheet(_TEMPORARY_RESULT)
        write_result_sheet(result, surface, listing)
        hidden = journal.add_sheet(_TEMPORARY_STATE)
        hidden.range(f"A1:D{len(state_rows)}").number_format = "@"
        hidden.range("A1").value = state_rows
        hidden.visible = False
        journal.write_cells(changes)
        _replace_sheets(book, (old_result, old_explained), result, result_name, hidden)

    await _apply(book, surface, write)
    return report


async def _plan(book, surface: Surface, state: list[list] | None, marks) -> list[CellChange]:
    """Every cell the last run marked or this one marks, with its fill and note now and to be.

    A cell's fill is read only when the state does not say which fill the last run gave it."""
    names = {s.name for s in book.sheets}
    old = {(sheet, ref): original for sheet, ref, original, _ in state or [] if sheet in names}
    fills = {(sheet, ref): painted for sheet, ref, _, painted in state or [] if sheet in names and painted}
    cells: dict[str, set[str]] = {}
    for sheet, ref in old:
        cells.setdefault(sheet, set()).add(ref)
    for sheet, refs in marks.items():
        cells.setdefault(sheet, set()).update(refs)
    notes = {}
    for sheet_name, refs in cells.items():
        sheet = book.sheets[sheet_name]
        unknown = sorted(ref for ref in refs if (sheet_name, ref) not in fills)
        if unknown:
            found = await surface.fills(sheet, unknown)
            fills.update({(sheet_name, ref): found.get(ref, "") for ref in unknown})
        for ref in sorted(refs):
            cell = sheet.range(ref)
            notes[sheet_name, ref] = cell, await surface.note_text(cell)
    return plan_cells(old, marks, fills, notes)


async def _apply(book, surface: Surface, write) -> None:
    """Run ``write`` with screen updating and recalculation off; on failure undo what it wrote."""
    journal = Journal(book, surface, hidden_notes=surface.hides_empty_notes)
    with surface.quiet(book):
        try:
            write(journal)
        except Exception as error:
            journal.rollback()
            raise _RolledBack(error) from error


def _replace_sheets(book, old: tuple, result, result_name: str, state) -> None:
    """The last writes: the previous run's sheets go, the new ones take their names."""
    names = {s.name for s in book.sheets}
    for name in (STATE_SHEET, MANIFEST_SHEET, *old):
        if name in names:
            book.sheets[name].delete()
    result.name = result_name
    state.name = STATE_SHEET


def _ours(model: Book) -> tuple[list[list] | None, str | None]:
    """Our state rows (sheet, cell, original fill, the fill we gave it: ``''`` in states written before
    that column) and our result sheet's name, from what was read.

    A copy annotated by the file door (``xlplugin check --annotate``, ``batch --annotate``) has the
    file door's manifest instead (:func:`file_door_state`), so the buttons clear such copies too.
    Without either (deleted by hand), a 校验结果 in our layout is still ours; a department's own
    sheet of that name is not."""
    state_sheet = model.sheet(STATE_SHEET)
    if state_sheet is None and model.sheet(MANIFEST_SHEET) is not None:
        return file_door_state(model.sheet(MANIFEST_SHEET).rows)
    if state_sheet is None:
        result = model.sheet(RESULT_SHEET)
        return None, RESULT_SHEET if result is not None and looks_like_result_sheet(result.rows) else None
    state = [[text_value(v) for v in (list(row) + [None] * 4)[:4]] for row in state_sheet.rows[1:] if row and row[0]]
    result_name = next((ref for sheet, ref, *_ in state if sheet == _RESULT_ROW), None)
    return [row for row in state if row[0] != _RESULT_ROW], result_name


async def _clear(book, surface: Surface) -> tuple[int, int]:
    """Restore every cell and remove our sheets; the findings the department explained stay in a
    校验说明 sheet (as ``xlplugin clean`` leaves them). Returns (cells restored, 说明 kept)."""
    surface.ready(book)
    model = read_book(book, names=(STATE_SHEET, MANIFEST_SHEET, *RESULT_NAMES))
    state, result_name = _ours(model)
    result = model.sheet(result_name) if result_name else None
    explained = explanation_rows(result.rows) if result is not None else []
    changes = await _plan(book, surface, state, {})

    def write(journal: Journal) -> None:
        if explained:  # first: the 说明 are safe before anything of ours goes
            taken = {s.name for s in book.sheets}
            sheet = journal.add_sheet(next(n for n in EXPLANATION_NAMES if n not in taken))
            rows = [[EXPLANATIONS_SHEET], [EXPLANATIONS_NOTE], EXPLANATION_HEADINGS, *explained]
            sheet.range(f"A1:E{len(rows)}").number_format = "@"
            sheet.range("A1").value = [row + [None] * (5 - len(row)) for row in rows]
            sheet.range("A3:E3").font.bold = True
            for index, width in enumerate(EXPLANATION_WIDTHS):
                sheet.range((1, index + 1)).column_width = surface.column_width(width)
        journal.write_cells(changes)
        names = {s.name for s in book.sheets}
        for name in (STATE_SHEET, MANIFEST_SHEET, result_name):
            if name in names:
                book.sheets[name].delete()

    await _apply(book, surface, write)
    return len(changes), len(explained)


# ---------------------------------------------------------------------------------------------
# Surfaces


class Surface(ABC):
    """What differs between the places the door runs: reading fills and note texts, painting fills,
    the unit of column widths, and what can be switched off while writing. Everything else is the
    same xlwings calls on every surface."""

    #: whether a note with empty text reads as no note here (xlwings' Mac engine)
    hides_empty_notes = False

    def ready(self, book) -> None:  # noqa: B027 (a surface that can mark every workbook keeps this)
        """Refuse, before anything is written, a workbook this surface cannot mark."""

    def say(self, book, text: str, title: str) -> None:
        """Tell the finance officer, in a message box."""
        book.app.alert(text, title=f"xlplugin {title}")

    def quiet(self, book):
        """A context in which the writes are made (the desktop turns screen updating off)."""
        return contextlib.nullcontext()

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


class Desktop(Surface):
    """Excel on Windows or macOS: reads are immediate. Cells of one colour are painted a rectangle
    at a time; on Windows many rectangles go in one multi-area address, which xlwings' Mac engine
    does not take (``mac=True``: one call per rectangle)."""

    def __init__(self, mac: bool = sys.platform == "darwin"):
        self.mac = self.hides_empty_notes = mac

    def ready(self, book):
        import xlwings

        if excel_conf.xlwings_too_old(xlwings.__version__):
            need = ".".join(map(str, excel_conf.MIN_XLWINGS))
            raise XlpluginError(
                "xlwings-too-old",
                f"这台电脑上的 xlwings 是 {xlwings.__version__} 版，“校验”按钮需要 {need} 或更新的版本。"
                f'请运行 pip install -U "xlwings>={need},<1"，然后用 xlplugin addin 重新生成并安装加载项。工作簿没有被改动。',
            )

    @contextlib.contextmanager
    def quiet(self, book):
        app = book.app
        updating, calculation = app.screen_updating, app.calculation
        app.screen_updating, app.calculation = False, "manual"
        try:
            yield
        finally:
            app.screen_updating, app.calculation = updating, calculation

    async def fills(self, sheet, refs):
        return {ref: fill_hex(sheet.range(ref).color) for ref in refs}

    def paint(self, sheet, colors):
        by_color: dict[str, list[str]] = {}
        for ref, color in colors.items():
            by_color.setdefault(color, []).append(ref)
        for color, refs in by_color.items():
            rectangles = blocks(refs)
            for address in rectangles if self.mac else areas(rectangles):
                sheet.range(address).color = color or None

    async def note_text(self, cell):
        note = cell.note
        return None if note is None else (note.text or "")

    def column_width(self, characters):
        return characters


DESKTOP = Desktop()


# ---------------------------------------------------------------------------------------------
# Small helpers


class _RolledBack(Exception):
    """A write failed; everything written before it was undone."""

    def __init__(self, cause: Exception):
        super().__init__(str(cause))
        self.cause = cause


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
    if isinstance(error, _RolledBack):
        return f"写入标注时出错，本次写入的内容已全部撤销，工作簿保持原样。\n原因：{_reason(error.cause)}"
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
