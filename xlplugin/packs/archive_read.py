"""Reading a pack archive as a hostile one: every entry checked before anything is used or written.

:func:`read_entries` refuses what an archive could do to the machine (paths outside the target,
links, zip bombs, more files or bytes than a pack needs, files that are not data) and what would
make one archive mean different things to different readers (the same name twice, names that differ
only in case — one file on Windows —, a file that is also a folder, names not in UTF-8, encrypted
entries or ones compressed in a way we cannot check). :func:`shape_problem` then says, in one Chinese
sentence, why a well-formed .zip is still not a pack ``xlplugin pack build`` made: empty, the files
one folder too deep, no ``CONTENTS.json`` or ``pack.yaml``, a manifest that cannot be read, or a
``pack.yaml`` whose id and version are not the manifest's. Nothing here writes to disk.
"""

from __future__ import annotations

import errno
import json
import re
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from xlplugin.core.errors import PackError
from xlplugin.core.yamlfile import load_yaml

__all__ = ["CONTENTS", "SIGNATURE", "DATA_SUFFIXES", "read_entries", "read_manifest", "shape_problem"]

CONTENTS = "CONTENTS.json"
SIGNATURE = "SIGNATURE.json"
MANIFEST = "pack.yaml"
DATA_SUFFIXES = {".yaml", ".yml", ".xlsx", ".xlsm", ".md", ".txt", ".json", ".csv", ".docx"}
MAX_FILES = 1000
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200
#: what zipfile can decompress and check: stored, deflated, bzip2, lzma
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_ENCRYPTED = 0x1
_UTF8_NAME = 0x800
_SHA256 = re.compile(r"[0-9a-f]{64}")


def read_entries(archive_path: Path) -> dict[str, bytes]:
    """Every file of a pack archive (name → bytes), after the hostile-archive checks."""
    try:
        archive = zipfile.ZipFile(archive_path)
    except IsADirectoryError:
        raise PackError("bad-archive", f"“{archive_path}”是文件夹，不是 .zip 规则包。") from None
    except FileNotFoundError:
        raise PackError("bad-archive", f"找不到规则包文件“{archive_path}”。") from None
    except PermissionError:
        raise PackError("bad-archive", f"无法读取“{archive_path}”：没有读取权限。") from None
    except OSError as error:
        why = errno.errorcode.get(error.errno or 0, error.errno)
        raise PackError("bad-archive", f"无法读取“{archive_path}”（系统错误 {why}）。") from None
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise PackError("bad-archive", f"“{archive_path.name}”不是完整的 .zip 规则包。") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_FILES:
            raise PackError("too-many-files", f"规则包中的文件超过 {MAX_FILES} 个，拒绝读取。")
        _check_names(infos)
        total = 0
        entries = {}
        for info in infos:
            if info.is_dir():
                continue
            _check_entry(info)
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise PackError("too-large", f"规则包解压后超过 {MAX_TOTAL_BYTES // 1024 // 1024} MB，拒绝读取。")
            entries[info.filename] = _read(archive, info)
        return entries


def _check_names(infos: list[zipfile.ZipInfo]) -> None:
    """Names that every reader takes the same way: each once, in UTF-8, inside the target, and never a
    file that is also a folder of another entry."""
    seen: dict[str, str] = {}
    files, folders = set(), set()
    for info in infos:
        name = info.filename
        _check_name(name)
        if not info.flag_bits & _UTF8_NAME and not name.isascii():
            raise PackError(
                "bad-archive",
                f"规则包中有文件名不是 UTF-8 编码（读作“{name}”）：请用 xlplugin pack build 重新打包。",
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise PackError("symlink", f"规则包中不能有链接：“{name}”。")
        plain = name.rstrip("/")
        if plain.casefold() in seen:
            other = seen[plain.casefold()]
            same = "同一个文件出现了两次" if other == plain else f"与“{other}”只差大小写，在 Windows 上是同一个文件"
            raise PackError("bad-archive", f"规则包中的“{plain}”{same}：拒绝读取。")
        seen[plain.casefold()] = plain
        (folders if info.is_dir() else files).add(plain)
        folders.update(str(parent) for parent in PurePosixPath(plain).parents if str(parent) != ".")
    for name in sorted(files & folders):
        raise PackError("bad-archive", f"规则包中的“{name}”既是文件又是文件夹：拒绝读取。")


def _check_name(name: str) -> None:
    path = PurePosixPath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in path.parts or "\x00" in name:
        raise PackError("path-traversal", f"规则包中的路径“{name}”试图写到规则包目录之外，拒绝读取。")
    if "\\" in name or name.rstrip("/") != path.as_posix():  # ./x, a//b, a\b: one file, several spellings
        raise PackError("bad-archive", f"规则包中的路径“{name}”写法不规范：请用 xlplugin pack build 重新打包。")


def _check_entry(info: zipfile.ZipInfo) -> None:
    name = info.filename
    if PurePosixPath(name).suffix.lower() not in DATA_SUFFIXES:
        raise PackError("not-data", f"规则包只能包含数据文件，不能包含“{name}”。")
    if info.flag_bits & _ENCRYPTED:
        raise PackError("bad-archive", f"规则包中的“{name}”设置了密码：规则包不能加密，请用 xlplugin pack build 打包。")
    if info.compress_type not in _METHODS:
        raise PackError(
            "bad-archive",
            f"规则包中的“{name}”用了不支持的压缩方式（{info.compress_type}）：请用 xlplugin pack build 打包。",
        )
    if info.file_size > MAX_FILE_BYTES:
        raise PackError("file-too-large", f"规则包中的“{name}”超过 {MAX_FILE_BYTES // 1024 // 1024} MB，拒绝读取。")
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
        raise PackError(
            "zip-bomb",
            f"“{name}”的压缩比异常（{info.file_size // max(info.compress_size, 1)} 倍），疑似压缩炸弹，拒绝读取。",
        )


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    name = info.filename
    try:
        with archive.open(info) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError, NotImplementedError):
        # a wrong CRC, a truncated or mislabelled entry: the bytes are not the ones that were packed
        raise PackError(
            "corrupt-archive", f"规则包中的“{name}”已损坏（校验和不符），规则包可能被改动或传输出错。"
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise PackError("file-too-large", f"规则包中的“{name}”超过限制，拒绝读取。")
    return data


def read_manifest(entries: dict[str, bytes]) -> tuple[str, str, dict[str, str]] | None:
    """``CONTENTS.json`` as (id, version, file → SHA-256), or ``None`` when it is not one
    :func:`xlplugin.packs.archive.build` writes."""
    try:
        contents = json.loads(entries[CONTENTS].decode("utf-8"))
        pack_id, version, files = contents["pack"]["id"], contents["pack"]["version"], contents["files"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    if not (isinstance(pack_id, str) and isinstance(version, str) and isinstance(files, dict)):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) and _SHA256.fullmatch(v) for k, v in files.items()):
        return None
    return pack_id, version, files


def shape_problem(archive_path: Path, entries: dict[str, bytes]) -> str | None:
    """Why these entries are not a pack as ``pack build`` writes it, or ``None`` when they are."""
    name = archive_path.name
    if not entries:
        return f"“{name}”中没有任何文件，不是规则包。"
    if CONTENTS not in entries:
        deeper = sorted(
            (n for n in entries if PurePosixPath(n).name in (CONTENTS, MANIFEST)), key=lambda n: n.count("/")
        )
        if deeper:
            folder = str(PurePosixPath(deeper[0]).parent)
            return (
                f"“{name}”中的规则包文件在文件夹“{folder}/”里（多了一层文件夹），不是 xlplugin pack build 生成的规则包："
                f"请用 xlplugin pack build 打包规则包文件夹。"
            )
        return f"“{name}”缺少内容清单 {CONTENTS}：不是 xlplugin pack build 生成的规则包。"
    manifest = read_manifest(entries)
    if manifest is None:
        return f"“{name}”的内容清单 {CONTENTS} 无法读取：不是 xlplugin pack build 生成的规则包。"
    return None


def manifest_problem(archive_path: Path, entries: dict[str, bytes], pack_id: str, version: str) -> str | None:
    """Why ``pack.yaml`` does not make these entries the pack ``CONTENTS.json`` names, or ``None``."""
    if MANIFEST not in entries:
        return f"“{archive_path.name}”中没有 {MANIFEST}：不是完整的规则包。"
    try:
        text = entries[MANIFEST].decode("utf-8")
        data = load_yaml(Path(MANIFEST), text)
    except UnicodeDecodeError:
        return f"“{archive_path.name}”中的 {MANIFEST} 不是 UTF-8 编码。"
    except PackError as error:
        return f"“{archive_path.name}”中的 {error.message}"
    if not isinstance(data, dict) or (str(data.get("id")), str(data.get("version"))) != (pack_id, version):
        return f"“{archive_path.name}”中 {MANIFEST} 的 id 和版本与内容清单（{pack_id} {version}）不一致。"
    return None
