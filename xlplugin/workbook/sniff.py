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

import errno
import os
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from xlplugin.core.errors import WorkbookError

__all__ = [
    "ODS",
    "XLS",
    "XLSB",
    "XLSX",
    "Sniffed",
    "check_workbook_file",
    "read_head",
    "sniff_workbook",
    "FORMAT_NAMES",
]

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
    head = read_head(path, 8)
    if not head:
        raise WorkbookError("empty-file", f"“{name}”是空文件（0 字节），不是工作簿。")
    if head.startswith(_OLE_MAGIC):
        return Sniffed(path, _ole_format(path))
    if not head.startswith(_ZIP_MAGIC):
        raise _text_or_unknown_error(path)
    return Sniffed(path, _package_format(path))


#: what a message calls each kind of file that is not a regular file
_SPECIAL_FILES = (
    (stat.S_ISFIFO, "命名管道（FIFO）"),
    (stat.S_ISCHR, "字符设备"),
    (stat.S_ISBLK, "块设备"),
    (stat.S_ISSOCK, "套接字"),
)


def read_head(path: Path, size: int, what: str = "工作簿", missing: str = "文件") -> bytes:
    """The first ``size`` bytes of the regular file at ``path``; raise a :class:`WorkbookError` naming
    the path if it is missing, a folder, unreadable, or not a regular file at all.

    Every door opens a workbook or a narrative file through here first, so that nothing can block:
    opening a named pipe (FIFO) for reading waits for a writer — forever, if none comes — and a device
    such as ``/dev/zero`` never ends. The file is opened without blocking and its type is taken from
    the open descriptor, so a file swapped for a pipe between the two steps is refused too.
    ``what`` names the expected file in messages (``工作簿``, ``情况说明文件``), ``missing`` what a
    path that does not exist is called (``找不到文件“…”``)."""
    try:
        status = path.stat()
    except FileNotFoundError:
        raise WorkbookError("file-not-found", f"找不到{missing}“{path}”。请检查路径和文件名。") from None
    except OSError as exc:
        raise WorkbookError("unreadable", f"无法读取“{path.name}”：{_reason(exc)}。") from None
    if stat.S_ISDIR(status.st_mode):
        raise WorkbookError("is-directory", f"“{path}”是文件夹，不是{what}。")
    _refuse_special(path, status.st_mode, what)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise WorkbookError("unreadable", f"无法读取“{path.name}”：{_reason(exc)}。") from None
    try:
        _refuse_special(path, os.fstat(descriptor).st_mode, what)
        return os.read(descriptor, size)
    except OSError as exc:
        raise WorkbookError("unreadable", f"无法读取“{path.name}”：{_reason(exc)}。") from None
    finally:
        os.close(descriptor)


#: why a file could not be opened, for the errors a person can act on (else the system's own words)
_READ_REASONS = {
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.EIO: "读取出错（磁盘或网络驱动器故障）",
    errno.ENAMETOOLONG: "文件名或路径过长",
    errno.ENOTDIR: "路径中有一级不是文件夹",
    errno.ELOOP: "符号链接形成了循环",
    errno.EBUSY: "文件正被其他程序占用",
}


def _reason(error: OSError) -> str:
    return _READ_REASONS.get(error.errno) or error.strerror or str(error)


def _refuse_special(path: Path, mode: int, what: str) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _SPECIAL_FILES if test(mode)), "特殊文件")
    raise WorkbookError(
        "not-a-regular-file",
        f"“{path}”是{kind}，不是普通文件，不能作为{what}读取（读取它可能永远等不到结束）。",
    )


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
