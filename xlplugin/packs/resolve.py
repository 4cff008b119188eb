"""Which pack to use: one named by path, archive or id, or the one whose template fits a workbook.

An archive given directly is admitted exactly as installing it would be (trusted signature, or
``allow_unsigned``); an installed pack takes the place of a bundled pack of the same id only when
it was installed with ``--replace-bundled``. Either is reported: :class:`Resolved` carries what the
report must say about the pack's origin."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xlplugin.core.errors import PackError, WorkbookError, XlpluginError
from xlplugin.core.findings import Fit
from xlplugin.engine.fit import measure_fit, no_fit
from xlplugin.packs.archive import unpack_for_use
from xlplugin.packs.load import load_pack
from xlplugin.packs.places import candidates, installed_root, version_key
from xlplugin.packs.store import bundled_versions, replaces_bundled
from xlplugin.workbook.book import Book
from xlplugin.workbook.locate import locate_book

__all__ = [
    "DEFAULT_PACK",
    "Resolved",
    "closest_packs",
    "find_pack",
    "is_installed",
    "narrative_pack",
    "pack_fits",
    "recognise",
    "recognise_fit",
    "recognise_pack",
    "resolve_pack",
]

#: the pack used when none is named and none is recognised (the bundled Chongqing pack)
DEFAULT_PACK = "cq-2021"


@dataclass(frozen=True)
class Resolved:
    """The folder of the pack to use, and what the report must say about where it came from (an
    archive admitted without a trusted signature, an installed pack used instead of a bundled one)."""

    path: Path
    notices: tuple[str, ...] = ()


def find_pack(spec: str | Path | None, allow_unsigned: bool = False) -> Path:
    """A pack folder from a path (folder, pack.yaml or .zip) or an id (``cq-2021`` for its newest
    version, ``cq-2021@1.2.0``) among the installed and bundled packs. ``None`` is ``cq-2021``."""
    return resolve_pack(spec, allow_unsigned).path


def resolve_pack(spec: str | Path | None, allow_unsigned: bool = False) -> Resolved:
    """:func:`find_pack`, with what the report must say about the pack's origin."""
    if spec is None:
        spec = DEFAULT_PACK
    path = Path(spec)
    if path.exists():
        if path.suffix.lower() == ".zip":
            folder, notice = unpack_for_use(path, allow_unsigned)
            return Resolved(folder, (notice,) if notice else ())
        return Resolved(path.parent if path.is_file() else path)
    return _by_id(str(spec))


def _by_id(spec: str) -> Resolved:
    """An installed or bundled pack by id. Without a version, an installed copy of a bundled pack's
    id is used only if it was installed with ``--replace-bundled``; using it is reported."""
    wanted, _, version = spec.partition("@")
    bundled = bundled_versions()
    matching = [(v, folder) for _, v, folder in candidates(wanted) if not version or v == version]
    if wanted in bundled and not version:
        matching = [(v, f) for v, f in matching if not is_installed(f) or replaces_bundled(f)]
    if not matching:
        raise PackError("pack-not-found", f"找不到规则包“{spec}”：既不是存在的路径，也不是已安装或随附规则包的 id。")
    chosen, folder = max(matching, key=lambda item: version_key(item[0]))
    return Resolved(folder, _shadow_notice(wanted, chosen, folder, bundled))


def is_installed(folder: Path) -> bool:
    """Whether ``folder`` is an installed pack (under ``$XLPLUGIN_HOME/packs``), not a bundled one."""
    return Path(folder).resolve().is_relative_to(installed_root().resolve())


def _shadow_notice(pack_id: str, version: str, folder: Path, bundled: dict[str, str]) -> tuple[str, ...]:
    if pack_id not in bundled or not is_installed(folder):
        return ()
    return (
        f"使用的是已安装的规则包 {pack_id} {version}（{folder}），而不是随附的 {pack_id} {bundled[pack_id]}；"
        f"要用随附的，请先 xlplugin pack remove {pack_id}@{version}。",
    )


def recognise(book: Book) -> Path:
    """The pack whose layout fits the workbook best (see :func:`recognise_pack`)."""
    return recognise_pack(book).path


def recognise_pack(book: Book) -> Resolved:
    """The installed or bundled pack whose layout fits ``book`` best (see :func:`recognise_fit`)."""
    return recognise_fit(book)[1]


def recognise_fit(book: Book) -> tuple[Fit, Resolved]:
    """The installed or bundled pack whose layout fits ``book`` best, by
    :attr:`~xlplugin.core.findings.Fit.score` (share of tables found × share of their rows placed;
    the newest version of each pack is tried; ties keep the bundled Chongqing pack). Refuses to guess
    (``no-pack-fits``, naming the closest packs and their fit) when even the best fit is poor."""
    ranked = pack_fits(book)
    if ranked and ranked[0][0].fits:
        return ranked[0]
    if not ranked or not ranked[0][0].found:
        raise PackError(
            "no-pack-fits",
            "没有相符的规则包：没有哪个已安装或随附的规则包的表样与这个工作簿相符（一张表也找不到）；"
            "请确认提交的是部门决算公开表，或用 --pack 指定规则包。",
        )
    shown = "；".join(f"{fit.pack_id}（{fit.describe()}）" for fit, _ in ranked[:3] if fit.found)
    raise PackError("no-pack-fits", f"没有相符的规则包：最接近的是 {shown}；请用 --pack 指定规则包。")


def pack_fits(book: Book) -> list[tuple[Fit, Resolved]]:
    """The fit of the newest version of every installed and bundled pack on ``book``, best first.
    Among equals the pack that finds more of the workbook's tables comes first (a pack of three
    tables fits its three as fully as the full pack fits nine), then an installed pack before a
    bundled one (the order's step 4 before step 5: a bureau's pack derived from the bundled one fits
    exactly as well, and is the one meant), then the bundled default; broken packs are left out."""
    ids = sorted({pack_id for pack_id, _, _ in candidates()}, key=lambda i: (i != DEFAULT_PACK, i))
    ranked: list[tuple[Fit, Resolved]] = []
    for pack_id in ids:
        try:
            resolved = _by_id(pack_id)
            pack = load_pack(resolved.path)
        except XlpluginError:  # a broken pack
            continue
        try:
            fit = measure_fit(locate_book(book, pack.layout), pack.id, pack.name)
        except WorkbookError:  # not one table of this layout in the workbook
            fit = no_fit(pack.layout, pack.id, pack.name)
        except XlpluginError:
            continue
        ranked.append((fit, resolved))
    ranked.sort(key=lambda item: (-item[0].score, -len(item[0].found), not is_installed(item[1].path)))
    return ranked


#: how many opening paragraphs of a 情况说明 may name its region (title, unit name, first sentences):
#: a region mentioned later (对口支援重庆…) says nothing about whose narrative it is
NARRATIVE_OPENING = 5
_REGION_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


def narrative_pack(opening: str) -> tuple[Resolved, str] | None:
    """The installed or bundled pack whose region the opening of a 情况说明 names (``重庆市万盛经开区…``
    names 重庆市, the Chongqing pack's region), with the region as written in the pack; ``None`` when
    no pack's region is named, or when several regions are (no guessing). Among packs of one region
    the newest year wins, an installed pack before a bundled one."""
    named: list[tuple[int, bool, Resolved, str]] = []
    for pack_id in sorted({pack_id for pack_id, _, _ in candidates()}):
        try:
            resolved = _by_id(pack_id)
            region, year = _region_and_year(resolved.path)
        except XlpluginError:  # a broken pack
            continue
        if region == "全国":  # a national pack is for every region: "全国" in a text names none
            continue
        stem = _stem(region)
        if len(stem) >= 2 and stem in opening:
            named.append((year, is_installed(resolved.path), resolved, region))
    # 重庆市 and 重庆市万盛经开区 both named: the more specific region is the narrative's
    regions = {region for *_, region in named}
    specific = {r for r in regions if not any(r != other and _stem(r) in _stem(other) for other in regions)}
    named = [item for item in named if item[3] in specific]
    if not named or len(specific) > 1:
        return None
    _, _, resolved, region = max(named, key=lambda item: (item[0], item[1]))
    return resolved, region


def _stem(region: str) -> str:
    """A region's name without its 省/市/自治区 (``重庆市`` → ``重庆``), as a text may write it."""
    return next((region[: -len(s)] for s in _REGION_SUFFIXES if region.endswith(s) and len(region) > len(s)), region)


#: (pack folder, its manifest's modification time) → (region, year): a batch of narratives, each choosing
#: its pack, loads each pack once per process, not once per narrative
_REGIONS: dict[tuple[str, int], tuple[str, int]] = {}


def _region_and_year(folder: Path) -> tuple[str, int]:
    manifest = Path(folder) / "pack.yaml"
    key = (str(folder), manifest.stat().st_mtime_ns if manifest.is_file() else 0)
    if key not in _REGIONS:
        pack = load_pack(folder)
        _REGIONS[key] = (pack.region.strip(), pack.year)
    return _REGIONS[key]


def closest_packs(book: Book, than: Fit) -> list[Fit]:
    """The other installed or bundled packs that fit ``book`` better than ``than`` does, best first."""
    return [fit for fit, _ in pack_fits(book) if fit.pack_id != than.pack_id and fit.score > than.score]
