"""The batch progress bar on a terminal: the count, the time left and the files that could not be
checked; Chinese unit names take two columns a character; the names start in one column, a long name
is clipped to the terminal, and redrawing in place leaves nothing of an earlier, longer line behind.
At the end of a run, the files that could not be checked are listed."""

from __future__ import annotations

import io
import re

import pytest

from xlplugin.core.display import clip, display_width, pad
from xlplugin.doors.cli_output import eta_text, progress_printer


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


class Clock:
    """Seconds that pass only when a test says so."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("columns", [80, 120, 60, 40])
def test_each_redraw_shows_exactly_the_new_line(columns):
    terminal = Terminal(columns)
    show = progress_printer(terminal, columns=columns)
    starts = set()
    previous = ""
    for done, name in enumerate(UNITS, start=1):
        show(done, len(UNITS), _summary(name))
        line = terminal.lines[-1] if done == len(UNITS) else terminal.screen()
        assert display_width(line) < columns  # never wraps, so it can be redrawn in place
        assert re.search(rf"(^|[ \]]){done}/{len(UNITS)} ", line)
        start = line.index(" 无法校验 0 ") + len(" 无法校验 0 ")
        shown = line[start:]
        assert name.startswith(shown) and (shown == name or display_width(line) >= columns - 2)
        starts.add(display_width(line[:start]))
        if display_width(previous) > display_width(line):  # the longer line before is gone entirely
            assert terminal.screen() == line or terminal.lines[-1] == line
        previous = line
    assert len(starts) == 1  # every name starts in the same column
    assert terminal.lines == [terminal.lines[-1]]  # one line, redrawn in place, ended once


def test_the_line_says_the_time_left_and_the_failures_so_far():
    terminal, clock = Terminal(100), Clock()
    show = progress_printer(terminal, columns=100, clock=clock)
    show(1, 10, _summary("甲") | {"skipped": True})  # reused: took no time, says nothing of the pace
    assert " 1/10 剩余   --:-- 无法校验  0 甲" in terminal.screen()
    clock.now += 30
    show(2, 10, {"file": "坏.xlsx", "error": "文件已损坏。"})
    assert " 2/10 剩余    4:00 无法校验  1 坏.xlsx" in terminal.screen()  # 30 s a workbook, 8 to go
    clock.now += 3570
    show(3, 10, _summary("乙"))
    assert " 3/10 剩余 3:30:00 无法校验  1 乙" in terminal.screen()  # 3600 s for 2: 1800 s each, 7 to go


def test_eta_reads_like_a_clock():
    assert [eta_text(s) for s in (None, 0, 42.4, 725, 3725)] == ["--:--", "0:00", "0:42", "12:05", "1:02:05"]


def test_a_long_chinese_name_is_clipped_by_columns_not_characters():
    terminal = Terminal(70)
    show = progress_printer(terminal, columns=70)
    show(1, 2, _summary(UNITS[0]))  # 22 characters, 44 columns: clipped to what is left of 69
    line = terminal.screen()
    name = line[line.index("无法校验 0 ") + len("无法校验 0 ") :]
    assert UNITS[0].startswith(name) and len(name) < len(UNITS[0])
    assert display_width(line) in (68, 69)  # a wide character that would reach column 70 is left out
    show(2, 2, _summary("x"))
    assert terminal.lines[-1].endswith(" 2/2 剩余    0:00 无法校验 0 x") and "重庆" not in terminal.lines[-1]


def test_the_bar_gives_way_on_a_narrow_terminal_before_the_name_does():
    wide, narrow = Terminal(120), Terminal(40)
    for terminal in (wide, narrow):
        progress_printer(terminal, columns=terminal.columns)(1, 2, _summary("万盛经开区教育局"))
    assert wide.screen().startswith("[") and "万盛经开区教育局" in wide.screen()
    assert not narrow.screen().startswith("[") and narrow.screen().startswith("1/2 ")


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
    monkeypatch.setenv("COLUMNS", "60")  # what shutil reports when the stream has no terminal of its own
    terminal = Terminal(60)
    show = progress_printer(terminal)
    show(1, 1, _summary(UNITS[0]))
    line = terminal.lines[0]
    assert display_width(line) in (58, 59) and line.startswith("1/1 剩余") and "重庆市" in line
