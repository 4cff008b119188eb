"""Edit a VBA project (``vbaProject.bin``) without Excel, as [MS-OVBA] describes it.

The Excel door's files are xlwings' own quickstart files with our modules in place of the demo ones
and our own names (:mod:`xlplugin.doors.addin`). :class:`VbaProject` makes those edits:

- a module is found through the project's ``dir`` stream (``MODULENAME`` → ``MODULESTREAMNAME`` and
  ``MODULEOFFSET``, [MS-OVBA] 2.3.4.2.3); its source is decompressed and recompressed with the
  [MS-OVBA] 2.4.1 algorithm;
- a module or the project can be renamed (``dir``, ``PROJECT``, ``PROJECTwm`` and the stream name);
- on writing, every module's compiled p-code (the "performance cache" in front of its source) is
  dropped and ``MODULEOFFSET`` set to 0, as [MS-OVBA] asks of a writer, and ``_VBA_PROJECT`` carries
  version ``0xFFFF``: Excel compiles every module from its source. Keeping the template's p-code in
  front of a new source is what malware does to hide code ("VBA stomping"); mail gateways and
  antivirus that look for it would quarantine the add-in.

The compound file around the project is rewritten whole (:mod:`xlplugin.doors.cfb`), so sources of
any length fit.
"""

from __future__ import annotations

import re
import struct

from xlplugin.doors import cfb

__all__ = ["compress", "decompress", "module_source", "VbaProject", "VbaError"]

_CHUNK = 4096


class VbaError(ValueError):
    """The VBA project is not what we can edit (unknown layout, module or text missing)."""


# ---------------------------------------------------------------------------------------------
# [MS-OVBA] 2.4.1 compression


def decompress(data: bytes) -> bytes:
    """A CompressedContainer's bytes → the original bytes."""
    if not data or data[0] != 1:
        raise VbaError("not a compressed container (signature byte is not 1)")
    out, pos = bytearray(), 1
    while pos < len(data):
        header = int.from_bytes(data[pos : pos + 2], "little")
        end = pos + (header & 0x0FFF) + 3
        pos += 2
        chunk_start = len(out)
        if not header & 0x8000:  # a raw chunk: 4096 bytes as they are
            out += data[pos : pos + _CHUNK]
            pos += _CHUNK
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags >> bit & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                token = int.from_bytes(data[pos : pos + 2], "little")
                pos += 2
                bits = _offset_bits(len(out) - chunk_start)
                offset, length = (token >> (16 - bits)) + 1, (token & (0xFFFF >> bits)) + 3
                for _ in range(length):
                    out.append(out[-offset])
    return bytes(out)


def compress(data: bytes, min_match: int = 3) -> bytes:
    """The bytes as a CompressedContainer (greedy longest matches of at least ``min_match``)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        out += _chunk(data[start : start + _CHUNK], min_match)
    return bytes(out)


def _offset_bits(position: int) -> int:
    return max((position - 1).bit_length(), 4)


def _chunk(data: bytes, min_match: int) -> bytes:
    body, pos = bytearray(), 0
    seen: dict[bytes, list[int]] = {}  # 3-byte prefix → where it starts: only those can begin a match
    indexed = 0
    while pos < len(data):
        flags, tokens = 0, bytearray()
        for bit in range(8):
            if pos >= len(data):
                break
            while indexed < pos:
                seen.setdefault(data[indexed : indexed + 3], []).append(indexed)
                indexed += 1
            offset, length = _longest_match(data, pos, seen.get(data[pos : pos + 3], ()))
            if length >= max(3, min_match):
                bits = _offset_bits(pos)
                tokens += (((offset - 1) << (16 - bits)) | (length - 3)).to_bytes(2, "little")
                flags |= 1 << bit
                pos += length
            else:
                tokens.append(data[pos])
                pos += 1
        body.append(flags)
        body += tokens
    if len(body) > _CHUNK:  # incompressible: a full chunk goes raw, as the spec requires
        if len(data) != _CHUNK:
            raise VbaError("an incompressible last chunk cannot be stored")
        return (0x3FFF).to_bytes(2, "little") + data
    return ((len(body) - 1) | 0xB000).to_bytes(2, "little") + body  # 0b1011: compressed, signature 3


def _longest_match(data: bytes, pos: int, candidates) -> tuple[int, int]:
    bits = _offset_bits(pos)
    max_length = (0xFFFF >> bits) + 3
    best_offset, best_length = 0, 0
    for candidate in reversed(candidates):  # nearest first: an equal length keeps the smaller offset
        if candidate < pos - (1 << bits):
            break
        length = 0
        while pos + length < len(data) and length < max_length and data[candidate + length] == data[pos + length]:
            length += 1
        if length > best_length:
            best_offset, best_length = pos - candidate, length
    return best_offset, best_length


# ---------------------------------------------------------------------------------------------
# The project

_PROJECTNAME, _PROJECTCODEPAGE, _PROJECTVERSION = 0x0004, 0x0003, 0x0009
_MODULENAME, _MODULENAMEUNICODE, _MODULESTREAMNAME, _STREAMNAMEUNICODE = 0x0019, 0x0047, 0x001A, 0x0032
_MODULEOFFSET = 0x0031
#: _VBA_PROJECT as [MS-OVBA] 2.3.4.1 asks a writer to write it: version 0xFFFF, no performance cache
_VBA_PROJECT_STREAM = b"\xcc\x61\xff\xff\x00\x00\x00"


def _records(dir_stream: bytes) -> list[tuple[int, bytes]]:
    """The ``dir`` stream's records as (id, payload); :func:`_dir_bytes` writes them back byte for byte."""
    records, pos = [], 0
    while pos + 6 <= len(dir_stream):
        record_id = int.from_bytes(dir_stream[pos : pos + 2], "little")
        size = int.from_bytes(dir_stream[pos + 2 : pos + 6], "little")
        if record_id == _PROJECTVERSION:  # its size field says 4, but 6 bytes follow
            size = 6
        records.append((record_id, dir_stream[pos + 6 : pos + 6 + size]))
        pos += 6 + size
    return records


def _dir_bytes(records: list[tuple[int, bytes]]) -> bytes:
    return b"".join(
        struct.pack("<HI", record_id, 4 if record_id == _PROJECTVERSION else len(payload)) + payload
        for record_id, payload in records
    )


class VbaProject:
    """A ``vbaProject.bin`` opened for editing; :meth:`to_bytes` writes it back without any p-code."""

    def __init__(self, data: bytes):
        self._tree = cfb.read(data)
        self._dir = _records(decompress(self._tree.stream("VBA/dir")))
        codepage = next((p for i, p in self._dir if i == _PROJECTCODEPAGE), b"\xe4\x04")
        self._encoding = f"cp{int.from_bytes(codepage, 'little')}"
        #: module name → its source (decompressed, still encoded)
        self._sources: dict[str, bytes] = {}
        for name, stream, offset in self._modules():
            self._sources[name] = decompress(self._tree.stream(f"VBA/{stream}")[offset:])

    @property
    def modules(self) -> list[str]:
        return list(self._sources)

    @property
    def name(self) -> str:
        return next(p for i, p in self._dir if i == _PROJECTNAME).decode(self._encoding)

    def source(self, module: str) -> str:
        """The module's source, CRLF line ends as VBA stores them."""
        return self._source(module).decode(self._encoding)

    def set_source(self, module: str, source: str) -> None:
        """Replace the module's source (its ``Attribute VB_Name`` line must name the module)."""
        self._source(module)
        text = source.replace("\r\n", "\n").replace("\n", "\r\n")
        if f'Attribute VB_Name = "{module}"' not in text.split("\r\n", 1)[0]:
            raise VbaError(f'the new source of {module} must start with Attribute VB_Name = "{module}"')
        self._sources[module] = text.encode(self._encoding)

    def replace_text(self, module: str, old: str, new: str) -> None:
        """Replace the one occurrence of ``old`` in the module's source."""
        source = self.source(module)
        if source.count(old) != 1:
            raise VbaError(f"{old!r} occurs {source.count(old)} times in module {module}, not once")
        self._sources[module] = source.replace(old, new).encode(self._encoding)

    def rename_module(self, old: str, new: str) -> None:
        """Rename a module: its records, stream, the ``PROJECT``/``PROJECTwm`` entries and its VB_Name."""
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,30}", new) or new in self._sources:
            raise VbaError(f"{new!r} is not a free module name")
        self.replace_text(old, f'Attribute VB_Name = "{old}"', f'Attribute VB_Name = "{new}"')
        self._sources = {(new if name == old else name): source for name, source in self._sources.items()}
        current = None
        for index, (record_id, payload) in enumerate(self._dir):
            if record_id == _MODULENAME:
                current = payload.decode(self._encoding)
            if current != old:
                continue
            if record_id in (_MODULENAME, _MODULESTREAMNAME):
                self._dir[index] = (record_id, new.encode(self._encoding))
            elif record_id in (_MODULENAMEUNICODE, _STREAMNAMEUNICODE):
                self._dir[index] = (record_id, new.encode("utf-16-le"))
        self._tree.remove(f"VBA/{old}")
        project = self._tree.stream("PROJECT").decode(self._encoding)
        project = re.sub(rf"(?m)^(Module|Class|Document|BaseClass)={re.escape(old)}(?=/|\r?$)", rf"\1={new}", project)
        project = re.sub(rf"(?m)^{re.escape(old)}=", f"{new}=", project)
        self._tree.set_stream("PROJECT", project.encode(self._encoding))
        self._rename_in_name_map(old, new)

    def rename_project(self, new: str) -> None:
        """The project's name (the VBA editor shows it; add-ins with the same name are easy to confuse)."""
        self._dir = [(i, new.encode(self._encoding) if i == _PROJECTNAME else p) for i, p in self._dir]
        project = self._tree.stream("PROJECT").decode(self._encoding)
        project = re.sub(r'(?m)^Name="[^"]*"', f'Name="{new}"', project)
        self._tree.set_stream("PROJECT", project.encode(self._encoding))

    def to_bytes(self) -> bytes:
        """The project as a compound file: every module's source, ``MODULEOFFSET`` 0, no p-code."""
        records = [(i, struct.pack("<I", 0) if i == _MODULEOFFSET else p) for i, p in self._dir]
        for name, stream, _ in self._modules():
            self._tree.set_stream(f"VBA/{stream}", compress(self._sources[name]))
        for cache in [n for n in self._tree.children["VBA"].children if n.startswith("__SRP_")]:
            self._tree.remove(f"VBA/{cache}")  # compiled-code caches, rebuilt by Excel
        self._tree.set_stream("VBA/dir", compress(_dir_bytes(records)))
        self._tree.set_stream("VBA/_VBA_PROJECT", _VBA_PROJECT_STREAM)
        return cfb.write(self._tree)

    def _source(self, module: str) -> bytes:
        if module not in self._sources:
            raise VbaError(f"no VBA module named {module!r}")
        return self._sources[module]

    def _modules(self) -> list[tuple[str, str, int]]:
        """(name, stream name, source offset) of every module, from the ``dir`` stream."""
        found, name, stream = [], None, None
        for record_id, payload in self._dir:
            if record_id == _MODULENAME:
                name, stream = payload.decode(self._encoding), None
            elif record_id == _MODULESTREAMNAME:
                stream = payload.decode(self._encoding)
            elif record_id == _MODULEOFFSET and name is not None:
                found.append((name, stream or name, int.from_bytes(payload, "little")))
        return found

    def _rename_in_name_map(self, old: str, new: str) -> None:
        """``PROJECTwm``: each module's name in the code page and in UTF-16, then two zero bytes."""
        data = self._tree.stream("PROJECTwm")
        entry = old.encode(self._encoding) + b"\0" + old.encode("utf-16-le") + b"\0\0"
        if data.count(entry) != 1:
            raise VbaError(f"module {old} is not in PROJECTwm")
        self._tree.set_stream(
            "PROJECTwm", data.replace(entry, new.encode(self._encoding) + b"\0" + new.encode("utf-16-le") + b"\0\0")
        )


def module_source(project: bytes, name: str) -> str:
    """The source of module ``name`` in a ``vbaProject.bin`` (CRLF line ends, as VBA stores it)."""
    return VbaProject(project).source(name)
