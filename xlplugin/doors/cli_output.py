"""What the commands write besides the report itself: for ``xlplugin check``, the report of one workbook
as text or JSON (or, when the workbook cannot be checked, a JSON error object), the annotated copy, and
the numbered backups that ``--in-place`` keeps — a backup is never overwritten, and is written
atomically (copied to a temporary file in the same folder, then renamed); for ``xlplugin batch``, the
progress line (:func:`progress_printer`)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import click

from xlplugin.core.display import clip, display_width, pad
from xlplugin.core.errors import XlpluginError
from xlplugin.doors.os_errors import user_error

__all__ = [
    "JSON_SCHEMA_VERSION",
    "LEVELS",
    "annotatable",
    "backup",
    "backup_name",
    "error_json",
    "eta_text",
    "progress_printer",
    "render_report",
    "write_annotation",
]

#: ``schema_version`` of the JSON documents ``check --format json`` prints; the same number as the
#: report's own (:meth:`xlplugin.core.findings.Report.as_dict`)
JSON_SCHEMA_VERSION = "2"

#: ``--level``: the English names and the Chinese severity names, each to the English one
LEVELS = {"error": "error", "warning": "warning", "info": "info", "错误": "error", "警告": "warning", "提示": "info"}


def error_json(code: str, message: str, workbook: str = "") -> dict:
    """The JSON document for a workbook that could not be checked."""
    document = {"schema_version": JSON_SCHEMA_VERSION, "error": {"code": code, "message": message}}
    if workbook:
        document["workbook"] = workbook
    return document


def render_report(checked, output_format: str, level: str, coverage: bool = False):
    """The report of one checked workbook: a JSON-ready dict, or the text for people (``level`` and
    ``coverage`` as in :func:`xlplugin.output.render.render_text`; JSON always has everything)."""
    from xlplugin.output.render import render_json, render_text

    report, pack = checked.report, checked.pack
    if output_format == "json":
        data = json.loads(render_json(report))  # schema_version comes from Report.as_dict
        if checked.notices:  # what the reader must know about the pack's origin
            data["pack"]["notices"] = checked.notices
        return data
    text = render_text(report, pack.layout.titles, pack.name, len(pack.rules), level, coverage)
    return "".join(f"注意：{notice}\n" for notice in checked.notices) + text


def backup_name(workbook: Path, number: int = 1) -> Path:
    """``x.备份.xlsx`` for the first backup of ``x.xlsx``, then ``x.备份-2.xlsx``, ``x.备份-3.xlsx`` …"""
    suffix = "" if number == 1 else f"-{number}"
    return workbook.with_name(f"{workbook.stem}.备份{suffix}{workbook.suffix}")


def backup(workbook: Path) -> Path:
    """Copy ``workbook`` to the first free :func:`backup_name`: never over an earlier backup, and never
    half-written (a temporary file in the same folder, renamed only when complete)."""
    handle, temporary = tempfile.mkstemp(prefix=f".{workbook.stem}.", suffix=".part", dir=workbook.parent)
    os.close(handle)
    try:
        shutil.copy2(workbook, temporary)
        number = 1
        while True:
            target = backup_name(workbook, number)
            if _claim(Path(temporary), target):
                break
            number += 1
    finally:
        Path(temporary).unlink(missing_ok=True)
    click.echo(f"已备份原文件：{target}", err=True)
    return target


def _claim(temporary: Path, target: Path) -> bool:
    """Give ``temporary`` the name ``target`` unless that name is taken (``False`` then). A hard link
    fails atomically on an existing name; where links are not supported, rename after a check."""
    try:
        os.link(temporary, target)
        return True
    except FileExistsError:
        return False
    except OSError:  # no hard links here (FAT, some network drives)
        if target.exists():
            return False
        os.replace(temporary, target)
        return True


def annotatable(workbook: Path, annotate_to: Path | None, in_place: bool):
    """The workbook's format, once it is clear that the annotation asked for can be written: an
    annotation is always an .xlsx package, so a workbook of another format (.xls, .et, .ods, .xlsb)
    gets an .xlsx copy and is never overwritten. Refusals that depend on the file, not on the command
    line, are :class:`XlpluginError` (exit 2, a JSON error object), not usage errors."""
    from xlplugin.workbook.sniff import sniff_workbook

    if annotate_to is not None and _is_folder(annotate_to):
        raise XlpluginError(
            "cannot-annotate",
            f"--annotate-to 给出的“{annotate_to}”是文件夹：请写出标注副本的文件名，"
            f"如 {annotate_to / (workbook.stem + '.校验.xlsx')}。",
        )
    sniffed = sniff_workbook(workbook)
    if sniffed.is_xlsx:
        return sniffed
    kind = sniffed.description
    if in_place:
        raise XlpluginError(
            "cannot-annotate",
            f"“{workbook.name}”是 {kind}，不能直接标注（xlplugin 不会把它改写成 .xlsx）。"
            f"请改用 --annotate：另存一份“{copy_name(workbook, sniffed).name}”并标注，原文件不变。",
        )
    if annotate_to is not None and annotate_to.suffix.lower() != ".xlsx":
        raise XlpluginError(
            "cannot-annotate",
            f"“{workbook.name}”是 {kind}，标注副本将另存为 .xlsx：--annotate-to 的文件名请以 .xlsx 结尾。",
        )
    return sniffed


def _is_folder(path: Path) -> bool:
    """Whether ``path`` is a folder; a name the system cannot even look up (too long) is not — writing
    to it says why."""
    try:
        return path.is_dir()
    except OSError:
        return False


def copy_name(workbook: Path, sniffed) -> Path:
    """Where ``--annotate`` writes: ``报表.校验.xlsx`` (``.xlsm`` kept; any other format gets an .xlsx)."""
    from xlplugin.output.annotate import annotated_name
    from xlplugin.output.convert import annotated_xlsx_name

    if sniffed.is_xlsx and workbook.suffix.lower() in (".xlsx", ".xlsm"):
        return annotated_name(workbook)
    return annotated_xlsx_name(workbook)


def write_annotation(workbook: Path, checked, annotate_to: Path | None, in_place: bool, sniffed) -> None:
    """Write the annotation asked for (after the backup ``--in-place`` keeps). What the system refuses
    — a full disk, a read-only or locked file, a name too long — is one sentence naming the file
    (:func:`xlplugin.doors.os_errors.user_error`); the file is written whole or not at all."""
    target = annotate_to or (workbook if in_place else copy_name(workbook, sniffed))
    if in_place:
        try:
            backup(workbook)
        except OSError as error:
            raise user_error(error, backup_name(workbook)) from None
    elif target.resolve() == workbook.resolve():
        raise XlpluginError("cannot-annotate", "标注副本不能覆盖原文件；要直接标注原文件请用 --in-place。")
    try:
        _write(workbook, checked, target, in_place, sniffed)
    except OSError as error:
        raise user_error(error, target) from None


def _write(workbook: Path, checked, target: Path, in_place: bool, sniffed) -> None:
    from xlplugin.output.annotate import write_annotated
    from xlplugin.output.convert import write_annotated_copy

    findings = len(checked.report.findings)
    if not sniffed.is_xlsx:
        done = write_annotated_copy(checked.book, target, checked.report, checked.pack)
        click.echo(
            f"已另存为 .xlsx 并标注：{done.path}（{done.cells} 个单元格，“校验结果”表 {findings} 条；"
            f"原文件是 {sniffed.description}，未改动；副本只有数值和合并单元格，没有原来的格式）",
            err=True,
        )
        return
    done = write_annotated(workbook, target, checked.report, checked.pack, checked.book)
    carried = f"；沿用了被替换的副本中单位写的 {done.carried} 条说明" if getattr(done, "carried", 0) else ""
    click.echo(
        f"已写入标注{'（原文件）' if in_place else '副本'}：{done.path}（{done.cells} 个单元格，"
        f"“校验结果”表 {findings} 条{carried}）",
        err=True,
    )


#: terminal columns of the bar itself, between its brackets, at most
BAR_WIDTH = 30
#: columns a unit's name gets before the bar is made narrower for it
NAME_WIDTH = 24


def _columns(stream) -> int:
    """The width of the terminal ``stream`` writes to (not necessarily stdout's); 80 if unknown."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        columns = 0
    return columns if columns > 0 else shutil.get_terminal_size().columns


def eta_text(seconds: float | None) -> str:
    """Time left as a clock reads: ``--:--`` (not known yet), ``0:42``, ``12:05``, ``1:02:05``."""
    if seconds is None:
        return "--:--"
    minutes, second = divmod(round(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02}:{second:02}" if hours else f"{minute}:{second:02}"


def progress_printer(
    stream=None, columns: int | None = None, clock: Callable[[], float] = time.monotonic
) -> Callable[[int, int, dict], None]:
    """A progress bar on a terminal (``columns`` wide, default the terminal's), one plain line per
    workbook otherwise; on ``stream``, by default standard error as it is when called.

    The bar line reads ``[#####     ]  12/210 剩余 2:10 无法校验 1 万盛经开区教育局``: the count, the
    time left (from the pace of the workbooks checked so far; those reused from an earlier run take
    no time and do not count toward it) and the files that could not be checked, then the unit being
    reported. It is redrawn in place, after a carriage return. Widths are terminal columns, not
    characters (a Chinese unit name takes two columns a character): every field has a fixed width so
    the names start in one column, the bar gets narrower on a narrow terminal before a name gets
    fewer than :data:`NAME_WIDTH` columns, a name is clipped so that the line never reaches the
    terminal's last column (a line that wraps cannot be redrawn in place), and each line is padded to
    cover the one before it, so no character of a longer earlier line is left on screen."""
    stream = sys.stderr if stream is None else stream
    tty = stream.isatty()
    width = (columns or _columns(stream)) if tty else 0
    shown = 0  # columns of the line now on the terminal
    started = clock()
    fresh = failed = 0

    def show(done: int, total: int, summary: dict) -> None:
        nonlocal shown, fresh, failed
        failed += "error" in summary
        fresh += not summary.get("skipped")
        name = summary.get("unit") or summary.get("file")
        if not tty:
            stream.write(f"[{done}/{total}] {name} — {_state(summary)}\n")
            stream.flush()
            return
        digits = len(str(total))
        left = (clock() - started) / fresh * (total - done) if fresh else None
        fields = f" {done:>{digits}}/{total} 剩余 {eta_text(left):>7} 无法校验 {failed:>{digits}} "
        bar = min(BAR_WIDTH, width - 1 - display_width(fields) - NAME_WIDTH - 2)
        head = fields.lstrip()
        if bar >= 5:  # below that a bar says nothing; the count does
            filled = int(bar * done / max(total, 1))
            head = f"[{'#' * filled}{' ' * (bar - filled)}]" + fields
        line = head + clip(name, width - 1 - display_width(head))
        stream.write("\r" + pad(line, shown))
        shown = display_width(line)
        if done == total:
            stream.write("\n")
            shown = 0
        stream.flush()

    return show


def _state(summary: dict) -> str:
    if "error" in summary:
        return f"无法校验：{summary['error']}"
    if summary.get("skipped"):
        return "沿用上次的结果"
    return f"{'通过' if summary['valid'] else '不通过'}（错误 {summary['errors']}，警告 {summary['warnings']}）"
