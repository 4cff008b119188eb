"""Replace the source of one VBA module inside a ``vbaProject.bin``, as [MS-OVBA] describes it.

The Excel add-in is xlwings' own quickstart add-in with our ribbon callback in place of the demo
one; this module does that one edit without Excel:

- the module's stream is found through the project's ``dir`` stream (``MODULENAME`` →
  ``MODULESTREAMNAME`` and ``MODULEOFFSET``, [MS-OVBA] 2.3.4.2.3);
- its source is decompressed and recompressed with the [MS-OVBA] 2.4.1 algorithm;
- the stream keeps its size, because the compound file is edited in place (olefile can only
  overwrite a stream with one of the same length): the new source is padded with a comment line and
  encoded so that it fills exactly the bytes the old one did.

Excel compiles the module from this source: the template's ``_VBA_PROJECT`` stream carries version
``0xFFFF`` (no usable performance cache), which :func:`replace_module` checks.
"""

from __future__ import annotations

import io

__all__ = ["compress", "decompress", "module_source", "replace_module", "VbaError"]

_CHUNK = 4096


class VbaError(ValueError):
    """The VBA project is not what we can edit (unknown layout, module missing, source too long)."""


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


def _records(dir_stream: bytes):
    pos = 0
    while pos + 6 <= len(dir_stream):
        record_id = int.from_bytes(dir_stream[pos : pos + 2], "little")
        size = int.from_bytes(dir_stream[pos + 2 : pos + 6], "little")
        if record_id == 0x0009:  # PROJECTVERSION: its size field says 4, but 6 bytes follow
            size = 6
        yield record_id, dir_stream[pos + 6 : pos + 6 + size]
        pos += 6 + size


def _module(ole, name: str) -> tuple[str, int]:
    """The stream path and source offset of module ``name``."""
    directory = decompress(ole.openstream("VBA/dir").read())
    current, stream = None, None
    for record_id, payload in _records(directory):
        if record_id == 0x0019:  # MODULENAME
            current, stream = payload.decode("latin-1"), None
        elif record_id == 0x001A and current == name:  # MODULESTREAMNAME
            stream = payload.decode("latin-1")
        elif record_id == 0x0031 and current == name:  # MODULEOFFSET
            return f"VBA/{stream or name}", int.from_bytes(payload, "little")
    raise VbaError(f"no VBA module named {name!r}")


def module_source(project: bytes, name: str) -> str:
    """The source of module ``name`` in a ``vbaProject.bin`` (CRLF line ends, as VBA stores it)."""
    import olefile

    with olefile.OleFileIO(io.BytesIO(project)) as ole:
        path, offset = _module(ole, name)
        return decompress(ole.openstream(path).read()[offset:]).decode("cp1252")


def replace_module(project: bytes, name: str, source: str) -> bytes:
    """``project`` with module ``name``'s source replaced by ``source`` (ASCII; a padding comment is appended)."""
    import olefile

    buffer = io.BytesIO(project)
    with olefile.OleFileIO(buffer, write_mode=True) as ole:
        if ole.openstream("VBA/_VBA_PROJECT").read()[2:4] != b"\xff\xff":
            raise VbaError(
                "the project carries compiled code (its _VBA_PROJECT version is not 0xFFFF); Excel would not recompile the new source"
            )
        path, offset = _module(ole, name)
        stream = ole.openstream(path).read()
        encoded = _fit(source.replace("\r\n", "\n").replace("\n", "\r\n").encode("ascii"), len(stream) - offset)
        ole.write_stream(path, stream[:offset] + encoded)
    return buffer.getvalue()


_PAD = (
    b"' Built by xlplugin from the .bas file of this name in workbooks/excel; edit that file and rebuild, "
    b"do not edit this module. The rest of this line only keeps the stream at its size: "
    b"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)


def _fit(source: bytes, size: int) -> bytes:
    """``source`` plus a padding comment, compressed to exactly ``size`` bytes."""
    if len(compress(source)) > size:
        raise VbaError(f"the new source does not fit the module's {size} bytes; shorten it")
    for pad in [*range(len(_PAD), 1, -1), 0]:  # the longest comment that fits reads best
        text = source + (_PAD[:pad].rstrip() + b"\r\n" if pad else b"")
        for min_match in (3, 4, 5, 6, 8, 12, 1 << 12):
            encoded = compress(text, min_match)
            if len(encoded) == size:
                return encoded
    raise VbaError(f"no encoding of the new source fills exactly the module's {size} bytes; change its length a little")
