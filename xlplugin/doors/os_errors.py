"""What the operating system refused, said to a person: one Chinese sentence naming the path.

Every door turns an :class:`OSError` (a full disk, a read-only or locked file, a folder where a file
was expected, a name too long for the file system, a file without read permission) into
:func:`sentence` — never a Python exception's English text. :func:`user_error` wraps it as an
:class:`~xlplugin.core.errors.XlpluginError` (exit 2) with a code that scripts can tell apart:
``disk-full`` (nothing more can be written: the batch stops there), ``cannot-write`` or ``unreadable``.

:func:`atomic_path` is how a door writes a file that a person opens afterwards (``汇总.xlsx``, a
report): into a temporary file in the same folder, renamed over the target only when complete, so a
failure half-way leaves the previous file (or none), never a truncated one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from xlplugin.core.errors import XlpluginError
from xlplugin.core.files import file_mode

__all__ = ["DISK_FULL", "atomic_path", "is_disk_full", "reason", "sentence", "user_error"]

#: errors that mean "nothing more can be written here": going on with the next file cannot help.
#: EFBIG is also what a per-process file-size limit (RLIMIT_FSIZE, ulimit -f) gives.
DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})

_REASONS = {
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EFBIG: "文件超过了允许的大小，磁盘空间或配额不足",
    errno.EACCES: "没有权限（文件或文件夹可能是只读的、被锁定，或正被其他程序打开）",
    errno.EPERM: "操作不被允许（文件可能是只读的、被锁定，或正被其他程序打开）",
    errno.EROFS: "所在的磁盘是只读的",
    errno.ENAMETOOLONG: "文件名或路径过长",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一级不是文件夹",
    errno.ENOENT: "文件或文件夹不存在",
    errno.EEXIST: "已有同名的文件",
    errno.EBUSY: "正被其他程序占用",
    errno.ETXTBSY: "正被其他程序占用",
    errno.EIO: "读写出错（磁盘或网络驱动器故障）",
    errno.EMFILE: "同时打开的文件过多",
    errno.ENFILE: "同时打开的文件过多",
    errno.ELOOP: "符号链接形成了循环",
    errno.EINVAL: "文件名中有不允许的字符",
    errno.ENXIO: "这不是普通文件（设备或管道）",
}
#: Windows: the file is open in another program (Excel keeps a workbook it shows locked)
_WINDOWS_LOCKED = {32, 33}


def is_disk_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in DISK_FULL


def reason(error: OSError) -> str:
    """Why, in Chinese: by the error number; the symbolic name for one we have no words for."""
    if getattr(error, "winerror", None) in _WINDOWS_LOCKED:
        return "文件正被其他程序打开（如 Excel），请关闭后重试"
    if error.errno in _REASONS:
        return _REASONS[error.errno]
    if error.errno:
        return f"系统错误 {errno.errorcode.get(error.errno, error.errno)}"
    return "系统错误"


def _written(error: OSError) -> bool:
    return error.errno in DISK_FULL or error.errno == errno.EROFS


def sentence(error: OSError, path: str | os.PathLike | None = None, doing: str | None = None) -> str:
    """``无法写入“汇总.xlsx”：磁盘空间已满。`` — ``path`` defaults to the one the error names (for a
    rename, its destination: the source is our temporary file); ``doing`` to 写入 for a full or
    read-only disk and 访问 otherwise (an error alone does not say whether it was reading)."""
    where = path if path is not None else (error.filename2 or error.filename)
    verb = doing or ("写入" if _written(error) else "访问")
    if where in (None, ""):
        return f"无法{verb}文件：{reason(error)}。"
    if error.errno == errno.EEXIST and error.filename:  # making a folder where a file is
        blocker = os.fsdecode(error.filename)
        if os.fsdecode(where) == blocker:
            return f"无法创建文件夹“{blocker}”：已有同名的文件。"
        return f"无法{verb}“{os.fsdecode(where)}”：“{blocker}”是文件，不是文件夹。"
    return f"无法{verb}“{os.fsdecode(where)}”：{reason(error)}。"


def user_error(error: OSError, path: str | os.PathLike | None = None, doing: str = "写入") -> XlpluginError:
    """The :class:`XlpluginError` for ``error``: ``disk-full``, ``unreadable`` (reading) or ``cannot-write``."""
    if is_disk_full(error):
        code = "disk-full"
    elif doing == "读取":
        code = "unreadable"
    else:
        code = "cannot-write"
    return XlpluginError(code, sentence(error, path, doing))


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside ``target`` to write to; renamed over ``target`` when the block ends
    normally, removed when it raises. Any :class:`OSError` becomes :func:`user_error` naming ``target``."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
        handle, name = tempfile.mkstemp(
            prefix=f".{target.stem[:40]}.", suffix=f".part{target.suffix}", dir=target.parent
        )
        os.close(handle)
        os.chmod(name, file_mode(target))  # a file people open, not mkstemp's private 0600
    except OSError as error:
        raise user_error(error, target) from None
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, target)
    except OSError as error:
        raise user_error(error, target) from None
    finally:
        temporary.unlink(missing_ok=True)
