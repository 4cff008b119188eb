"""Tell what kind of file we were given before any reader touches it.

Readers fail on wrong input with messages no finance officer can act on ("Zip file is corrupt",
"Invalid sector shift"). :func:`sniff_workbook` looks at the file's content — its first bytes, its
zip directory or its OLE2 directory names, never only its extension — and returns the format a
reader can read:

- :data:`XLSX`: an Office Open XML spreadsheet package (.xlsx, .xlsm, or such a package under
  another name);
- :data:`XLS`: an OLE2 compound document with a BIFF ``Workbook`` (or BIFF5 ``Book``) stream —
  Excel 97-2003 ``.xls``, and WPS ``.et``/``.ett`` files, which are the same kind of container;
- :data:`ODS`: an OpenDocument spreadsheet (.ods, .ots);
- :data:`XLSB`: an Excel binary workbook (.xlsb).

Anything else raises a :class:`~xlplugin.core.errors.WorkbookError` with a Chinese explanation and
the fix (usually: open it in Excel or WPS and save as .xlsx): a missing or empty file, an encrypted
workbook, a damaged zip, a Word document, a CSV. A file that passes here can still be refused by
the reader (a damaged or password-protected .xls is only recognisable by reading its records).
"""

from __future__ import annotations

import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from xlplugin.core.errors import WorkbookError

__all__ = ["ODS", "XLS", "XLSB", "XLSX", "Sniffed", "check_workbook_file", "sniff_workbook", "FORMAT_NAMES"]

XLSX, XLS, ODS, XLSB = "xlsx", "xls", "ods", "xlsb"
#: how a message names each format
FORMAT_NAMES = {
    XLSX: "Excel 工作簿（.xlsx）",
    XLS: "Excel 97-2003 工作簿（.xls）",
    ODS: "OpenDocument 电子表格（.ods）",
    XLSB: "Excel 二进制工作簿（.xlsb）",
}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
# OLE2 directory entries hold stream names in UTF-16LE: these identify what the container is.
_ENCRYPTED_MARKERS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_BIFF_MARKERS = ("Workbook\0".encode("utf-16-le"), "Book\0".encode("utf-16-le"))
_OTHER_OLE = {"WordDocument\0": "Word 97-2003 文档", "PowerPoint Document\0": "PowerPoint 97-2003 演示文稿"}
_WPS_SUFFIXES = (".et", ".ett")
_SAVE_AS = "请在 Excel 或 WPS 中打开，“另存为” Excel 工作簿（.xlsx）后再校验。"


@dataclass(frozen=True)
class Sniffed:
    """A file a reader can read: where it is and which format (:data:`XLSX`, :data:`XLS`,
    :data:`ODS`, :data:`XLSB`) its content is, whatever its extension says."""

    path: Path
    format: str

    @property
    def description(self) -> str:
        """How a message names the file's format: ``Excel 97-2003 工作簿（.xls）``, ``WPS 表格（.et）`` …"""
        if self.format == XLS and self.path.suffix.lower() in _WPS_SUFFIXES:
            return "WPS 表格（.et，Excel 97-2003 格式）"
        return FORMAT_NAMES[self.format]

    @property
    def is_xlsx(self) -> bool:
        """An Office Open XML package: the only format an annotation can be written into."""
        return self.format == XLSX


def check_workbook_file(path: str | os.PathLike) -> Path:
    """Return ``path`` as a :class:`Path` if a reader can read it (any format of
    :func:`sniff_workbook`), else raise."""
    return sniff_workbook(path).path


def sniff_workbook(path: str | os.PathLike) -> Sniffed:
    """The format of the workbook at ``path``, by content; raise a :class:`WorkbookError` if it is
    none that xlplugin reads."""
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
        return Sniffed(path, _ole_format(path))
    if not head.startswith(_ZIP_MAGIC):
        raise _text_or_unknown_error(path)
    return Sniffed(path, _package_format(path))


def _ole_format(path: Path) -> str:
    data = path.read_bytes()
    if all(marker in data for marker in _ENCRYPTED_MARKERS):
        raise WorkbookError(
            "encrypted-workbook",
            f"“{path.name}”设置了打开密码，xlplugin 无法读取加密的工作簿。"
            "请在 Excel 中“文件 → 信息 → 保护工作簿 → 用密码进行加密”清除密码后另存一份再校验。",
        )
    if any(marker in data for marker in _BIFF_MARKERS):
        return XLS
    for stream, what in _OTHER_OLE.items():
        if stream.encode("utf-16-le") in data:
            raise WorkbookError("not-a-workbook", f"“{path.name}”是{what}，不是 Excel 工作簿。{_SAVE_AS}")
    kind = "WPS 表格（.et）" if path.suffix.lower() in _WPS_SUFFIXES else "Excel 97-2003 格式"
    raise WorkbookError(
        "legacy-format",
        f"“{path.name}”看起来是 {kind} 的文件，但其中找不到工作表数据（不是 Excel 97-2003 格式，或文件已损坏），"
        f"xlplugin 无法读取。{_SAVE_AS}",
    )


def _text_or_unknown_error(path: Path) -> WorkbookError:
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        return WorkbookError(
            "csv-not-workbook",
            f"“{path.name}”是文本/CSV 文件，没有表样结构（表头、合并单元格、多张表）。请提交填好的 .xlsx 工作簿。",
        )
    return WorkbookError(
        "not-a-workbook",
        f"“{path.name}”不是 Excel 工作簿（文件内容既不是 .xlsx/.xls 也不是 .ods）。{_SAVE_AS}",
    )


def _package_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            broken = package.testzip()
            mimetype = package.read("mimetype")[:100] if "mimetype" in names else b""
            manifest = package.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise WorkbookError(
            "corrupt-workbook",
            f"“{path.name}”已损坏（压缩包结构不完整，可能下载或拷贝中断）。请重新获取原文件，"
            "或在 Excel 中打开并选择“打开并修复”后另存。",
        ) from None
    if broken is not None:
        raise WorkbookError("corrupt-workbook", f"“{path.name}”已损坏：其中的“{broken}”无法解压。请重新获取原文件。")
    if "xl/workbook.xml" in names:
        return XLSX
    if "xl/workbook.bin" in names:
        return XLSB
    if mimetype.startswith(_ODS_MIME) and "content.xml" in names:
        if b"encryption-data" in manifest:
            raise WorkbookError(
                "encrypted-workbook",
                f"“{path.name}”设置了打开密码，xlplugin 无法读取加密的工作簿。"
                "请在 WPS 或 LibreOffice 中清除密码后另存一份再校验。",
            )
        return ODS
    if "word/document.xml" in names:
        what = "Word 文档"
    elif "ppt/presentation.xml" in names:
        what = "PowerPoint 演示文稿"
    elif "content.xml" in names:
        what = "OpenDocument 文件（但不是电子表格）"
    else:
        what = "不认识的压缩包"
    raise WorkbookError("not-a-workbook", f"“{path.name}”是{what}，不是 Excel 工作簿。{_SAVE_AS}")
