"""Which pack to use: one named by path, archive or id, or the one whose template fits a workbook."""

from __future__ import annotations

from pathlib import Path

from xlplugin.core.errors import PackError, XlpluginError
from xlplugin.packs.archive import unpack_for_use
from xlplugin.packs.load import load_pack
from xlplugin.packs.places import find_by_id, newest
from xlplugin.workbook.book import Book
from xlplugin.workbook.locate import locate_book

__all__ = ["DEFAULT_PACK", "find_pack", "recognise"]

#: the pack used when none is named and none is recognised (the bundled Chongqing pack)
DEFAULT_PACK = "cq-2021"


def find_pack(spec: str | Path | None) -> Path:
    """A pack folder from a path (folder, pack.yaml or .zip) or an id (``cq-2021`` for its newest
    version, ``cq-2021@1.1.0``) among the installed and bundled packs. ``None`` is ``cq-2021``."""
    if spec is None:
        spec = DEFAULT_PACK
    path = Path(spec)
    if path.exists():
        if path.suffix.lower() == ".zip":
            return unpack_for_use(path)
        return path.parent if path.is_file() else path
    return find_by_id(str(spec))


def recognise(book: Book) -> Path:
    """The pack whose template fits the workbook best (most tables found; the newest version of each
    installed or bundled pack is tried; ties keep the bundled Chongqing pack)."""
    packs = newest()
    best, best_score = find_pack(None) if DEFAULT_PACK in packs else None, -1
    for _, (_, folder) in sorted(packs.items(), key=lambda item: item[0] != DEFAULT_PACK):
        try:
            layout = load_pack(folder).layout
            score = len(locate_book(book, layout).tables)
        except XlpluginError:  # a broken pack, or a workbook of another template
            continue
        if score > best_score:
            best, best_score = folder, score
    if best is None or best_score <= 0:
        raise PackError("no-pack-fits", "没有哪个已安装或随附的规则包的表样与这个工作簿相符；请用 --pack 指定规则包。")
    return best
