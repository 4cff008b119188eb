"""Tell what kind of file we were given before any reader touches it.

Readers fail on wrong input with messages no finance officer can act on ("Zip file is corrupt",
"BOF record not found"). :func:`check_workbook_file` looks at the file's first bytes and its zip
directory and raises a :class:`~xlplugin.core.errors.WorkbookError` with a Chinese explanation and the fix
(usually: open it in Excel or WPS and save as .xlsx). It returns normally only for an Office Open XML
spreadsheet package (.xlsx / .xlsm).
"""

from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path

from xlplugin.core.errors import WorkbookError

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# An encrypted OOXML file is an OLE container holding these streams (names are UTF-16LE).
_ENCRYPTED_MARKERS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_SAVE_AS = "请在 Excel 或 WPS 中打开，“另存为” Excel 工作簿（.xlsx）后再校验。"


def check_workbook_file(path: str | os.PathLike) -> Path:
    """Return ``path`` as a :class:`Path` if it is a readable .xlsx/.xlsm package, else raise."""
    path = Path(path)
    name = path.name
    if not path.exists():
        raise WorkbookError("file-not-found", f"找不到文件“{path}”。请检查路径和文件名。")
    if path.is_dir():
        raise WorkbookError("is-directory", f"“{path}”是文件夹，不是工作簿。")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise WorkbookError("unreadable", f"无法读取“{name}”：{exc.strerror or exc}。") from None
    if not head:
        raise WorkbookError("empty-file", f"“{name}”是空文件（0 字节），不是工作簿。")
    if head.startswith(_OLE_MAGIC):
        raise _ole_error(path)
    if not head.startswith(_ZIP_MAGIC):
        raise _text_or_unknown_error(path)
    _check_package(path)
    return path


def _ole_error(path: Path) -> WorkbookError:
    data = path.read_bytes()
    if all(marker in data for marker in _ENCRYPTED_MARKERS):
        return WorkbookError(
            "encrypted-workbook",
            f"“{path.name}”设置了打开密码，xlplugin 无法读取加密的工作簿。"
            "请在 Excel 中“文件 → 信息 → 保护工作簿 → 用密码进行加密”清除密码后另存一份再校验。",
        )
    kind = "WPS 表格（.et）" if path.suffix.lower() in (".et", ".ett") else "Excel 97-2003 工作簿（.xls）"
    return WorkbookError("legacy-format", f"“{path.name}”是旧格式的{kind}，xlplugin 只读取 .xlsx/.xlsm。{_SAVE_AS}")


def _text_or_unknown_error(path: Path) -> WorkbookError:
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        return WorkbookError(
            "csv-not-workbook",
            f"“{path.name}”是文本/CSV 文件，没有表样结构（表头、合并单元格、多张表）。请提交填好的 .xlsx 工作簿。",
        )
    return WorkbookError(
        "not-a-workbook", f"“{path.name}”不是 Excel 工作簿（文件内容既不是 .xlsx 也不是 .xls）。{_SAVE_AS}"
    )


def _check_package(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            broken = package.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise WorkbookError(
            "corrupt-workbook",
            f"“{path.name}”已损坏（压缩包结构不完整，可能下载或拷贝中断）。请重新获取原文件，"
            "或在 Excel 中打开并选择“打开并修复”后另存。",
        ) from None
    if broken is not None:
        raise WorkbookError("corrupt-workbook", f"“{path.name}”已损坏：其中的“{broken}”无法解压。请重新获取原文件。")
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            what = "Word 文档"
        elif "ppt/presentation.xml" in names:
            what = "PowerPoint 演示文稿"
        elif "content.xml" in names:
            what = "OpenDocument（.ods 等）文件"
        else:
            what = "不认识的压缩包"
        raise WorkbookError("not-a-workbook", f"“{path.name}”是{what}，不是 Excel 工作簿。{_SAVE_AS}")
