"""The batch progress bar on a terminal: Chinese unit names take two columns a character; the names
start in one column, a long name is clipped to the terminal, and redrawing in place leaves nothing of
an earlier, longer line behind."""

from __future__ import annotations

import io

import pytest

from xlplugin.core.display import clip, display_width, pad
from xlplugin.doors.batch import progress_printer


class Terminal(io.StringIO):
    """What a terminal ``columns`` wide shows on its current line: a carriage return moves back to the
    first column, each character overwrites one or two cells (a wide character two, and a wide one
    half overwritten is blanked, as terminals do), a newline starts a new line."""

    def __init__(self, columns: int):
        super().__init__()
        self.columns = columns
        self.cells: list[str] = []
        self.cursor = 0
        self.lines: list[str] = []

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        for ch in text:
            if ch == "\r":
                self.cursor = 0
            elif ch == "\n":
                self.lines.append(self.screen())
                self.cells, self.cursor = [], 0
            else:
                self._put(ch)
        return len(text)

    def _put(self, ch: str) -> None:
        width = display_width(ch)
        assert self.cursor + width <= self.columns, "the line wrapped: it cannot be redrawn in place"
        while len(self.cells) < self.cursor + width:
            self.cells.append(" ")
        for cell in range(self.cursor, self.cursor + width):
            if self.cells[cell] == "":  # the right half of a wide character: its left half goes too
                self.cells[cell - 1] = " "
            elif cell + 1 < len(self.cells) and self.cells[cell + 1] == "":  # the left half of one
                self.cells[cell + 1] = " "
        self.cells[self.cursor : self.cursor + width] = [ch] + [""] * (width - 1)
        self.cursor += width

    def screen(self) -> str:
        return "".join(self.cells).rstrip()


UNITS = [
    "重庆市万盛经济技术开发区人力资源和社会保障局",
    "abc.xlsx",
    "重庆市万盛经济技术开发区财政局",
    "万盛经开区教育局",
    "x",
]


def _summary(name: str) -> dict:
    return {"unit": name, "valid": True, "errors": 0, "warnings": 0}


@pytest.mark.parametrize("columns", [80, 120, 60])
def test_each_redraw_shows_exactly_the_new_line(columns):
    terminal = Terminal(columns)
    show = progress_printer(terminal, columns=columns)
    starts = set()
    for done, name in enumerate(UNITS, start=1):
        show(done, len(UNITS), _summary(name))
        line = terminal.lines[-1] if done == len(UNITS) else terminal.screen()
        head = f"[{'#' * (30 * done // len(UNITS)):<30}] {done}/{len(UNITS)} "
        shown = clip(name, columns - 1 - display_width(head))
        assert line == (head + shown).rstrip()  # nothing of the longer line before is left
        assert display_width(line) < columns
        starts.add(display_width(line) - display_width(shown))
    assert len(starts) == 1  # every name starts in the same column
    assert terminal.lines == [terminal.lines[-1]]  # one line, redrawn in place, ended once


def test_a_long_chinese_name_is_clipped_by_columns_not_characters():
    terminal = Terminal(60)
    show = progress_printer(terminal, columns=60)
    show(1, 2, _summary(UNITS[0]))  # 22 characters, 44 columns, after a 37-column head: 11 fit in 22
    assert terminal.screen().endswith("] 1/2 重庆市万盛经济技术开发") and display_width(terminal.screen()) == 59
    show(2, 2, _summary("x"))
    assert terminal.lines == [f"[{'#' * 30}] 2/2 x"]


def test_counts_are_right_aligned_so_names_stay_in_their_column():
    terminal = Terminal(80)
    show = progress_printer(terminal, columns=80)
    show(9, 10, _summary("万盛经开区教育局"))
    nine = terminal.screen()
    show(10, 10, _summary("万盛经开区教育局"))
    assert nine.index("万盛") == terminal.lines[-1].index("万盛")


def test_one_plain_line_per_workbook_when_not_a_terminal():
    stream = io.StringIO()
    show = progress_printer(stream)
    show(1, 2, _summary(UNITS[0]))
    show(2, 2, {"file": "坏.xlsx", "error": "文件已损坏。"})
    assert stream.getvalue() == (f"[1/2] {UNITS[0]} — 通过（错误 0，警告 0）\n[2/2] 坏.xlsx — 无法校验：文件已损坏。\n")


def test_clip_and_pad_measure_display_columns():
    assert clip("万盛经开区", 5) == "万盛"  # the third character would straddle the edge
    assert clip("万盛abc", 6) == "万盛ab" and clip("abc", 10) == "abc" and clip("万", 0) == ""
    assert pad("万盛", 6) == "万盛  " and pad("万盛经开区", 4) == "万盛经开区"


def test_the_width_defaults_to_the_terminals(monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")  # what shutil reports when the stream has no terminal of its own
    terminal = Terminal(50)
    show = progress_printer(terminal)
    show(1, 1, _summary(UNITS[0]))
    assert terminal.lines == [f"[{'#' * 30}] 1/1 重庆市万盛经"]  # 37 + 12 columns: the 50th stays free
