"""Read and write a Compound File ([MS-CFB] version 3), the container of a ``vbaProject.bin``.

olefile reads compound files but can only overwrite a stream with one of the same length. Building
the add-in changes the length of most streams of the VBA project (a module's source, the ``dir``
stream, ``PROJECT``), so the project is read into a :class:`Storage` tree and written out whole by
:func:`write`: 512-byte sectors, streams under 4,096 bytes in the mini stream, every storage's
children as a balanced red-black tree, entries' class ids, state bits and timestamps kept.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field

__all__ = ["Storage", "read", "write"]

_SECTOR = 512
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096
_FREE, _END, _FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
_NONE = 0xFFFFFFFF  # no sibling / child
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1
_HEADER_DIFAT = 109
_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass
class Storage:
    """A storage: named streams (bytes) and sub-storages, in one mapping as in the file."""

    name: str = "Root Entry"
    children: dict[str, bytes | Storage] = field(default_factory=dict)
    clsid: bytes = bytes(16)
    state_bits: int = 0
    created: bytes = bytes(8)
    modified: bytes = bytes(8)

    def stream(self, path: str) -> bytes:
        """The stream at ``path`` ("VBA/dir")."""
        node = self._parent(path).children[path.rsplit("/", 1)[-1]]
        if not isinstance(node, bytes):
            raise KeyError(path)
        return node

    def set_stream(self, path: str, data: bytes) -> None:
        self._parent(path).children[path.rsplit("/", 1)[-1]] = data

    def remove(self, path: str) -> None:
        del self._parent(path).children[path.rsplit("/", 1)[-1]]

    def _parent(self, path: str) -> Storage:
        node = self
        for name in path.split("/")[:-1]:
            child = node.children[name]
            if not isinstance(child, Storage):
                raise KeyError(path)
            node = child
        return node


def read(data: bytes) -> Storage:
    """The compound file's tree (olefile parses it)."""
    import olefile

    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        return _storage(ole, ole.root, [])


def _storage(ole, entry, path: list[str]) -> Storage:
    storage = Storage(
        name=entry.name,
        clsid=_clsid_bytes(entry.clsid),
        state_bits=entry.dwUserFlags,
        created=struct.pack("<Q", entry.createTime),
        modified=struct.pack("<Q", entry.modifyTime),
    )
    for kid in entry.kids:
        if kid.entry_type == _STORAGE:
            storage.children[kid.name] = _storage(ole, kid, [*path, kid.name])
        elif kid.entry_type == _STREAM:
            storage.children[kid.name] = ole.openstream([*path, kid.name]).read()
    return storage


def _clsid_bytes(text: str) -> bytes:
    if not text:
        return bytes(16)
    import uuid

    return uuid.UUID(text).bytes_le


# ---------------------------------------------------------------------------------------------
# Writing


@dataclass
class _Entry:
    name: str
    kind: int
    node: bytes | Storage
    left: int = _NONE
    right: int = _NONE
    child: int = _NONE
    color: int = _BLACK
    start: int = _END
    size: int = 0


def write(root: Storage) -> bytes:
    """The tree as a version 3 compound file."""
    entries = [_Entry(root.name, _ROOT, root)]
    _add_children(root, 0, entries)
    mini = bytearray()
    mini_fat: list[int] = []
    big: list[_Entry] = []
    for entry in entries[1:]:
        if entry.kind != _STREAM:
            entry.start, entry.size = 0, 0
            continue
        data = entry.node
        entry.size = len(data)
        if not data:
            entry.start = _END
        elif len(data) < _MINI_CUTOFF:
            entry.start = len(mini_fat)
            count = -(-len(data) // _MINI_SECTOR)
            mini_fat += [len(mini_fat) + i + 1 for i in range(count - 1)] + [_END]
            mini += data + bytes(count * _MINI_SECTOR - len(data))
        else:
            big.append(entry)

    sectors: list[bytes] = []  # every sector after the header, in order
    fat: list[int] = []

    def place(data: bytes, marker: int | None = None) -> int:
        """Append ``data`` as a chain of sectors; return its first sector."""
        start = len(sectors)
        count = max(1, -(-len(data) // _SECTOR))
        for index in range(count):
            chunk = data[index * _SECTOR : (index + 1) * _SECTOR]
            sectors.append(chunk + bytes(_SECTOR - len(chunk)))
            fat.append(marker if marker is not None else (start + index + 1 if index < count - 1 else _END))
        return start

    for entry in big:
        entry.start = place(entry.node)
    root_entry = entries[0]
    root_entry.start, root_entry.size = (place(bytes(mini)), len(mini)) if mini else (_END, 0)
    mini_fat_start = place(b"".join(struct.pack("<I", n) for n in mini_fat)) if mini_fat else _END
    mini_fat_count = -(-len(mini_fat) * 4 // _SECTOR) if mini_fat else 0
    directory = b"".join(_entry_bytes(entry) for entry in entries)
    directory += _unused_entry() * (-len(entries) % 4)
    directory_start = place(directory)

    # the FAT covers every sector including its own
    fat_count = 0
    while fat_count * (_SECTOR // 4) < len(sectors) + fat_count:
        fat_count += 1
    if fat_count > _HEADER_DIFAT:
        raise ValueError("the VBA project is too large for a compound file without DIFAT sectors")
    fat_start = len(sectors)
    fat += [_FAT_SECTOR] * fat_count
    fat += [_FREE] * (fat_count * (_SECTOR // 4) - len(fat))
    table = b"".join(struct.pack("<I", n) for n in fat)
    sectors += [table[i * _SECTOR : (i + 1) * _SECTOR] for i in range(fat_count)]

    difat = [fat_start + i for i in range(fat_count)] + [_FREE] * (_HEADER_DIFAT - fat_count)
    header = (
        _SIGNATURE
        + bytes(16)
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIII", 0, fat_count, directory_start, 0)
        + struct.pack("<IIIII", _MINI_CUTOFF, mini_fat_start, mini_fat_count, _END, 0)
        + b"".join(struct.pack("<I", n) for n in difat)
    )
    return header + b"".join(sectors)


def _add_children(storage: Storage, index: int, entries: list[_Entry]) -> None:
    """Give the storage at ``index`` its children, as a balanced red-black tree of entries."""
    kids = sorted(storage.children.items(), key=lambda item: _order(item[0]))
    first = len(entries)
    for name, node in kids:
        entries.append(_Entry(name, _STORAGE if isinstance(node, Storage) else _STREAM, node))
    ids = list(range(first, len(entries)))
    entries[index].child = _tree(ids, entries, 0, _full_depth(len(ids)))
    for entry_id in ids:
        if isinstance(entries[entry_id].node, Storage):
            _add_children(entries[entry_id].node, entry_id, entries)


def _order(name: str) -> tuple[int, str]:
    """[MS-CFB] 2.6.4: shorter names first, then by upper-cased code points."""
    return len(name), name.upper()


def _full_depth(count: int) -> int:
    """How many levels a balanced tree of ``count`` nodes fills completely."""
    return (count + 1).bit_length() - 1


def _tree(ids: list[int], entries: list[_Entry], depth: int, full: int) -> int:
    """The median as root, halves as subtrees; the nodes of the partly filled last level are red, so
    every path has the same number of black nodes."""
    if not ids:
        return _NONE
    middle = len(ids) // 2
    entry = entries[ids[middle]]
    entry.color = _RED if depth >= full else _BLACK
    entry.left = _tree(ids[:middle], entries, depth + 1, full)
    entry.right = _tree(ids[middle + 1 :], entries, depth + 1, full)
    return ids[middle]


def _entry_bytes(entry: _Entry) -> bytes:
    name = entry.name.encode("utf-16-le") + b"\0\0"
    if len(name) > 64:
        raise ValueError(f"compound file entry name too long: {entry.name!r}")
    node = entry.node
    clsid = state = created = modified = None
    if isinstance(node, Storage):
        clsid, state, created, modified = node.clsid, node.state_bits, node.created, node.modified
    return (
        name.ljust(64, b"\0")
        + struct.pack("<HBBIII", len(name), entry.kind, entry.color, entry.left, entry.right, entry.child)
        + (clsid or bytes(16))
        + struct.pack("<I", state or 0)
        + (created or bytes(8))
        + (modified or bytes(8))
        + struct.pack("<IQ", entry.start, entry.size)
    )


def _unused_entry() -> bytes:
    return (
        bytes(64) + struct.pack("<HBBIII", 0, 0, 0, _NONE, _NONE, _NONE) + bytes(16 + 4 + 16) + struct.pack("<IQ", 0, 0)
    )
