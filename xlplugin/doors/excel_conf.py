"""Where the 校验 button's VBA looks for its settings, and reading and writing them.

The add-in and the macro template carry xlwings' own VBA with ``PROJECT_NAME = "xlplugin"``
(:mod:`xlplugin.doors.addin`), so when a button is pressed the VBA reads, first found wins:

1. a sheet named ``xlplugin.conf`` in the workbook (column A the key, column B the value);
2. a file ``xlplugin.conf`` in the workbook's folder;
3. the user's file: ``%USERPROFILE%\\.xlplugin\\xlplugin.conf`` on Windows,
   ``~/Library/Containers/com.microsoft.Excel/Data/xlplugin.conf`` on macOS (Excel is sandboxed
   there and can read nothing else without asking).

The keys the VBA uses are xlwings' (``INTERPRETER_WIN``, ``INTERPRETER_MAC``, ``PYTHONPATH``,
``CONDA PATH``…); without ``INTERPRETER_*`` it runs plain ``python``, which on a Mac most likely
cannot start. xlplugin adds one key of its own, :data:`PACK_KEY`, read by the Python side
(:func:`xlplugin.doors.excel.pack_spec`). The file is lines of two quoted fields, ``"KEY","VALUE"``,
as VBA's ``Input #`` reads them, in the system's code page.

This module imports neither xlwings nor Excel: ``xlplugin addin`` writes the file and
``xlplugin doctor`` reads it on any machine.
"""

from __future__ import annotations

import locale
import os
import sys
from pathlib import Path

from xlplugin.doors.os_errors import atomic_path

__all__ = [
    "PROJECT",
    "CONFIG_SHEET",
    "LEGACY_SHEET",
    "PACK_KEY",
    "user_conf_path",
    "legacy_conf_path",
    "folder_conf_path",
    "interpreter_key",
    "interpreter_for",
    "read_conf",
    "write_conf",
    "MIN_XLWINGS",
    "xlwings_too_old",
]

PROJECT = "xlplugin"
CONFIG_SHEET = f"{PROJECT}.conf"
#: read too, for workbooks configured before the add-in had its own name
LEGACY_SHEET = "xlwings.conf"
PACK_KEY = "XLPLUGIN_PACK"
#: the oldest xlwings with every call the buttons make (Range.add_note came in 0.37.0)
MIN_XLWINGS = (0, 37)


def xlwings_too_old(version: str) -> bool:
    """Whether an xlwings of ``version`` ("0.33.15") lacks calls the buttons make."""
    numbers = tuple(int(part) for part in version.split(".")[:2] if part.isdigit())
    return numbers < MIN_XLWINGS


def user_conf_path(platform: str = sys.platform, home: Path | None = None) -> Path | None:
    """The user's conf file the VBA reads on ``platform``; ``None`` where Excel does not run."""
    home = home or Path.home()
    if platform == "darwin":
        return home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / CONFIG_SHEET
    if platform == "win32":
        return Path(os.environ.get("USERPROFILE") or home) / f".{PROJECT}" / CONFIG_SHEET
    return None


def legacy_conf_path(home: Path | None = None) -> Path:
    """xlwings' own user conf file, read for :data:`PACK_KEY` only (earlier guides pointed there)."""
    return (home or Path.home()) / ".xlwings" / "xlwings.conf"


def folder_conf_path(workbook: str | Path) -> Path:
    """The conf file beside a workbook, which the VBA reads before the user's."""
    return Path(workbook).parent / CONFIG_SHEET


def interpreter_key(platform: str = sys.platform) -> str:
    return "INTERPRETER_MAC" if platform == "darwin" else "INTERPRETER_WIN"


def interpreter_for(python: str | Path, platform: str = sys.platform) -> Path:
    """The interpreter the button should start: on Windows ``pythonw.exe`` beside ``python.exe``
    when there is one (no console window flashes up), else ``python`` itself."""
    python = Path(python)
    if platform == "win32" and python.name.lower() == "python.exe":
        quiet = python.with_name("pythonw.exe")
        if quiet.is_file():
            return quiet
    return python


def read_conf(path: Path) -> dict[str, str]:
    """The file's keys (upper-cased, as the VBA compares them) and values; ``{}`` if it is missing."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for line in path.read_bytes().decode(_encoding(), errors="replace").splitlines():
        fields = _fields(line)
        if len(fields) >= 2 and fields[0]:
            values.setdefault(fields[0].upper(), fields[1])
    return values


def write_conf(path: Path, updates: dict[str, str]) -> Path:
    """Set ``updates`` in the file, keeping every other line; written atomically."""
    lines = []
    if path.is_file():
        lines = path.read_bytes().decode(_encoding(), errors="replace").splitlines()
    pending = {key.upper(): (key, value) for key, value in updates.items()}
    for index, line in enumerate(lines):
        fields = _fields(line)
        if fields and fields[0].upper() in pending:
            key, value = pending.pop(fields[0].upper())
            lines[index] = _line(key, value)
    lines += [_line(key, value) for key, value in pending.values()]
    with atomic_path(path) as temporary:
        temporary.write_bytes(("\r\n".join(lines) + "\r\n").encode(_encoding()))
    return path


def _line(key: str, value: str) -> str:
    if '"' in value:
        raise ValueError(f"配置值不能含有双引号：{value}")
    return f'"{key}","{value}"'


def _fields(line: str) -> list[str]:
    """A line as VBA's ``Input #`` splits it: comma-separated fields, quotes around a field dropped."""
    fields, current, quoted = [], [], False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            fields.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    fields.append("".join(current).strip())
    return fields


def _encoding() -> str:
    # VBA's Open … For Input reads the system's ANSI code page (GBK on a Chinese Windows)
    return locale.getpreferredencoding(False) or "utf-8"
